package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/internal/roundtrip"
	"github.com/yapstore/yapstore/storetest"
)

// testSizes are small amounts of work, so that each workload runs in a moment.
func testSizes() Sizes {
	return Sizes{
		SubmitOps: 3, TasksPerSimulation: 5, ProgressSimulations: 2, IngestSimulations: 2, Reingests: 1,
		ReadOps: 2, ListSimulations: 40, ListPages: 4,
	}
}

// testPayloads returns the payloads the workload tests run on: the platform's own when set is them, else a
// generated results file of a tenth of the real size, since these tests check the workloads' logic, not
// their speed, and the full size would cost seconds of CPU in every run of the suite.
func testPayloads(set *fixtures.Set) *fixtures.Set {
	if set.Dir != "" {
		return set
	}
	return fixtures.Generate(fixtures.Options{Scale: 0.1})
}

// lineKeys are the keys of a BENCHMARKS.md line, in its order.
var lineKeys = []string{"workload", "clients", "ops", "seconds", "ops_per_s", "round_trips_per_op", "mb_per_s", "p50_ms", "p99_ms"}

// checkLineShape checks that line is one JSON object with exactly BENCHMARKS.md's keys in its order, and
// returns it decoded.
func checkLineShape(t *testing.T, line []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok, "%s", line)
	var keys []string
	for dec.More() {
		key, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, key.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	assert.Equal(t, lineKeys, keys, "%s", line)
	var v map[string]any
	require.NoError(t, json.Unmarshal(line, &v))
	return v
}

// workloadRun runs w with impl opened by open on a fresh storetest database and returns the measurement.
func workloadRun(t *testing.T, set *fixtures.Set, w WorkloadID, clients int, open Opener) (Measurement, error) {
	t.Helper()
	ctx := context.Background()
	db := storetest.New(t)
	userID, err := prepareDatabase(ctx, db.URL)
	require.NoError(t, err)
	counter := &roundtrip.Counter{}
	impl, err := open(ctx, Target{URL: db.URL}, int32(clients), counter)
	require.NoError(t, err)
	t.Cleanup(impl.Close)
	require.NoError(t, warm(ctx, impl, clients))
	env := runEnv{
		setup: db.Store, userID: userID, payloads: set, sizes: testSizes(), clients: clients,
		memory: w == W3 || w == W4,
	}
	return runWorkload(ctx, w, env, impl, counter)
}

// TestEveryWorkloadShortRun runs each workload briefly with yapstore and with the floor, each on a storetest
// database, and checks the figures and their line.
func TestEveryWorkloadShortRun(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testEveryWorkloadShortRun)
}

func testEveryWorkloadShortRun(t *testing.T, set *fixtures.Set) {
	set = testPayloads(set)
	sizes := testSizes()
	for _, impl := range []struct {
		name string
		open Opener
	}{{"yapstore", OpenStore}, {"floor", OpenFloor}} {
		for _, c := range []struct {
			w       WorkloadID
			clients int
			ops     int
			trips   float64 // statements per operation: W1's submit and state update are one pipelined batch
		}{
			{W1, 1, sizes.SubmitOps, 1},
			{W2, 1, sizes.ProgressSimulations * sizes.TasksPerSimulation * ProgressRounds, 1},
			{W2, 2, sizes.ProgressSimulations * sizes.TasksPerSimulation * ProgressRounds, 1},
			{W2, 3, 3 * sizes.TasksPerSimulation * ProgressRounds, 1}, // one simulation per client at least
			{W3, 1, sizes.IngestSimulations + sizes.Reingests, 1},
			{W4, 1, sizes.ReadOps, 1},
			{W5, 1, sizes.ListPages, 1},
		} {
			t.Run(fmt.Sprintf("%s/%s/%d", impl.name, c.w, c.clients), func(t *testing.T) {
				t.Parallel()
				m, err := workloadRun(t, set, c.w, c.clients, impl.open)
				require.NoError(t, err)
				assert.Equal(t, impl.name, m.Impl)
				r := m.Result
				assert.Equal(t, c.w, r.Workload)
				assert.Equal(t, c.clients, r.Clients)
				assert.Equal(t, c.ops, r.Ops)
				assert.Positive(t, r.Elapsed)
				line := checkLineShape(t, r.Line())
				if impl.name == "yapstore" && c.w == W2 && c.clients > 1 {
					// Concurrent reports are committed in groups: at most one statement per report, fewer when
					// reports met at the server.
					assert.LessOrEqual(t, r.RoundTripsPerOp(), c.trips, "statements per operation")
					assert.Positive(t, r.RoundTripsPerOp())
				} else {
					assert.InDelta(t, c.trips, r.RoundTripsPerOp(), 1e-9, "statements per operation")
					assert.EqualValues(t, c.trips, line["round_trips_per_op"])
				}
				assert.Equal(t, string(c.w), line["workload"])
				assert.EqualValues(t, c.ops, line["ops"])
				if c.w == W2 {
					require.NotNil(t, line["p50_ms"], "W2 reports its latencies")
					assert.Positive(t, r.P50)
					assert.GreaterOrEqual(t, r.P99, r.P50)
				} else {
					assert.Nil(t, line["p50_ms"])
					assert.Nil(t, line["p99_ms"])
				}
				if c.w == W3 || c.w == W4 {
					assert.NotNil(t, line["mb_per_s"])
					require.NotNil(t, m.Heap, "peak heap measured")
					assert.Positive(t, m.Heap.Peak)
				} else {
					assert.Nil(t, line["mb_per_s"])
					assert.Nil(t, m.Heap)
				}
			})
		}
	}
}

// corruptingImpl hands out what the store reads, with one value of one page changed (its first array of
// values gets a 7 before its first digit) in its first read.
type corruptingImpl struct {
	Impl
	reads int
}

func (c *corruptingImpl) ReadResults(ctx context.Context, jobID string) ([]EstimatorValues, error) {
	read, err := c.Impl.ReadResults(ctx, jobID)
	c.reads++
	if err != nil || c.reads > 1 {
		return read, err
	}
	page := read[3].Pages[6]
	i := bytes.Index(page, []byte(`"values":[`)) + len(`"values":[`)
	changed := append(append(append([]byte{}, page[:i]...), '7'), page[i:]...) // a 7 before the first value
	read[3].Pages[6] = changed
	return read, nil
}

// TestW4ChecksTheFirstReadAgainstTheFixture runs W4 with an implementation whose first read differs from the
// fixture by one digit of one value: the run fails with ErrCheck naming the value.
func TestW4ChecksTheFirstReadAgainstTheFixture(t *testing.T) {
	t.Parallel()
	corrupting := func(ctx context.Context, target Target, conns int32, tracer pgx.QueryTracer) (Impl, error) {
		impl, err := OpenStore(ctx, target, conns, tracer)
		return &corruptingImpl{Impl: impl}, err
	}
	_, err := workloadRun(t, fixtures.Generate(fixtures.Options{}), W4, 1, corrupting)
	assert.ErrorIs(t, err, ErrCheck)
	assert.ErrorContains(t, err, "estimators[3].pages[6].axis_dim1.values[0] is 70.125, the results file has 0.125")
}

// TestW2RefusesAnUnappliedUpdate runs W2 with an implementation that applies nothing: the run fails.
func TestW2RefusesAnUnappliedUpdate(t *testing.T) {
	t.Parallel()
	ignoring := func(ctx context.Context, target Target, conns int32, tracer pgx.QueryTracer) (Impl, error) {
		impl, err := OpenFloor(ctx, target, conns, tracer)
		return &ignoringImpl{Impl: impl}, err
	}
	_, err := workloadRun(t, fixtures.Generate(fixtures.Options{}), W2, 2, ignoring)
	assert.ErrorIs(t, err, ErrCheck)
	assert.ErrorContains(t, err, "was not applied")
}

type ignoringImpl struct{ Impl }

func (ignoringImpl) UpdateTask(context.Context, TaskProgress) (bool, error) { return false, nil }

// TestRunCompare runs everything briefly through Run with --compare on the storetest server, and checks the
// lines it writes and that it drops every database it created.
func TestRunCompare(t *testing.T) {
	t.Parallel()
	server := storetest.Server(t)
	var out, progress bytes.Buffer
	report, err := Run(context.Background(), Config{
		ServerURL: server.URL(),
		Payloads:  testPayloads(fixturestest.Last(t)),
		Clients:   []int{1, 2},
		Compare:   true,
		Repeat:    2,
		Sizes:     testSizes(),
		Out:       &out,
		Progress:  &progress,
	})
	require.NoError(t, err, "progress:\n%s", progress.String())
	require.NotNil(t, report)
	assert.Len(t, report.Yapstore, 6)
	assert.Len(t, report.Floor, 6)
	require.Len(t, report.ServerRates, 2)
	for _, rate := range report.ServerRates {
		assert.Positive(t, rate.OpsPerS)
		assert.Contains(t, []string{ToolPgbench, ToolGoLoop}, rate.Tool)
		if rate.Tool == ToolPgbench {
			assert.Positive(t, rate.GoLoopOpsPerS, "beside pgbench, the same updates from bare pgx")
		} else {
			assert.Zero(t, rate.GoLoopOpsPerS, "the Go loop is the rate itself")
		}
	}

	var workloads []string
	scanner := bufio.NewScanner(&out)
	n := 0
	for scanner.Scan() {
		line := scanner.Bytes()
		n++
		if n%2 == 1 {
			v := checkLineShape(t, line)
			workloads = append(workloads, fmt.Sprintf("%s/%v", v["workload"], v["clients"]))
			continue
		}
		var c map[string]any
		require.NoError(t, json.Unmarshal(line, &c), "%s", line)
		assert.Equal(t, strings.Split(workloads[len(workloads)-1], "/")[0], c["compare"], "a comparison follows its workload's line")
		assert.Positive(t, c["ratio_to_floor"])
		assert.Contains(t, c, "goals_met")
		switch c["compare"] {
		case "W2":
			assert.Positive(t, c["ratio_to_server"])
			assert.Regexp(t, `^fsync=(on|off) synchronous_commit=\w+$`, c["server_settings"])
			if c["server_update_tool"] == ToolPgbench {
				assert.Positive(t, c["go_update_ops_per_s"])
				assert.Positive(t, c["ratio_to_go_update"])
			} else {
				assert.NotContains(t, c, "ratio_to_go_update")
			}
		case "W3", "W4":
			assert.Positive(t, c["yapstore_peak_heap_x_payload"])
		}
	}
	assert.Equal(t, []string{"W1/1", "W2/1", "W2/2", "W3/1", "W4/1", "W5/1"}, workloads)
	assert.Contains(t, progress.String(), "W2 task progress, 2 clients:")
	assert.Contains(t, progress.String(), "[runs: ", "every run listed when repeating")

	pool := storetest.New(t).Pool
	var left int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_database WHERE datname LIKE 'yapstore_bench_%'`).Scan(&left))
	assert.Zero(t, left, "the scratch databases are dropped")
}

// TestServerRateGoLoop measures the server's update rate without pgbench.
func TestServerRateGoLoop(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	rate, err := measureServerRate(context.Background(), db.URL, 3, 300, "", "not wanted")
	require.NoError(t, err)
	assert.Equal(t, ToolGoLoop, rate.Tool)
	assert.Equal(t, 300, rate.Updates)
	assert.Positive(t, rate.OpsPerS)
	var settings string
	require.NoError(t, db.Pool.QueryRow(context.Background(),
		`SELECT format('fsync=%s synchronous_commit=%s', current_setting('fsync'), current_setting('synchronous_commit'))`).
		Scan(&settings))
	assert.Equal(t, settings, rate.Settings)
	var total int
	require.NoError(t, db.Pool.QueryRow(context.Background(), `SELECT sum(n) FROM bench_update_row`).Scan(&total))
	assert.Equal(t, 300, total, "every update reached a row")
}
