// Package serverdb creates, clones and drops databases on a PostgreSQL server. Every throwaway database
// yapstore makes goes through it: the test harness's templates and clones ([storetest]), migrate's scratch
// databases and rehearsal copies, the bench's runs and the examples' databases.
//
// It chooses what each server does best: CREATE DATABASE … STRATEGY FILE_COPY where the server runs without
// fsync (a file copy and two checkpoints that cost nothing then, four to five times faster than the WAL_LOG
// default of PostgreSQL 15), WAL_LOG otherwise, and no STRATEGY before PostgreSQL 15; DROP DATABASE … WITH
// (FORCE) from PostgreSQL 13, and before that the other sessions terminated first.
//
// [storetest]: https://pkg.go.dev/github.com/yapstore/yapstore/storetest
package serverdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Execer runs statements on a connection to a database of the server, normally its maintenance database
// ("postgres"): a *pgx.Conn or *pgxpool.Pool as they are, a *sql.DB through [SQL].
type Execer interface {
	Exec(ctx context.Context, sql string, arguments ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Server creates and drops databases through one connection (or pool) to the server. Its methods may be
// called concurrently when the Execer may be.
type Server struct {
	admin    Execer
	version  int    // server_version_num, e.g. 150018
	strategy string // " STRATEGY FILE_COPY", " STRATEGY WAL_LOG" or "" (before PostgreSQL 15)
}

// Open reads the server's version and fsync setting through admin and returns a Server that creates and
// drops databases through it. It returns the query's error when admin cannot reach the server.
func Open(ctx context.Context, admin Execer) (*Server, error) {
	var version int
	var fsync string
	err := admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int, current_setting('fsync')").
		Scan(&version, &fsync)
	if err != nil {
		return nil, fmt.Errorf("read the server's version: %w", err)
	}
	s := &Server{admin: admin, version: version}
	switch {
	case version < 150000:
	case fsync == "off":
		s.strategy = " STRATEGY FILE_COPY"
	default:
		s.strategy = " STRATEGY WAL_LOG"
	}
	return s, nil
}

// Version returns the server's version number (server_version_num, e.g. 150018 for 15.18).
func (s *Server) Version() int { return s.version }

// Create creates an empty database called name, a copy of template0 (so that what the server's template1
// holds does not leak in), in encoding, or in the server's default encoding when encoding is "". It
// returns the server's error, e.g. 42P04 when the name is taken or 42501 when the role lacks CREATEDB.
func (s *Server) Create(ctx context.Context, name, encoding string) error {
	sql := "CREATE DATABASE " + QuoteIdent(name) + " TEMPLATE template0"
	if encoding != "" {
		sql += " ENCODING " + QuoteLiteral(encoding)
	}
	_, err := s.admin.Exec(ctx, sql+s.strategy)
	return err
}

// Clone creates name as a copy of the database template. Nobody may be connected to template meanwhile:
// the server refuses with 55006 (object_in_use) then, and with 3D000 when template does not exist.
func (s *Server) Clone(ctx context.Context, name, template string) error {
	_, err := s.admin.Exec(ctx, "CREATE DATABASE "+QuoteIdent(name)+" TEMPLATE "+QuoteIdent(template)+s.strategy)
	return err
}

// Drop drops the database name if it exists, disconnecting whoever is still connected to it. It returns
// the server's error.
func (s *Server) Drop(ctx context.Context, name string) error {
	if s.version < 130000 { // DROP DATABASE … WITH (FORCE) arrived in PostgreSQL 13
		if _, err := s.admin.Exec(ctx,
			"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
			name); err != nil {
			return err
		}
		_, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+QuoteIdent(name))
		return err
	}
	_, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+QuoteIdent(name)+" WITH (FORCE)")
	return err
}

// WithAdmin returns a Server like s that runs its statements through admin instead, for a drop after the
// connection s was opened with has gone.
func (s *Server) WithAdmin(admin Execer) *Server {
	c := *s
	c.admin = admin
	return &c
}

// DropLater is Drop for deferred cleanup: it runs even when ctx is already done, bounded by a timeout of
// its own.
func (s *Server) DropLater(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return s.Drop(ctx, name)
}

// Exists reports whether the server has a database called name.
func (s *Server) Exists(ctx context.Context, name string) (bool, error) {
	var exists bool
	err := s.admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	return exists, err
}

// NewName returns a fresh database name: prefix, the Unix time in seconds and 10 random hex digits, joined
// by underscores, so that leftovers sort by age and a sweep can tell how old they are.
func NewName(prefix string, now time.Time) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	return fmt.Sprintf("%s_%d_%s", prefix, now.Unix(), hex.EncodeToString(b))
}

// QuoteIdent returns name as a quoted SQL identifier.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteLiteral returns s as an SQL string literal (standard_conforming_strings on, the default since
// PostgreSQL 9.1).
func QuoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// SQLHandle is what [SQL] needs of a database/sql handle: *sql.DB and *sql.Conn have it.
type SQLHandle interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SQL returns an Execer over a database/sql handle of any driver, for code that holds one.
func SQL(db SQLHandle) Execer { return sqlExecer{db} }

type sqlExecer struct{ db SQLHandle }

func (e sqlExecer) Exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error) {
	_, err := e.db.ExecContext(ctx, query, args...)
	return pgconn.CommandTag{}, err
}

func (e sqlExecer) QueryRow(ctx context.Context, query string, args ...any) pgx.Row {
	return e.db.QueryRowContext(ctx, query, args...)
}
