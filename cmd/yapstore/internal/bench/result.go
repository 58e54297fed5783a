package bench

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"time"
)

// Result is what one run of one workload measured by one implementation: the figures of one line of
// BENCHMARKS.md.
type Result struct {
	Workload WorkloadID
	Clients  int           // concurrent clients (1 except for W2)
	Ops      int           // operations timed
	Elapsed  time.Duration // wall time of the timed operations
	// RoundTrips is the number of statements sent during the timed operations (BEGIN and COMMIT count, a
	// pipelined batch counts once), or -1 when the implementation cannot count them.
	RoundTrips int64
	// PayloadBytes is the size the workload's mb_per_s is computed from (the results file's length as given,
	// for W3 and W4, whatever JSON spacing each implementation writes), or 0 when the workload has no such
	// figure.
	PayloadBytes int64
	// P50 and P99 are the median and 99th percentile of one operation's latency, for W2 (0 elsewhere).
	P50, P99 time.Duration
	// Replica holds, for W4 and W5 run with Config.Replica, the share of the reads the replica served and
	// the write rate on the primary meanwhile; nil otherwise.
	Replica *ReplicaFigures
	// Server is the server's own time for the timed operations (pg_stat_statements), when the server loads
	// it; nil otherwise.
	Server *ServerTime
}

// Seconds returns the elapsed time in seconds.
func (r Result) Seconds() float64 { return r.Elapsed.Seconds() }

// OpsPerSecond returns operations per second, or NaN when no time elapsed.
func (r Result) OpsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return math.NaN()
	}
	return float64(r.Ops) / r.Seconds()
}

// RoundTripsPerOp returns statements per operation, or NaN when they were not counted or no operation ran.
func (r Result) RoundTripsPerOp() float64 {
	if r.RoundTrips < 0 || r.Ops == 0 {
		return math.NaN()
	}
	return float64(r.RoundTrips) / float64(r.Ops)
}

// MBPerSecond returns PayloadBytes × Ops / seconds / 10^6, or NaN for a workload without a payload.
func (r Result) MBPerSecond() float64 {
	if r.PayloadBytes <= 0 || r.Elapsed <= 0 {
		return math.NaN()
	}
	return float64(r.PayloadBytes) * float64(r.Ops) / r.Seconds() / 1e6
}

// Line returns the result as the JSON object BENCHMARKS.md defines, keys in its order, without a newline:
//
//	{"workload":"W2","clients":8,"ops":8000,"seconds":3.13,"ops_per_s":2555.9,"round_trips_per_op":1.0,"mb_per_s":null,"p50_ms":2.871,"p99_ms":9.402}
//
// Figures that do not apply (or cannot be computed) are null. A run whose server time was measured adds
// "server_plan_ms_per_op", "server_exec_ms_per_op" and "client_share" at the end, and a run that read from a
// replica "replica_share" and "primary_writes_per_s".
func (r Result) Line() []byte {
	var b bytes.Buffer
	b.WriteString(`{"workload":`)
	b.WriteString(strconv.Quote(string(r.Workload)))
	b.WriteString(`,"clients":`)
	b.WriteString(strconv.Itoa(r.Clients))
	b.WriteString(`,"ops":`)
	b.WriteString(strconv.Itoa(r.Ops))
	b.WriteString(`,"seconds":`)
	b.WriteString(jsonNumber(r.Seconds(), 3))
	b.WriteString(`,"ops_per_s":`)
	b.WriteString(jsonNumber(r.OpsPerSecond(), 1))
	b.WriteString(`,"round_trips_per_op":`)
	b.WriteString(jsonNumber(r.RoundTripsPerOp(), 2))
	b.WriteString(`,"mb_per_s":`)
	b.WriteString(jsonNumber(r.MBPerSecond(), 2))
	b.WriteString(`,"p50_ms":`)
	b.WriteString(latencyMillis(r.P50))
	b.WriteString(`,"p99_ms":`)
	b.WriteString(latencyMillis(r.P99))
	if r.Server != nil {
		b.WriteString(`,"server_plan_ms_per_op":`)
		b.WriteString(jsonNumber(r.perOpMillis(r.Server.Plan), 3))
		b.WriteString(`,"server_exec_ms_per_op":`)
		b.WriteString(jsonNumber(r.perOpMillis(r.Server.Exec), 3))
		b.WriteString(`,"client_share":`)
		b.WriteString(jsonNumber(r.ClientShare(), 3))
	}
	if r.Replica != nil {
		b.WriteString(`,"replica_share":`)
		b.WriteString(jsonNumber(r.Replica.Share, 3))
		b.WriteString(`,"primary_writes_per_s":`)
		b.WriteString(jsonNumber(r.Replica.PrimaryWritesPerS, 1))
	}
	b.WriteString("}")
	return b.Bytes()
}

// perOpMillis returns d divided by the operations, in milliseconds, or NaN when none ran.
func (r Result) perOpMillis(d time.Duration) float64 {
	if r.Ops == 0 {
		return math.NaN()
	}
	return float64(d) / float64(time.Millisecond) / float64(r.Ops)
}

// ClientShare returns the share of the clients' time for one operation that the server did not spend
// planning or executing its statements: 1 − server time per operation ÷ (elapsed × clients ÷ operations).
// It covers the client's own work, the network and the commit's wait for the disk. It returns NaN when the
// server time was not measured or nothing ran.
func (r Result) ClientShare() float64 {
	if r.Server == nil || r.Ops == 0 || r.Elapsed <= 0 {
		return math.NaN()
	}
	clientTime := float64(r.Elapsed) * float64(max(r.Clients, 1))
	return 1 - float64(r.Server.Plan+r.Server.Exec)/clientTime
}

// latencyMillis writes a latency in milliseconds to the microsecond, or null when it was not measured.
func latencyMillis(d time.Duration) string {
	if d <= 0 {
		return "null"
	}
	return jsonNumber(float64(d.Microseconds())/1000, 3)
}

// percentiles returns the median and the 99th percentile of latencies, which it sorts.
func percentiles(latencies []time.Duration) (p50, p99 time.Duration) {
	if len(latencies) == 0 {
		return 0, 0
	}
	slices.Sort(latencies)
	at := func(q int) time.Duration { return latencies[min(len(latencies)-1, len(latencies)*q/100)] }
	return at(50), at(99)
}

// jsonNumber formats x rounded to at most decimals digits after the point, always with a point (1.0, not 1,
// as BENCHMARKS.md writes it), or null when x is NaN or infinite.
func jsonNumber(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "null"
	}
	scale := math.Pow10(decimals)
	x = math.Round(x*scale) / scale
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !bytes.ContainsAny([]byte(s), ".eE") {
		s += ".0"
	}
	return s
}
