package store

import (
	"context"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// QueuedSubmission is the outcome of a submission queued on a Batch, with the job id the new simulation gets.
type QueuedSubmission struct {
	Queued[Simulation]
	// JobID is the new simulation's job id, known as soon as the submission is queued, so that later
	// operations of the same Batch can address the simulation by it; "" when the submission was refused.
	JobID string
}

// SubmitDirect queues Store.SubmitDirect: the simulation with its tasks and input, written by one statement
// of the Batch. Values the Store method refuses refuse the whole Batch before anything is sent.
func (b *Batch) SubmitDirect(sub DirectSubmission) *QueuedSubmission {
	params, err := b.s.directSubmitParams(sub)
	q := &QueuedSubmission{JobID: params.JobID}
	enqueue(b, "SubmitDirect", &q.Queued, err,
		func(db dbsqlc.DBTX) (dbsqlc.SubmitDirectSimulationRow, error) {
			return queries.SubmitDirectSimulation(context.Background(), db, params)
		},
		func(row dbsqlc.SubmitDirectSimulationRow, err error) (Simulation, error) {
			return submittedDirect(row, err, len(sub.Tasks))
		})
	return q
}

// SubmitBatch queues Store.SubmitBatch: the batch simulation with its tasks and input, written by one
// statement of the Batch. Values the Store method refuses refuse the whole Batch before anything is sent.
func (b *Batch) SubmitBatch(sub BatchSubmission) *QueuedSubmission {
	params, err := b.s.batchSubmitParams(sub)
	q := &QueuedSubmission{JobID: params.JobID}
	enqueue(b, "SubmitBatch", &q.Queued, err,
		func(db dbsqlc.DBTX) (dbsqlc.SubmitBatchSimulationRow, error) {
			return queries.SubmitBatchSimulation(context.Background(), db, params)
		},
		func(row dbsqlc.SubmitBatchSimulationRow, err error) (Simulation, error) {
			return submittedBatch(row, err, len(sub.Tasks))
		})
	return q
}

// UpdateSimulation queues Store.UpdateSimulation of the simulation with id id. Its handle reports
// ErrNotFound, without stopping the other operations, when there is no such simulation; an unknown state
// refuses the whole Batch before anything is sent.
func (b *Batch) UpdateSimulation(id int32, u SimulationUpdate) *Queued[UpdatedSimulation] {
	params, err := simulationUpdateByIDParams(id, u)
	return b.queueSimulationUpdate("UpdateSimulation", params, err, "simulation %d", id)
}

// UpdateSimulationByJobID queues Store.UpdateSimulationByJobID: the update of the simulation with that job
// id, which may be the job id of a submission queued earlier on the same Batch. Its handle reports
// ErrNotFound, without stopping the other operations, when no simulation has that job id; an unknown state
// refuses the whole Batch before anything is sent.
func (b *Batch) UpdateSimulationByJobID(jobID string, u SimulationUpdate) *Queued[UpdatedSimulation] {
	params, err := simulationUpdateByJobIDParams(jobID, u)
	return b.queueSimulationUpdate("UpdateSimulationByJobID", params, err, "simulation %q", jobID)
}

// queueSimulationUpdate queues the simulation update statement with params; format and args name the
// simulation in a not-found error.
func (b *Batch) queueSimulationUpdate(name string, params dbsqlc.UpdateSimulationStateParams, prepared error,
	format string, args ...any) *Queued[UpdatedSimulation] {
	q := &Queued[UpdatedSimulation]{}
	enqueue(b, name, q, prepared,
		func(db dbsqlc.DBTX) (dbsqlc.UpdateSimulationStateRow, error) {
			return queries.UpdateSimulationState(context.Background(), db, params)
		},
		func(row dbsqlc.UpdateSimulationStateRow, err error) (UpdatedSimulation, error) {
			return simulationUpdated(row, err, format, args...)
		})
	return q
}

// UpdateTaskProgress queues Store.UpdateTaskProgress of task number of the simulation with id
// simulationID: a worker reporting several tasks sends them in one round trip. Its handle reports
// ErrNotFound, without stopping the other operations, when there is no such task; values the Store method
// refuses refuse the whole Batch before anything is sent.
func (b *Batch) UpdateTaskProgress(simulationID, number int32, u TaskUpdate) *Queued[UpdatedTask] {
	params, err := b.s.taskUpdateParams(simulationID, number, u)
	q := &Queued[UpdatedTask]{}
	enqueue(b, "UpdateTaskProgress", q, err,
		func(db dbsqlc.DBTX) (dbsqlc.UpdateTaskProgressRow, error) {
			return queries.UpdateTaskProgress(context.Background(), db, params)
		},
		func(row dbsqlc.UpdateTaskProgressRow, err error) (UpdatedTask, error) {
			return taskUpdated(row, err, simulationID, number)
		})
	return q
}
