package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/pgserver"
	"github.com/yapstore/yapstore/store"
)

// DB is one test's own database.
type DB struct {
	// Name is the database's name on the server (storetest_db_<unix time>_<random>).
	Name string
	// URL connects to the database with the server's credentials (a superuser, unless TEST_DATABASE_URL
	// names another role).
	URL string
	// DirectURL connects to the database on the server itself. It equals URL unless PoolerEnv puts a pooler
	// between the tests and the server: then it is for what a transaction pooler does not carry, such as
	// migrations (whose lock is a session's), startup parameters and sessions a test terminates.
	DirectURL string
	// Pool is a connection pool on the database; it is closed when the test ends.
	Pool *pgxpool.Pool
	// Store is a store.Store over Pool, ready to use. It is nil for a database from NewEmpty, which has no
	// tables for it to work on.
	Store *store.Store

	h *harness
}

// New gives the test a database of its own, migrated to the latest version of the embedded migrations: a
// clone of the template built from them, on the server this process found or started (see the package
// documentation). When the test ends the pool is closed and the database dropped, unless the test failed:
// then the database is kept for inspection and its URL logged; a later run sweeps it once it is eight hours
// old.
//
// New may be called from parallel tests. It must be called from the test's goroutine, because it fails
// tb (with a message that says how to get a server, when there is none) rather than return an error.
func New(tb testing.TB) *DB {
	tb.Helper()
	return newForTest(tb, true)
}

// NewEmpty is New with an empty database: no tables and no migration history, for tests that apply
// migrations or schema files themselves (and as a dev database for Atlas). Its Store is nil.
func NewEmpty(tb testing.TB) *DB {
	tb.Helper()
	return newForTest(tb, false)
}

func newForTest(tb testing.TB, migrated bool) *DB {
	tb.Helper()
	h, err := process.get(tb.Logf)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), perTestTimeout)
	defer cancel()
	db, err := h.open(ctx, migrated)
	if db != nil {
		tb.Cleanup(func() { h.finish(tb, db) })
	}
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	return db
}

// Open is New for code that has no testing.TB, such as runnable Examples: it returns a fresh migrated
// database and never fails a test. The caller must Close it. It returns an error that says how to get a
// server when there is none, or when the database cannot be created.
func Open(ctx context.Context) (*DB, error) {
	return openOutsideTest(ctx, true)
}

// OpenEmpty is Open with an empty database, as NewEmpty is New with one: no tables and no migration
// history, and a nil Store. The caller must Close it. It fails as Open does.
func OpenEmpty(ctx context.Context) (*DB, error) {
	return openOutsideTest(ctx, false)
}

func openOutsideTest(ctx context.Context, migrated bool) (*DB, error) {
	h, err := process.get(func(string, ...any) {})
	if err != nil {
		return nil, fmt.Errorf("storetest: %w", err)
	}
	db, err := h.open(ctx, migrated)
	if err != nil {
		if db != nil {
			_ = db.Close()
		}
		return nil, fmt.Errorf("storetest: %w", err)
	}
	return db, nil
}

// Close closes the pool and drops a database that Open created. Databases from New and NewEmpty are
// closed by their test's cleanup; calling Close on them as well is harmless. It returns the error of the
// DROP DATABASE, if any (a later run sweeps the database then).
func (db *DB) Close() error {
	if db.Pool != nil {
		db.Pool.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), perTestTimeout)
	defer cancel()
	return db.h.databases.Drop(ctx, db.Name)
}

// open creates a database, a clone of the template when migrated is true and an empty one otherwise, and
// connects to it. When the database was created but connecting failed it returns both the DB (for cleanup)
// and the error.
func (h *harness) open(ctx context.Context, migrated bool) (*DB, error) {
	var (
		name string
		err  error
	)
	if migrated {
		name, err = h.createTestDatabase(ctx)
	} else {
		name, err = h.createEmptyDatabase(ctx)
	}
	if err != nil {
		return nil, err
	}
	db := &DB{Name: name, h: h}
	if db.DirectURL, err = h.server.DatabaseURL(name); err != nil {
		return db, err
	}
	if db.URL, err = h.databaseURL(name); err != nil {
		return db, err
	}
	if db.Pool, err = pgxpool.New(ctx, db.URL); err != nil {
		return db, fmt.Errorf("connect to %s: %w", name, err)
	}
	if err := db.Pool.Ping(ctx); err != nil {
		return db, fmt.Errorf("connect to %s: %w", name, err)
	}
	if migrated {
		if db.Store, err = store.New(ctx, db.Pool); err != nil {
			return db, err
		}
	}
	return db, nil
}

// databaseURL returns the URL a test connects to database name with: on the server, or through the pooler
// with pgx describing its statements instead of preparing them (what store.Open picks behind a pooler), so
// that the test's own Pool works there too.
func (h *harness) databaseURL(name string) (string, error) {
	if h.bouncer == nil {
		return h.server.DatabaseURL(name)
	}
	return h.bouncer.DescribingURL(name), nil
}

func (h *harness) finish(tb testing.TB, db *DB) {
	if db.Pool != nil {
		db.Pool.Close()
	}
	if tb.Failed() {
		note := ""
		if h.server.Kind() != pgserver.KindURL {
			note = " (the server goes away when the test binary exits; set " + URLEnv + " to keep it)"
		}
		tb.Logf("storetest: kept the database of failed test %s: %s%s", tb.Name(), dburl.Redact(db.URL), note)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), perTestTimeout)
	defer cancel()
	if err := h.databases.Drop(ctx, db.Name); err != nil {
		tb.Logf("storetest: drop %s: %v (a later run sweeps it)", db.Name, err)
	}
}
