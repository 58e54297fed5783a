package store

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// SimulationUpdate holds the fields of a simulation to change; nil fields are left as they are.
type SimulationUpdate struct {
	State     *State
	StartTime *time.Time // taken only while the simulation has no start time
	EndTime   *time.Time // taken only while the simulation has no end time
	MergeID   *string    // direct simulations only; ignored for batch ones
	JobDir    *string    // batch simulations only; ignored for direct ones
	ArrayID   *int32     // batch simulations only; ignored for direct ones
	CollectID *int32     // batch simulations only; ignored for direct ones
}

// UpdateSimulation applies u to the simulation with id id with the platform's rules, in one statement: a
// simulation in a terminal state (Completed, Failed, Canceled) is left unchanged; otherwise each given field
// is set, except that start and end time are set only once. It returns the simulation after the update and
// whether the update was applied (false: the simulation was already terminal). It returns ErrInvalid, before
// sending anything, for an unknown state, and ErrNotFound when there is no such simulation.
func (s *Store) UpdateSimulation(ctx context.Context, id int32, u SimulationUpdate) (Simulation, bool, error) {
	params, err := simulationUpdateByIDParams(id, u)
	if err != nil {
		return Simulation{}, false, err
	}
	row, err := queries.UpdateSimulation(ctx, s.exec(), params)
	updated, err := simulationUpdated(row, err, "simulation %d", id)
	return updated.Simulation, updated.Applied, err
}

// UpdateSimulationByJobID is UpdateSimulation for the simulation with the given job id, the key the
// platform's workers and clusters report by. It costs the same single statement. It returns ErrNotFound when
// no simulation has that job id.
func (s *Store) UpdateSimulationByJobID(ctx context.Context, jobID string, u SimulationUpdate) (Simulation, bool, error) {
	params, err := simulationUpdateByJobIDParams(jobID, u)
	if err != nil {
		return Simulation{}, false, err
	}
	row, err := queries.UpdateSimulation(ctx, s.exec(), params)
	updated, err := simulationUpdated(row, err, "simulation %q", jobID)
	return updated.Simulation, updated.Applied, err
}

// UpdatedSimulation is the outcome of a simulation update queued on a Batch: the simulation after the update
// and whether the update was applied (false: the simulation was already in a terminal state).
type UpdatedSimulation struct {
	Simulation Simulation
	Applied    bool
}

// simulationUpdateParams validates u and turns it into the update statement's parameters, without the key.
func simulationUpdateParams(u SimulationUpdate) (dbsqlc.UpdateSimulationParams, error) {
	params := dbsqlc.UpdateSimulationParams{
		StartTime: u.StartTime, EndTime: u.EndTime, MergeID: u.MergeID, JobDir: u.JobDir,
		ArrayID: u.ArrayID, CollectID: u.CollectID,
	}
	var err error
	if params.JobState, err = stateParam(u.State); err != nil {
		return params, err
	}
	return params, checkTextFields(u.MergeID, u.JobDir)
}

// simulationUpdateByIDParams is simulationUpdateParams keyed by id.
func simulationUpdateByIDParams(id int32, u SimulationUpdate) (dbsqlc.UpdateSimulationParams, error) {
	params, err := simulationUpdateParams(u)
	params.ID = &id
	return params, err
}

// simulationUpdateByJobIDParams is simulationUpdateParams keyed by job id.
func simulationUpdateByJobIDParams(jobID string, u SimulationUpdate) (dbsqlc.UpdateSimulationParams, error) {
	if err := checkName("job id", jobID); err != nil {
		return dbsqlc.UpdateSimulationParams{}, err
	}
	params, err := simulationUpdateParams(u)
	params.JobID = &jobID
	return params, err
}

// simulationUpdated turns the result of the update statement into the updated simulation; format and args
// name the simulation in a not-found error.
func simulationUpdated(row dbsqlc.UpdateSimulationRow, err error, format string, args ...any) (UpdatedSimulation, error) {
	if err != nil {
		return UpdatedSimulation{}, notFoundOr(mapError(err), format, args...)
	}
	// The row comes from a CTE, which sqlc.embed cannot name, so the simulation's columns arrive flat.
	sim, err := simulationFromRow(simulationRow{Simulation: dbsqlc.Simulation{
		ID: row.ID, JobID: row.JobID, UserID: row.UserID, StartTime: row.StartTime, EndTime: row.EndTime,
		Title: row.Title, Platform: row.Platform, InputType: row.InputType, SimType: row.SimType, JobState: row.JobState,
	}, MergeID: cmp.Or(row.NewMergeID, row.MergeID), ClusterID: row.ClusterID, JobDir: row.JobDir,
		ArrayID: row.ArrayID, CollectID: row.CollectID})
	if err != nil {
		return UpdatedSimulation{}, err
	}
	return UpdatedSimulation{Simulation: sim, Applied: row.Applied}, nil
}

// Cancellation reports what CancelSimulation did.
type Cancellation struct {
	Applied       bool  // the simulation was not terminal and is now Canceled
	TasksCanceled int32 // how many of its unfinished tasks were canceled with it
}

// CancelSimulation cancels the simulation with id id and every one of its tasks that has not finished, in
// one statement: they become Canceled, their end time is set (where unset) to the Store clock's now, and the
// tasks' estimated time is cleared. A simulation already in a terminal state is left unchanged (Applied is
// false). It returns ErrNotFound when there is no such simulation.
func (s *Store) CancelSimulation(ctx context.Context, id int32) (Cancellation, error) {
	row, err := queries.CancelSimulation(ctx, s.exec(), dbsqlc.CancelSimulationParams{ID: id, Now: s.now()})
	if err != nil {
		return Cancellation{}, notFoundOr(mapError(err), "simulation %d", id)
	}
	return Cancellation{Applied: row.Applied, TasksCanceled: row.TasksCanceled}, nil
}

// DeleteSimulationOption changes what DeleteSimulation does.
type DeleteSimulationOption func(*deleteSimulationOptions)

type deleteSimulationOptions struct{ force bool }

// Force makes DeleteSimulation delete a simulation even while it is still pending or running.
func Force() DeleteSimulationOption {
	return func(o *deleteSimulationOptions) { o.force = true }
}

// DeleteSimulation deletes the simulation with id id together with its variant row, its tasks, input,
// results and log files, in one statement. A simulation still active (Pending, Running, MergingQueued,
// MergingRunning) is not deleted unless Force is given: the error then matches ErrStillRunning. It returns
// ErrNotFound when there is no such simulation.
func (s *Store) DeleteSimulation(ctx context.Context, id int32, opts ...DeleteSimulationOption) error {
	var o deleteSimulationOptions
	for _, opt := range opts {
		opt(&o)
	}
	row, err := queries.DeleteSimulation(ctx, s.exec(), dbsqlc.DeleteSimulationParams{ID: id, Force: o.force})
	if err != nil {
		return notFoundOr(mapDeleteError(err), "simulation %d", id)
	}
	if !row.Deleted {
		return fmt.Errorf("%w: simulation %d is %s; pass Force to delete it anyway", ErrStillRunning, id, row.JobState)
	}
	return nil
}
