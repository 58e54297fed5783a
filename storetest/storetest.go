package storetest

import (
	"context"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/pgserver"
)

// DB is one test's own database, migrated to the latest version of the embedded migrations.
type DB struct {
	// Name is the database's name on the server (storetest_db_<unix time>_<random>).
	Name string
	// URL connects to the database with the server's credentials (a superuser, unless TEST_DATABASE_URL
	// names another role).
	URL string
	// Pool is a connection pool on the database; it is closed when the test ends.
	Pool *pgxpool.Pool

	// TODO(lead): add `Store *store.Store`, a Store over Pool built in New with store.New(db.Pool), once
	// storetest may import package store (the hook is marked in New).
}

// New gives the test a database of its own: a clone of the template built from the embedded migrations,
// on the server this process found or started (see the package documentation). When the test ends the pool
// is closed and the database dropped, unless the test failed: then the database is kept for inspection and
// its URL logged; a later run sweeps it once it is eight hours old.
//
// New may be called from parallel tests. It must be called from the test's goroutine, because it fails
// tb (with a message that says how to get a server, when there is none) rather than return an error.
func New(tb testing.TB) *DB {
	tb.Helper()
	h, err := process.get(tb)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), perTestTimeout)
	defer cancel()

	name, err := h.createTestDatabase(ctx)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	db := &DB{Name: name}
	tb.Cleanup(func() { h.finish(tb, db) })
	if db.URL, err = h.server.DatabaseURL(name); err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	if db.Pool, err = pgxpool.New(ctx, db.URL); err != nil {
		tb.Fatalf("storetest: connect to %s: %v", name, err)
	}
	if err := db.Pool.Ping(ctx); err != nil {
		tb.Fatalf("storetest: connect to %s: %v", name, err)
	}
	// TODO(lead): db.Store = store.New(db.Pool) once storetest imports package store.
	return db
}

// finish runs when the test ends: it closes the pool and drops the database, or keeps it when the test
// failed.
func (h *harness) finish(tb testing.TB, db *DB) {
	if db.Pool != nil {
		db.Pool.Close()
	}
	if tb.Failed() {
		note := ""
		if h.server.Kind() != pgserver.KindURL {
			note = " (the server goes away when the test binary exits; set " + URLEnv + " to keep it)"
		}
		tb.Logf("storetest: kept the database of failed test %s: %s%s", tb.Name(), redact(db, h.server.Kind()), note)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), perTestTimeout)
	defer cancel()
	if err := h.dropDatabase(ctx, db.Name); err != nil {
		tb.Logf("storetest: drop %s: %v (a later run sweeps it)", db.Name, err)
	}
}

// redact returns where the kept database is, hiding the password of a server the user supplied; servers
// storetest starts are throwaway, so their URLs are shown whole, ready to paste into psql.
func redact(db *DB, kind pgserver.Kind) string {
	if kind != pgserver.KindURL {
		return db.URL
	}
	if u, err := url.Parse(db.URL); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "database " + db.Name + " on the server " + URLEnv + " names"
}
