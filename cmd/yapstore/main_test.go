package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// runAsCommandEnv, set to 1 in a child process's environment, makes the test binary run as the yapstore
// command itself (its main, with its arguments), so that TestBinary runs the real command as operators do
// without building it again.
const runAsCommandEnv = "YAPSTORE_TEST_RUN_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(runAsCommandEnv) == "1" {
		os.Unsetenv(runAsCommandEnv)
		main()
	}
	storetest.Main(m, storetest.Parallel(8)) // the tests mostly wait on the server
}

// result is what one run of the command printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// invocation describes one in-process run of the yapstore command.
type invocation struct {
	env   map[string]string // the whole environment the command sees
	stdin string
}

// yap runs the yapstore command in-process with args, an empty environment and no standard input.
func yap(t *testing.T, args ...string) result {
	t.Helper()
	return invocation{}.run(t, args...)
}

// yapDB runs the yapstore command in-process against the database at dbURL (through --database-url).
func yapDB(t *testing.T, dbURL string, args ...string) result {
	t.Helper()
	return invocation{}.run(t, append([]string{"--database-url", dbURL}, args...)...)
}

// run runs the command through the binary's entry point, with the invocation's environment instead of the
// process's, so tests stay independent of each other and of the machine.
func (inv invocation) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := runEnv(ctx, args, strings.NewReader(inv.stdin), &stdout, &stderr, func(key string) string { return inv.env[key] })
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestRunUsesTheProcessEnvironment checks run itself, the entry point main calls: it reads DATABASE_URL
// from the process (set here, so this test is not parallel).
func TestRunUsesTheProcessEnvironment(t *testing.T) {
	db := storetest.New(t)
	t.Setenv("DATABASE_URL", db.URL)
	t.Setenv("FLASK_SQLALCHEMY_DATABASE_URI", "")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"list-clusters", "--json"}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	require.Equal(t, "[]\n", stdout.String())
}

// requireOK fails the test unless the run exited 0 with nothing on standard error.
func requireOK(t *testing.T, r result) {
	t.Helper()
	require.Equal(t, 0, r.code, "exit code; stderr:\n%s", r.stderr)
	require.Empty(t, r.stderr)
}

// requireFailure fails the test unless the run exited with code and printed exactly one line on standard
// error containing every one of wants.
func requireFailure(t *testing.T, r result, code int, wants ...string) {
	t.Helper()
	require.Equal(t, code, r.code, "exit code; stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if code == cli.ExitUsage {
		require.Len(t, lines, 2, "a usage error and the pointer to help: %q", r.stderr)
		require.Contains(t, lines[1], "--help")
	} else {
		require.Len(t, lines, 1, "one line on standard error: %q", r.stderr)
		require.True(t, strings.HasPrefix(lines[0], "yapstore: "), "error line %q", lines[0])
	}
	for _, want := range wants {
		require.Contains(t, lines[0], want)
	}
	require.NotContains(t, r.stderr, "goroutine", "no stack trace")
	require.NotContains(t, r.stderr, "panic")
}

// tableRows returns the rows of a table printed after the "N things in DB:" line and the header, each
// split into its cells (columns are separated by two or more spaces).
func tableRows(t *testing.T, out string) [][]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2, "count line and header in %q", out)
	var rows [][]string
	for _, line := range lines[2:] {
		var cells []string
		for _, c := range strings.Split(line, "  ") {
			if c = strings.TrimSpace(c); c != "" {
				cells = append(cells, c)
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

// fixture is a database with two users of the same name (one per provider), a third user, a cluster and
// simulations with tasks, built through the store.
type fixture struct {
	db                       *storetest.DB
	s                        *store.Store
	alice, aliceSSO, bob     store.User
	cluster                  store.Cluster
	aliceSim, aliceBatch     store.Simulation // alice's (YaptideUser) direct simulation with 3 tasks, batch with 2
	ssoSim, bobSim, orphaned store.Simulation // 1 task each; orphaned has no owner
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.New(t)
	s := mustStore(t, db, store.WithClock(stepClock()))
	f := &fixture{db: db, s: s}
	var err error
	f.alice, err = s.CreatePasswordUser(ctx, "alice", "alice-password")
	require.NoError(t, err)
	cert, key := "CERT-TEXT", "PRIVATE-KEY-MATERIAL"
	f.aliceSSO, _, err = s.UpsertSSOUser(ctx, "alice", &cert, &key)
	require.NoError(t, err)
	f.bob, err = s.CreatePasswordUser(ctx, "bob", "bob-password")
	require.NoError(t, err)
	f.cluster, err = s.CreateCluster(ctx, "ares")
	require.NoError(t, err)

	direct := func(owner *int32, title string, tasks int) store.Simulation {
		sub := store.DirectSubmission{Submission: store.Submission{UserID: owner, Title: title,
			InputType: store.InputEditor, SimType: store.SimShieldhit}}
		for range tasks {
			sub.Tasks = append(sub.Tasks, store.DirectTaskParams{RequestedPrimaries: 1000})
		}
		sim, err := s.SubmitDirect(ctx, sub)
		require.NoError(t, err)
		return sim
	}
	f.aliceSim = direct(&f.alice.ID, "alice direct", 3)
	f.aliceBatch, err = s.SubmitBatch(ctx, store.BatchSubmission{
		Submission: store.Submission{UserID: &f.alice.ID, Title: "alice batch", InputType: store.InputFiles, SimType: store.SimTopas},
		ClusterID:  f.cluster.ID,
		Tasks:      []store.BatchTaskParams{{RequestedPrimaries: 500}, {RequestedPrimaries: 500}},
	})
	require.NoError(t, err)
	f.ssoSim = direct(&f.aliceSSO.ID, "alice sso", 1)
	f.bobSim = direct(&f.bob.ID, "bob's", 1)
	f.orphaned = direct(nil, "nobody's", 1)
	return f
}

// stepClock returns a clock one minute later at each call, so that simulations have distinct start times
// in submission order.
func stepClock() func() time.Time {
	now := time.Date(2024, 6, 11, 10, 15, 0, 0, time.UTC)
	return func() time.Time {
		now = now.Add(time.Minute)
		return now
	}
}

// mustStore returns a Store over a storetest database's pool, with opts.
func mustStore(t testing.TB, db *storetest.DB, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := store.New(context.Background(), db.Pool, opts...)
	require.NoError(t, err)
	return s
}
