package bench

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
)

func TestResultLine(t *testing.T) {
	t.Parallel()
	w2 := Result{Workload: W2, Clients: 8, Ops: 8000, Elapsed: 3130 * time.Millisecond, RoundTrips: 8000,
		P50: 2871 * time.Microsecond, P99: 9402 * time.Microsecond}
	assert.Equal(t,
		`{"workload":"W2","clients":8,"ops":8000,"seconds":3.13,"ops_per_s":2555.9,"round_trips_per_op":1.0,"mb_per_s":null,"p50_ms":2.871,"p99_ms":9.402}`,
		string(w2.Line()), "BENCHMARKS.md's example line")

	w3 := Result{Workload: W3, Clients: 1, Ops: 25, Elapsed: 500 * time.Millisecond, RoundTrips: 25, PayloadBytes: 2_564_199}
	assert.Equal(t,
		`{"workload":"W3","clients":1,"ops":25,"seconds":0.5,"ops_per_s":50.0,"round_trips_per_op":1.0,"mb_per_s":128.21,"p50_ms":null,"p99_ms":null}`,
		string(w3.Line()), "mb_per_s is the file size times ops over seconds, in 10^6 bytes")

	// With the server's time: W1 at 4 ms an operation of which the server planned 0.1 and executed 2.7 ms
	// leaves the client 30%; W2 at 8 clients counts each client's time.
	w1 := Result{Workload: W1, Clients: 1, Ops: 50, Elapsed: 200 * time.Millisecond, RoundTrips: 50,
		Server: &ServerTime{Plan: 5 * time.Millisecond, Exec: 135 * time.Millisecond, Statements: 50}}
	assert.Equal(t,
		`{"workload":"W1","clients":1,"ops":50,"seconds":0.2,"ops_per_s":250.0,"round_trips_per_op":1.0,"mb_per_s":null,"p50_ms":null,"p99_ms":null,"server_plan_ms_per_op":0.1,"server_exec_ms_per_op":2.7,"client_share":0.3}`,
		string(w1.Line()))
	w2.Server = &ServerTime{Plan: 800 * time.Millisecond, Exec: 4 * time.Second}
	assert.InDelta(t, 1-4.8/(3.13*8), w2.ClientShare(), 1e-9)
	assert.True(t, math.IsNaN(w3.ClientShare()), "not measured")

	uncounted := Result{Workload: W1, Clients: 1, Ops: 3, Elapsed: time.Second, RoundTrips: -1}
	assert.Contains(t, string(uncounted.Line()), `"round_trips_per_op":null`)
	assert.Contains(t, string(Result{Workload: W5, Clients: 1}.Line()), `"seconds":0.0,"ops_per_s":null`)
}

func TestPercentiles(t *testing.T) {
	t.Parallel()
	latencies := make([]time.Duration, 200)
	for i := range latencies {
		latencies[i] = time.Duration(200-i) * time.Millisecond // 200 ms down to 1 ms
	}
	p50, p99 := percentiles(latencies)
	assert.Equal(t, 101*time.Millisecond, p50)
	assert.Equal(t, 199*time.Millisecond, p99)
	p50, p99 = percentiles(nil)
	assert.Zero(t, p50+p99)
}

func TestJSONNumber(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		x        float64
		decimals int
		want     string
	}{{1, 2, "1.0"}, {2.0 / 3, 2, "0.67"}, {1234.56, 1, "1234.6"}, {0.0004, 3, "0.0"}, {1e21, 1, "1000000000000000000000.0"}} {
		assert.Equal(t, c.want, jsonNumber(c.x, c.decimals), "%v", c.x)
	}
}

func TestParseWorkloadsAndClients(t *testing.T) {
	t.Parallel()
	ids, err := ParseWorkloads(" w4, W2 ,W4")
	require.NoError(t, err)
	assert.Equal(t, []WorkloadID{W2, W4}, ids, "run order, each once, any case")
	ids, err = ParseWorkloads("")
	require.NoError(t, err)
	assert.Equal(t, AllWorkloads(), ids)
	_, err = ParseWorkloads("W6")
	assert.ErrorIs(t, err, ErrConfig)

	counts, err := ParseClients("8,1,8")
	require.NoError(t, err)
	assert.Equal(t, []int{1, 8}, counts)
	counts, err = ParseClients("")
	require.NoError(t, err)
	assert.Equal(t, DefaultClients(), counts)
	for _, bad := range []string{"0", "-1", "257", "x", "1.5", "8 clients"} {
		_, err := ParseClients(bad)
		assert.ErrorIs(t, err, ErrConfig, bad)
	}
}

func TestConfigRefusedBeforeConnecting(t *testing.T) {
	t.Parallel()
	payloads := &fixtures.Set{}
	for name, cfg := range map[string]Config{
		"no server":        {Payloads: payloads},
		"no payloads":      {ServerURL: "postgres://nowhere.invalid/x"},
		"unknown workload": {ServerURL: "postgres://nowhere.invalid/x", Payloads: payloads, Workloads: []WorkloadID{"W9"}},
		"client count":     {ServerURL: "postgres://nowhere.invalid/x", Payloads: payloads, Clients: []int{0}},
		"repeat":           {ServerURL: "postgres://nowhere.invalid/x", Payloads: payloads, Repeat: -1},
		"size":             {ServerURL: "postgres://nowhere.invalid/x", Payloads: payloads, Sizes: Sizes{SubmitOps: 1}},
	} {
		_, err := Run(t.Context(), cfg)
		assert.ErrorIs(t, err, ErrConfig, name)
	}
}

func TestContainsWord(t *testing.T) {
	t.Parallel()
	for list, want := range map[string]bool{
		"pg_stat_statements":                  true,
		"auto_explain, pg_stat_statements":    true,
		`"pg_stat_statements",auto_explain`:   true,
		"":                                    false,
		"pg_stat_statements_extra":            false,
		"auto_explain,my_pg_stat_statements ": false,
	} {
		assert.Equal(t, want, containsWord(list, "pg_stat_statements"), "%q", list)
	}
}
