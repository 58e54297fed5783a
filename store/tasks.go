package store

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// Task is one task of a simulation with its variant: exactly one of Direct and Batch is non-nil, matching
// Platform.
type Task struct {
	ID                 int32
	SimulationID       int32
	Number             int32 // the task's number within its simulation (task_id): from 0 if direct, 1 if batch
	RequestedPrimaries int32
	SimulatedPrimaries int32
	State              State
	EstimatedTime      *int32 // seconds left, as the worker last estimated; cleared when the task ends
	StartTime          *time.Time
	EndTime            *time.Time
	LastUpdateTime     *time.Time
	Platform           Platform
	Direct             *DirectTask // set when Platform is PlatformDirect
	Batch              *BatchTask  // set when Platform is PlatformBatch
}

// DirectTask is the variant of a task run by the platform's own (Celery) workers.
type DirectTask struct {
	CeleryID string // the task's Celery id; "" when not yet known
}

// BatchTask is the variant of a task run on an HPC cluster. It has no fields of its own.
type BatchTask struct{}

// GetTask returns task number of the simulation with id simulationID, or ErrNotFound.
func (s *Store) GetTask(ctx context.Context, simulationID, number int32) (Task, error) {
	row, err := queries.GetTask(ctx, s.exec(), dbsqlc.GetTaskParams{SimulationID: &simulationID, TaskID: number})
	if err != nil {
		return Task{}, notFoundOr(mapError(err), "task %d of simulation %d", number, simulationID)
	}
	return taskFromRow(taskRow(row))
}

// ListTasks returns the tasks of the simulation with id simulationID in task order, only those in one of
// states when any are given. A simulation without tasks, or one that does not exist, gives an empty slice.
// It returns ErrInvalid, before sending anything, for an unknown state.
func (s *Store) ListTasks(ctx context.Context, simulationID int32, states ...State) ([]Task, error) {
	filter, err := stateStrings(states)
	if err != nil {
		return nil, err
	}
	rows, err := queries.ListTasks(ctx, s.exec(), dbsqlc.ListTasksParams{SimulationID: &simulationID, States: filter})
	if err != nil {
		return nil, mapError(err)
	}
	return convertRows(rows, func(r dbsqlc.ListTasksRow) (Task, error) { return taskFromRow(taskRow(r)) })
}

// TaskUpdate holds a worker's progress report for one task; nil fields are left as they are.
type TaskUpdate struct {
	State              *State
	RequestedPrimaries *int32
	SimulatedPrimaries *int32     // ignored when State is Completed: then it becomes RequestedPrimaries
	EstimatedTime      *int32     // seconds left; ignored once the task has an end time
	StartTime          *time.Time // taken only while the task has no start time
	EndTime            *time.Time // taken only while the task has no end time; clears EstimatedTime
	CeleryID           *string    // direct tasks only; ignored for batch ones
}

// UpdateTaskProgress applies u to task number of the simulation with id simulationID with the platform's
// rules, in one statement: a task in a terminal state (Completed, Failed, Canceled) is left unchanged;
// otherwise each given field is set, reaching Completed sets the simulated primaries to the requested ones,
// start and end time are set only once, setting the end time clears the estimated time, and the last update
// time becomes the Store clock's now. It returns the task after the update and whether the update was
// applied. It returns ErrInvalid, before sending anything, for an unknown state or a negative number, and
// ErrNotFound when there is no such task.
func (s *Store) UpdateTaskProgress(ctx context.Context, simulationID, number int32, u TaskUpdate) (Task, bool, error) {
	params, err := s.taskUpdateParams(simulationID, number, u)
	if err != nil {
		return Task{}, false, err
	}
	row, err := queries.UpdateTaskProgress(ctx, s.exec(), params)
	updated, err := taskUpdated(row, err, simulationID, number)
	return updated.Task, updated.Applied, err
}

// UpdatedTask is the outcome of a task update queued on a Batch: the task after the update and whether the
// update was applied (false: the task was already in a terminal state).
type UpdatedTask struct {
	Task    Task
	Applied bool
}

// taskUpdateParams validates u and turns it into the parameters of the update of task number of the
// simulation with id simulationID, stamped with the Store clock's now.
func (s *Store) taskUpdateParams(simulationID, number int32, u TaskUpdate) (dbsqlc.UpdateTaskProgressParams, error) {
	state, err := checkTaskUpdate(u)
	if err != nil {
		return dbsqlc.UpdateTaskProgressParams{}, err
	}
	return dbsqlc.UpdateTaskProgressParams{
		SimulationID:       &simulationID,
		TaskID:             number,
		RequestedPrimaries: u.RequestedPrimaries,
		TaskState:          state,
		SimulatedPrimaries: u.SimulatedPrimaries,
		EstimatedTime:      u.EstimatedTime,
		StartTime:          u.StartTime,
		EndTime:            u.EndTime,
		CeleryID:           u.CeleryID,
		Now:                s.now(),
	}, nil
}

// taskUpdated turns the result of the update statement of task number of the simulation with id
// simulationID into the updated task.
func taskUpdated(row dbsqlc.UpdateTaskProgressRow, err error, simulationID, number int32) (UpdatedTask, error) {
	if err != nil {
		return UpdatedTask{}, notFoundOr(mapError(err), "task %d of simulation %d", number, simulationID)
	}
	r := taskRow{Task: taskFromUpdateTaskProgressRow(row), CeleryID: cmp.Or(row.NewCeleryID, row.CeleryID)}
	t, err := taskFromRow(r)
	if err != nil {
		return UpdatedTask{}, err
	}
	return UpdatedTask{Task: t, Applied: row.Applied}, nil
}

// ReportTaskProgress is UpdateTaskProgress for a worker's hot path (the platform's POST /tasks), which needs
// to know only whether its update was taken: the same rules, applied in one plain UPDATE that reads nothing
// back, which costs the server noticeably less than UpdateTaskProgress. Concurrent calls are committed in
// groups (see "Group commit" in the package documentation): a call returns once its own update is committed,
// with its own outcome, and a lone call goes out at once. It returns whether the update was applied, false
// (and no error) for a task in a terminal state, and ErrNotFound for a task that does not exist. An update
// that sets CeleryID is passed to UpdateTaskProgress. It returns ErrInvalid, before sending anything, for the
// values UpdateTaskProgress refuses.
func (s *Store) ReportTaskProgress(ctx context.Context, simulationID, number int32, u TaskUpdate) (bool, error) {
	if u.CeleryID != nil {
		_, applied, err := s.UpdateTaskProgress(ctx, simulationID, number, u)
		return applied, err
	}
	state, err := checkTaskUpdate(u)
	if err != nil {
		return false, err
	}
	if s == nil || s.inTx || s.progress == nil || s.config().groupLeaders == 0 {
		return s.reportOne(ctx, simulationID, number, u, state)
	}
	return s.progress.report(ctx, s, &progressCall{simulationID: simulationID, number: number, update: u, state: state})
}

// reportOne applies one progress update with the single-row statement: one round trip when it is applied,
// a second to tell a terminal task from a missing one when it is not.
func (s *Store) reportOne(ctx context.Context, simulationID, number int32, u TaskUpdate, state *string) (bool, error) {
	updated, err := queries.ReportTaskProgress(ctx, s.exec(), dbsqlc.ReportTaskProgressParams{
		SimulationID:       &simulationID,
		TaskID:             number,
		RequestedPrimaries: u.RequestedPrimaries,
		TaskState:          state,
		SimulatedPrimaries: u.SimulatedPrimaries,
		EstimatedTime:      u.EstimatedTime,
		StartTime:          u.StartTime,
		EndTime:            u.EndTime,
		Now:                s.now(),
	})
	if err != nil {
		return false, mapError(err)
	}
	if updated > 0 {
		return true, nil
	}
	if _, err := s.GetTask(ctx, simulationID, number); err != nil {
		return false, err
	}
	return false, nil
}

// checkTaskUpdate validates u (a known state, no negative number, text the database takes) and returns its
// state as the queries take it.
func checkTaskUpdate(u TaskUpdate) (*string, error) {
	state, err := stateParam(u.State)
	if err != nil {
		return nil, err
	}
	for _, f := range [...]struct {
		name  string
		value *int32
	}{{"requested primaries", u.RequestedPrimaries}, {"simulated primaries", u.SimulatedPrimaries}, {"estimated time", u.EstimatedTime}} {
		if f.value != nil && *f.value < 0 {
			return nil, invalidf("negative %s %d", f.name, *f.value)
		}
	}
	if err := checkTextFields(u.CeleryID); err != nil {
		return nil, err
	}
	return state, nil
}

// taskRow is the shape every task read returns: the "Task" row and the child's celery_id (nil for a batch
// task). The generated row types of the reads have the same fields and convert to it.
type taskRow = dbsqlc.GetTaskRow

// taskFromRow builds a Task with its variant, or returns ErrMissingVariant when a DIRECT task has no
// CeleryTask row or the platform is unknown.
func taskFromRow(row taskRow) (Task, error) {
	r := row.Task
	t := Task{
		ID:                 r.ID,
		SimulationID:       orZero(r.SimulationID),
		Number:             r.TaskID,
		RequestedPrimaries: r.RequestedPrimaries,
		SimulatedPrimaries: r.SimulatedPrimaries,
		State:              State(r.TaskState),
		EstimatedTime:      r.EstimatedTime,
		StartTime:          r.StartTime,
		EndTime:            r.EndTime,
		LastUpdateTime:     r.LastUpdateTime,
		Platform:           Platform(r.Platform),
	}
	switch t.Platform {
	case PlatformDirect:
		if row.CeleryID == nil {
			return Task{}, fmt.Errorf("%w: task %d is DIRECT but has no CeleryTask row", ErrMissingVariant, r.ID)
		}
		t.Direct = &DirectTask{CeleryID: *row.CeleryID}
	case PlatformBatch:
		t.Batch = &BatchTask{}
	default:
		return Task{}, fmt.Errorf("%w: task %d has unknown platform %q", ErrMissingVariant, r.ID, r.Platform)
	}
	return t, nil
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
