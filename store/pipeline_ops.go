package store

import (
	"context"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// QueuedSubmission is the outcome of a submission queued on a Pipeline, with the job id the new simulation gets.
type QueuedSubmission struct {
	Queued[Simulation]
	// JobID is the new simulation's job id, known as soon as the submission is queued, so that later
	// operations of the same Pipeline can address the simulation by it; "" when the submission was refused.
	JobID string
}

// SubmitDirect queues Store.SubmitDirect: the simulation with its tasks and input, written by one statement
// of the Pipeline. Values the Store method refuses refuse the whole Pipeline before anything is sent.
func (p *Pipeline) SubmitDirect(sub DirectSubmission) *QueuedSubmission {
	params, err := p.s.directSubmitParams(sub)
	q := &QueuedSubmission{JobID: params.JobID}
	enqueue(p, "SubmitDirect", &q.Queued, err,
		func(db dbsqlc.DBTX) (dbsqlc.SubmitDirectRow, error) {
			return queries.SubmitDirect(context.Background(), db, params)
		},
		func(row dbsqlc.SubmitDirectRow, err error) (Simulation, error) {
			return submittedDirect(row, err, len(sub.Tasks))
		})
	return q
}

// SubmitBatch queues Store.SubmitBatch: the batch simulation with its tasks and input, written by one
// statement of the Pipeline. Values the Store method refuses refuse the whole Pipeline before anything is sent.
func (p *Pipeline) SubmitBatch(sub BatchSubmission) *QueuedSubmission {
	params, err := p.s.batchSubmitParams(sub)
	q := &QueuedSubmission{JobID: params.JobID}
	enqueue(p, "SubmitBatch", &q.Queued, err,
		func(db dbsqlc.DBTX) (dbsqlc.SubmitBatchRow, error) {
			return queries.SubmitBatch(context.Background(), db, params)
		},
		func(row dbsqlc.SubmitBatchRow, err error) (Simulation, error) {
			return submittedBatch(row, err, len(sub.Tasks))
		})
	return q
}

// UpdateSimulation queues Store.UpdateSimulation of the simulation with id id. Its handle reports
// ErrNotFound, without stopping the other operations, when there is no such simulation; an unknown state
// refuses the whole Pipeline before anything is sent.
func (p *Pipeline) UpdateSimulation(id int32, u SimulationUpdate) *Queued[UpdatedSimulation] {
	params, err := simulationUpdateByIDParams(id, u)
	return p.queueSimulationUpdate("UpdateSimulation", params, err, "simulation %d", id)
}

// UpdateSimulationByJobID queues Store.UpdateSimulationByJobID: the update of the simulation with that job
// id, which may be the job id of a submission queued earlier on the same Pipeline. Its handle reports
// ErrNotFound, without stopping the other operations, when no simulation has that job id; an unknown state
// refuses the whole Pipeline before anything is sent.
func (p *Pipeline) UpdateSimulationByJobID(jobID string, u SimulationUpdate) *Queued[UpdatedSimulation] {
	params, err := simulationUpdateByJobIDParams(jobID, u)
	return p.queueSimulationUpdate("UpdateSimulationByJobID", params, err, "simulation %q", jobID)
}

// queueSimulationUpdate queues the simulation update statement with params; format and args name the
// simulation in a not-found error.
func (p *Pipeline) queueSimulationUpdate(name string, params dbsqlc.UpdateSimulationParams, prepared error,
	format string, args ...any) *Queued[UpdatedSimulation] {
	q := &Queued[UpdatedSimulation]{}
	enqueue(p, name, q, prepared,
		func(db dbsqlc.DBTX) (dbsqlc.UpdateSimulationRow, error) {
			return queries.UpdateSimulation(context.Background(), db, params)
		},
		func(row dbsqlc.UpdateSimulationRow, err error) (UpdatedSimulation, error) {
			return simulationUpdated(row, err, format, args...)
		})
	return q
}

// UpdateTaskProgress queues Store.UpdateTaskProgress of task number of the simulation with id
// simulationID: a worker reporting several tasks sends them in one round trip. Its handle reports
// ErrNotFound, without stopping the other operations, when there is no such task; values the Store method
// refuses refuse the whole Pipeline before anything is sent.
func (p *Pipeline) UpdateTaskProgress(simulationID, number int32, u TaskUpdate) *Queued[UpdatedTask] {
	params, err := p.s.taskUpdateParams(simulationID, number, u)
	q := &Queued[UpdatedTask]{}
	enqueue(p, "UpdateTaskProgress", q, err,
		func(db dbsqlc.DBTX) (dbsqlc.UpdateTaskProgressRow, error) {
			return queries.UpdateTaskProgress(context.Background(), db, params)
		},
		func(row dbsqlc.UpdateTaskProgressRow, err error) (UpdatedTask, error) {
			return taskUpdated(row, err, simulationID, number)
		})
	return q
}
