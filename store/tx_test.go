package store_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

func clusterNames(t *testing.T, s *store.Store) []string {
	t.Helper()
	clusters, err := s.ListClusters(context.Background())
	require.NoError(t, err)
	names := make([]string, len(clusters))
	for i, c := range clusters {
		names[i] = c.Name
	}
	return names
}

func TestInTxCommits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	var simID int32
	err := h.Store.InTx(ctx, func(tx *store.Store) error {
		user, err := tx.CreatePasswordUser(ctx, "alice", "pw")
		if err != nil {
			return err
		}
		sim := submitDirect(t, tx, &user.ID, 2)
		simID = sim.ID
		_, _, err = tx.UpdateTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{State: refTo(store.StateRunning)})
		return err
	})
	require.NoError(t, err)
	sim, err := h.Store.GetSimulation(ctx, simID)
	require.NoError(t, err)
	task, err := h.Store.GetTask(ctx, sim.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, store.StateRunning, task.State)
}

func TestInTxRollsBackOnError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	boom := errors.New("boom")
	err := h.Store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.CreateCluster(ctx, "ares"); err != nil {
			return err
		}
		submitDirect(t, tx, nil, 3)
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Empty(t, clusterNames(t, h.Store))
	assertNothingSubmitted(t, h)
}

func TestInTxRollsBackOnPanic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(1))
	func() {
		defer func() {
			assert.Equal(t, "kaboom", recover(), "the panic reaches the caller")
		}()
		_ = h.Store.InTx(ctx, func(tx *store.Store) error {
			if _, err := tx.CreateCluster(ctx, "ares"); err != nil {
				return err
			}
			panic("kaboom")
		})
	}()
	// With a single connection, this only works if the panicking transaction gave its connection back.
	assert.Empty(t, clusterNames(t, h.Store))
	_, err := h.Store.CreateCluster(ctx, "after")
	require.NoError(t, err)
}

// TestInTxRollsBackOnGoexit covers a function that ends with runtime.Goexit, as t.FailNow does inside a
// transaction in a test: the transaction must still be rolled back and its connection returned.
func TestInTxRollsBackOnGoexit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(1))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = h.Store.InTx(ctx, func(tx *store.Store) error {
			if _, err := tx.CreateCluster(ctx, "ares"); err != nil {
				return err
			}
			runtime.Goexit()
			return nil
		})
	}()
	<-done
	// Checked first, and fatally: with the one connection still held, the read below would wait forever.
	require.Zero(t, h.Store.Pool().Stat().AcquiredConns(), "the connection went back to the pool")
	assert.Empty(t, clusterNames(t, h.Store))
}

func TestInTxNestedJoinsOuter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	boom := errors.New("boom")
	err := h.Store.InTx(ctx, func(outer *store.Store) error {
		if _, err := outer.CreateCluster(ctx, "outer"); err != nil {
			return err
		}
		require.NoError(t, outer.InTx(ctx, func(inner *store.Store) error {
			_, err := inner.CreateCluster(ctx, "inner")
			return err
		}))
		assert.Equal(t, []string{"inner", "outer"}, clusterNames(t, outer), "the inner call ran in the outer transaction")
		assert.Empty(t, clusterNames(t, h.Store), "nothing is visible outside before the outer commit")
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Empty(t, clusterNames(t, h.Store), "the outer rollback undid the inner call's work")

	err = h.Store.InTx(ctx, func(outer *store.Store) error {
		if _, err := outer.CreateCluster(ctx, "kept"); err != nil {
			return err
		}
		return outer.InTx(ctx, func(inner *store.Store) error {
			_, err := inner.CreateCluster(ctx, "kept")
			return err
		})
	})
	require.ErrorIs(t, err, store.ErrConflict, "the inner error reaches the outer caller")
	assert.Empty(t, clusterNames(t, h.Store), "and rolls back the outer work")
}

// TestInTxRetriesSerializationFailures makes two serializable transactions read the same set of clusters
// and each add one depending on what it read: a write skew PostgreSQL refuses with a serialization failure,
// so one of them must run twice.
func TestInTxRetriesSerializationFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	logger, logs := newLogBuffer()
	h := newHarness(t, store.WithMaxConns(4), store.WithLogger(logger))
	var (
		bothRead sync.WaitGroup
		attempts [2]atomic.Int32
		wg       sync.WaitGroup
		errs     [2]error
	)
	bothRead.Add(2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = h.Store.InTx(ctx, func(tx *store.Store) error {
				attempt := attempts[i].Add(1)
				clusters, err := tx.ListClusters(ctx)
				if err != nil {
					return err
				}
				if attempt == 1 {
					bothRead.Done()
					bothRead.Wait() // both transactions have read before either writes
				}
				_, err = tx.CreateCluster(ctx, fmt.Sprintf("%c-%d", 'a'+i, len(clusters)))
				return err
			}, store.Isolation(pgx.Serializable))
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	total := attempts[0].Load() + attempts[1].Load()
	t.Logf("attempts: %d and %d", attempts[0].Load(), attempts[1].Load())
	assert.Equal(t, int32(3), total, "exactly one transaction was retried, once")
	assert.Equal(t, 1, strings.Count(logs.String(), "retrying after a lost race"), "the retry is logged:\n%s", logs)
	assert.Contains(t, logs.String(), "what=transaction attempt=2 of=5 sqlstate=40001")
	names := clusterNames(t, h.Store)
	sort.Strings(names)
	if attempts[0].Load() == 1 {
		assert.Equal(t, []string{"a-0", "b-1"}, names, "the retried transaction saw the other's cluster")
	} else {
		assert.Equal(t, []string{"a-1", "b-0"}, names, "the retried transaction saw the other's cluster")
	}
}

func TestInTxGivesUpAfterTheAttempts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithTxAttempts(1), store.WithMaxConns(4))
	var bothRead, wg sync.WaitGroup
	var errs [2]error
	bothRead.Add(2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = h.Store.InTx(ctx, func(tx *store.Store) error {
				clusters, err := tx.ListClusters(ctx)
				if err != nil {
					return err
				}
				bothRead.Done()
				bothRead.Wait()
				_, err = tx.CreateCluster(ctx, fmt.Sprintf("%c-%d", 'a'+i, len(clusters)))
				return err
			}, store.Isolation(pgx.Serializable))
		}()
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			assert.Contains(t, err.Error(), "40001", "the serialization failure is reported")
		}
	}
	assert.Equal(t, 1, failed, "with one attempt, the loser's failure is returned")
	assert.Len(t, clusterNames(t, h.Store), 1)
}

func TestInTxCancelledContextLeavesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.WithMaxConns(1))
	ctx, cancel := context.WithCancel(context.Background())
	err := h.Store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.CreateCluster(ctx, "ares"); err != nil {
			return err
		}
		submitDirect(t, tx, nil, 5)
		cancel()
		_, err := tx.CreateCluster(ctx, "never")
		return err
	})
	require.ErrorIs(t, err, context.Canceled)
	background := context.Background()
	assert.Empty(t, clusterNames(t, h.Store), "nothing of the cancelled transaction was committed")
	assertNothingSubmitted(t, h)
	_, err = h.Store.CreateCluster(background, "after")
	require.NoError(t, err, "the single connection went back to the pool usable")

	// A context cancelled before commit: the function succeeds but the commit cannot, so nothing is written.
	ctx, cancel = context.WithCancel(context.Background())
	err = h.Store.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.CreateCluster(ctx, "late")
		cancel()
		return err
	})
	require.Error(t, err)
	assert.Equal(t, []string{"after"}, clusterNames(t, h.Store))
}

// TestPoolConfigAndStat adjusts Open's pool through WithPoolConfig and reads it back through Stat.
func TestPoolConfigAndStat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	s, err := store.Open(ctx, db.URL, store.WithMaxConns(3), store.WithPoolConfig(func(c *pgxpool.Config) {
		c.MinConns = 2
		c.ConnConfig.RuntimeParams["application_name"] = "configured"
	}))
	require.NoError(t, err)
	defer s.Close()
	stat := s.Stat()
	require.NotNil(t, stat)
	assert.Equal(t, int32(3), stat.MaxConns(), "WithMaxConns, then the hook")
	var name string
	require.NoError(t, s.Pool().QueryRow(ctx, "SELECT current_setting('application_name')").Scan(&name))
	assert.Equal(t, "configured", name)
	require.NoError(t, s.InTx(ctx, func(tx *store.Store) error {
		assert.Nil(t, tx.Stat(), "the Store of a transaction has no pool of its own")
		return nil
	}))
	assert.Nil(t, (*store.Store)(nil).Stat())
}
