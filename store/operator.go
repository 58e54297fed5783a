package store

import (
	"context"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// This file holds the reads and deletes that only operators need (the yapstore command-line tool): listings
// across every user and the removal of a single task. Services use the owner-scoped, paged methods instead.

// ListAllSimulations returns every simulation, or only those owned by the user with id *userID when userID is
// not nil, each with its variant, newest first (start time descending, simulations without a start time
// last, ties broken by id descending). It is meant for operators; services list one user's simulations page
// by page with ListSimulations. An empty database gives an empty slice. A simulation whose variant row is
// missing gives an error matching ErrMissingVariant.
func (s *Store) ListAllSimulations(ctx context.Context, userID *int32) ([]Simulation, error) {
	rows, err := queries.ListAllSimulations(ctx, s.exec(), userID)
	if err != nil {
		return nil, mapError(err)
	}
	return convertRows(rows, func(r dbsqlc.ListAllSimulationsRow) (Simulation, error) {
		return simulationFromRow(simulationRow(r))
	})
}

// ListTasksOfSimulations returns the tasks of the simulations whose ids are in simulationIDs, ordered by
// simulation id and then task number, in one query. Ids that name no simulation contribute nothing; no ids
// give an empty slice without a round trip. A task whose variant row is missing gives an error matching
// ErrMissingVariant.
func (s *Store) ListTasksOfSimulations(ctx context.Context, simulationIDs []int32) ([]Task, error) {
	if len(simulationIDs) == 0 {
		return []Task{}, nil
	}
	rows, err := queries.ListTasksOfSimulations(ctx, s.exec(), simulationIDs)
	if err != nil {
		return nil, mapError(err)
	}
	return convertRows(rows, func(r dbsqlc.ListTasksOfSimulationsRow) (Task, error) {
		return taskFromRow(taskRow(r))
	})
}

// DeleteTask deletes task number (its task_id) of the simulation with id simulationID, together with its
// variant row, and nothing else: tasks with the same number in other simulations are untouched. It does not
// change the simulation's state. It returns ErrNotFound when that simulation has no such task.
func (s *Store) DeleteTask(ctx context.Context, simulationID, number int32) error {
	n, err := queries.DeleteTask(ctx, s.exec(), dbsqlc.DeleteTaskParams{SimulationID: &simulationID, TaskID: number})
	if err != nil {
		return mapDeleteError(err)
	}
	if n == 0 {
		return notFoundf("task %d of simulation %d", number, simulationID)
	}
	return nil
}
