package store

import (
	"context"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// SimulationStateFromTasks returns the state the platform gives the simulation with id simulationID when
// asked for its status, derived from the states of its tasks by DeriveSimulationState, in one query. It
// changes nothing: pass the result to UpdateSimulation to record it. It returns ErrNotFound when there is no
// such simulation.
func (s *Store) SimulationStateFromTasks(ctx context.Context, simulationID int32) (State, error) {
	rows, err := queries.SimulationTaskSummary(ctx, s.exec(), simulationID)
	if err != nil {
		return "", mapError(err)
	}
	if len(rows) == 0 {
		return "", notFoundf("simulation %d", simulationID)
	}
	return DeriveSimulationState(State(rows[0].JobState), Platform(rows[0].Platform), taskCounts(rows)), nil
}

// taskCounts turns the summary rows into a count per task state.
func taskCounts(rows []dbsqlc.SimulationTaskSummaryRow) map[State]int {
	counts := make(map[State]int, len(rows))
	for _, r := range rows {
		if r.TaskState != nil {
			counts[State(*r.TaskState)] += int(r.Tasks)
		}
	}
	return counts
}

// DeriveSimulationState returns the state of a simulation whose current state is current, running on
// platform, with tasksInState[st] tasks in each state st, following the rule of the platform's job status
// endpoint:
//
//   - a simulation that is Unknown (not yet submitted), terminal (Completed, Failed, Canceled) or merging
//     (MergingQueued, MergingRunning) keeps its state;
//   - otherwise, when every task is Pending, it is Pending; when every task is Failed, Failed; when any task
//     is Running, Running; for a batch simulation whose every task is Completed, MergingQueued (the cluster's
//     collect job is next); in any other case it keeps its state.
//
// One deliberate difference: a simulation without tasks keeps its state, where the platform's "every task is
// Pending" test holds vacuously and would make it Pending.
func DeriveSimulationState(current State, platform Platform, tasksInState map[State]int) State {
	switch current {
	case StateUnknown, StateCompleted, StateFailed, StateCanceled, StateMergingQueued, StateMergingRunning:
		return current
	}
	total := 0
	for _, n := range tasksInState {
		total += n
	}
	switch {
	case total == 0:
		return current
	case tasksInState[StatePending] == total:
		return StatePending
	case tasksInState[StateFailed] == total:
		return StateFailed
	case tasksInState[StateRunning] > 0:
		return StateRunning
	case platform == PlatformBatch && tasksInState[StateCompleted] == total:
		return StateMergingQueued
	}
	return current
}
