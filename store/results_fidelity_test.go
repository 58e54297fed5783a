package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/python"
	"github.com/yapstore/yapstore/store"
)

// runPython runs a python3 script with args and returns its standard output, failing the test when python3 is
// missing or the script fails. python3 stands in for the platform's own persistence code.
func runPython(t *testing.T, script string, args ...string) string {
	t.Helper()
	path, err := python.Path()
	require.NoError(t, err, "python3 plays the platform's side in this test")
	cmd := exec.CommandContext(t.Context(), path, append([]string{"-c", script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "python3: %s", stderr.String())
	return string(out)
}

// compactPages returns each page of a results payload compacted, as the store keeps them.
func compactPages(t *testing.T, payload []byte) []string {
	t.Helper()
	estimators, err := store.SplitResultsPayloadForTest(payload)
	require.NoError(t, err)
	var pages []string
	for _, est := range estimators {
		for _, page := range est.Pages {
			var buf bytes.Buffer
			require.NoError(t, compress.Compact(&buf, page))
			pages = append(pages, buf.String())
		}
	}
	return pages
}

// TestNonFiniteResultsRoundTrip stores a results payload whose pages hold NaN, Infinity and -Infinity, as a
// simulator's output can and as Python's json writes them, and reads it back byte for byte; python3 reads
// the stored blobs to the same values, and a page Python wrote with them reads here.
func TestNonFiniteResultsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	payload := fixtures.Generate(fixtures.Options{NonFinite: true, Scale: 0.05}).Results
	require.Contains(t, string(payload), "NaN")

	saved, err := env.Store.SaveResultsJSON(ctx, sim.ID, payload)
	require.NoError(t, err)
	assert.Equal(t, 21, saved.Pages)
	got, err := env.Store.GetResults(ctx, sim.JobID)
	require.NoError(t, err)
	var read []string
	for _, est := range got {
		for _, page := range est.Pages {
			read = append(read, string(page.Data))
		}
	}
	assert.Equal(t, compactPages(t, payload), read, "pages read back byte for byte")
	assert.Contains(t, strings.Join(read, ""), "[NaN,Infinity,-Infinity,")

	// The platform's GET /results body, written as it is; Python reads it, NaN and all.
	var body bytes.Buffer
	require.NoError(t, store.ResultsOf(got).WriteJSON(&body))
	out := runPython(t, `import json, math, sys
results = json.loads(open(sys.argv[1]).read())
pages = [p for e in results["estimators"] for p in e["pages"]]
print(len(results["estimators"]), len(pages), sum(1 for p in pages for v in p["data"]["values"] if isinstance(v, float) and math.isnan(v)))`,
		writeTemp(t, body.Bytes()))
	assert.Equal(t, "4 21 3\n", out, "estimators, pages, NaN values")
	_, err = json.Marshal(store.ResultsOf(got))
	assert.Error(t, err, "encoding/json refuses NaN in a RawMessage: the reason for WriteJSON")

	// Python reads what yapstore stored: json.loads(gzip.decompress(blob)), as the platform does.
	var blob []byte
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT p.compressed_data FROM "Page" p JOIN "Estimator" e ON e.id = p.estimator_id
		WHERE e.simulation_id = $1 AND e.file_name = 'depth_profile_' AND p.page_number = 3`, sim.ID).Scan(&blob))
	out = runPython(t, `import gzip, json, math, sys
page = json.loads(gzip.decompress(bytes.fromhex(sys.argv[1])))
v = page["data"]["values"]
print(math.isnan(v[0]), v[1] == float("inf"), v[2] == -float("inf"))`, hex.EncodeToString(blob))
	assert.Equal(t, "True True True\n", out)

	// yapstore reads what Python stored: the page overwritten with Python's own blob of it.
	pythonBlob := runPython(t, `import gzip, json, sys
page = {"metadata": {"page_number": "3", "name": "FLUENCE"}, "dimensions": 1,
        "data": {"name": "FLUENCE", "unit": "/cm^2", "values": [float("nan"), float("inf"), -float("inf"), 0.5]}}
sys.stdout.write(gzip.compress(json.dumps(page).encode(), 9).hex())`)
	_, err = env.Pool.Exec(ctx, `UPDATE "Page" p SET compressed_data = decode($2, 'hex') FROM "Estimator" e
		WHERE e.id = p.estimator_id AND e.simulation_id = $1 AND e.file_name = 'depth_profile_' AND p.page_number = 3`,
		sim.ID, pythonBlob)
	require.NoError(t, err)
	page, err := env.Store.GetPage(ctx, sim.JobID, "depth_profile_", 3)
	require.NoError(t, err)
	assert.Contains(t, string(page.Data), `"values": [NaN, Infinity, -Infinity, 0.5]`)
}

// TestUnreadableBlob damages one stored page: a whole-simulation read fails with a typed error naming the
// estimator and the page, and ReportUnreadable returns every other page with the damaged one reported.
func TestUnreadableBlob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	logger, logs := newLogBuffer()
	env := newHarness(t, store.WithLogger(logger))
	sim := newResultsSimulation(t, env.Store, nil)
	set := fixtures.Generate(fixtures.Options{Scale: 0.05})
	_, err := env.Store.SaveResultsJSON(ctx, sim.ID, set.Results)
	require.NoError(t, err)
	_, err = env.Pool.Exec(ctx, `UPDATE "Page" p SET compressed_data = substr(p.compressed_data, 1, 20) FROM "Estimator" e
		WHERE e.id = p.estimator_id AND e.simulation_id = $1 AND e.file_name = 'surface_' AND p.page_number = 4`, sim.ID)
	require.NoError(t, err)

	_, err = env.Store.GetResults(ctx, sim.JobID)
	require.ErrorIs(t, err, store.ErrUnreadableBlob)
	require.ErrorIs(t, err, compress.ErrCorrupt)
	var blobErr *store.BlobError
	require.ErrorAs(t, err, &blobErr)
	assert.Equal(t, "surface_", blobErr.Estimator)
	assert.Equal(t, int32(4), blobErr.Page)
	assert.Contains(t, err.Error(), `page 4`)
	assert.Contains(t, err.Error(), `"surface_"`)

	var problems []*store.BlobError
	got, err := env.Store.GetResults(ctx, sim.JobID, store.ReportUnreadable(&problems))
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Equal(t, int32(4), problems[0].Page)
	assert.Contains(t, logs.String(), `level=WARN msg="yapstore: unreadable blob left out of a read (ReportUnreadable)"`)
	assert.Contains(t, logs.String(), `page 4 (id`, "the log names the page left out")
	pages := 0
	for _, est := range got {
		pages += len(est.Pages)
		for _, p := range est.Pages {
			assert.False(t, est.FileName == "surface_" && p.Number == 4, "the damaged page is left out")
		}
	}
	assert.Equal(t, set.Pages-1, pages, "every other page is returned")

	// GetPages of the damaged page alone: the same, scoped to one estimator.
	_, err = env.Store.GetPages(ctx, sim.JobID, "surface_", []int32{3, 4})
	require.True(t, errors.As(err, &blobErr) && blobErr.Page == 4, "%v", err)
	problems = nil
	only, err := env.Store.GetPages(ctx, sim.JobID, "surface_", []int32{3, 4}, store.ReportUnreadable(&problems))
	require.NoError(t, err)
	assert.Equal(t, []int32{3}, pageNumbers(only))
	assert.Len(t, problems, 1)
}

// TestReingestKeepsPhysicalPageOrder re-ingests results whose pages come in reverse order, as a worker may
// post them, and reads the pages in physical row order (ctid), the order the platform's own read returns
// them in: they must be in page number order, as the platform's own re-ingest leaves them.
func TestReingestKeepsPhysicalPageOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	payload := fixtures.Generate(fixtures.Options{Scale: 0.05}).Results
	estimators, err := store.SplitResultsPayloadForTest(payload)
	require.NoError(t, err)
	reversed := store.Results{Estimators: estimators}
	for i := range reversed.Estimators {
		slices.Reverse(reversed.Estimators[i].Pages)
	}
	physicalOrder := func() map[string][]int32 {
		rows, err := env.Pool.Query(ctx, `SELECT e.file_name, p.page_number FROM "Page" p
			JOIN "Estimator" e ON e.id = p.estimator_id WHERE e.simulation_id = $1 ORDER BY p.ctid`, sim.ID)
		require.NoError(t, err)
		order := map[string][]int32{}
		for rows.Next() {
			var name string
			var number int32
			require.NoError(t, rows.Scan(&name, &number))
			order[name] = append(order[name], number)
		}
		require.NoError(t, rows.Err())
		return order
	}
	for round, save := range []func() error{
		func() error { _, err := env.Store.SaveResults(ctx, sim.ID, reversed); return err },    // first ingest
		func() error { _, err := env.Store.SaveResults(ctx, sim.ID, reversed); return err },    // re-ingest, reversed
		func() error { _, err := env.Store.SaveResultsJSON(ctx, sim.ID, payload); return err }, // and in order
	} {
		require.NoError(t, save())
		order := physicalOrder()
		require.Len(t, order, 4)
		for name, numbers := range order {
			assert.True(t, slices.IsSorted(numbers), "round %d, estimator %s: physical page order %v", round, name, numbers)
		}
	}
}

// writeTemp writes data to a file of the test's own and returns its path.
func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// TestReadSizeBound stores 16 pages of about 3 MiB of JSON each (a few kB compressed) and reads them under a 16 MiB
// budget: the read fails with compress.ErrTooLarge before decompressing anything, having allocated a small
// part of the text; a page whose gzip trailer understates its size is caught as the read goes past; the
// default budget reads them all.
func TestReadSizeBound(t *testing.T) {
	// Not parallel: the allocation it measures is the whole process's, so it runs while no other test does.
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	values := "[" + strings.Repeat("0, ", 4<<20/3) + "0]"
	var pages []json.RawMessage
	for i := range 16 {
		pages = append(pages, json.RawMessage(fmt.Sprintf(`{"metadata": {"page_number": "%d", "name": "DOSE"}, "dimensions": 1, "data": {"values": %s}}`, i, values)))
	}
	_, err := env.Store.SaveResults(ctx, sim.ID, store.Results{Estimators: []store.EstimatorResults{{Name: "big_", Pages: pages}}})
	require.NoError(t, err)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = env.Store.GetResults(ctx, sim.JobID, store.MaxReadBytes(16<<20))
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, compress.ErrTooLarge)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "refused before the text was taken")

	// One page stored as two gzip members, as Python's gzip also reads: only the last member's trailer
	// declares a size, 10 bytes. The budget sees the claim, then the truth as the read goes past.
	var page0 []byte
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT compressed_data FROM "Page" WHERE page_number = 0`).Scan(&page0))
	text, err := compress.Codec{}.DecompressJSON(page0)
	require.NoError(t, err)
	var twoMembers bytes.Buffer
	for _, part := range [][]byte{text[:len(text)-10], text[len(text)-10:]} {
		zw := gzip.NewWriter(&twoMembers)
		_, err := zw.Write(part)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
	}
	_, err = env.Pool.Exec(ctx, `UPDATE "Page" SET compressed_data = $1 WHERE page_number = 0`, twoMembers.Bytes())
	require.NoError(t, err)
	// Room for the 15 pages that declare their size and half of the one that understates it.
	_, err = env.Store.GetResults(ctx, sim.JobID, store.MaxReadBytes(int64(15*len(text)+len(text)/2)))
	require.ErrorIs(t, err, compress.ErrTooLarge, "15 declared pages fit, the understated one takes the read past")
	err = env.Store.WriteResults(ctx, io.Discard, sim.JobID, store.MaxReadBytes(int64(15*len(text)+len(text)/2)))
	require.ErrorIs(t, err, compress.ErrTooLarge, "the streamed read is held to the same budget")

	got, err := env.Store.GetResults(ctx, sim.JobID)
	require.NoError(t, err, "within the default budget")
	require.Len(t, got, 1)
	assert.Len(t, got[0].Pages, 16)
}
