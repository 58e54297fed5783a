package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/yapstore/yapstore/migrations"
)

// Migrator applies, inspects and rolls back the migrations of one directory on one PostgreSQL database.
// It is safe for concurrent use; every operation that changes the schema runs under the migration lock.
type Migrator struct {
	db              *sql.DB
	ownsDB          bool
	url             string
	dir             *directory
	lockTimeout     time.Duration
	stmtLockTimeout time.Duration
	lockRetries     int
	revisionSchema  string
	scratchURL      string
	operatorVersion string
}

// Open connects to the PostgreSQL database at databaseURL (a postgres:// URL or a key=value connection
// string, as pgx accepts) and loads the migration directory: the embedded yapstore migrations unless
// WithDirectory says otherwise. It returns a *ChecksumError (ErrChecksumMismatch) when the directory does
// not match its atlas.sum, and an error when the database cannot be reached. Close releases the connection.
func Open(ctx context.Context, databaseURL string, opts ...Option) (*Migrator, error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("migrate: open database: %w", err)
	}
	m, err := newMigrator(db, opts)
	if err == nil {
		err = db.PingContext(ctx)
		if err != nil {
			err = fmt.Errorf("migrate: connect to database: %w", err)
		}
	}
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	m.ownsDB = true
	m.url = databaseURL
	return m, nil
}

// New returns a Migrator over db, a PostgreSQL database/sql handle the caller keeps owning (Close does not
// close it). Down and Adopt need WithScratchURL when the Migrator comes from New, since they cannot derive a
// scratch database from a handle. It returns the same directory errors as Open.
func New(db *sql.DB, opts ...Option) (*Migrator, error) {
	if db == nil {
		return nil, errors.New("migrate: nil database handle")
	}
	return newMigrator(db, opts)
}

func newMigrator(db *sql.DB, opts []Option) (*Migrator, error) {
	cfg := config{lockTimeout: DefaultLockTimeout, revisionSchema: DefaultRevisionSchema,
		stmtLockTimeout: DefaultStatementLockTimeout, lockRetries: DefaultLockRetries}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.fsys == nil {
		cfg.fsys = migrations.FS()
	}
	if cfg.revisionSchema == "" {
		return nil, errors.New("migrate: empty revision schema name")
	}
	dir, err := loadDirectory(cfg.fsys)
	if err != nil {
		return nil, err
	}
	return &Migrator{
		db:              db,
		dir:             dir,
		lockTimeout:     cfg.lockTimeout,
		stmtLockTimeout: cfg.stmtLockTimeout,
		lockRetries:     cfg.lockRetries,
		revisionSchema:  cfg.revisionSchema,
		scratchURL:      cfg.scratchURL,
		operatorVersion: operatorVersion(),
	}, nil
}

// Close closes the database connection when Open made it. It returns the error of closing it, if any.
func (m *Migrator) Close() error {
	if !m.ownsDB {
		return nil
	}
	return m.db.Close()
}

// Files returns the migration files of the directory in the order they apply.
func (m *Migrator) Files() []File { return m.dir.infos() }

// operatorVersion is what the history table's operator_version column records for files this package runs,
// beside the Atlas CLI's "Atlas CLI vX.Y.Z".
func operatorVersion() string {
	v := "yapstore migrate"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "ariga.io/atlas" {
				return v + " (Atlas " + dep.Version + ")"
			}
		}
	}
	return v
}

// lockedConn takes a dedicated connection and the migration lock on it, and returns both with the time spent
// waiting. The caller must call unlock, which releases the lock and returns the connection.
func (m *Migrator) lockedConn(ctx context.Context) (conn *sql.Conn, waited time.Duration, unlock func() error, err error) {
	conn, err = m.db.Conn(ctx)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("migrate: get a connection: %w", err)
	}
	if err := refusePooler(ctx, conn); err != nil {
		return nil, 0, nil, errors.Join(err, conn.Close())
	}
	lock, waited, err := acquireLock(ctx, conn, m.lockTimeout)
	if err != nil {
		return nil, waited, nil, errors.Join(err, conn.Close())
	}
	unlock = func() error {
		return errors.Join(lock.release(ctx), conn.Close())
	}
	return conn, waited, unlock, nil
}

// Apply brings the database at databaseURL to the last embedded migration and returns what was applied: Open,
// Up and Close in one call, for a service that migrates at start before it opens its store:
//
//	if _, err := migrate.Apply(ctx, url); err != nil { ... }
//	s, err := store.Open(ctx, url)
//
// It takes the same lock as the Atlas CLI, so instances starting together migrate once. It returns Open's and
// Up's errors.
func Apply(ctx context.Context, databaseURL string, opts ...Option) (*UpResult, error) {
	m, err := Open(ctx, databaseURL, opts...)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return m.Up(ctx)
}
