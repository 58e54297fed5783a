package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// TestPipelineSubmitThenPending submits a simulation and moves it to Pending by its job id in one round trip,
// the platform's submission as BENCHMARKS.md's W1 defines it.
func TestPipelineSubmitThenPending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)

	b := h.Store.NewPipeline()
	sub := b.SubmitDirect(directSubmission(nil, 3))
	require.NotEmpty(t, sub.JobID, "the job id is known before the pipeline is sent")
	pending := b.UpdateSimulationByJobID(sub.JobID, store.SimulationUpdate{State: refTo(store.StatePending)})
	assert.Equal(t, 2, b.Len())
	_, err := sub.Get()
	assert.ErrorIs(t, err, store.ErrNotSent)
	assert.Zero(t, h.count(t, "Simulation"), "nothing is sent before Send")

	assert.Equal(t, 1, roundTrips(t, h.Counter, func() error { return b.Send(ctx) }), "the batch is one round trip")

	sim, err := sub.Get()
	require.NoError(t, err)
	assert.Equal(t, sub.JobID, sim.JobID)
	assert.Equal(t, store.StateUnknown, sim.State, "the submission's own result is the row it inserted")
	updated, err := pending.Get()
	require.NoError(t, err)
	assert.True(t, updated.Applied)
	assert.Equal(t, sim.ID, updated.Simulation.ID)
	assert.Equal(t, store.StatePending, updated.Simulation.State)

	read, err := h.Store.GetSimulationByJobID(ctx, sub.JobID)
	require.NoError(t, err)
	assert.Equal(t, normalize(updated.Simulation), normalize(read))
	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	assert.Len(t, tasks, 3)

	assert.Error(t, b.Send(ctx), "a batch is sent once")
	again := b.UpdateSimulation(sim.ID, store.SimulationUpdate{State: refTo(store.StateRunning)})
	_, err = again.Get()
	assert.Error(t, err, "an operation queued after Send is never run")
	read, err = h.Store.GetSimulation(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StatePending, read.State)
}

// TestPipelineIsAtomicWhenTheServerRefuses checks that a statement the server refuses undoes the statements
// before it in the pipeline, and that every handle reports the refusal.
func TestPipelineIsAtomicWhenTheServerRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 2)

	b := h.Store.NewPipeline()
	first := b.SubmitDirect(directSubmission(nil, 2))
	task := b.UpdateTaskProgress(sim.ID, 0, store.TaskUpdate{State: refTo(store.StateRunning)})
	missingOwner := b.SubmitDirect(directSubmission(refTo(int32(999999)), 1))
	err := b.Send(ctx)
	require.ErrorIs(t, err, store.ErrNotFound, "the owner does not exist")
	var ce *store.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "Simulation_user_id_fkey", ce.Constraint)
	assert.Contains(t, err.Error(), "operation 3 of 3 (SubmitDirect)")

	for name, got := range map[string]error{
		"first": errOf(first.Get()), "task": errOf(task.Get()), "missing owner": errOf(missingOwner.Get()),
	} {
		assert.ErrorIs(t, got, store.ErrNotFound, "%s reports the pipeline's error", name)
	}
	_, err = h.Store.GetSimulationByJobID(ctx, first.JobID)
	assert.ErrorIs(t, err, store.ErrNotFound, "the first submission was rolled back")
	assert.Equal(t, 1, h.count(t, "Simulation"))
	assert.Equal(t, 2, h.count(t, "Task"))
	got, err := h.Store.GetTask(ctx, sim.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, store.StatePending, got.State, "the task update was rolled back")
}

// TestPipelineRefusesInvalidValuesBeforeSending checks that a value the Store would refuse refuses the whole
// batch without a round trip.
func TestPipelineRefusesInvalidValuesBeforeSending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)

	b := h.Store.NewPipeline()
	sub := b.SubmitDirect(directSubmission(nil, 1))
	bad := b.UpdateSimulationByJobID(sub.JobID, store.SimulationUpdate{State: refTo(store.State("DONE"))})
	var err error
	assert.Zero(t, roundTrips(t, h.Counter, func() error { err = b.Send(ctx); return nil }))
	require.ErrorIs(t, err, store.ErrInvalid)
	assert.Contains(t, err.Error(), "operation 2 (UpdateSimulationByJobID)")
	assert.ErrorIs(t, errOf(sub.Get()), store.ErrInvalid)
	assert.ErrorIs(t, errOf(bad.Get()), store.ErrInvalid)
	assert.Zero(t, h.count(t, "Simulation"))

	empty := h.Store.NewPipeline()
	assert.Zero(t, roundTrips(t, h.Counter, func() error { return empty.Send(ctx) }), "an empty batch sends nothing")
}

// TestPipelineNotFoundDoesNotStopTheOthers checks that an update that finds no row reports ErrNotFound while
// the rest of the pipeline takes effect.
func TestPipelineNotFoundDoesNotStopTheOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 2)

	b := h.Store.NewPipeline()
	unknown := b.UpdateSimulationByJobID("20240611-101500-missingDIRECT", store.SimulationUpdate{State: refTo(store.StateRunning)})
	noTask := b.UpdateTaskProgress(sim.ID, 7, store.TaskUpdate{State: refTo(store.StateRunning)})
	running := b.UpdateSimulation(sim.ID, store.SimulationUpdate{State: refTo(store.StateRunning)})
	tasks := []*store.Queued[store.UpdatedTask]{
		b.UpdateTaskProgress(sim.ID, 0, store.TaskUpdate{State: refTo(store.StateRunning), SimulatedPrimaries: refTo(int32(10))}),
		b.UpdateTaskProgress(sim.ID, 1, store.TaskUpdate{State: refTo(store.StateCompleted)}),
	}
	assert.Equal(t, 1, roundTrips(t, h.Counter, func() error { return b.Send(ctx) }))

	_, err := unknown.Get()
	assert.ErrorIs(t, err, store.ErrNotFound)
	assert.Contains(t, err.Error(), "missingDIRECT")
	_, err = noTask.Get()
	assert.ErrorIs(t, err, store.ErrNotFound)
	assert.Contains(t, err.Error(), "task 7")
	updated, err := running.Get()
	require.NoError(t, err)
	assert.True(t, updated.Applied)
	assert.Equal(t, store.StateRunning, updated.Simulation.State)
	for n, q := range tasks {
		got, err := q.Get()
		require.NoError(t, err)
		assert.True(t, got.Applied)
		read, err := h.Store.GetTask(ctx, sim.ID, int32(n))
		require.NoError(t, err)
		assert.Equal(t, read, got.Task, "task %d: the handle holds the task as stored", n)
	}
	completed, err := tasks[1].Get()
	require.NoError(t, err)
	assert.Equal(t, int32(1000), completed.Task.SimulatedPrimaries, "completed sets simulated to requested")

	// A task in a terminal state takes no update, in a batch as alone.
	b = h.Store.NewPipeline()
	final := b.UpdateTaskProgress(sim.ID, 1, store.TaskUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, b.Send(ctx))
	got, err := final.Get()
	require.NoError(t, err)
	assert.False(t, got.Applied)
	assert.Equal(t, store.StateCompleted, got.Task.State)
}

// TestPipelineInTx checks that a batch queued on InTx's Store runs in that transaction: rolled back with it.
func TestPipelineInTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	rollback := errors.New("roll back")

	var jobID string
	err := h.Store.InTx(ctx, func(tx *store.Store) error {
		b := tx.NewPipeline()
		sub := b.SubmitDirect(directSubmission(nil, 1))
		jobID = sub.JobID
		b.UpdateSimulationByJobID(sub.JobID, store.SimulationUpdate{State: refTo(store.StatePending)})
		if err := b.Send(ctx); err != nil {
			return err
		}
		read, err := tx.GetSimulationByJobID(ctx, jobID)
		if err != nil {
			return err
		}
		assert.Equal(t, store.StatePending, read.State, "the transaction sees the batch")
		return rollback
	})
	require.ErrorIs(t, err, rollback)
	_, err = h.Store.GetSimulationByJobID(ctx, jobID)
	assert.ErrorIs(t, err, store.ErrNotFound, "the batch was rolled back with the transaction")
}

// TestPipelineCancelled checks that a batch sent with a cancelled context writes nothing and says why.
func TestPipelineCancelled(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	b := h.Store.NewPipeline()
	sub := b.SubmitDirect(directSubmission(nil, 1))
	err := b.Send(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, errOf(sub.Get()), context.Canceled)
	assert.Zero(t, h.count(t, "Simulation"))
}

// TestUpdateSimulationByJobID checks the update addressed by job id against the one addressed by id.
func TestUpdateSimulationByJobID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	sim := submitDirect(t, h.Store, nil, 1)

	var got store.Simulation
	var applied bool
	n := roundTrips(t, h.Counter, func() (err error) {
		got, applied, err = h.Store.UpdateSimulationByJobID(ctx, sim.JobID, store.SimulationUpdate{
			State: refTo(store.StateRunning), MergeID: refTo("merge-1"),
		})
		return err
	})
	assert.Equal(t, 1, n)
	assert.True(t, applied)
	assert.Equal(t, sim.ID, got.ID)
	assert.Equal(t, store.StateRunning, got.State)
	assert.Equal(t, "merge-1", *got.Direct.MergeID)

	_, applied, err := h.Store.UpdateSimulationByJobID(ctx, sim.JobID, store.SimulationUpdate{State: refTo(store.StateFailed)})
	require.NoError(t, err)
	assert.True(t, applied)
	got, applied, err = h.Store.UpdateSimulationByJobID(ctx, sim.JobID, store.SimulationUpdate{State: refTo(store.StateRunning)})
	require.NoError(t, err)
	assert.False(t, applied, "a failed simulation takes no more updates")
	assert.Equal(t, store.StateFailed, got.State)

	_, _, err = h.Store.UpdateSimulationByJobID(ctx, "20240611-101500-nothingDIRECT", store.SimulationUpdate{State: refTo(store.StateRunning)})
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = h.Store.UpdateSimulationByJobID(ctx, "bad\x00id", store.SimulationUpdate{})
	assert.ErrorIs(t, err, store.ErrInvalid)
}

// errOf returns the error of a Get.
func errOf[T any](_ T, err error) error { return err }

// TestPipelineSubmitBatchSimulation submits a batch simulation on a Pipeline and records its cluster job ids by
// id in a second one.
func TestPipelineSubmitBatchSimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)

	b := h.Store.NewPipeline()
	sub := b.SubmitBatch(store.BatchSubmission{
		Submission: store.Submission{Title: "on ares", InputType: store.InputFiles, SimType: store.SimFluka},
		ClusterID:  cluster.ID,
		Tasks:      []store.BatchTaskParams{{RequestedPrimaries: 10}, {RequestedPrimaries: 20}},
	})
	require.NoError(t, b.Send(ctx))
	sim, err := sub.Get()
	require.NoError(t, err)
	require.NotNil(t, sim.Batch)
	assert.Equal(t, cluster.ID, sim.Batch.ClusterID)
	assert.Equal(t, sub.JobID, sim.JobID)

	b = h.Store.NewPipeline()
	ids := b.UpdateSimulation(sim.ID, store.SimulationUpdate{
		State: refTo(store.StateRunning), JobDir: refTo("/scratch/job"), ArrayID: refTo(int32(41)), CollectID: refTo(int32(42)),
	})
	require.NoError(t, b.Send(ctx))
	updated, err := ids.Get()
	require.NoError(t, err)
	assert.True(t, updated.Applied)
	read, err := h.Store.GetSimulation(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, normalize(read), normalize(updated.Simulation))
	assert.Equal(t, int32(41), *read.Batch.ArrayID)
	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	require.Len(t, tasks, 2)
	assert.Equal(t, int32(1), tasks[0].Number, "batch tasks are numbered from 1")

	b = h.Store.NewPipeline()
	noCluster := b.SubmitBatch(store.BatchSubmission{
		Submission: store.Submission{Title: "nowhere", InputType: store.InputFiles, SimType: store.SimFluka},
		ClusterID:  cluster.ID + 100,
	})
	err = b.Send(ctx)
	var ce *store.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "BatchSimulation_cluster_id_fkey", ce.Constraint)
	assert.ErrorIs(t, errOf(noCluster.Get()), store.ErrNotFound)
	assert.Equal(t, 1, h.count(t, "Simulation"))
}
