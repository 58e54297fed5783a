package store

import (
	"context"
	"fmt"
	"time"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// Simulation is one simulation job with its variant: exactly one of Direct and Batch is non-nil, matching
// Platform.
type Simulation struct {
	ID        int32
	JobID     string     // the platform's job id, e.g. "20240611-101500-<uuid>DIRECT"
	UserID    *int32     // the owner; nil for a simulation whose owner was never recorded
	StartTime *time.Time // submission time
	EndTime   *time.Time // end of the job, merging included; nil while it runs
	Title     string
	Platform  Platform
	InputType InputType
	SimType   SimType
	State     State
	Direct    *DirectSimulation // set when Platform is PlatformDirect
	Batch     *BatchSimulation  // set when Platform is PlatformBatch
}

// DirectSimulation is the variant of a simulation run by the platform's own (Celery) workers.
type DirectSimulation struct {
	MergeID *string // the Celery id of the job that merges the tasks' results, once known
}

// BatchSimulation is the variant of a simulation run on an HPC cluster.
type BatchSimulation struct {
	ClusterID int32
	JobDir    *string // the job's directory on the cluster
	ArrayID   *int32  // the cluster's id of the array job that runs the tasks
	CollectID *int32  // the cluster's id of the job that collects the results
}

// GetSimulation returns the simulation with id id, with its variant, in one query. With OwnedBy it returns
// ErrNotFound for another user's simulation, as for a missing one.
func (s *Store) GetSimulation(ctx context.Context, id int32, opts ...ReadOption) (Simulation, error) {
	o := newReadOptions(opts)
	row, err := queries.GetSimulation(ctx, s.exec(), dbsqlc.GetSimulationParams{ID: id, OwnerID: o.ownerID})
	if err != nil {
		return Simulation{}, notFoundOr(mapError(err), "simulation %d", id)
	}
	return simulationFromRow(simulationRow(row))
}

// GetSimulationByJobID returns the simulation with the given job id, with its variant, in one query. With
// OwnedBy it returns ErrNotFound for another user's simulation, as for a missing one. A job id no simulation
// can have (empty, over MaxNameBytes, not UTF-8, with a NUL byte) gives ErrInvalid without a round trip.
func (s *Store) GetSimulationByJobID(ctx context.Context, jobID string, opts ...ReadOption) (Simulation, error) {
	if err := checkName("job id", jobID); err != nil {
		return Simulation{}, err
	}
	o := newReadOptions(opts)
	row, err := queries.GetSimulationByJobID(ctx, s.exec(), dbsqlc.GetSimulationByJobIDParams{JobID: jobID, OwnerID: o.ownerID})
	if err != nil {
		return Simulation{}, notFoundOr(mapError(err), "simulation %q", jobID)
	}
	return simulationFromRow(simulationRow(row))
}

// simulationRow is the shape every simulation read returns: the "Simulation" row and its children's columns
// (nil where the child is the other variant). The generated row types of the reads have the same fields and
// convert to it.
type simulationRow = dbsqlc.GetSimulationRow

// simulationFromRow builds a Simulation with its variant, or returns ErrMissingVariant when a BATCH
// simulation has no BatchSimulation row or the platform is unknown.
func simulationFromRow(row simulationRow) (Simulation, error) {
	r := row.Simulation
	sim := Simulation{
		ID:        r.ID,
		JobID:     r.JobID,
		UserID:    r.UserID,
		StartTime: r.StartTime,
		EndTime:   r.EndTime,
		Title:     r.Title,
		Platform:  Platform(r.Platform),
		InputType: InputType(r.InputType),
		SimType:   SimType(r.SimType),
		State:     State(r.JobState),
	}
	switch sim.Platform {
	case PlatformDirect:
		sim.Direct = &DirectSimulation{MergeID: row.MergeID}
	case PlatformBatch:
		if row.ClusterID == nil {
			return Simulation{}, fmt.Errorf("%w: simulation %d is BATCH but has no BatchSimulation row", ErrMissingVariant, r.ID)
		}
		sim.Batch = &BatchSimulation{ClusterID: *row.ClusterID, JobDir: row.JobDir, ArrayID: row.ArrayID, CollectID: row.CollectID}
	default:
		return Simulation{}, fmt.Errorf("%w: simulation %d has unknown platform %q", ErrMissingVariant, r.ID, r.Platform)
	}
	return sim, nil
}
