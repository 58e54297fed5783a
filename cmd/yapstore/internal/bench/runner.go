package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/roundtrip"
	"github.com/yapstore/yapstore/store"
)

// Config says what Run measures and where it writes.
type Config struct {
	// ServerURL names the PostgreSQL server to run on: Run connects to the database it names only to create
	// its scratch databases (a template and one clone per measured run) beside it, and drops them all at the
	// end. The role needs CREATEDB.
	ServerURL string

	// Payloads are the editor input (W1, W5) and the results file (W3's payload and W4's expected value):
	// fixtures.Generate's by default in the command, or the platform's own from fixtures.Load.
	Payloads *fixtures.Set

	// Workloads to run, in run order; nil means all.
	Workloads []WorkloadID

	// Clients are W2's client counts; nil means DefaultClients (1 and 8).
	Clients []int

	// Compare also measures the floor (a hand-written pgx implementation) on every workload and, for W2, the
	// server's single-row update rate, and writes a comparison line after each workload's line.
	Compare bool

	// Repeat is how many times each workload is measured (yapstore, floor and server taking turns); the
	// lines report the run of median throughput of each. 0 means 1.
	Repeat int

	// Sizes are the amounts of work; the zero value means DefaultSizes (BENCHMARKS.md's).
	Sizes Sizes

	// Pgbench is the pgbench executable used to measure the server's update rate: "" means FindPgbench,
	// "none" means the Go loop.
	Pgbench string

	// Through, when set, returns the URL the measured implementations connect to a scratch database with,
	// instead of the server's: a connection pooler's in front of it, say. The scratch databases are still
	// made and prepared directly on the server, and the server's own update rate (Compare) is measured there.
	Through func(database string) string

	// Replica, when set, returns the URL of a scratch database on a streaming replica of the server: W4 and
	// W5 then read from it (yapstore through store.WithReplicas, the floor connected to it directly) while
	// ReplicaWriters clients send W2's progress updates to the primary, as a platform's workers report while
	// its users read. Run waits for the replica to replay each run's setup before timing, and the lines of
	// W4 and W5 add the share of the reads the replica served and the primary's write rate.
	Replica func(database string) string

	// ReplicaWriters is the number of clients writing on the primary while W4 and W5 read from the replica;
	// 0 means DefaultReplicaWriters.
	ReplicaWriters int

	// Store and Floor open the implementations; nil means OpenStore and OpenFloor. Tests replace them.
	Store, Floor Opener

	// Out receives the JSON lines (BENCHMARKS.md's, then comparison lines); Progress receives a readable
	// line or more per workload. Nil discards.
	Out, Progress io.Writer
}

// Report is everything a Run measured.
type Report struct {
	Yapstore    []Measurement
	Floor       []Measurement // with Compare
	ServerRates []ServerRate  // with Compare, one per W2 client count
	Comparisons []Comparison  // with Compare
}

// Run measures the workloads on scratch databases of the server at cfg.ServerURL and writes their lines to
// cfg.Out as it goes. It drops every database it created before returning, even when ctx is cancelled. It
// returns an error wrapping ErrConfig for a configuration it cannot run (before connecting), ErrCheck when an
// implementation's answers are wrong, and the database's errors otherwise; the report holds what was
// measured until then.
func Run(ctx context.Context, cfg Config) (report *Report, err error) {
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pgbench, noPgbench := cfg.Pgbench, ""
	switch pgbench {
	case "":
		if pgbench = FindPgbench(); pgbench == "" {
			noPgbench = "pgbench not found"
		}
	case "none":
		pgbench, noPgbench = "", "pgbench not wanted"
	}
	scratch, err := openScratch(ctx, cfg.ServerURL)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := scratch.close(ctx); cerr != nil && err == nil {
			err = cerr
		}
	}()
	progress(cfg.Progress, "scratch databases %s_* on %s", scratch.prefix, dburl.Redact(cfg.ServerURL))
	ok, note, err := statementsAvailable(ctx, scratch.admin)
	if err != nil {
		return nil, err
	}
	scratch.statements = ok
	if ok {
		progress(cfg.Progress, "server time: pg_stat_statements (planning and execution, per operation)")
	} else {
		progress(cfg.Progress, "server time: %s", note)
	}
	if err := scratch.buildTemplate(ctx); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, scratch: scratch, pgbench: pgbench, noPgbench: noPgbench}
	report = &Report{}
	for _, w := range cfg.Workloads {
		clientCounts := []int{1}
		if w == W2 {
			clientCounts = cfg.Clients
		}
		for _, clients := range clientCounts {
			if err := r.workload(ctx, report, w, clients); err != nil {
				return report, err
			}
		}
	}
	return report, nil
}

// withDefaults checks cfg and fills its defaults.
func (cfg Config) withDefaults() (Config, error) {
	if strings.TrimSpace(cfg.ServerURL) == "" {
		return cfg, fmt.Errorf("%w: no server URL", ErrConfig)
	}
	if cfg.Payloads == nil {
		return cfg, fmt.Errorf("%w: no payloads", ErrConfig)
	}
	if cfg.Workloads == nil {
		cfg.Workloads = AllWorkloads()
	}
	for _, w := range cfg.Workloads {
		if w.Name() == "" {
			return cfg, fmt.Errorf("%w: unknown workload %q", ErrConfig, w)
		}
	}
	if cfg.Clients == nil {
		cfg.Clients = DefaultClients()
	}
	for _, n := range cfg.Clients {
		if n < 1 || n > MaxClients {
			return cfg, fmt.Errorf("%w: client count %d is outside 1..%d", ErrConfig, n, MaxClients)
		}
	}
	if cfg.ReplicaWriters < 0 || cfg.ReplicaWriters > MaxClients {
		return cfg, fmt.Errorf("%w: replica writer count %d is outside 0..%d", ErrConfig, cfg.ReplicaWriters, MaxClients)
	}
	if cfg.Repeat < 0 {
		return cfg, fmt.Errorf("%w: repeat %d is negative", ErrConfig, cfg.Repeat)
	}
	cfg.Repeat = max(cfg.Repeat, 1)
	if cfg.Sizes == (Sizes{}) {
		cfg.Sizes = DefaultSizes()
	}
	if err := cfg.Sizes.check(); err != nil {
		return cfg, err
	}
	if cfg.Store == nil {
		cfg.Store = OpenStore
	}
	if cfg.Floor == nil {
		cfg.Floor = OpenFloor
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	return cfg, nil
}

// runner holds what the measured runs of one Run share.
type runner struct {
	cfg       Config
	scratch   *scratchServer
	pgbench   string // "" for the Go loop
	noPgbench string // why pgbench is not used
}

// workload measures w with clients clients Repeat times, taking turns: yapstore, then (with Compare) the
// floor and, for W2, the server's update rate. It writes the line of the median run of each, appends them to
// report and writes the comparison of the medians.
func (r *runner) workload(ctx context.Context, report *Report, w WorkloadID, clients int) error {
	title := fmt.Sprintf("%s %s", w, w.Name())
	if w == W2 {
		title += fmt.Sprintf(", %d client%s", clients, plural(clients))
	}
	indent := strings.Repeat(" ", len(title))
	var ours, floors []Measurement
	var rates []ServerRate
	for range r.cfg.Repeat {
		m, err := r.measure(ctx, w, clients, r.cfg.Store)
		if err != nil {
			return err
		}
		ours = append(ours, m)
		if !r.cfg.Compare {
			continue
		}
		if m, err = r.measure(ctx, w, clients, r.cfg.Floor); err != nil {
			return err
		}
		floors = append(floors, m)
		if w == W2 {
			rate, err := r.serverRate(ctx, clients)
			if err != nil {
				return err
			}
			rates = append(rates, rate)
		}
	}
	mine := median(ours)
	report.Yapstore = append(report.Yapstore, mine)
	fmt.Fprintf(r.cfg.Out, "%s\n", mine.Result.Line())
	progress(r.cfg.Progress, "%s: %s%s", title, describe(mine), runsOf(ours))
	if !r.cfg.Compare {
		return nil
	}
	floor := median(floors)
	report.Floor = append(report.Floor, floor)
	progress(r.cfg.Progress, "%s: %s%s", indent, describe(floor), runsOf(floors))
	var server *ServerRate
	if w == W2 {
		rate := medianRate(rates)
		report.ServerRates = append(report.ServerRates, rate)
		server = &rate
		note := ""
		if rate.Note != "" {
			note = " (" + rate.Note + ")"
		}
		progress(r.cfg.Progress, "%s: server single-row UPDATE (%s) %.1f ops/s%s%s", indent, rate.Tool,
			rate.OpsPerS, listRuns(rates, serverOpsPerS, ""), note)
		if rate.GoLoopOpsPerS > 0 {
			progress(r.cfg.Progress, "%s: the same UPDATE from bare pgx (%s) %.1f ops/s%s", indent, ToolGoLoop,
				rate.GoLoopOpsPerS, listRuns(rates, serverGoLoopOpsPerS, ""))
		}
	}
	c := compare(mine, floor, server)
	report.Comparisons = append(report.Comparisons, c)
	line, err := c.Line()
	if err != nil {
		return err
	}
	fmt.Fprintf(r.cfg.Out, "%s\n", line)
	progress(r.cfg.Progress, "%s: %s", indent, c.Summary())
	return nil
}

// median returns the measurement of median throughput (the lower middle one of an even number).
func median(ms []Measurement) Measurement {
	return lowerMedian(ms, measuredOpsPerS)
}

// medianRate returns the server rate of median throughput, with the median of the Go loop's rates measured
// beside pgbench (0 when there are none).
func medianRate(rates []ServerRate) ServerRate {
	rate := lowerMedian(rates, serverOpsPerS)
	var loops []float64
	for _, r := range rates {
		if r.GoLoopOpsPerS > 0 {
			loops = append(loops, r.GoLoopOpsPerS)
		}
	}
	rate.GoLoopOpsPerS = 0
	if len(loops) > 0 {
		rate.GoLoopOpsPerS = lowerMedian(loops, func(x float64) float64 { return x })
	}
	return rate
}

// lowerMedian returns the element of xs (not empty) whose key is the median, the lower middle one of an even
// number; elements with equal keys keep their order.
func lowerMedian[T any](xs []T, key func(T) float64) T {
	sorted := slices.Clone(xs)
	slices.SortStableFunc(sorted, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return sorted[(len(sorted)-1)/2]
}

// The throughputs that medians and the progress output's run lists are taken of.
func measuredOpsPerS(m Measurement) float64    { return m.Result.OpsPerSecond() }
func serverOpsPerS(r ServerRate) float64       { return r.OpsPerS }
func serverGoLoopOpsPerS(r ServerRate) float64 { return r.GoLoopOpsPerS }

// runsOf lists every run's throughput when there was more than one, for the progress output.
func runsOf(ms []Measurement) string {
	return listRuns(ms, measuredOpsPerS, " ops/s")
}

// listRuns lists of(x) for every x of xs, followed by unit, when there was more than one, for the progress
// output.
func listRuns[T any](xs []T, of func(T) float64, unit string) string {
	if len(xs) < 2 {
		return ""
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.1f", of(x))
	}
	return " [runs: " + strings.Join(parts, ", ") + unit + "]"
}

// measure runs w once with the implementation open opens, on a fresh clone of the template.
func (r *runner) measure(ctx context.Context, w WorkloadID, clients int, open Opener) (m Measurement, err error) {
	name, url, err := r.scratch.clone(ctx, strings.ToLower(string(w)))
	if err != nil {
		return m, err
	}
	defer func() {
		if derr := r.scratch.drop(context.WithoutCancel(ctx), name); derr != nil && err == nil {
			err = derr
		}
	}()
	setup, err := store.Open(ctx, url, store.WithMaxConns(2))
	if err != nil {
		return m, err
	}
	defer setup.Close()
	counter := &roundtrip.Counter{}
	var tracer pgx.QueryTracer = counter
	target := Target{URL: url}
	if r.cfg.Through != nil {
		target.URL = r.cfg.Through(name)
	}
	var replica *replicaRun
	if r.cfg.Replica != nil && (w == W4 || w == W5) {
		replica = &replicaRun{url: r.cfg.Replica(name), primary: url, onReplica: &roundtrip.Counter{},
			writers: cmp.Or(r.cfg.ReplicaWriters, DefaultReplicaWriters)}
		target.ReplicaURL = replica.url
		if tracer, err = newSplitTracer(counter, replica.onReplica, replica.url); err != nil {
			return m, err
		}
		if err := waitReplayed(ctx, replica.url, 0); err != nil { // the new database, before connecting to it
			return m, err
		}
	}
	impl, err := open(ctx, target, int32(clients), tracer)
	if err != nil {
		return m, err
	}
	defer impl.Close()
	if err := warm(ctx, impl, clients); err != nil {
		return m, err
	}
	env := runEnv{
		setup: setup, userID: r.scratch.userID, payloads: r.cfg.Payloads, sizes: r.cfg.Sizes, clients: clients,
		memory: w == W3 || w == W4, replica: replica,
	}
	if r.scratch.statements && replica == nil { // a replica's reads are not in the primary's statistics
		env.server = &serverClock{db: setup.Pool()}
	}
	return runWorkload(ctx, w, env, impl, counter)
}

// warm opens the clients' connections (as many as the pool allows) before timing starts, as a running
// service has them open.
func warm(ctx context.Context, impl Impl, clients int) error {
	pool := impl.Pool()
	if pool == nil {
		return nil
	}
	n := min(clients, int(pool.Config().MaxConns))
	conns := make([]*pgxpool.Conn, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { conns[i], errs[i] = pool.Acquire(ctx) })
	}
	wg.Wait()
	for _, c := range conns {
		if c != nil {
			c.Release()
		}
	}
	return errors.Join(errs...)
}

// serverRate measures the server's single-row update rate with clients clients on a fresh clone.
func (r *runner) serverRate(ctx context.Context, clients int) (rate ServerRate, err error) {
	name, url, err := r.scratch.clone(ctx, "w2_server")
	if err != nil {
		return rate, err
	}
	defer func() {
		if derr := r.scratch.drop(context.WithoutCancel(ctx), name); derr != nil && err == nil {
			err = derr
		}
	}()
	updates := max(r.cfg.Sizes.ProgressSimulations, clients) * r.cfg.Sizes.TasksPerSimulation * ProgressRounds
	return measureServerRate(ctx, url, clients, updates, r.pgbench, r.noPgbench)
}

// describe is a measurement's progress text.
func describe(m Measurement) string {
	res := m.Result
	text := fmt.Sprintf("%-8s %5d ops in %6.3fs = %8.1f ops/s, %.2f round trips/op", m.Impl, res.Ops,
		res.Seconds(), res.OpsPerSecond(), res.RoundTripsPerOp())
	if mb := res.MBPerSecond(); !math.IsNaN(mb) {
		text += fmt.Sprintf(", %.1f MB/s", mb)
	}
	if m.Heap != nil {
		text += fmt.Sprintf(", peak heap +%.1f MB (%.2f × payload)", float64(m.Heap.Growth())/1e6,
			float64(m.Heap.Growth())/float64(res.PayloadBytes))
	}
	if t := res.Server; t != nil {
		text += fmt.Sprintf(", server %.3f ms/op (plan %.3f + exec %.3f), client share %.0f%%",
			res.perOpMillis(t.Plan+t.Exec), res.perOpMillis(t.Plan), res.perOpMillis(t.Exec), 100*res.ClientShare())
	}
	if rep := res.Replica; rep != nil {
		text += fmt.Sprintf(", %.0f%% on the replica while the primary took %.1f writes/s", 100*rep.Share,
			rep.PrimaryWritesPerS)
	}
	return text
}

// progress writes one progress line.
func progress(w io.Writer, format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
