package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// simulationIDs returns the ID column of a list-simulations table.
func simulationIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, row := range tableRows(t, out) {
		ids = append(ids, row[0])
	}
	return ids
}

func ids(sims ...store.Simulation) []string {
	out := make([]string, len(sims))
	for i, s := range sims {
		out[i] = fmt.Sprint(s.ID)
	}
	return out
}

func TestListSimulationsNewestFirstWithOwners(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	r := yapDB(t, f.db.URL, "list-simulations")
	requireOK(t, r)
	require.Contains(t, r.stdout, "5 simulations in DB:\n")
	require.Equal(t, ids(f.orphaned, f.bobSim, f.ssoSim, f.aliceBatch, f.aliceSim), simulationIDs(t, r.stdout))
	rows := tableRows(t, r.stdout)
	// ID, JOB ID, STATE, PLATFORM, SIM TYPE, START, END, USER, AUTH PROVIDER, TITLE ("-" for empty cells;
	// the start time is two cells, date and time, once split on double spaces it stays one).
	require.Equal(t, []string{fmt.Sprint(f.aliceBatch.ID), f.aliceBatch.JobID, "UNKNOWN", "BATCH", "topas",
		f.aliceBatch.StartTime.UTC().Format("2006-01-02 15:04:05"), "-", "alice", "YaptideUser", "alice batch"}, rows[3])
	require.Equal(t, []string{fmt.Sprint(f.orphaned.ID), f.orphaned.JobID, "UNKNOWN", "DIRECT", "shieldhit",
		f.orphaned.StartTime.UTC().Format("2006-01-02 15:04:05"), "-", "-", "-", "nobody's"}, rows[0])

	// --user matches both alices; --auth-provider narrows to one.
	r = yapDB(t, f.db.URL, "list-simulations", "--user", "alice")
	requireOK(t, r)
	require.Equal(t, ids(f.ssoSim, f.aliceBatch, f.aliceSim), simulationIDs(t, r.stdout))

	r = yapDB(t, f.db.URL, "list-simulations", "--user", "alice", "--auth-provider", "YaptideUser")
	requireOK(t, r)
	require.Equal(t, ids(f.aliceBatch, f.aliceSim), simulationIDs(t, r.stdout))

	r = yapDB(t, f.db.URL, "list-simulations", "--auth_provider", "keycloakuser")
	requireOK(t, r)
	require.Equal(t, ids(f.ssoSim), simulationIDs(t, r.stdout))

	r = yapDB(t, f.db.URL, "list-simulations", "--user", "zed")
	requireFailure(t, r, 1, `user "zed" does not exist`)

	r = yapDB(t, f.db.URL, "list-simulations", "--user", "bob", "--auth-provider", "KeycloakUser")
	requireFailure(t, r, 1, "user bob (KeycloakUser) does not exist")

	r = yapDB(t, f.db.URL, "list-simulations", "--auth-provider", "ldap")
	requireFailure(t, r, 2, `unknown auth provider "ldap"`)
}

func TestListSimulationsJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := yapDB(t, f.db.URL, "list-simulations", "--json", "--user", "alice", "--auth-provider", "YaptideUser")
	requireOK(t, r)
	var sims []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &sims))
	require.Len(t, sims, 2)
	batch := sims[0]
	require.Equal(t, float64(f.aliceBatch.ID), batch["id"])
	require.Equal(t, f.aliceBatch.JobID, batch["job_id"])
	require.Equal(t, "BATCH", batch["platform"])
	require.Equal(t, float64(f.cluster.ID), batch["cluster_id"])
	require.Equal(t, "alice", batch["username"])
	require.Equal(t, "YaptideUser", batch["auth_provider"])
	require.Equal(t, float64(f.alice.ID), batch["user_id"])
	require.Nil(t, batch["end_time"])
	require.Equal(t, f.aliceBatch.StartTime.UTC().Format("2006-01-02T15:04:05Z07:00"), batch["start_time"])
}

func TestRemoveSimulation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()

	r := yapDB(t, f.db.URL, "remove-simulation", fmt.Sprint(f.aliceSim.ID))
	requireFailure(t, r, 2, fmt.Sprintf("Delete simulation %d (%s, UNKNOWN) with its tasks, input, results and logs", f.aliceSim.ID, f.aliceSim.JobID),
		"pass --yes", "not a terminal")
	_, err := f.s.GetSimulation(ctx, f.aliceSim.ID)
	require.NoError(t, err, "nothing is deleted unconfirmed")
	r = yapDB(t, f.db.URL, "remove-simulation", fmt.Sprint(f.aliceSim.ID), "-y")
	requireOK(t, r)
	require.Equal(t, fmt.Sprintf("Deleted simulation %d (%s) with its tasks, input, results and logs\n", f.aliceSim.ID, f.aliceSim.JobID), r.stdout)
	_, err = f.s.GetSimulation(ctx, f.aliceSim.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	tasks, err := f.s.ListTasks(ctx, f.aliceSim.ID)
	require.NoError(t, err)
	require.Empty(t, tasks)
	_, err = f.s.GetSimulation(ctx, f.aliceBatch.ID)
	require.NoError(t, err, "other simulations stay")

	r = yapDB(t, f.db.URL, "remove-simulation", fmt.Sprint(f.aliceSim.ID), "--yes")
	requireFailure(t, r, 1, fmt.Sprintf("simulation %d does not exist", f.aliceSim.ID))

	// A running simulation needs --force.
	running := store.StateRunning
	_, _, err = f.s.UpdateSimulation(ctx, f.bobSim.ID, store.SimulationUpdate{State: &running})
	require.NoError(t, err)
	r = yapDB(t, f.db.URL, "remove-simulation", fmt.Sprint(f.bobSim.ID))
	requireFailure(t, r, 1, "is still RUNNING", "--force")
	_, err = f.s.GetSimulation(ctx, f.bobSim.ID)
	require.NoError(t, err)
	r = yapDB(t, f.db.URL, "remove-simulation", fmt.Sprint(f.bobSim.ID), "--force", "--json", "--yes")
	requireOK(t, r)
	require.JSONEq(t, fmt.Sprintf(`{"id": %d, "job_id": %q, "state": "RUNNING"}`, f.bobSim.ID, f.bobSim.JobID), r.stdout)
	_, err = f.s.GetSimulation(ctx, f.bobSim.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	r = yapDB(t, f.db.URL, "remove-simulation", "abc")
	requireFailure(t, r, 2, `SIMULATION_ID must be a whole number, not "abc"`)
}
