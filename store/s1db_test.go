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
	URL     string
	Pool    *pgxpool.Pool // a separate pool, for checks the Store's API does not offer
	Store   *store.Store
	Counter *statementCounter
}

// newHarness gives the test a fresh migrated database and a Store over it.
func newHarness(t testing.TB, opts ...store.Option) *harness {
	t.Helper()
	db := storetest.New(t)
	counter := &statementCounter{}
	s, err := store.Open(context.Background(), db.URL, append([]store.Option{store.WithTracer(counter)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return &harness{URL: db.URL, Pool: db.Pool, Store: s, Counter: counter}
}

// count returns the number of rows of table (a quoted identifier) in the test database.
func (e *harness) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	require.NoError(t, e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM "`+table+`"`).Scan(&n))
	return n
}

// openExampleStore gives an Example a Store on a fresh storetest database and a function that drops it.
//
// Examples get no testing.TB, and storetest.New needs one: testing.Benchmark supplies a real *testing.B
// outside the test runner. The benchmark function creates the database, hands the Store over, and waits
// until done is called; its cleanups (closing the pool, dropping the database) run when it returns.
// testing.Benchmark calls the function again with larger b.N; those calls return at once.
func openExampleStore() (s *store.Store, done func()) {
	ready := make(chan *store.Store)
	release := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		started := false
		testing.Benchmark(func(b *testing.B) {
			if started {
				return
			}
			started = true
			db := storetest.New(b)
			ready <- store.New(db.Pool)
			<-release
		})
	}()
	select {
	case s := <-ready:
		return s, func() {
			close(release)
			<-finished
		}
	case <-finished:
		// storetest failed the *testing.B, whose log testing.Benchmark discards; the package's tests that use
		// storetest.New report the reason.
		panic("example: storetest could not provide a database; run the package's tests for the reason")
	}
}
