package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

func TestGetAndListTasks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 4)
	other := submitDirect(t, h.Store, nil, 2)
	_, _, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 2, store.TaskUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, err)
	_, _, err = h.Store.UpdateTaskProgress(ctx, sim.ID, 3, store.TaskUpdate{State: refTo(store.StateFailed)})
	require.NoError(t, err)

	var task store.Task
	n := roundTrips(t, h.Counter, func() (err error) {
		task, err = h.Store.GetTask(ctx, sim.ID, 2)
		return err
	})
	assert.Equal(t, 1, n)
	assert.Equal(t, int32(2), task.Number)
	assert.Equal(t, sim.ID, task.SimulationID)
	assert.Equal(t, store.StateRunning, task.State)
	assert.Equal(t, "celery-2", task.Direct.CeleryID)

	all, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, []int32{0, 1, 2, 3}, taskNumbers(all), "in task order")
	assert.Equal(t, task, all[2])

	some, err := h.Store.ListTasks(ctx, sim.ID, store.StateRunning, store.StateFailed)
	require.NoError(t, err)
	assert.Equal(t, []int32{2, 3}, taskNumbers(some))
	pending, err := h.Store.ListTasks(ctx, other.ID, store.StatePending)
	require.NoError(t, err)
	assert.Equal(t, []int32{0, 1}, taskNumbers(pending), "only the simulation's own tasks")
	none, err := h.Store.ListTasks(ctx, 999999)
	require.NoError(t, err)
	assert.Empty(t, none)

	_, err = h.Store.ListTasks(ctx, sim.ID, "DONE")
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = h.Store.GetTask(ctx, sim.ID, 4)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func taskNumbers(tasks []store.Task) []int32 {
	numbers := make([]int32, len(tasks))
	for i, t := range tasks {
		numbers[i] = t.Number
	}
	return numbers
}

func TestUpdateTaskProgressRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	h := newHarness(t, store.WithClock(clock.Now))
	sim := submitDirect(t, h.Store, nil, 1)
	t0 := time.Date(2024, 6, 11, 11, 0, 0, 0, time.UTC)
	update := func(u store.TaskUpdate) (store.Task, bool) {
		t.Helper()
		var task store.Task
		var applied bool
		n := roundTrips(t, h.Counter, func() (err error) {
			task, applied, err = h.Store.UpdateTaskProgress(ctx, sim.ID, 0, u)
			return err
		})
		assert.Equal(t, 1, n, "a progress update is one statement")
		return task, applied
	}

	// Start: state, start time, estimate, progress; last_update_time is the clock's now.
	now := clock.Advance(time.Minute).Truncate(time.Microsecond)
	task, applied := update(store.TaskUpdate{State: refTo(store.StateRunning), StartTime: &t0,
		EstimatedTime: refTo(int32(300)), SimulatedPrimaries: refTo(int32(10))})
	assert.True(t, applied)
	assert.Equal(t, store.StateRunning, task.State)
	assert.True(t, t0.Equal(*task.StartTime))
	assert.Equal(t, int32(300), *task.EstimatedTime)
	assert.Equal(t, int32(10), task.SimulatedPrimaries)
	assert.True(t, now.Equal(*task.LastUpdateTime))

	// The start time is set once; nil fields keep their values.
	now = clock.Advance(time.Minute).Truncate(time.Microsecond)
	task, applied = update(store.TaskUpdate{StartTime: refTo(t0.Add(time.Hour)), SimulatedPrimaries: refTo(int32(600))})
	assert.True(t, applied)
	assert.True(t, t0.Equal(*task.StartTime), "start time is set once")
	assert.Equal(t, int32(600), task.SimulatedPrimaries)
	assert.Equal(t, int32(300), *task.EstimatedTime)
	assert.Equal(t, store.StateRunning, task.State)
	assert.True(t, now.Equal(*task.LastUpdateTime), "every accepted update sets last_update_time")

	// An end time clears the estimate, and later estimates are ignored.
	task, _ = update(store.TaskUpdate{EndTime: refTo(t0.Add(10 * time.Minute)), EstimatedTime: refTo(int32(5))})
	assert.Nil(t, task.EstimatedTime, "setting the end time clears the estimate")
	assert.True(t, t0.Add(10*time.Minute).Equal(*task.EndTime))
	task, _ = update(store.TaskUpdate{EstimatedTime: refTo(int32(7)), EndTime: refTo(t0.Add(time.Hour))})
	assert.Nil(t, task.EstimatedTime, "no estimate once the task has ended")
	assert.True(t, t0.Add(10*time.Minute).Equal(*task.EndTime), "end time is set once")

	// Completed sets simulated = requested, whatever the update says.
	task, applied = update(store.TaskUpdate{State: refTo(store.StateCompleted), SimulatedPrimaries: refTo(int32(1))})
	assert.True(t, applied)
	assert.Equal(t, store.StateCompleted, task.State)
	assert.Equal(t, int32(1000), task.SimulatedPrimaries, "COMPLETED sets simulated_primaries = requested_primaries")
	completedAt := *task.LastUpdateTime

	// Terminal is final: nothing changes, not even last_update_time.
	clock.Advance(time.Minute)
	task, applied = update(store.TaskUpdate{State: refTo(store.StateRunning), SimulatedPrimaries: refTo(int32(3)), CeleryID: refTo("late")})
	assert.False(t, applied)
	assert.Equal(t, store.StateCompleted, task.State)
	assert.Equal(t, int32(1000), task.SimulatedPrimaries)
	assert.True(t, completedAt.Equal(*task.LastUpdateTime))
	assert.Equal(t, "celery-0", task.Direct.CeleryID)
	read, err := h.Store.GetTask(ctx, sim.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, task.State, read.State)
	assert.True(t, completedAt.Equal(*read.LastUpdateTime))
}

func TestUpdateTaskProgressCompletedWithNewRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	sim := submitBatch(t, h.Store, nil, cluster.ID, 1)
	task, applied, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 1, store.TaskUpdate{
		State: refTo(store.StateCompleted), RequestedPrimaries: refTo(int32(777)), CeleryID: refTo("ignored"),
	})
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Equal(t, int32(777), task.RequestedPrimaries)
	assert.Equal(t, int32(777), task.SimulatedPrimaries, "completion takes the requested primaries of the same update")
	assert.Equal(t, &store.BatchTask{}, task.Batch, "a batch task has no celery id to set")
	assert.Nil(t, task.Direct)
}

func TestUpdateTaskProgressCeleryID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 1)
	task, applied, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{CeleryID: refTo("new-id")})
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Equal(t, "new-id", task.Direct.CeleryID, "the returned task shows the new celery id")
	read, err := h.Store.GetTask(ctx, sim.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, "new-id", read.Direct.CeleryID)
	assert.Equal(t, store.StatePending, read.State)
}

func TestUpdateTaskProgressRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 1)
	for name, u := range map[string]store.TaskUpdate{
		"unknown state":        {State: refTo(store.State("running"))},
		"negative requested":   {RequestedPrimaries: refTo(int32(-1))},
		"negative simulated":   {SimulatedPrimaries: refTo(int32(-1))},
		"negative estimate":    {EstimatedTime: refTo(int32(-1))},
		"NUL in the celery id": {CeleryID: refTo("a\x00")},
	} {
		before := h.Counter.Count()
		_, _, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 0, u)
		assert.ErrorIs(t, err, store.ErrInvalid, name)
		assert.Equal(t, before, h.Counter.Count(), "%s: refused before sending anything", name)
	}
	_, _, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 1, store.TaskUpdate{State: refTo(store.StateRunning)})
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = h.Store.UpdateTaskProgress(ctx, 999999, 0, store.TaskUpdate{})
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// TestUpdateTaskProgressRacesCancel runs progress updates concurrently with a cancellation: whatever the
// interleaving, no task ends up revived after the cancellation: an update that comes after it is not applied,
// one that comes before it is canceled with the rest.
func TestUpdateTaskProgressRacesCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(8))
	sim := submitDirect(t, h.Store, nil, 8)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, err := h.Store.UpdateTaskProgress(ctx, sim.ID, int32(i), store.TaskUpdate{State: refTo(store.StateRunning)})
			assert.NoError(t, err)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		_, err := h.Store.CancelSimulation(ctx, sim.ID)
		assert.NoError(t, err)
	}()
	close(start)
	wg.Wait()
	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	for i, task := range tasks {
		assert.Equal(t, store.StateCanceled, task.State, "task %d: the cancellation wins in the end", i)
	}
}

func TestSimulationStateFromTasks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)

	setStates := func(sim store.Simulation, first int32, states ...store.State) {
		t.Helper()
		for i, st := range states {
			_, _, err := h.Store.UpdateTaskProgress(ctx, sim.ID, first+int32(i), store.TaskUpdate{State: refTo(st)})
			require.NoError(t, err)
		}
	}
	derived := func(sim store.Simulation) store.State {
		t.Helper()
		var st store.State
		n := roundTrips(t, h.Counter, func() (err error) {
			st, err = h.Store.SimulationStateFromTasks(ctx, sim.ID)
			return err
		})
		assert.Equal(t, 1, n)
		return st
	}

	direct := submitDirect(t, h.Store, nil, 3)
	assert.Equal(t, store.StateUnknown, derived(direct), "an unsubmitted simulation keeps UNKNOWN")
	_, _, err = h.Store.UpdateSimulation(ctx, direct.ID, store.SimulationUpdate{State: refTo(store.StatePending)})
	require.NoError(t, err)
	assert.Equal(t, store.StatePending, derived(direct), "all tasks pending")
	setStates(direct, 0, store.StateRunning)
	assert.Equal(t, store.StateRunning, derived(direct), "a task running")
	setStates(direct, 0, store.StateCompleted)
	setStates(direct, 1, store.StateCompleted, store.StateCompleted)
	assert.Equal(t, store.StatePending, derived(direct), "a direct simulation waits for its merge job to say more")

	batch := submitBatch(t, h.Store, nil, cluster.ID, 2)
	_, _, err = h.Store.UpdateSimulation(ctx, batch.ID, store.SimulationUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, err)
	setStates(batch, 1, store.StateFailed, store.StateFailed)
	assert.Equal(t, store.StateFailed, derived(batch), "all tasks failed")
	batch2 := submitBatch(t, h.Store, nil, cluster.ID, 2)
	_, _, err = h.Store.UpdateSimulation(ctx, batch2.ID, store.SimulationUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, err)
	setStates(batch2, 1, store.StateCompleted, store.StateCompleted)
	assert.Equal(t, store.StateMergingQueued, derived(batch2), "a batch simulation whose tasks all completed")

	_, err = h.Store.SimulationStateFromTasks(ctx, 999999)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestDeriveSimulationState(t *testing.T) {
	t.Parallel()
	type counts = map[store.State]int
	cases := []struct {
		name     string
		current  store.State
		platform store.Platform
		tasks    counts
		want     store.State
	}{
		{"unknown stays", store.StateUnknown, store.PlatformDirect, counts{store.StateRunning: 2}, store.StateUnknown},
		{"completed stays", store.StateCompleted, store.PlatformDirect, counts{store.StateRunning: 1}, store.StateCompleted},
		{"failed stays", store.StateFailed, store.PlatformBatch, counts{store.StatePending: 1}, store.StateFailed},
		{"canceled stays", store.StateCanceled, store.PlatformBatch, counts{store.StateRunning: 1}, store.StateCanceled},
		{"merging queued stays", store.StateMergingQueued, store.PlatformBatch, counts{store.StateRunning: 1}, store.StateMergingQueued},
		{"merging running stays", store.StateMergingRunning, store.PlatformDirect, counts{store.StatePending: 1}, store.StateMergingRunning},
		{"all pending", store.StateRunning, store.PlatformDirect, counts{store.StatePending: 3}, store.StatePending},
		{"all failed", store.StatePending, store.PlatformDirect, counts{store.StateFailed: 3}, store.StateFailed},
		{"one running", store.StatePending, store.PlatformDirect, counts{store.StateRunning: 1, store.StateFailed: 1, store.StateCompleted: 1}, store.StateRunning},
		{"batch all completed", store.StateRunning, store.PlatformBatch, counts{store.StateCompleted: 2}, store.StateMergingQueued},
		{"direct all completed", store.StateRunning, store.PlatformDirect, counts{store.StateCompleted: 2}, store.StateRunning},
		{"mixed finished", store.StateRunning, store.PlatformBatch, counts{store.StateCompleted: 1, store.StateFailed: 1}, store.StateRunning},
		{"no tasks", store.StateRunning, store.PlatformDirect, counts{}, store.StateRunning},
		{"zero counts", store.StateRunning, store.PlatformDirect, counts{store.StatePending: 0}, store.StateRunning},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, store.DeriveSimulationState(c.current, c.platform, c.tasks), c.name)
	}
}

func BenchmarkUpdateTaskProgress(b *testing.B) {
	ctx := context.Background()
	h := newHarness(b)
	sim := submitDirect(b, h.Store, nil, 1)
	running := store.StateRunning
	var done int32
	for b.Loop() { // b.Loop times only the loop
		done++
		if _, _, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{State: &running, SimulatedPrimaries: &done}); err != nil {
			b.Fatal(err)
		}
	}
}
