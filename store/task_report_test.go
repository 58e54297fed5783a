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

// TestReportTaskProgressMatchesUpdate sends the same sequence of updates through ReportTaskProgress and
// UpdateTaskProgress to two tasks and checks that both end every step in the same state, each step costing
// one statement while the update is applied.
func TestReportTaskProgressMatchesUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	h := newHarness(t, store.WithClock(clock.Now))
	sim := submitDirect(t, h.Store, nil, 2)
	t0 := time.Date(2024, 6, 11, 11, 0, 0, 0, time.UTC)
	steps := []struct {
		name    string
		update  store.TaskUpdate
		applied bool
	}{
		{"start", store.TaskUpdate{State: refTo(store.StateRunning), StartTime: &t0, EstimatedTime: refTo(int32(90))}, true},
		{"progress", store.TaskUpdate{SimulatedPrimaries: refTo(int32(200)), EstimatedTime: refTo(int32(80))}, true},
		{"start time only once", store.TaskUpdate{StartTime: refTo(t0.Add(time.Hour)), RequestedPrimaries: refTo(int32(1200))}, true},
		{"end clears the estimate", store.TaskUpdate{EndTime: refTo(t0.Add(time.Minute)), EstimatedTime: refTo(int32(5))}, true},
		{"completed", store.TaskUpdate{State: refTo(store.StateCompleted), SimulatedPrimaries: refTo(int32(1))}, true},
		{"terminal is final", store.TaskUpdate{State: refTo(store.StateRunning), SimulatedPrimaries: refTo(int32(3))}, false},
	}
	for _, step := range steps {
		clock.Advance(time.Second)
		var applied bool
		n := roundTrips(t, h.Counter, func() (err error) {
			applied, err = h.Store.ReportTaskProgress(ctx, sim.ID, 0, step.update)
			return err
		})
		assert.Equal(t, step.applied, applied, step.name)
		if step.applied {
			assert.Equal(t, 1, n, "%s: an applied report is one statement", step.name)
		} else {
			assert.Equal(t, 2, n, "%s: a report that was not applied asks whether the task exists", step.name)
		}
		_, updated, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 1, step.update)
		require.NoError(t, err)
		assert.Equal(t, step.applied, updated, step.name)

		reported, err := h.Store.GetTask(ctx, sim.ID, 0)
		require.NoError(t, err)
		other, err := h.Store.GetTask(ctx, sim.ID, 1)
		require.NoError(t, err)
		reported.ID, reported.Number, reported.Direct = other.ID, other.Number, other.Direct
		assert.Equal(t, other, reported, "%s: both methods apply the same rules", step.name)
	}
	final, err := h.Store.GetTask(ctx, sim.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, store.StateCompleted, final.State)
	assert.Equal(t, int32(1200), final.SimulatedPrimaries, "COMPLETED sets simulated to requested primaries")
	assert.Nil(t, final.EstimatedTime)
	assert.True(t, t0.Equal(*final.StartTime))
}

func TestReportTaskProgressCeleryIDAndErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 1)

	applied, err := h.Store.ReportTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{CeleryID: refTo("new-id")})
	require.NoError(t, err)
	assert.True(t, applied)
	task, err := h.Store.GetTask(ctx, sim.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, "new-id", task.Direct.CeleryID, "a celery id is stored too")

	_, err = h.Store.ReportTaskProgress(ctx, sim.ID, 5, store.TaskUpdate{State: refTo(store.StateRunning)})
	assert.ErrorIs(t, err, store.ErrNotFound, "no such task")
	_, err = h.Store.ReportTaskProgress(ctx, 999999, 0, store.TaskUpdate{})
	assert.ErrorIs(t, err, store.ErrNotFound, "no such simulation")

	for name, u := range map[string]store.TaskUpdate{
		"unknown state":      {State: refTo(store.State("running"))},
		"negative requested": {RequestedPrimaries: refTo(int32(-1))},
		"negative simulated": {SimulatedPrimaries: refTo(int32(-1))},
		"negative estimate":  {EstimatedTime: refTo(int32(-1))},
		"NUL in a celery id": {CeleryID: refTo("a\x00")},
	} {
		before := h.Counter.Count()
		_, err := h.Store.ReportTaskProgress(ctx, sim.ID, 0, u)
		assert.ErrorIs(t, err, store.ErrInvalid, name)
		assert.Equal(t, before, h.Counter.Count(), "%s: refused before sending anything", name)
	}
}

// TestReportTaskProgressRacesCancel is TestUpdateTaskProgressRacesCancel for ReportTaskProgress: no report
// revives a task after its simulation was canceled.
func TestReportTaskProgressRacesCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, store.WithMaxConns(8))
	sim := submitDirect(t, h.Store, nil, 8)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 8 {
		wg.Go(func() {
			<-start
			_, err := h.Store.ReportTaskProgress(ctx, sim.ID, int32(i), store.TaskUpdate{State: refTo(store.StateRunning)})
			assert.NoError(t, err)
		})
	}
	wg.Go(func() {
		<-start
		_, err := h.Store.CancelSimulation(ctx, sim.ID)
		assert.NoError(t, err)
	})
	close(start)
	wg.Wait()
	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	for i, task := range tasks {
		assert.Equal(t, store.StateCanceled, task.State, "task %d: the cancellation wins in the end", i)
	}
}
