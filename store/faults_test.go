package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/store"
)

// TestFaultsLeaveNothingHalfWritten runs each multi-row write while a fault strikes at a moment spread over
// its run: the context is cancelled, or the server terminates the session. Whether the write then happened
// or not, the database holds every write whole or not at all: a simulation with its variant row, all its
// tasks with theirs and its input; all of a results payload's estimators and pages, from one save; a deleted
// simulation with nothing of it left.
func TestFaultsLeaveNothingHalfWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	s, err := store.New(ctx, h.sessionPool(t, map[string]string{"application_name": "faulty"}))
	require.NoError(t, err)
	owner := newResultsUser(t, h.Store, "owner")
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	first := fixtures.Generate(fixtures.Options{Scale: 0.2})
	second := fixtures.Generate(fixtures.Options{Scale: 0.2, Seed: 2})
	const tasks = 100

	direct := func() store.DirectSubmission {
		sub := store.DirectSubmission{Submission: store.Submission{UserID: &owner, Title: "faults",
			InputType: store.InputEditor, SimType: store.SimShieldhit, Input: first.EditorInput}}
		for range tasks {
			sub.Tasks = append(sub.Tasks, store.DirectTaskParams{RequestedPrimaries: 1000, CeleryID: "c"})
		}
		return sub
	}
	batch := func() store.BatchSubmission {
		sub := store.BatchSubmission{Submission: direct().Submission, ClusterID: cluster.ID}
		for range tasks {
			sub.Tasks = append(sub.Tasks, store.BatchTaskParams{RequestedPrimaries: 1000})
		}
		return sub
	}
	withResults := func(set *fixtures.Set) int32 {
		sim, err := h.Store.SubmitDirect(ctx, direct())
		require.NoError(t, err)
		if set != nil {
			_, err = h.Store.SaveResultsJSON(ctx, sim.ID, set.Results)
			require.NoError(t, err)
		}
		return sim.ID
	}
	ops := map[string]func(ctx context.Context) error{
		"SubmitDirect": func(ctx context.Context) error { _, err := s.SubmitDirect(ctx, direct()); return err },
		"SubmitBatch":  func(ctx context.Context) error { _, err := s.SubmitBatch(ctx, batch()); return err },
		"SaveResults": func(ctx context.Context) error {
			_, err := s.SaveResultsJSON(ctx, withResults(nil), first.Results)
			return err
		},
		"SaveResults again": func(ctx context.Context) error {
			_, err := s.SaveResultsJSON(ctx, withResults(first), second.Results)
			return err
		},
		"Batch of a submission and its update": func(ctx context.Context) error {
			b := s.NewPipeline()
			q := b.SubmitDirect(direct())
			pending := store.StatePending
			b.UpdateSimulationByJobID(q.JobID, store.SimulationUpdate{State: &pending})
			return b.Send(ctx)
		},
		"DeleteSimulation": func(ctx context.Context) error {
			return s.DeleteSimulation(ctx, withResults(first), store.Force())
		},
	}
	faults := map[string]func(cancel context.CancelFunc){
		"cancel":    func(cancel context.CancelFunc) { cancel() },
		"terminate": func(context.CancelFunc) { terminate(t, h) },
	}
	delays := []time.Duration{0, 500 * time.Microsecond, time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond,
		8 * time.Millisecond, 16 * time.Millisecond, 32 * time.Millisecond}
	trials, failed := 0, 0
	for opName, op := range ops {
		for faultName, fault := range faults {
			for _, delay := range delays {
				opCtx, cancel := context.WithCancel(ctx)
				var wg sync.WaitGroup
				wg.Go(func() {
					time.Sleep(delay)
					fault(cancel)
				})
				err := op(opCtx)
				wg.Wait()
				cancel()
				trials++
				if err != nil {
					failed++
				}
				if problems := consistency(t, h, tasks, first.Estimators, first.Pages); len(problems) > 0 {
					t.Fatalf("%s, %s after %v (the write returned %v): %v", opName, faultName, delay, err, problems)
				}
			}
		}
	}
	t.Logf("%d faults, %d writes failed, the database consistent after each", trials, failed)
	assert.Positive(t, failed, "some faults struck while a write ran")
	assert.Less(t, failed, trials, "some writes finished before their fault")
}

// terminate ends every session of the store under test (application_name "faulty").
func terminate(t *testing.T, h *harness) {
	_, err := h.Pool.Exec(context.Background(),
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'faulty'`)
	if err != nil {
		t.Error(err)
	}
}

// consistency lists what the database holds that no whole write leaves: a simulation without its variant row,
// its tasks (all of them, each with its variant) or its input; a results save only in part, or mixed from two.
func consistency(t *testing.T, h *harness, tasks, estimators, pages int) []string {
	t.Helper()
	rows, err := h.Pool.Query(context.Background(), `
		SELECT 'simulation ' || s.id || ' without its variant row' FROM "Simulation" s
		WHERE NOT EXISTS (SELECT FROM "CelerySimulation" c WHERE c.id = s.id AND s.platform = 'DIRECT')
		  AND NOT EXISTS (SELECT FROM "BatchSimulation" b WHERE b.id = s.id AND s.platform = 'BATCH')
		UNION ALL
		SELECT 'simulation ' || s.id || ' with ' || count(t.id) || ' tasks' FROM "Simulation" s
		LEFT JOIN "Task" t ON t.simulation_id = s.id GROUP BY s.id HAVING count(t.id) <> $1
		UNION ALL
		SELECT 'task ' || t.id || ' without its variant row' FROM "Task" t
		WHERE NOT EXISTS (SELECT FROM "CeleryTask" c WHERE c.id = t.id) AND NOT EXISTS (SELECT FROM "BatchTask" b WHERE b.id = t.id)
		UNION ALL
		SELECT 'simulation ' || s.id || ' without its input' FROM "Simulation" s
		WHERE NOT EXISTS (SELECT FROM "Input" i WHERE i.simulation_id = s.id)
		UNION ALL
		SELECT 'simulation ' || s.id || ' with ' || count(DISTINCT e.id) || ' estimators and ' || count(p.id) || ' pages'
		FROM "Simulation" s LEFT JOIN "Estimator" e ON e.simulation_id = s.id LEFT JOIN "Page" p ON p.estimator_id = e.id
		GROUP BY s.id HAVING NOT ((count(DISTINCT e.id) = 0 AND count(p.id) = 0) OR (count(DISTINCT e.id) = $2 AND count(p.id) = $3))
		UNION ALL
		SELECT 'simulation ' || s.id || ' holds results but is ' || s.job_state FROM "Simulation" s
		WHERE EXISTS (SELECT FROM "Estimator" e WHERE e.simulation_id = s.id) AND s.job_state <> 'COMPLETED'`,
		tasks, estimators, pages)
	require.NoError(t, err)
	var problems []string
	for rows.Next() {
		var p string
		require.NoError(t, rows.Scan(&p))
		problems = append(problems, p)
	}
	require.NoError(t, rows.Err())
	return append(problems, mixedSaves(t, h)...)
}

// mixedSaves lists simulations whose pages come from two saves: every save writes all of a simulation's pages
// in one statement, so the pages of a whole save share the writing transaction (xmin).
func mixedSaves(t *testing.T, h *harness) []string {
	t.Helper()
	rows, err := h.Pool.Query(context.Background(), `
		SELECT e.simulation_id FROM "Estimator" e JOIN "Page" p ON p.estimator_id = e.id
		GROUP BY e.simulation_id HAVING count(DISTINCT p.xmin::text) > 1`)
	require.NoError(t, err)
	var problems []string
	for rows.Next() {
		var id int32
		require.NoError(t, rows.Scan(&id))
		problems = append(problems, fmt.Sprintf("simulation %d holds pages of two saves", id))
	}
	require.NoError(t, rows.Err())
	return problems
}
