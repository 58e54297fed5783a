package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

func refTo[T any](v T) *T { return &v }

func TestUpdateSimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 1)
	t0 := time.Date(2024, 6, 11, 12, 0, 0, 0, time.UTC)

	var got store.Simulation
	var applied bool
	n := roundTrips(t, h.Counter, func() (err error) {
		got, applied, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: refTo(store.StatePending), MergeID: refTo("merge-7")})
		return err
	})
	assert.Equal(t, 1, n)
	assert.True(t, applied)
	assert.Equal(t, store.StatePending, got.State)
	assert.Equal(t, "merge-7", *got.Direct.MergeID, "the returned row shows the new merge id")

	// Start and end time are set once; later values are ignored.
	_, _, err := h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{StartTime: refTo(t0), State: refTo(store.StateRunning)})
	require.NoError(t, err)
	got, applied, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{StartTime: refTo(t0.Add(time.Hour)), EndTime: refTo(t0.Add(2 * time.Hour))})
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Equal(t, store.StateRunning, got.State, "a nil state leaves the state")
	assert.True(t, sim.StartTime.Equal(*got.StartTime), "the submission set the start time already")
	assert.True(t, t0.Add(2*time.Hour).Equal(*got.EndTime))
	got, _, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{EndTime: refTo(t0.Add(5 * time.Hour))})
	require.NoError(t, err)
	assert.True(t, t0.Add(2*time.Hour).Equal(*got.EndTime), "the end time is set once")

	// Batch fields mean nothing to a direct simulation.
	got, applied, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{JobDir: refTo("/x"), ArrayID: refTo(int32(3))})
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Nil(t, got.Batch)

	// Terminal is final.
	_, applied, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: refTo(store.StateCompleted)})
	require.NoError(t, err)
	assert.True(t, applied)
	got, applied, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: refTo(store.StateRunning), MergeID: refTo("other")})
	require.NoError(t, err)
	assert.False(t, applied, "a completed simulation takes no more updates")
	assert.Equal(t, store.StateCompleted, got.State)
	assert.Equal(t, "merge-7", *got.Direct.MergeID)
	read, err := h.Store.GetSimulation(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, normalize(got), normalize(read))

	before := h.Counter.Count()
	_, _, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: refTo(store.State("DONE"))})
	assert.ErrorIs(t, err, store.ErrInvalid)
	assert.Equal(t, before, h.Counter.Count(), "an unknown state is refused before sending anything")
	_, _, err = h.Store.UpdateSimulation(ctx, 999999, store.SimulationUpdate{State: refTo(store.StateRunning)})
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestUpdateBatchSimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	sim := submitBatch(t, h.Store, nil, cluster.ID, 2)

	got, applied, err := h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{
		State: refTo(store.StatePending), JobDir: refTo("/net/job"), ArrayID: refTo(int32(100)), MergeID: refTo("ignored"),
	})
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Equal(t, &store.BatchSimulation{ClusterID: cluster.ID, JobDir: refTo("/net/job"), ArrayID: refTo(int32(100))}, got.Batch)
	assert.Nil(t, got.Direct)

	got, _, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{CollectID: refTo(int32(101)), JobDir: refTo("/net/job2")})
	require.NoError(t, err)
	assert.Equal(t, &store.BatchSimulation{ClusterID: cluster.ID, JobDir: refTo("/net/job2"), ArrayID: refTo(int32(100)), CollectID: refTo(int32(101))}, got.Batch)

	_, _, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: refTo(store.StateFailed)})
	require.NoError(t, err)
	got, applied, err = h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{JobDir: refTo("/late")})
	require.NoError(t, err)
	assert.False(t, applied)
	assert.Equal(t, "/net/job2", *got.Batch.JobDir, "a failed simulation's batch fields are final too")
}

func TestCancelSimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	h := newHarness(t, store.WithClock(clock.Now))
	sim := submitDirect(t, h.Store, nil, 3)
	_, _, err := h.Store.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, err)
	_, _, err = h.Store.UpdateTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{State: refTo(store.StateCompleted), EndTime: refTo(clock.Now())})
	require.NoError(t, err)
	_, _, err = h.Store.UpdateTaskProgress(ctx, sim.ID, 1, store.TaskUpdate{State: refTo(store.StateRunning), EstimatedTime: refTo(int32(60))})
	require.NoError(t, err)
	cancelAt := clock.Advance(time.Hour).Truncate(time.Microsecond)

	var c store.Cancellation
	n := roundTrips(t, h.Counter, func() (err error) {
		c, err = h.Store.CancelSimulation(ctx, sim.ID)
		return err
	})
	assert.Equal(t, 1, n, "the simulation and its tasks in one statement")
	assert.Equal(t, store.Cancellation{Applied: true, TasksCanceled: 2}, c)

	got, err := h.Store.GetSimulation(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StateCanceled, got.State)
	assert.True(t, cancelAt.Equal(*got.EndTime))
	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StateCompleted, tasks[0].State, "a finished task stays as it was")
	assert.False(t, cancelAt.Equal(*tasks[0].EndTime))
	for _, task := range tasks[1:] {
		assert.Equal(t, store.StateCanceled, task.State)
		assert.True(t, cancelAt.Equal(*task.EndTime))
		assert.True(t, cancelAt.Equal(*task.LastUpdateTime))
		assert.Nil(t, task.EstimatedTime)
	}

	c, err = h.Store.CancelSimulation(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, store.Cancellation{}, c, "a canceled simulation is final")
	_, applied, err := h.Store.UpdateTaskProgress(ctx, sim.ID, 2, store.TaskUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, err)
	assert.False(t, applied, "a worker's late report does not revive a canceled task")

	_, err = h.Store.CancelSimulation(ctx, 999999)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestDeleteSimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	running := submitBatch(t, h.Store, nil, cluster.ID, 2)
	_, _, err = h.Store.UpdateSimulation(ctx, running.ID, store.SimulationUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, err)
	done := submitDirect(t, h.Store, nil, 2)
	_, _, err = h.Store.UpdateSimulation(ctx, done.ID, store.SimulationUpdate{State: refTo(store.StateCompleted)})
	require.NoError(t, err)
	_, err = h.Pool.Exec(ctx, `INSERT INTO "Logfiles" (simulation_id) VALUES ($1), ($2)`, running.ID, done.ID)
	require.NoError(t, err)
	_, err = h.Pool.Exec(ctx, `WITH e AS (INSERT INTO "Estimator" (simulation_id, name) VALUES ($1, 'dose') RETURNING id)
		INSERT INTO "Page" (estimator_id, page_number) SELECT id, 1 FROM e`, running.ID)
	require.NoError(t, err)

	err = h.Store.DeleteSimulation(ctx, running.ID)
	require.ErrorIs(t, err, store.ErrStillRunning)
	assert.Contains(t, err.Error(), "RUNNING")
	_, err = h.Store.GetSimulation(ctx, running.ID)
	require.NoError(t, err, "the refused delete removed nothing")

	n := roundTrips(t, h.Counter, func() error { return h.Store.DeleteSimulation(ctx, done.ID) })
	assert.Equal(t, 1, n)
	n = roundTrips(t, h.Counter, func() error { return h.Store.DeleteSimulation(ctx, running.ID, store.Force()) })
	assert.Equal(t, 1, n)
	for _, table := range []string{"Simulation", "CelerySimulation", "BatchSimulation", "Task", "CeleryTask", "BatchTask",
		"Input", "Logfiles", "Estimator", "Page"} {
		assert.Equal(t, 0, h.count(t, table), "every %s row went with its simulation", table)
	}
	assert.Equal(t, 1, h.count(t, "Cluster"), "the cluster stays")
	assert.ErrorIs(t, h.Store.DeleteSimulation(ctx, done.ID), store.ErrNotFound)
}
