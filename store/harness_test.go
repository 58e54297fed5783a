package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// harness is a test database (from storetest) with a Store on it that counts its statements.
type harness struct {
	URL       string
	DirectURL string        // the database on the server itself, without storetest.PoolerEnv's pooler
	Pool      *pgxpool.Pool // a separate pool, for checks the Store's API does not offer
	Store     *store.Store
	Counter   *statementCounter
}

// newHarness gives the test a fresh migrated database and a Store over it.
func newHarness(t testing.TB, opts ...store.Option) *harness {
	t.Helper()
	db := storetest.New(t)
	counter := &statementCounter{}
	s, err := store.Open(context.Background(), db.URL, append([]store.Option{store.WithTracer(counter)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return &harness{URL: db.URL, DirectURL: db.DirectURL, Pool: db.Pool, Store: s, Counter: counter}
}

// count returns the number of rows of table (a quoted identifier) in the test database.
func (e *harness) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	require.NoError(t, e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM "`+table+`"`).Scan(&n))
	return n
}

// openExampleStore gives an Example a Store on a fresh storetest database and a function that drops it.
// Examples get no testing.TB; storetest.Open serves them. When no server can be had it panics with
// storetest's message, which says how to get one, and the example fails.
func openExampleStore() (s *store.Store, done func()) {
	db, err := storetest.Open(context.Background())
	if err != nil {
		panic(err)
	}
	return db.Store, func() { _ = db.Close() }
}
