package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// TestReportTaskProgressGroupCommit, with one group in flight at a time, holds the first report at the server (another transaction locks its
// task's row) while nine more arrive: they wait, then go as one statement and one commit when the first is
// done, each with its own outcome (applied, a terminal task, a missing task); a second report of a task
// already in the group waits for the group after, so a task's reports apply in order; an invalid report
// fails at once without joining.
func TestReportTaskProgressGroupCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(8), store.WithGroupCommit(1))
	sim := submitDirect(t, h.Store, nil, 9)
	completed := store.StateCompleted
	_, _, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 8, store.TaskUpdate{State: &completed})
	require.NoError(t, err)

	// Task 0's row is locked, so the first report waits at the server, holding the lead.
	blocker, err := h.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = blocker.Exec(ctx, `SELECT 1 FROM "Task" WHERE simulation_id = $1 AND task_id = 0 FOR UPDATE`, sim.ID)
	require.NoError(t, err)

	type outcome struct {
		applied bool
		err     error
	}
	before := h.Counter.Count()
	var wg sync.WaitGroup
	report := func(number, simulated int32) *outcome {
		o := &outcome{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.applied, o.err = h.Store.ReportTaskProgress(ctx, sim.ID, number, store.TaskUpdate{SimulatedPrimaries: &simulated})
		}()
		return o
	}
	first := report(0, 10)
	waitFor(t, func() bool { return h.Counter.Count() > before }) // the first report is at the server
	var group []*outcome
	for number := int32(1); number <= 6; number++ {
		group = append(group, report(number, 100+number))
	}
	terminal := report(8, 7)
	missing := report(42, 7)
	waitFor(t, func() bool { return store.PendingProgressForTest(h.Store) == 8 })
	again := report(1, 500) // task 1 is in the waiting group already: this one waits for the group after
	waitFor(t, func() bool { return store.PendingProgressForTest(h.Store) == 9 })
	_, err = h.Store.ReportTaskProgress(ctx, sim.ID, 2, store.TaskUpdate{SimulatedPrimaries: ptr(int32(-1))})
	require.ErrorIs(t, err, store.ErrInvalid, "an invalid report fails alone, at once")

	require.NoError(t, blocker.Commit(ctx))
	wg.Wait()
	assert.Equal(t, int64(3), h.Counter.Count()-before, "the first report, the group of eight, the later report of task 1")
	require.NoError(t, first.err)
	assert.True(t, first.applied)
	for i, o := range group {
		require.NoError(t, o.err, "task %d", i+1)
		assert.True(t, o.applied, "task %d", i+1)
	}
	require.NoError(t, terminal.err)
	assert.False(t, terminal.applied, "a completed task takes no report")
	require.ErrorIs(t, missing.err, store.ErrNotFound)
	require.NoError(t, again.err)
	assert.True(t, again.applied)

	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	for _, task := range tasks {
		switch task.Number {
		case 0:
			assert.Equal(t, int32(10), task.SimulatedPrimaries)
		case 1:
			assert.Equal(t, int32(500), task.SimulatedPrimaries, "task 1's later report applied after its first")
		case 7:
			assert.Zero(t, task.SimulatedPrimaries, "no report")
		case 8:
			assert.Equal(t, int32(1000), task.SimulatedPrimaries, "completed before: unchanged")
		default:
			assert.Equal(t, 100+task.Number, task.SimulatedPrimaries)
		}
	}
}

// TestReportTaskProgressGathersReturningGroup: callers answered together report again together. A report of
// task 0 is held at the server (its row is locked) while four workers' reports of tasks 1 to 4 wait, then go
// as one group. The four report again at once: whichever leads the next group waits until four calls are
// pending instead of going alone while the others wait for its commit, so the second round is one
// statement too: 3 in all, where going alone made 4. The wait is set long, so that the count holds
// on a loaded machine; the gather ends as soon as the four are back.
func TestReportTaskProgressGathersReturningGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(8), store.WithGroupCommit(1), store.WithGatherWaitForTest(10*time.Second))
	sim := submitDirect(t, h.Store, nil, 5)
	blocker, err := h.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = blocker.Exec(ctx, `SELECT 1 FROM "Task" WHERE simulation_id = $1 AND task_id = 0 FOR UPDATE`, sim.ID)
	require.NoError(t, err)

	before := h.Counter.Count()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	wg.Go(func() {
		_, errs[0] = h.Store.ReportTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{SimulatedPrimaries: ptr(int32(2))})
	})
	waitFor(t, func() bool { return h.Counter.Count() > before }) // task 0's report is at the server
	for number := int32(1); number <= 4; number++ {
		wg.Go(func() {
			for round := int32(1); round <= 2 && errs[number] == nil; round++ {
				_, errs[number] = h.Store.ReportTaskProgress(ctx, sim.ID, number, store.TaskUpdate{SimulatedPrimaries: &round})
			}
		})
	}
	waitFor(t, func() bool { return store.PendingProgressForTest(h.Store) == 4 })
	start := time.Now()
	require.NoError(t, blocker.Commit(ctx))
	wg.Wait()
	for number, err := range errs {
		require.NoError(t, err, "task %d", number)
	}
	assert.Equal(t, int64(3), h.Counter.Count()-before, "task 0 alone, the four, the four again")
	assert.Less(t, time.Since(start), 5*time.Second, "the gather ended when the four were back, not at its limit")
	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	for _, task := range tasks {
		assert.Equal(t, int32(2), task.SimulatedPrimaries, "task %d has its last report", task.Number)
	}
}

// TestReportTaskProgressGroupCancel: a report whose context ends while it waits for a group is withdrawn and
// never applied; the others go on.
func TestReportTaskProgressGroupCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(8), store.WithGroupCommit(1))
	sim := submitDirect(t, h.Store, nil, 3)
	blocker, err := h.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = blocker.Exec(ctx, `SELECT 1 FROM "Task" WHERE simulation_id = $1 AND task_id = 0 FOR UPDATE`, sim.ID)
	require.NoError(t, err)

	var wg sync.WaitGroup
	wg.Add(3)
	errs := make([]error, 3)
	go func() {
		defer wg.Done()
		_, errs[0] = h.Store.ReportTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{SimulatedPrimaries: ptr(int32(1))})
	}()
	waitFor(t, func() bool { return sessionWaitsForLock(t, h) })
	cancelled, cancel := context.WithCancel(ctx)
	go func() {
		defer wg.Done()
		_, errs[1] = h.Store.ReportTaskProgress(cancelled, sim.ID, 1, store.TaskUpdate{SimulatedPrimaries: ptr(int32(2))})
	}()
	go func() {
		defer wg.Done()
		_, errs[2] = h.Store.ReportTaskProgress(ctx, sim.ID, 2, store.TaskUpdate{SimulatedPrimaries: ptr(int32(3))})
	}()
	waitFor(t, func() bool { return store.PendingProgressForTest(h.Store) == 2 })
	cancel()
	waitFor(t, func() bool { return store.PendingProgressForTest(h.Store) == 1 })
	require.NoError(t, blocker.Commit(ctx))
	wg.Wait()
	require.NoError(t, errs[0])
	require.ErrorIs(t, errs[1], context.Canceled)
	require.NoError(t, errs[2])
	task, err := h.Store.GetTask(ctx, sim.ID, 1)
	require.NoError(t, err)
	assert.Zero(t, task.SimulatedPrimaries, "the withdrawn report was never applied")
	task, err = h.Store.GetTask(ctx, sim.ID, 2)
	require.NoError(t, err)
	assert.Equal(t, int32(3), task.SimulatedPrimaries)
}

// TestReportTaskProgressGroupsUnderLoad has 24 goroutines report progress on tasks of their own, each its
// values in increasing order, some also on a task they share, with three groups in flight: every report
// returns applied, and each task ends with the last value reported for it.
func TestReportTaskProgressGroupsUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(8), store.WithGroupCommit(3))
	const goroutines, reports = 24, 40
	sim := submitDirect(t, h.Store, nil, goroutines+1)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range int32(goroutines) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range int32(reports) {
				number := g
				if i%5 == 4 {
					number = goroutines // the shared task
				}
				applied, err := h.Store.ReportTaskProgress(ctx, sim.ID, number, store.TaskUpdate{SimulatedPrimaries: ptr(i)})
				if err == nil && !applied {
					err = fmt.Errorf("report %d of task %d not applied", i, number)
				}
				if err != nil {
					errs <- err
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
	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	for _, task := range tasks {
		if task.Number < goroutines {
			assert.Equal(t, int32(reports-2), task.SimulatedPrimaries, "task %d: its last own report", task.Number)
		}
	}
	assert.Less(t, h.Counter.Count(), int64(goroutines*reports), "reports were grouped")
}

// sessionWaitsForLock reports whether a session of the test's database waits for a lock.
func sessionWaitsForLock(t *testing.T, h *harness) bool {
	var waiting int
	require.NoError(t, h.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting))
	return waiting > 0
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the condition")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
