package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/yapstore/yapstore/internal/serverdb"
	"github.com/yapstore/yapstore/pgserver"
)

// Database is an empty scratch database for one run of an example.
type Database struct {
	// URL connects to the scratch database.
	URL string
	// Server says where the database lives, for the example's output.
	Server string
	// Throwaway is true when OpenDatabase started the server, which Close then stops.
	Throwaway bool

	server *pgserver.Server
	name   string
}

// OpenDatabase creates a scratch database named after prefix (yapstore_<prefix>_<random>) on the PostgreSQL
// server that DATABASE_URL names or, when it is not set, on one that package pgserver finds or starts (a
// container when Docker can run one, else a throwaway cluster of the locally installed server binaries).
// Progress goes to logf. The caller must Close the Database to drop it and stop a server started for it. It
// fails when no server can be found or started, or when the role cannot create databases.
func OpenDatabase(ctx context.Context, prefix string, logf func(format string, args ...any)) (*Database, error) {
	// The examples print their own progress; testcontainers' banner about the Docker engine would only be
	// noise. This is a program-wide setting, which a main package may choose and a library must not.
	tclog.SetDefault(tclog.NewNoopLogger())
	opts := pgserver.EnvOptions("DATABASE_URL")
	opts.URLVar = "DATABASE_URL"
	if opts.URL == "" {
		logf("DATABASE_URL is not set: finding or starting a throwaway PostgreSQL server…")
	}
	server, err := pgserver.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	db := &Database{Server: server.String(), Throwaway: server.Kind() != pgserver.KindURL, server: server}
	db.name = serverdb.NewName("yapstore_"+prefix, time.Now())
	if err := db.admin(ctx, func(s *serverdb.Server) error { return s.Create(ctx, db.name, "") }); err != nil {
		stopErr := server.Stop(context.WithoutCancel(ctx))
		return nil, errors.Join(fmt.Errorf("create scratch database: %w", err), stopErr)
	}
	if db.URL, err = server.DatabaseURL(db.name); err != nil {
		return nil, errors.Join(err, db.Close(context.WithoutCancel(ctx)))
	}
	return db, nil
}

// Close drops the scratch database and stops the server if OpenDatabase started it. Connections to the
// database must be closed first (it is dropped WITH (FORCE) anyway). It returns what went wrong, if anything.
func (db *Database) Close(ctx context.Context) error {
	dropErr := db.admin(ctx, func(s *serverdb.Server) error { return s.Drop(ctx, db.name) })
	return errors.Join(dropErr, db.server.Stop(ctx))
}

// admin runs do on the server's maintenance database.
func (db *Database) admin(ctx context.Context, do func(*serverdb.Server) error) error {
	conn, err := pgx.Connect(ctx, db.server.URL())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	s, err := serverdb.Open(ctx, conn)
	if err != nil {
		return err
	}
	return do(s)
}
