package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/store"
)

// editorInput returns an editor submission as the platform stores a simulation's input.
func editorInput(t testing.TB, set *fixtures.Set) json.RawMessage {
	t.Helper()
	var submitted struct {
		InputJSON json.RawMessage `json:"input_json"`
	}
	require.NoError(t, json.Unmarshal(set.EditorInput, &submitted))
	input, err := json.Marshal(map[string]any{
		"input_type": "editor", "input_json": submitted.InputJSON, "number_of_all_primaries": 10000,
		"input_files": map[string]string{"beam.dat": "RNDSEED 89736501\n"},
	})
	require.NoError(t, err)
	return input
}

func TestInputs(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testInputs)
}

func testInputs(t *testing.T, set *fixtures.Set) {
	ctx := context.Background()
	env := newHarness(t)
	alice := newResultsUser(t, env.Store, "alice")
	bob := newResultsUser(t, env.Store, "bob")
	input := editorInput(t, set)
	sim, err := env.Store.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{UserID: &alice, Title: "editor", InputType: store.InputEditor,
			SimType: store.SimShieldhit, Input: input},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 10000}},
	})
	require.NoError(t, err)

	var got json.RawMessage
	trips := roundTrips(t, env.Counter, func() error {
		got, err = env.Store.GetInput(ctx, sim.ID, store.OwnedBy(alice))
		return err
	})
	assert.Equal(t, 1, trips)
	assert.Equal(t, decodeJSONValue(t, input), decodeJSONValue(t, got), "input read back as submitted")

	var summary struct {
		Primaries int               `json:"number_of_all_primaries"`
		Files     map[string]string `json:"input_files"`
	}
	require.NoError(t, env.Store.GetInputInto(ctx, sim.ID, &summary))
	assert.Equal(t, 10000, summary.Primaries)
	assert.Equal(t, "RNDSEED 89736501\n", summary.Files["beam.dat"])
	var wrongShape []int
	err = env.Store.GetInputInto(ctx, sim.ID, &wrongShape)
	assert.ErrorIs(t, err, compress.ErrValue)

	_, err = env.Store.GetInput(ctx, sim.ID, store.OwnedBy(bob))
	assert.ErrorIs(t, err, store.ErrNotFound, "another user's simulation")
	_, err = env.Store.GetInput(ctx, 999999)
	assert.ErrorIs(t, err, store.ErrNotFound)

	replacement := json.RawMessage(`{"input_type":"files","input_files":{"beam.dat":"x"},"number_of_all_primaries":5}`)
	trips = roundTrips(t, env.Counter, func() error { return env.Store.SaveInput(ctx, sim.ID, replacement) })
	assert.Equal(t, 1, trips)
	got, err = env.Store.GetInput(ctx, sim.ID)
	require.NoError(t, err)
	assert.JSONEq(t, string(replacement), string(got))
	var rows int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM "Input" WHERE simulation_id = $1`, sim.ID).Scan(&rows))
	assert.Equal(t, 1, rows, "the input is replaced, not added")

	before := env.Counter.Count()
	err = env.Store.SaveInput(ctx, sim.ID, json.RawMessage(`{"broken":`))
	assert.ErrorIs(t, err, store.ErrInvalid)
	assert.ErrorIs(t, err, compress.ErrInvalidJSON)
	assert.Equal(t, before, env.Counter.Count(), "invalid input is not sent")
	err = env.Store.SaveInput(ctx, 999999, replacement)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestInputMissingOrNull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)

	// A simulation whose input row is gone (the platform's schema allows it) reads as not found.
	_, err := env.Pool.Exec(ctx, `DELETE FROM "Input" WHERE simulation_id = $1`, sim.ID)
	require.NoError(t, err)
	_, err = env.Store.GetInput(ctx, sim.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	assert.Contains(t, err.Error(), "input of simulation")

	// A NULL blob reads as JSON null.
	_, err = env.Pool.Exec(ctx, `INSERT INTO "Input" (simulation_id, compressed_data) VALUES ($1, NULL)`, sim.ID)
	require.NoError(t, err)
	got, err := env.Store.GetInput(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, "null", string(got))

	// A blob that is not gzip is reported as corrupt, not as a missing input.
	_, err = env.Pool.Exec(ctx, `UPDATE "Input" SET compressed_data = 'not gzip' WHERE simulation_id = $1`, sim.ID)
	require.NoError(t, err)
	_, err = env.Store.GetInput(ctx, sim.ID)
	assert.ErrorIs(t, err, compress.ErrCorrupt)
}
