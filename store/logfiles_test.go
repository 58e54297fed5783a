package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/store"
)

func TestLogfiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	alice := newResultsUser(t, env.Store, "alice")
	bob := newResultsUser(t, env.Store, "bob")
	sim := newResultsSimulation(t, env.Store, &alice)

	_, err := env.Store.GetLogfiles(ctx, sim.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "no log files yet")
	assert.Contains(t, err.Error(), "log files of simulation")

	files := map[string]string{"shieldhit_0001.log": "run started\nö <&> done\n", "empty.log": ""}
	trips := roundTrips(t, env.Counter, func() error { return env.Store.SaveLogfiles(ctx, sim.ID, files) })
	assert.Equal(t, 1, trips)

	var got map[string]string
	trips = roundTrips(t, env.Counter, func() error {
		got, err = env.Store.GetLogfiles(ctx, sim.ID, store.OwnedBy(alice))
		return err
	})
	assert.Equal(t, 1, trips)
	assert.Equal(t, files, got)

	text, err := env.Store.GetLogfilesJSON(ctx, sim.ID)
	require.NoError(t, err)
	assert.JSONEq(t, `{"shieldhit_0001.log": "run started\nö <&> done\n", "empty.log": ""}`, string(text))

	// Saving again replaces the log files.
	require.NoError(t, env.Store.SaveLogfilesJSON(ctx, sim.ID, json.RawMessage(`{"second.log": "again", "n": 3}`)))
	_, err = env.Store.GetLogfiles(ctx, sim.ID)
	assert.ErrorIs(t, err, compress.ErrValue, "a number is not log text")
	text, err = env.Store.GetLogfilesJSON(ctx, sim.ID)
	require.NoError(t, err)
	assert.JSONEq(t, `{"second.log": "again", "n": 3}`, string(text))
	var rows int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM "Logfiles" WHERE simulation_id = $1`, sim.ID).Scan(&rows))
	assert.Equal(t, 1, rows)

	require.NoError(t, env.Store.SaveLogfiles(ctx, sim.ID, nil))
	got, err = env.Store.GetLogfiles(ctx, sim.ID)
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.NotNil(t, got, "nil is stored as an empty object")

	for name, op := range map[string]func() error{
		"other owner":      func() error { _, err := env.Store.GetLogfiles(ctx, sim.ID, store.OwnedBy(bob)); return err },
		"other owner json": func() error { _, err := env.Store.GetLogfilesJSON(ctx, sim.ID, store.OwnedBy(bob)); return err },
		"unknown":          func() error { _, err := env.Store.GetLogfiles(ctx, 999999); return err },
		"save unknown":     func() error { return env.Store.SaveLogfiles(ctx, 999999, files) },
	} {
		assert.ErrorIs(t, op(), store.ErrNotFound, name)
	}

	before := env.Counter.Count()
	for _, bad := range []string{`[]`, `null`, `"text"`, `{"a":`, ``, `{} {}`} {
		err := env.Store.SaveLogfilesJSON(ctx, sim.ID, json.RawMessage(bad))
		assert.ErrorIs(t, err, store.ErrInvalid, bad)
	}
	assert.Equal(t, before, env.Counter.Count(), "invalid log files are not sent")
}
