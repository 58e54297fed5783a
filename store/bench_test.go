package store_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/internal/heappeak"
	"github.com/yapstore/yapstore/store"
)

// The benchmarks below time the store's hot paths (the operations of the workloads in
// BENCHMARKS.md) one call at a time, with allocations, and report the statements each call
// sends as roundtrips/op. `yapstore bench` measures the same paths end to end against a hand-written floor.
//
//	go test ./store -run '^$' -bench . -benchtime 200x

// reportRoundTrips reports the statements counted since before as roundtrips/op.
func reportRoundTrips(b *testing.B, h *harness, before int64) {
	b.ReportMetric(float64(h.Counter.Count()-before)/float64(b.N), "roundtrips/op")
}

// benchUser creates the password user the benchmarks' simulations belong to.
func benchUser(b *testing.B, h *harness) int32 {
	b.Helper()
	u, err := h.Store.CreatePasswordUser(context.Background(), "bench", "bench-password")
	require.NoError(b, err)
	return u.ID
}

// benchTasks returns n direct tasks of 1000 primaries each with distinct celery ids.
func benchTasks(n int) []store.DirectTaskParams {
	tasks := make([]store.DirectTaskParams, n)
	for i := range tasks {
		tasks[i] = store.DirectTaskParams{RequestedPrimaries: 1000, CeleryID: fmt.Sprintf("celery-%d", i)}
	}
	return tasks
}

// benchSubmission is W1's simulation: direct, with 100 tasks and the editor's input, owned by a new user.
func benchSubmission(b *testing.B, h *harness) store.DirectSubmission {
	b.Helper()
	owner := benchUser(b, h)
	return store.DirectSubmission{
		Submission: store.Submission{UserID: &owner, Title: "bench", InputType: store.InputEditor,
			SimType: store.SimShieldhit, Input: fixturestest.Last(b).EditorInput},
		Tasks: benchTasks(100),
	}
}

// BenchmarkW1SubmitDirect submits a direct simulation with 100 tasks and the editor's input (W1 without the
// state update).
func BenchmarkW1SubmitDirect(b *testing.B) {
	h := newHarness(b)
	sub := benchSubmission(b, h)
	ctx := context.Background()
	b.ReportAllocs()
	before := h.Counter.Count()
	for b.Loop() {
		if _, err := h.Store.SubmitDirect(ctx, sub); err != nil {
			b.Fatal(err)
		}
	}
	reportRoundTrips(b, h, before)
}

// BenchmarkW1SubmitThenPending is the whole of W1: the submission and the move to Pending, queued on one Batch
// and sent in one round trip.
func BenchmarkW1SubmitThenPending(b *testing.B) {
	h := newHarness(b)
	sub := benchSubmission(b, h)
	ctx := context.Background()
	pending := store.StatePending
	b.ReportAllocs()
	before := h.Counter.Count()
	for b.Loop() {
		batch := h.Store.NewPipeline()
		submitted := batch.SubmitDirect(sub)
		updated := batch.UpdateSimulationByJobID(submitted.JobID, store.SimulationUpdate{State: &pending})
		if err := batch.Send(ctx); err != nil {
			b.Fatal(err)
		}
		if u, err := updated.Get(); err != nil || !u.Applied {
			b.Fatalf("not moved to pending: %v", err)
		}
	}
	reportRoundTrips(b, h, before)
}

// BenchmarkW2TaskProgress sends progress updates (simulated primaries and estimated time, W2's middle
// rounds) to the 100 tasks of a running simulation in turn, one client.
func BenchmarkW2TaskProgress(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	sim, err := h.Store.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{Title: "bench", InputType: store.InputEditor, SimType: store.SimShieldhit,
			State: store.StateRunning},
		Tasks: benchTasks(100),
	})
	require.NoError(b, err)
	b.ReportAllocs()
	before := h.Counter.Count()
	i := 0
	for b.Loop() {
		simulated, estimated := int32(i%1000), int32(i%90)
		_, applied, err := h.Store.UpdateTaskProgress(ctx, sim.ID, int32(i%100), store.TaskUpdate{
			SimulatedPrimaries: &simulated, EstimatedTime: &estimated,
		})
		if err != nil || !applied {
			b.Fatal(applied, err)
		}
		i++
	}
	reportRoundTrips(b, h, before)
}

// BenchmarkW2ReportTaskProgress is BenchmarkW2TaskProgress through ReportTaskProgress, which reads nothing
// back (what bench's W2 calls).
func BenchmarkW2ReportTaskProgress(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	sim, err := h.Store.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{Title: "bench", InputType: store.InputEditor, SimType: store.SimShieldhit,
			State: store.StateRunning},
		Tasks: benchTasks(100),
	})
	require.NoError(b, err)
	b.ReportAllocs()
	before := h.Counter.Count()
	i := 0
	for b.Loop() {
		simulated, estimated := int32(i%1000), int32(i%90)
		applied, err := h.Store.ReportTaskProgress(ctx, sim.ID, int32(i%100), store.TaskUpdate{
			SimulatedPrimaries: &simulated, EstimatedTime: &estimated,
		})
		if err != nil || !applied {
			b.Fatal(applied, err)
		}
		i++
	}
	reportRoundTrips(b, h, before)
}

// BenchmarkW2TaskProgressParallel is BenchmarkW2ReportTaskProgress with GOMAXPROCS×4 clients (-cpu changes
// it), each on a simulation of its own, on a pool sized for them.
func BenchmarkW2TaskProgressParallel(b *testing.B) {
	const perProc = 4
	clients := perProc * runtime.GOMAXPROCS(0)
	h := newHarness(b, store.WithMaxConns(int32(clients)))
	ctx := context.Background()
	sims := make([]int32, clients)
	for i := range sims {
		sim, err := h.Store.SubmitDirect(ctx, store.DirectSubmission{
			Submission: store.Submission{Title: "bench", InputType: store.InputEditor, SimType: store.SimShieldhit,
				State: store.StateRunning},
			Tasks: benchTasks(100),
		})
		require.NoError(b, err)
		sims[i] = sim.ID
	}
	var next atomic.Int32
	b.ReportAllocs()
	b.SetParallelism(perProc)
	before := h.Counter.Count()
	b.RunParallel(func(pb *testing.PB) {
		sim := sims[int(next.Add(1)-1)%len(sims)]
		i := 0
		for pb.Next() {
			simulated := int32(i % 1000)
			if _, err := h.Store.ReportTaskProgress(ctx, sim, int32(i%100), store.TaskUpdate{SimulatedPrimaries: &simulated}); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	reportRoundTrips(b, h, before)
}

// BenchmarkW3SaveResultsJSON stores the 2.5 MB results fixture again and again for one simulation (W3's
// overwrite path), reporting MB/s of the payload.
func BenchmarkW3SaveResultsJSON(b *testing.B) {
	h := newHarness(b)
	payload := fixturestest.Last(b).Results
	sim := newResultsSimulation(b, h.Store, nil)
	ctx := context.Background()
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	before := h.Counter.Count()
	for b.Loop() {
		if _, err := h.Store.SaveResultsJSON(ctx, sim.ID, payload); err != nil {
			b.Fatal(err)
		}
	}
	reportRoundTrips(b, h, before)
}

// BenchmarkW4GetResults reads the results fixture back, decompressed (W4), reporting MB/s of the payload.
func BenchmarkW4GetResults(b *testing.B) {
	h, sim := w4Setup(b)
	ctx := context.Background()
	before := h.Counter.Count()
	for b.Loop() {
		if _, err := h.Store.GetResults(ctx, sim.JobID); err != nil {
			b.Fatal(err)
		}
	}
	reportRoundTrips(b, h, before)
	reportPeakHeap(b, h, sim, func() error { _, err := h.Store.GetResults(ctx, sim.JobID); return err })
}

// BenchmarkW4WriteResults streams the same results to io.Discard as the GET /results body (W4 as a
// service serves it), reporting the heap a call allocates beside BenchmarkW4GetResults plus WriteJSON.
func BenchmarkW4WriteResults(b *testing.B) {
	h, sim := w4Setup(b)
	ctx := context.Background()
	before := h.Counter.Count()
	for b.Loop() {
		if err := h.Store.WriteResults(ctx, io.Discard, sim.JobID); err != nil {
			b.Fatal(err)
		}
	}
	reportRoundTrips(b, h, before)
	reportPeakHeap(b, h, sim, func() error { return h.Store.WriteResults(ctx, io.Discard, sim.JobID) })
}

// reportPeakHeap measures how high the heap rises during one more call of read (package heappeak), and
// reports it in bytes and as a multiple of the largest page's JSON text, which bounds what a streaming read
// must hold at least.
func reportPeakHeap(b *testing.B, h *harness, sim store.Simulation, read func() error) {
	b.Helper()
	results, err := h.Store.GetResults(context.Background(), sim.JobID)
	require.NoError(b, err)
	largest := 0
	for _, est := range results {
		for _, page := range est.Pages {
			largest = max(largest, len(page.Data))
		}
	}
	peak, err := heappeak.Measure(read)
	require.NoError(b, err)
	b.ReportMetric(float64(peak.Growth()), "peak-heap-B")
	b.ReportMetric(float64(peak.Growth())/float64(largest), "peak/largest-page")
}

// BenchmarkW4GetResultsWriteJSON reads the results whole and then writes the body, for comparison.
func BenchmarkW4GetResultsWriteJSON(b *testing.B) {
	h, sim := w4Setup(b)
	ctx := context.Background()
	for b.Loop() {
		got, err := h.Store.GetResults(ctx, sim.JobID)
		if err != nil {
			b.Fatal(err)
		}
		if err := store.ResultsOf(got).WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// w4Setup stores the results fixture for one simulation, for the W4 benchmarks, and sets them to report
// the payload's MB/s and allocations.
func w4Setup(b *testing.B) (*harness, store.Simulation) {
	h := newHarness(b)
	payload := fixturestest.Last(b).Results
	sim := newResultsSimulation(b, h.Store, nil)
	_, err := h.Store.SaveResultsJSON(context.Background(), sim.ID, payload)
	require.NoError(b, err)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	return h, sim
}

// BenchmarkW5ListSimulations reads pages 1 to 50 in turn of a user's 1000 simulations, six a page, newest
// first, COMPLETED and FAILED only, with the total (W5).
func BenchmarkW5ListSimulations(b *testing.B) {
	h := newHarness(b)
	owner := benchUser(b, h)
	ctx := context.Background()
	_, err := h.Pool.Exec(ctx, `
WITH sim AS (
    INSERT INTO "Simulation" (job_id, user_id, start_time, title, platform, input_type, sim_type, job_state)
    SELECT 'bench-' || i, $1, $2::timestamptz - i * interval '8 hours', 'bench', 'DIRECT', 'EDITOR', 'shieldhit',
           (ARRAY['COMPLETED', 'FAILED', 'RUNNING', 'PENDING'])[i % 4 + 1]
    FROM generate_series(0, 999) AS i
    RETURNING id
)
INSERT INTO "CelerySimulation" (id) SELECT id FROM sim`, owner, time.Now())
	require.NoError(b, err)
	b.ReportAllocs()
	before := h.Counter.Count()
	page := 0
	for b.Loop() {
		got, err := h.Store.ListSimulations(ctx, store.SimulationQuery{
			UserID: owner, Page: page%50 + 1, OrderBy: store.OrderByStartTime, Descending: true,
			States: []store.State{store.StateCompleted, store.StateFailed},
		})
		if err != nil || len(got.Simulations) != store.DefaultPageSize || got.Total != 500 {
			b.Fatal(len(got.Simulations), got.Total, err)
		}
		page++
	}
	reportRoundTrips(b, h, before)
}
