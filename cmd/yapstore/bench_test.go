package main

import (
	"cmp"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/pgserver"
	"github.com/yapstore/yapstore/storetest"
)

// TestBenchW5Compare runs one workload with its comparison on a configured server: a workload line and a
// compare line on standard output, progress on standard error, and the server named without its password.
func TestBenchW5Compare(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testBenchW5Compare)
}

func testBenchW5Compare(t *testing.T, set *fixtures.Set) {
	db := storetest.New(t)
	args := []string{"bench", "--only", "W5", "--repeat", "1", "--compare"}
	if set.Dir != "" {
		args = append(args, "--fixtures", set.Dir)
	}
	r := yapDB(t, db.URL, args...)
	require.Equal(t, 0, r.code, "exit code; stderr:\n%s", r.stderr)
	line, comparison := oneWorkloadLines(t, r)
	require.Equal(t, "W5", line["workload"])
	require.EqualValues(t, 50, line["ops"])
	require.EqualValues(t, 1, line["round_trips_per_op"])
	require.Equal(t, "W5", comparison["compare"])
	require.Positive(t, comparison["ratio_to_floor"])
	require.Contains(t, r.stderr, "W5 list")
	require.Contains(t, r.stderr, "payloads "+cmp.Or(set.Dir, "generated"))
	// The configured server may or may not load pg_stat_statements; either way the run says which, and the
	// line carries the server's time only when it does.
	require.Contains(t, r.stderr, "server time: ")
	_, measured := line["server_exec_ms_per_op"]
	require.Equal(t, !strings.Contains(r.stderr, "server time: not measured"), measured, "stderr:\n%s", r.stderr)
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

// TestBenchPayloadFlags: --size scales the generated payloads and is refused beside --fixtures; a directory
// without the payload files is refused before any server is started.
func TestBenchPayloadFlags(t *testing.T) {
	t.Parallel()
	r := yapDB(t, unreachableURL, "bench", "--only", "W3", "--size", "0")
	requireFailure(t, r, 2, "--size")
	r = yapDB(t, unreachableURL, "bench", "--only", "W3", "--size", "2", "--fixtures", t.TempDir())
	requireFailure(t, r, 2, "--size: applies to generated payloads")
	r = yapDB(t, unreachableURL, "bench", "--only", "W3", "--fixtures", t.TempDir())
	requireFailure(t, r, 1, "payloads not found")
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")
}

// TestBenchThroughPooler runs W2 with --pooler: yapstore and the floor (which prepares statements unless told
// otherwise) both work through PgBouncer in transaction pooling mode, with more clients than server
// connections. Without a pgbouncer binary the test is skipped, saying so, unless YAPSTORE_REQUIRE_PGBOUNCER
// is set (.ci/run sets it).
func TestBenchThroughPooler(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	r := yapDB(t, db.URL, "bench", "--only", "W2", "--clients", "4", "--repeat", "1", "--compare", "--pgbench", "none",
		"--pooler", "--pool-size", "2")
	skipWithout(t, r, pgserver.ErrNoPgBouncer, "YAPSTORE_REQUIRE_PGBOUNCER")
	require.Equal(t, 0, r.code, "exit code; stderr:\n%s", r.stderr)
	require.Contains(t, r.stderr, "bench: through PgBouncer (transaction pooling, 2 server connections)")
	line, comparison := oneWorkloadLines(t, r)
	require.Equal(t, "W2", line["workload"])
	require.EqualValues(t, 4, line["clients"])
	require.Positive(t, comparison["ratio_to_floor"])
}

// TestBenchOnReplica runs W4 and W5 with --replica: bench starts a local primary and a streaming replica of
// it, the reads of both implementations go to the replica while two writers update tasks on the primary, and
// the lines say so. Without local server binaries the test is skipped, saying so, unless
// YAPSTORE_REQUIRE_REPLICA is set (.ci/run sets it).
func TestBenchOnReplica(t *testing.T) {
	t.Parallel()
	r := yap(t, "bench", "--only", "W4,W5", "--replica", "--replica-writers", "2", "--repeat", "1", "--compare",
		"--no-fsync", "--size", "0.1")
	skipWithout(t, r, pgserver.ErrNoServer, "YAPSTORE_REQUIRE_REPLICA")
	require.Equal(t, 0, r.code, "exit code; stderr:\n%s", r.stderr)
	require.Contains(t, r.stderr, "bench: a streaming replica of it: streaming replica of port")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, "stdout:\n%s", r.stdout)
	for i, w := range []string{"W4", "W5"} {
		var line, comparison map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[2*i]), &line))
		require.NoError(t, json.Unmarshal([]byte(lines[2*i+1]), &comparison))
		require.Equal(t, w, line["workload"])
		require.EqualValues(t, 1, line["round_trips_per_op"], "%s: the replica's health checks are no operation's", w)
		require.Greater(t, line["replica_share"], 0.5, "%s: the reads went to the replica", w)
		require.Positive(t, line["primary_writes_per_s"], "%s: the writers wrote on the primary meanwhile", w)
		require.Positive(t, comparison["ratio_to_floor"])
	}
	require.Contains(t, r.stderr, "on the replica while the primary took")
}

// TestBenchReplicaFlags: --replica starts a replica of the throwaway server only, --replica-url is for a
// configured one, and --replica-writers needs one of them.
func TestBenchReplicaFlags(t *testing.T) {
	t.Parallel()
	r := yapDB(t, unreachableURL, "bench", "--only", "W4", "--replica")
	requireFailure(t, r, 2, "--replica: starts a replica of the throwaway server only")
	r = yap(t, "bench", "--only", "W4", "--replica", "--replica-url", "postgres://replica.invalid/db")
	requireFailure(t, r, 2, "--replica-url: names a replica of a configured server")
	r = yapDB(t, unreachableURL, "bench", "--only", "W4", "--replica-writers", "4")
	requireFailure(t, r, 2, "--replica-writers: applies with --replica or --replica-url")
	r = yapDB(t, unreachableURL, "bench", "--only", "W4", "--replica-url", "postgres://replica.invalid/db", "--replica-writers", "0")
	requireFailure(t, r, 2, "--replica-writers: 0 is outside 1..256")
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")
}

// TestBenchWorkloadFlags checks the flags that shape a workload: out-of-range values are usage errors.
func TestBenchWorkloadFlags(t *testing.T) {
	t.Parallel()
	r := yapDB(t, unreachableURL, "bench", "--only", "W5", "--list-simulations", "0")
	requireFailure(t, r, 2, "--list-simulations: 0 is outside 1..10000000")
	r = yapDB(t, unreachableURL, "bench", "--only", "W2", "--group-commit", "-1")
	requireFailure(t, r, 2, "--group-commit: -1 is outside 0..256")
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")
}

// TestBenchServerTime runs W5 on the throwaway server bench starts, which loads pg_stat_statements: the line
// carries the server's planning and execution time per operation and the client's share. Without local
// server binaries or a container the test is skipped, saying so, unless YAPSTORE_REQUIRE_REPLICA is set
// (.ci/run sets it and installs the binaries).
func TestBenchServerTime(t *testing.T) {
	t.Parallel()
	r := yap(t, "bench", "--only", "W5", "--repeat", "1", "--no-fsync", "--list-simulations", "600")
	skipWithout(t, r, pgserver.ErrNoServer, "YAPSTORE_REQUIRE_REPLICA")
	require.Equal(t, 0, r.code, "exit code; stderr:\n%s", r.stderr)
	require.Contains(t, r.stderr, "server time: pg_stat_statements")
	var line map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &line))
	require.Positive(t, line["server_exec_ms_per_op"])
	require.GreaterOrEqual(t, line["server_plan_ms_per_op"], 0.0)
	share, ok := line["client_share"].(float64)
	require.True(t, ok, "client_share %v", line["client_share"])
	require.True(t, share > 0 && share < 1, "client_share %v", share)
	require.Contains(t, r.stderr, "client share")
}

// skipWithout skips the test, saying why, when the run failed for want of a program this machine lacks
// (its error is missing) and the variable require is unset; .ci/run installs the programs and sets it, so
// that the test cannot be skipped there.
func skipWithout(t *testing.T, r result, missing error, require string) {
	t.Helper()
	if strings.Contains(r.stderr, missing.Error()) && os.Getenv(require) == "" {
		t.Skipf("%s; .ci/run installs what it needs and sets %s so that this test cannot be skipped there",
			strings.TrimSpace(r.stderr), require)
	}
}

// oneWorkloadLines decodes the output of a bench run of one workload with --compare: its line and the
// comparison line after it, and nothing else.
func oneWorkloadLines(t *testing.T, r result) (line, comparison map[string]any) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2, "stdout:\n%s", r.stdout)
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &line))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &comparison))
	return line, comparison
}
