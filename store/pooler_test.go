package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/pgserver"
	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// requirePgBouncerEnv, when set (.ci/run sets it), makes a missing pgbouncer binary fail the tests that need
// one instead of skipping them.
const requirePgBouncerEnv = "YAPSTORE_REQUIRE_PGBOUNCER"

// startPgBouncer starts a PgBouncer in transaction pooling mode, with one server connection per database,
// in front of the test server, and stops it when the test ends (before storetest drops the test's database).
// Without a pgbouncer binary the test is skipped, saying so, unless YAPSTORE_REQUIRE_PGBOUNCER is set.
func startPgBouncer(t *testing.T) *pgserver.PgBouncer {
	t.Helper()
	b, err := pgserver.StartPgBouncer(t.Context(), storetest.Server(t).URL(), pgserver.PgBouncerOptions{PoolSize: 1, Logf: t.Logf})
	if errors.Is(err, pgserver.ErrNoPgBouncer) && os.Getenv(requirePgBouncerEnv) == "" {
		t.Skipf("%v; .ci/run installs it and sets %s so that this test cannot be skipped there", err, requirePgBouncerEnv)
	}
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Stop(context.WithoutCancel(t.Context()))) })
	return b
}

// TestThroughPgBouncer runs the store through PgBouncer in transaction pooling mode, the way platforms deploy
// it, with a plain URL: Open finds the pooler and stops preparing statements, and every kind of call works
// from many goroutines sharing one server connection. Without that, two clients preparing the same statement
// collide on the shared backend, which the test first shows on this PgBouncer.
func TestThroughPgBouncer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	bouncer := startPgBouncer(t)
	url := bouncer.URL(db.Name)

	// What goes wrong with pgx's default, named prepared statements: the second client finds the first's.
	first, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer first.Close(ctx)
	second, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer second.Close(ctx)
	const probe = "SELECT count(*) FROM \"Cluster\" WHERE id > $1"
	var n int
	require.NoError(t, first.QueryRow(ctx, probe, 0).Scan(&n))
	err = second.QueryRow(ctx, probe, 0).Scan(&n)
	var pgErr *pgconn.PgError
	require.True(t, errors.As(err, &pgErr) && pgErr.Code == "42P05",
		"with one server connection, the second client's prepared statement collides with the first's: %v", err)

	// New with such a pool is refused, naming the setting.
	plain, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer plain.Close()
	_, err = store.New(ctx, plain)
	require.ErrorIs(t, err, store.ErrInvalid)
	assert.Contains(t, err.Error(), "cache_describe")

	// Open finds the pooler by itself and says so in its log.
	logger, logs := newLogBuffer()
	s, err := store.Open(ctx, url, store.WithLogger(logger), store.WithMaxConns(8))
	require.NoError(t, err)
	defer s.Close()
	assert.Contains(t, logs.String(), "connection pooler")

	owner, err := s.CreatePasswordUser(ctx, "pooled", "a password through the pooler")
	require.NoError(t, err)
	_, err = s.Authenticate(ctx, "pooled", "a password through the pooler")
	require.NoError(t, err)
	sims := make([]store.Simulation, 4)
	for i := range sims {
		sims[i] = submitDirect(t, s, &owner.ID, 3)
	}

	// Many goroutines, every kind of call, one server connection.
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sim := sims[g%len(sims)]
			for i := range 15 {
				running := store.StateRunning
				if _, _, err := s.UpdateTaskProgress(ctx, sim.ID, int32(i%3), store.TaskUpdate{State: &running,
					SimulatedPrimaries: ptr(int32(i))}); err != nil {
					errs <- fmt.Errorf("update: %w", err)
					return
				}
				b := s.NewPipeline()
				b.UpdateTaskProgress(sim.ID, int32((i+1)%3), store.TaskUpdate{SimulatedPrimaries: ptr(int32(i))})
				b.UpdateSimulation(sim.ID, store.SimulationUpdate{State: &running})
				if err := b.Send(ctx); err != nil {
					errs <- fmt.Errorf("batch: %w", err)
					return
				}
				if err := s.InTx(ctx, func(tx *store.Store) error {
					_, err := tx.ListTasks(ctx, sim.ID)
					return err
				}); err != nil {
					errs <- fmt.Errorf("transaction: %w", err)
					return
				}
				if _, err := s.ListSimulations(ctx, store.SimulationQuery{UserID: owner.ID}); err != nil {
					errs <- fmt.Errorf("list: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	set := fixtures.Generate(fixtures.Options{Scale: 0.05})
	_, err = s.SaveResultsJSON(ctx, sims[0].ID, set.Results)
	require.NoError(t, err)
	got, err := s.GetResults(ctx, sims[0].JobID, store.OwnedBy(owner.ID))
	require.NoError(t, err)
	assert.Len(t, got, set.Estimators)
	_, err = s.GetSimulationByJobID(ctx, sims[0].JobID)
	require.NoError(t, err)

	// Migrations refuse the pooler: their session lock would not hold there.
	_, err = migrate.Apply(ctx, url)
	require.ErrorIs(t, err, migrate.ErrPooler)
	assert.True(t, strings.Contains(err.Error(), "URL of the PostgreSQL server itself"), err.Error())
}

// TestHarnessPooler checks the pass of this package's tests that .ci/run makes with storetest.PoolerEnv set
// to "pgbouncer", where every test reaches its database through PgBouncer in transaction pooling mode: the
// test's URL then leads to the pooler, which Open, given the plain URL a service would have, finds and says
// so, and DirectURL to the server. Without the variable both URLs are the server's and Open finds no pooler.
func TestHarnessPooler(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	plain, err := url.Parse(db.URL)
	require.NoError(t, err)
	q := plain.Query()
	q.Del("default_query_exec_mode") // what storetest adds for the tests' own pgx pools
	plain.RawQuery = q.Encode()
	logger, logs := newLogBuffer()
	s, err := store.Open(context.Background(), plain.String(), store.WithLogger(logger))
	require.NoError(t, err)
	s.Close()
	const found = "the database is reached through a connection pooler"
	if os.Getenv(storetest.PoolerEnv) == "" {
		assert.Equal(t, db.DirectURL, db.URL)
		assert.NotContains(t, logs.String(), found)
		return
	}
	assert.NotEqual(t, db.DirectURL, db.URL)
	assert.Contains(t, logs.String(), found)
}
