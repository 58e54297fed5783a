package migrate_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/yapstore/yapstore/pgserver"
)

// serverURL is the URL of the PostgreSQL server the tests run against; TestMain sets it once.
var serverURL string

func TestMain(m *testing.M) {
	if childMain() {
		return
	}
	ctx := context.Background()
	srv, err := pgserver.Start(ctx, pgserver.EnvOptions("TEST_DATABASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "migrate tests need a PostgreSQL server:", err)
		os.Exit(1)
	}
	serverURL = srv.URL()
	code := m.Run()
	if err := srv.Stop(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "stop test server:", err)
	}
	os.Exit(code)
}

// newDatabase creates an empty database for one test and drops it when the test ends. It returns its URL.
func newDatabase(t testing.TB) string {
	t.Helper()
	ctx := t.Context()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "migrate_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := sql.Open("pgx", serverURL)
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	u, err := pgserver.WithDatabase(serverURL, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// openDB opens a database/sql handle for checks, closed when the test ends.
func openDB(t testing.TB, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
