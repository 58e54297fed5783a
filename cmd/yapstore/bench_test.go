package main

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/bench"
	"github.com/yapstore/yapstore/storetest"
)

// TestBenchW5Compare runs one workload with its comparison on a configured server: a workload line and a
// compare line on standard output, progress on standard error, and the server named without its password.
func TestBenchW5Compare(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	fixtures, err := bench.FindFixtures("", os.Getenv) // the invocation's environment is its own
	require.NoError(t, err)
	r := yapDB(t, db.URL, "bench", "--only", "W5", "--repeat", "1", "--compare", "--fixtures", fixtures)
	require.Equal(t, 0, r.code, "exit code; stderr:\n%s", r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2, "stdout:\n%s", r.stdout)
	var line, cmp map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &line))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &cmp))
	require.Equal(t, "W5", line["workload"])
	require.EqualValues(t, 50, line["ops"])
	require.EqualValues(t, 1, line["round_trips_per_op"])
	require.Equal(t, "W5", cmp["compare"])
	require.Positive(t, cmp["ratio_to_floor"])
	require.Contains(t, r.stderr, "W5 list")
	u, err := url.Parse(db.URL)
	require.NoError(t, err)
	if password, ok := u.User.Password(); ok {
		require.NotContains(t, r.stderr, ":"+password+"@")
		require.Contains(t, r.stderr, "bench: server postgresql://"+u.User.Username()+":xxxxx@")
	}
}

// TestBenchNoFsyncNeedsThrowawayServer: --no-fsync describes the server bench starts, so it is a usage error
// with a configured database, which bench never reconfigures.
func TestBenchNoFsyncNeedsThrowawayServer(t *testing.T) {
	t.Parallel()
	r := yapDB(t, unreachableURL, "bench", "--only", "W5", "--no-fsync")
	requireFailure(t, r, 2, "--no-fsync: applies to the throwaway server only")
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")
}
