package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// taskKeys returns "simulation/task" for every row of a list-tasks table.
func taskKeys(t *testing.T, out string) []string {
	t.Helper()
	var keys []string
	for _, row := range tableRows(t, out) {
		keys = append(keys, row[0]+"/"+row[1])
	}
	return keys
}

func keys(sim store.Simulation, numbers ...int) []string {
	out := make([]string, len(numbers))
	for i, n := range numbers {
		out[i] = fmt.Sprintf("%d/%d", sim.ID, n)
	}
	return out
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func TestListTasksOrderedBySimulationAndTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	r := yapDB(t, f.db.URL, "list-tasks")
	requireOK(t, r)
	require.Contains(t, r.stdout, "8 tasks in DB:\n")
	require.Equal(t, concat(keys(f.aliceSim, 0, 1, 2), keys(f.aliceBatch, 1, 2), keys(f.ssoSim, 0), keys(f.bobSim, 0),
		keys(f.orphaned, 0)), taskKeys(t, r.stdout))
	rows := tableRows(t, r.stdout)
	require.Equal(t, []string{fmt.Sprint(f.aliceBatch.ID), "2", "PENDING", "BATCH", "0/500"}, rows[4][:5])
	require.Equal(t, []string{"alice", "YaptideUser"}, rows[4][len(rows[4])-2:])

	r = yapDB(t, f.db.URL, "list-tasks", "--sim_id", fmt.Sprint(f.aliceBatch.ID))
	requireOK(t, r)
	require.Equal(t, keys(f.aliceBatch, 1, 2), taskKeys(t, r.stdout))

	r = yapDB(t, f.db.URL, "list-tasks", "--sim-id="+fmt.Sprint(f.bobSim.ID))
	requireOK(t, r)
	require.Equal(t, keys(f.bobSim, 0), taskKeys(t, r.stdout))

	r = yapDB(t, f.db.URL, "list-tasks", "--user", "alice")
	requireOK(t, r)
	require.Equal(t, concat(keys(f.aliceSim, 0, 1, 2), keys(f.aliceBatch, 1, 2), keys(f.ssoSim, 0)), taskKeys(t, r.stdout))

	r = yapDB(t, f.db.URL, "list-tasks", "--user", "alice", "--auth-provider", "KeycloakUser")
	requireOK(t, r)
	require.Equal(t, keys(f.ssoSim, 0), taskKeys(t, r.stdout))

	// Filters combine: bob's tasks in alice's simulation are none.
	r = yapDB(t, f.db.URL, "list-tasks", "--user", "bob", "--sim_id", fmt.Sprint(f.aliceSim.ID))
	requireOK(t, r)
	require.Equal(t, "0 tasks in DB:\n", r.stdout[:len("0 tasks in DB:\n")])
	require.Empty(t, taskKeys(t, r.stdout))

	r = yapDB(t, f.db.URL, "list-tasks", "--sim_id", "999999")
	requireFailure(t, r, 1, "simulation 999999 does not exist")

	r = yapDB(t, f.db.URL, "list-tasks", "--sim_id", "x")
	requireFailure(t, r, 2, "sim_id", "want a whole number")
}

func TestListTasksJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	running := store.StateRunning
	simulated := int32(250)
	_, _, err := f.s.UpdateTaskProgress(ctx, f.aliceSim.ID, 1, store.TaskUpdate{State: &running, SimulatedPrimaries: &simulated})
	require.NoError(t, err)

	r := yapDB(t, f.db.URL, "list-tasks", "--json", "--sim_id", fmt.Sprint(f.aliceSim.ID))
	requireOK(t, r)
	var tasks []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &tasks))
	require.Len(t, tasks, 3)
	task := tasks[1]
	require.Equal(t, float64(f.aliceSim.ID), task["simulation_id"])
	require.Equal(t, float64(1), task["task_id"])
	require.Equal(t, "RUNNING", task["state"])
	require.Equal(t, float64(250), task["simulated_primaries"])
	require.Equal(t, float64(1000), task["requested_primaries"])
	require.Equal(t, "", task["celery_id"])
	require.Equal(t, "alice", task["username"])
	require.Equal(t, "YaptideUser", task["auth_provider"])
}

func TestRemoveTaskDeletesOnlyThatSimulationsTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()

	// Task number 0 exists in four simulations; the old script deleted all of them.
	r := yapDB(t, f.db.URL, "remove-task", fmt.Sprint(f.aliceSim.ID), "0")
	requireOK(t, r)
	require.Equal(t, fmt.Sprintf("Deleted task 0 of simulation %d\n", f.aliceSim.ID), r.stdout)

	tasks, err := f.s.ListTasks(ctx, f.aliceSim.ID)
	require.NoError(t, err)
	require.Len(t, tasks, 2)
	require.Equal(t, int32(1), tasks[0].Number)
	for _, sim := range []store.Simulation{f.ssoSim, f.bobSim, f.orphaned} {
		_, err := f.s.GetTask(ctx, sim.ID, 0)
		require.NoError(t, err, "task 0 of simulation %d is still there", sim.ID)
	}

	r = yapDB(t, f.db.URL, "remove-task", fmt.Sprint(f.aliceSim.ID), "0")
	requireFailure(t, r, 1, fmt.Sprintf("simulation %d has no task 0", f.aliceSim.ID))

	r = yapDB(t, f.db.URL, "remove-task", "999999", "0")
	requireFailure(t, r, 1, "simulation 999999 does not exist")

	r = yapDB(t, f.db.URL, "remove-task", fmt.Sprint(f.aliceBatch.ID), "2", "--json")
	requireOK(t, r)
	require.JSONEq(t, fmt.Sprintf(`{"simulation_id": %d, "task_id": 2}`, f.aliceBatch.ID), r.stdout)

	r = yapDB(t, f.db.URL, "remove-task", fmt.Sprint(f.aliceBatch.ID))
	requireFailure(t, r, 2, "missing TASK_ID")
	r = yapDB(t, f.db.URL, "remove-task", "1", "2", "3")
	requireFailure(t, r, 2, `unexpected argument "3"`)
}
