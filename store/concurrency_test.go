package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/store"
)

// TestConcurrentSavesOfOneSimulation saves one simulation's results 40 times from 8 goroutines, with payloads
// that list the estimators in different orders (the order each writer locks rows in): every save succeeds,
// none deadlocks, and the simulation ends with one copy of each estimator and page.
func TestConcurrentSavesOfOneSimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(8))
	sim := newResultsSimulation(t, h.Store, nil)
	set := fixtures.Generate(fixtures.Options{Scale: 0.02})
	estimators, err := store.SplitResultsPayloadForTest(set.Results)
	require.NoError(t, err)
	orders := []store.Results{{Estimators: estimators}, {Estimators: slices.Clone(estimators)}}
	slices.Reverse(orders[1].Estimators)

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for worker := range 8 {
		wg.Go(func() {
			for i := range 5 {
				_, err := h.Store.SaveResults(ctx, sim.ID, orders[(worker+i)%2])
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			t.Error(err)
		}
	}
	assert.Zero(t, failed, "of 40 concurrent saves")
	assert.Equal(t, set.Estimators, h.count(t, "Estimator"))
	assert.Equal(t, set.Pages, h.count(t, "Page"))
}

// TestSingleStatementRetriesADeadlock makes a single statement of the store deadlock with a transaction (each
// holds the row the other wants). The store's session detects the deadlock first (its deadlock_timeout is
// shorter), so PostgreSQL aborts its statement; it runs again once the transaction commits, and succeeds.
// The same statement with one attempt (WithTxAttempts(1)) fails with the deadlock.
func TestSingleStatementRetriesADeadlock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	_, err := h.Pool.Exec(ctx, `CREATE TABLE pair (id int PRIMARY KEY, n int); INSERT INTO pair VALUES (1, 0), (2, 0)`)
	require.NoError(t, err)
	pool := h.sessionPool(t, map[string]string{"deadlock_timeout": "50ms"})
	// Row 2 first, then, after a pause, row 1: the CTE's result is needed before the second update runs.
	const crossing = `WITH first AS (UPDATE pair SET n = n + 1 WHERE id = 2 RETURNING pg_sleep(0.3))
		UPDATE pair SET n = n + 1 WHERE id = 1 AND (SELECT count(*) FROM first) = 1`

	for attempts, want := range map[int]bool{5: true, 1: false} {
		s, err := store.New(ctx, pool, store.WithTxAttempts(attempts))
		require.NoError(t, err)
		tx, err := h.Pool.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `UPDATE pair SET n = n + 1 WHERE id = 1`)
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() { done <- store.ExecForTest(ctx, s, crossing) }()
		time.Sleep(100 * time.Millisecond) // the store's statement holds row 2 and sleeps
		_, err = tx.Exec(ctx, `UPDATE pair SET n = n + 1 WHERE id = 2`)
		require.NoError(t, err, "the transaction waits for row 2, then gets it when the store's statement is aborted")
		require.NoError(t, tx.Commit(ctx))
		storeErr := <-done
		if want {
			assert.NoError(t, storeErr, "with %d attempts the statement ran again", attempts)
		} else {
			var pgErr *pgconn.PgError
			assert.True(t, errors.As(storeErr, &pgErr) && pgErr.Code == "40P01", "with 1 attempt: %v", storeErr)
		}
	}
}

// TestServerInterruptionsAreTyped makes a task update wait for a row another transaction holds, then has the
// server interrupt it three ways: its statement_timeout, a cancel (pg_cancel_backend) and the end of its
// session (pg_terminate_backend). Each gives its own sentinel, and the task is left as it was.
func TestServerInterruptionsAreTyped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := newResultsSimulation(t, h.Store, nil)
	simulated := int32(500)
	update := store.TaskUpdate{SimulatedPrimaries: &simulated}

	for name, c := range map[string]struct {
		timeout   string
		interrupt string // run on the holder's session against the store's, "" to let the timeout fire
		want      error
	}{
		"statement timeout": {timeout: "200ms", want: store.ErrTimeout},
		"cancel":            {interrupt: "pg_cancel_backend", want: store.ErrCanceled},
		"terminate":         {interrupt: "pg_terminate_backend", want: store.ErrConnectionLost},
	} {
		t.Run(name, func(t *testing.T) {
			settings := map[string]string{"application_name": "interrupted"}
			if c.timeout != "" {
				settings["statement_timeout"] = c.timeout
			}
			pool := h.sessionPool(t, settings)
			s, err := store.New(ctx, pool)
			require.NoError(t, err)

			holder, err := h.Pool.Begin(ctx)
			require.NoError(t, err)
			defer func() { _ = holder.Rollback(ctx) }()
			_, err = holder.Exec(ctx, `SELECT 1 FROM "Task" WHERE simulation_id = $1 FOR UPDATE`, sim.ID)
			require.NoError(t, err)
			done := make(chan error, 1)
			go func() {
				_, _, err := s.UpdateTaskProgress(ctx, sim.ID, 0, update)
				done <- err
			}()
			if c.interrupt != "" {
				require.Eventually(t, func() bool {
					var waiting bool
					_ = h.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'interrupted'
						AND wait_event_type = 'Lock')`).Scan(&waiting)
					return waiting
				}, 10*time.Second, 10*time.Millisecond)
				_, err = h.Pool.Exec(ctx, `SELECT `+c.interrupt+`(pid) FROM pg_stat_activity
					WHERE application_name = 'interrupted' AND wait_event_type = 'Lock'`)
				require.NoError(t, err)
			}
			err = <-done
			assert.ErrorIs(t, err, c.want)
			require.NoError(t, holder.Rollback(ctx))
			task, err := h.Store.GetTask(ctx, sim.ID, 0)
			require.NoError(t, err)
			assert.Zero(t, task.SimulatedPrimaries, "nothing applied")
		})
	}
}

// sessionPool returns a pool of its own on the test's database whose sessions start with settings (run-time
// parameters such as application_name or statement_timeout), closed when the test ends. It connects to the
// server itself: a transaction pooler carries no such session settings.
func (e *harness) sessionPool(t *testing.T, settings map[string]string) *pgxpool.Pool {
	t.Helper()
	config, err := pgxpool.ParseConfig(e.DirectURL)
	require.NoError(t, err)
	for name, value := range settings {
		config.ConnConfig.RuntimeParams[name] = value
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}
