package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/store"
)

// TestWriteResults streams results and compares the bytes with what GetResults and Results.WriteJSON make,
// for every payload source, with and without non-finite values.
func TestWriteResults(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, func(t *testing.T, set *fixtures.Set) {
		ctx := context.Background()
		env := newHarness(t)
		for _, payload := range [][]byte{set.Results, fixtures.Generate(fixtures.Options{Scale: 0.1, NonFinite: true}).Results} {
			sim := newResultsSimulation(t, env.Store, nil)
			_, err := env.Store.SaveResultsJSON(ctx, sim.ID, payload)
			require.NoError(t, err)
			got, err := env.Store.GetResults(ctx, sim.JobID)
			require.NoError(t, err)
			var want, streamed bytes.Buffer
			require.NoError(t, store.ResultsOf(got).WriteJSON(&want))
			calls := roundTrips(t, env.Counter, func() error { return env.Store.WriteResults(ctx, &streamed, sim.JobID) })
			assert.Equal(t, 1, calls)
			assert.Equal(t, want.String(), streamed.String())
			assert.True(t, compress.Valid(streamed.Bytes()))
		}
	})
}

// TestWriteResultsRefusesBeforeWriting: a missing or hidden simulation, a read over its limit, and a
// simulation without results.
func TestWriteResultsRefusesBeforeWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	var out bytes.Buffer
	require.NoError(t, env.Store.WriteResults(ctx, &out, sim.JobID))
	assert.Equal(t, `{"estimators":[]}`, out.String(), "no results yet")

	_, err := env.Store.SaveResultsJSON(ctx, sim.ID, fixtures.Generate(fixtures.Options{Scale: 0.05}).Results)
	require.NoError(t, err)
	for _, c := range []struct {
		job  string
		opts []store.ReadOption
		want error
	}{
		{"no-such-job", nil, store.ErrNotFound},
		{sim.JobID, []store.ReadOption{store.OwnedBy(sim.ID + 1000)}, store.ErrNotFound},
		{sim.JobID, []store.ReadOption{store.MaxReadBytes(1000)}, compress.ErrTooLarge},
		{"", nil, store.ErrInvalid},
	} {
		out.Reset()
		err := env.Store.WriteResults(ctx, &out, c.job, c.opts...)
		require.ErrorIs(t, err, c.want, c.job)
		assert.Zero(t, out.Len(), "nothing written")
	}
}

// TestWriteResultsUnreadableBlob: a damaged page fails the stream with a *BlobError naming it, or, with
// ReportUnreadable, is left out as GetResults leaves it out.
func TestWriteResultsUnreadableBlob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := simulationWithSmallResults(t, env)
	setSurfacePage(t, env, sim, 4, `substr(p.compressed_data, 1, 20)`)

	var out bytes.Buffer
	err := env.Store.WriteResults(ctx, &out, sim.JobID)
	var blobErr *store.BlobError
	require.True(t, errors.As(err, &blobErr), "%v", err)
	assert.Equal(t, "surface_", blobErr.Estimator)
	assert.Equal(t, int32(4), blobErr.Page)

	var problems, streamedProblems []*store.BlobError
	got, err := env.Store.GetResults(ctx, sim.JobID, store.ReportUnreadable(&problems))
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, store.ResultsOf(got).WriteJSON(&want))
	out.Reset()
	require.NoError(t, env.Store.WriteResults(ctx, &out, sim.JobID, store.ReportUnreadable(&streamedProblems)))
	assert.Equal(t, want.String(), out.String())
	require.Len(t, streamedProblems, 1)
	assert.Equal(t, problems[0].Error(), streamedProblems[0].Error())
}

// TestWriteResultsBudgetsWhatTrailersDeclare: WriteResults and GetResults budget a read, before they inflate
// anything, with what compress.DeclaredSize reads from the blobs' trailers, to the byte, for ordinary blobs, a
// blob too short to have a trailer and one whose trailer claims more than deflate can expand it to. At exactly
// that limit the read starts; one byte less, it is refused before anything is written.
func TestWriteResultsBudgetsWhatTrailersDeclare(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := simulationWithSmallResults(t, env)
	setSurfacePage(t, env, sim, 1, `'\x1f8b'::bytea`)                                         // 2 bytes: no trailer, declares nothing
	setSurfacePage(t, env, sim, 2, `substr(p.compressed_data, 1, 40) || '\xffffff7f'::bytea`) // claims 2 GiB; at most 1032 × 44 bytes
	rows, err := env.Pool.Query(ctx, `SELECT e.compressed_data FROM "Estimator" e WHERE e.simulation_id = $1
		UNION ALL SELECT p.compressed_data FROM "Page" p JOIN "Estimator" e ON e.id = p.estimator_id
		WHERE e.simulation_id = $1`, sim.ID)
	require.NoError(t, err)
	var declared int64
	for rows.Next() {
		var blob []byte
		require.NoError(t, rows.Scan(&blob))
		declared += compress.DeclaredSize(blob)
	}
	require.NoError(t, rows.Err())
	require.Greater(t, declared, int64(1032*44), "the lying trailer counts, capped")

	var problems []*store.BlobError
	var out bytes.Buffer
	require.NoError(t, env.Store.WriteResults(ctx, &out, sim.JobID, store.MaxReadBytes(declared), store.ReportUnreadable(&problems)))
	assert.NotZero(t, out.Len())
	_, err = env.Store.GetResults(ctx, sim.JobID, store.MaxReadBytes(declared), store.ReportUnreadable(&problems))
	require.NoError(t, err)

	out.Reset()
	err = env.Store.WriteResults(ctx, &out, sim.JobID, store.MaxReadBytes(declared-1), store.ReportUnreadable(&problems))
	require.ErrorIs(t, err, compress.ErrTooLarge)
	assert.Zero(t, out.Len(), "nothing written")
	_, err = env.Store.GetResults(ctx, sim.JobID, store.MaxReadBytes(declared-1))
	require.ErrorIs(t, err, compress.ErrTooLarge)
}

// simulationWithSmallResults returns a new simulation with a generated results payload of a twentieth of the
// real size saved.
func simulationWithSmallResults(t *testing.T, env *harness) store.Simulation {
	t.Helper()
	sim := newResultsSimulation(t, env.Store, nil)
	_, err := env.Store.SaveResultsJSON(context.Background(), sim.ID, fixtures.Generate(fixtures.Options{Scale: 0.05}).Results)
	require.NoError(t, err)
	return sim
}

// setSurfacePage replaces the stored blob of page number of sim's estimator surface_ with the SQL expression
// blob, in which p is the page's row.
func setSurfacePage(t *testing.T, env *harness, sim store.Simulation, number int, blob string) {
	t.Helper()
	_, err := env.Pool.Exec(context.Background(), `UPDATE "Page" p SET compressed_data = `+blob+` FROM "Estimator" e
		WHERE e.id = p.estimator_id AND e.simulation_id = $1 AND e.file_name = 'surface_' AND p.page_number = $2`,
		sim.ID, number)
	require.NoError(t, err)
}
