package migrate_test

import (
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/yapstore/yapstore/storetest"
)

func TestMain(m *testing.M) {
	if childMain() {
		return
	}
	storetest.Main(m)
}

// newDatabase creates an empty database for one test and drops it when the test ends. It returns its URL.
func newDatabase(t testing.TB) string {
	t.Helper()
	db := storetest.NewEmpty(t)
	db.Pool.Close() // nobody connected, so that the database can be a template (migrate rehearse)
	return db.URL
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
