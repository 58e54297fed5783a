package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/heappeak"
	"github.com/yapstore/yapstore/internal/roundtrip"
	"github.com/yapstore/yapstore/store"
)

// runEnv is what one measured run needs besides the implementation under test.
type runEnv struct {
	setup    *store.Store // untraced store on the run's database: writes the starting rows, checks the end state
	userID   int32        // the user "bench"
	payloads *fixtures.Set
	sizes    Sizes
	clients  int          // W2's client count; 1 for the others
	memory   bool         // measure peak heap with one more operation after the timed ones (W3, W4)
	replica  *replicaRun  // W4 and W5 read from a replica while writers load the primary; nil: no replica
	server   *serverClock // reads pg_stat_statements around the timed operations; nil: not measured
}

// Measurement is one implementation's figures for one workload (and client count).
type Measurement struct {
	Impl   string
	Result Result
	Heap   *heappeak.Peak // W3 and W4 when memory was measured: one more operation, after the timed ones
}

// runWorkload sets up the run's database for w, times w's operations on impl, checks what they left, and
// returns the figures. counter must be the tracer impl's connections report to.
func runWorkload(ctx context.Context, w WorkloadID, env runEnv, impl Impl, counter *roundtrip.Counter) (Measurement, error) {
	m := Measurement{Impl: impl.Name(), Result: Result{Workload: w, Clients: 1}}
	var err error
	switch w {
	case W1:
		err = runSubmit(ctx, env, impl, counter, &m)
	case W2:
		m.Result.Clients = env.clients
		err = runProgress(ctx, env, impl, counter, &m)
	case W3:
		m.Result.PayloadBytes = int64(len(env.payloads.Results))
		err = runIngest(ctx, env, impl, counter, &m)
	case W4:
		m.Result.PayloadBytes = int64(len(env.payloads.Results))
		err = runRead(ctx, env, impl, counter, &m)
	case W5:
		err = runList(ctx, env, impl, counter, &m)
	default:
		err = fmt.Errorf("%w: unknown workload %q", ErrConfig, w)
	}
	if err != nil {
		return m, fmt.Errorf("%s %s: %w", impl.Name(), w, err)
	}
	return m, nil
}

// timeOps runs ops, timing it and counting the statements it sends, into r, and with env.server the
// server's own time for them.
func (env runEnv) timeOps(ctx context.Context, counter *roundtrip.Counter, r *Result, ops int, fn func() error) error {
	if env.server != nil {
		if err := env.server.reset(ctx); err != nil {
			return err
		}
	}
	before := counter.Count()
	start := time.Now()
	err := fn()
	r.Elapsed = time.Since(start)
	r.RoundTrips = counter.Count() - before
	r.Ops = ops
	if err != nil || env.server == nil {
		return err
	}
	t, err := env.server.read(ctx)
	r.Server = &t
	return err
}

// runSubmit is W1: SubmitOps simulations with TasksPerSimulation tasks each and the editor input, then PENDING.
func runSubmit(ctx context.Context, env runEnv, impl Impl, counter *roundtrip.Counter, m *Measurement) error {
	ops, tasks := env.sizes.SubmitOps, env.sizes.TasksPerSimulation
	err := env.timeOps(ctx, counter, &m.Result, ops, func() error {
		for range ops {
			ids := make([]string, tasks)
			for i := range ids {
				ids[i] = uuid.NewString()
			}
			if _, err := impl.Submit(ctx, Submission{UserID: env.userID, Input: env.payloads.EditorInput, CeleryIDs: ids}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return checkCounts(ctx, env.setup, map[string]int{
		`SELECT count(*) FROM "Simulation" WHERE job_state = 'PENDING' AND title = 'bench'`:                         ops,
		`SELECT count(*) FROM "CelerySimulation"`:                                                                   ops,
		`SELECT count(*) FROM "Task" t JOIN "CeleryTask" c USING (id) WHERE t.task_state = 'PENDING'`:               ops * tasks,
		`SELECT count(*) FROM "Input" WHERE compressed_data IS NOT NULL`:                                            ops,
		`SELECT count(DISTINCT c.celery_id) FROM "CeleryTask" c`:                                                    ops * tasks,
		`SELECT count(*) FROM "Simulation" s WHERE NOT EXISTS (SELECT FROM "Input" i WHERE i.simulation_id = s.id)`: 0,
	})
}

// runProgress is W2: ProgressRounds updates of every task of the progress simulations, the simulations
// shared out among the clients (each client owns whole simulations), each update committed on its own.
func runProgress(ctx context.Context, env runEnv, impl Impl, counter *roundtrip.Counter, m *Measurement) error {
	sims := max(env.sizes.ProgressSimulations, env.clients)
	tasks := env.sizes.TasksPerSimulation
	ids := make([]int32, sims)
	for i := range ids {
		sim, err := submitForSetup(ctx, env, tasks, store.StatePending)
		if err != nil {
			return err
		}
		ids[i] = sim.ID
	}
	ops := sims * tasks * ProgressRounds
	latencies := make([][]time.Duration, env.clients) // each client's, merged after the run
	err := env.timeOps(ctx, counter, &m.Result, ops, func() error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		errs := make([]error, env.clients)
		var wg sync.WaitGroup
		for c := range env.clients {
			wg.Go(func() {
				for round := 1; round <= ProgressRounds; round++ {
					for s := c; s < sims; s += env.clients {
						for n := range int32(tasks) {
							start := time.Now()
							applied, err := impl.UpdateTask(ctx, ProgressRound(ids[s], n, round, start))
							latencies[c] = append(latencies[c], time.Since(start))
							if err == nil && !applied {
								err = fmt.Errorf("%w: round %d of task %d of simulation %d was not applied",
									ErrCheck, round, n, ids[s])
							}
							if err != nil {
								errs[c] = err
								cancel()
								return
							}
						}
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	})
	m.Result.P50, m.Result.P99 = percentiles(slices.Concat(latencies...))
	if err != nil {
		return err
	}
	return checkCounts(ctx, env.setup, map[string]int{
		`SELECT count(*) FROM "Task" WHERE task_state = 'COMPLETED' AND simulated_primaries = requested_primaries
		   AND start_time IS NOT NULL AND end_time IS NOT NULL AND estimated_time IS NULL
		   AND last_update_time >= end_time`: sims * tasks,
	})
}

// runIngest is W3: the results file into IngestSimulations new simulations, then Reingests more times into
// the first of them (the overwrite path).
func runIngest(ctx context.Context, env runEnv, impl Impl, counter *roundtrip.Counter, m *Measurement) error {
	n := env.sizes.IngestSimulations
	ids := make([]int32, n)
	for i := range ids {
		sim, err := submitForSetup(ctx, env, 1, store.StateRunning)
		if err != nil {
			return err
		}
		ids[i] = sim.ID
	}
	payload := env.payloads.Results
	ops := n + env.sizes.Reingests
	err := env.timeOps(ctx, counter, &m.Result, ops, func() error {
		for op := range ops {
			target := ids[0] // the re-ingests, after one ingest into every simulation
			if op < n {
				target = ids[op]
			}
			if err := impl.IngestResults(ctx, target, payload); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	estimators, pages := env.payloads.Estimators, env.payloads.Pages
	if err := checkCounts(ctx, env.setup, map[string]int{
		`SELECT count(*) FROM "Simulation" WHERE job_state = 'COMPLETED' AND end_time IS NOT NULL`: n,
		`SELECT count(*) FROM "Estimator"`:                              n * estimators,
		`SELECT count(*) FROM "Page" WHERE compressed_data IS NOT NULL`: n * pages,
	}); err != nil {
		return err
	}
	if env.memory {
		heap, err := heappeak.Measure(func() error { return impl.IngestResults(ctx, ids[0], payload) })
		if err != nil {
			return err
		}
		m.Heap = &heap
	}
	return nil
}

// runRead is W4: ReadOps reads of one simulation's results by job id; the first is checked against the
// results file value by value.
func runRead(ctx context.Context, env runEnv, impl Impl, counter *roundtrip.Counter, m *Measurement) error {
	sim, err := submitForSetup(ctx, env, 1, store.StateRunning)
	if err != nil {
		return err
	}
	if _, err := env.setup.SaveResultsJSON(ctx, sim.ID, env.payloads.Results); err != nil {
		return fmt.Errorf("setup: save results: %w", err)
	}
	var first []EstimatorValues
	read := func() error {
		_, err := impl.ReadResults(ctx, sim.JobID)
		return err
	}
	err = env.timeReads(ctx, counter, m, env.sizes.ReadOps, read, func() error {
		for op := range env.sizes.ReadOps {
			got, err := impl.ReadResults(ctx, sim.JobID)
			if err != nil {
				return err
			}
			if op == 0 {
				first = got
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := CheckResults(env.payloads.Results, first); err != nil {
		return err
	}
	if env.memory {
		heap, err := heappeak.Measure(read)
		if err != nil {
			return err
		}
		m.Heap = &heap
	}
	return nil
}

// runList is W5: pages 1 to ListPages of the user's COMPLETED and FAILED simulations, 6 a page, newest first.
func runList(ctx context.Context, env runEnv, impl Impl, counter *roundtrip.Counter, m *Measurement) error {
	owned := env.sizes.ListSimulations
	if _, err := env.setup.Pool().Exec(ctx, listSetupSQL, env.userID, owned, time.Now()); err != nil {
		return fmt.Errorf("setup: simulations to list: %w", err)
	}
	// Vacuumed and analyzed, as a table that has been there a while is: the planner knows the user's share of
	// it, and an index-only scan need not visit the rows.
	if _, err := env.setup.Pool().Exec(ctx, `VACUUM ANALYZE "Simulation", "CelerySimulation"`); err != nil {
		return fmt.Errorf("setup: vacuum the simulations to list: %w", err)
	}
	matching := (owned+3)/4 + (owned+2)/4 // the COMPLETED ones (i%4 == 0) and the FAILED ones (i%4 == 1)
	pages := env.sizes.ListPages
	read := func() error {
		_, err := impl.ListSimulations(ctx, ListQuery{UserID: env.userID, Page: 1})
		return err
	}
	return env.timeReads(ctx, counter, m, pages, read, func() error {
		for p := 1; p <= pages; p++ {
			got, err := impl.ListSimulations(ctx, ListQuery{UserID: env.userID, Page: p})
			if err != nil {
				return err
			}
			want := min(listPageSize, max(0, matching-(p-1)*listPageSize))
			if got.Rows != want || got.Total != int64(matching) {
				return fmt.Errorf("%w: page %d has %d simulations of %d, want %d of %d",
					ErrCheck, p, got.Rows, got.Total, want, matching)
			}
		}
		return nil
	})
}

// listSetupSQL gives user $1 $2 DIRECT simulations whose start_time is spread over the year before $3 and
// whose job_state cycles COMPLETED, FAILED, RUNNING, PENDING (the ended ones get an end_time an hour later).
const listSetupSQL = `
WITH sim AS (
    INSERT INTO "Simulation" (job_id, user_id, start_time, end_time, title, platform, input_type, sim_type, job_state)
    SELECT to_char(t.start_time, 'YYYYMMDD-HH24MISS-') || gen_random_uuid() || 'DIRECT', $1, t.start_time,
           CASE WHEN i % 4 < 2 THEN t.start_time + interval '1 hour' END,
           'bench', 'DIRECT', 'EDITOR', 'shieldhit', (ARRAY['COMPLETED', 'FAILED', 'RUNNING', 'PENDING'])[i % 4 + 1]
    FROM generate_series(0, $2::int - 1) AS i,
         LATERAL (SELECT $3::timestamptz - i * (interval '365 days' / $2::int)) AS t(start_time)
    RETURNING id
)
INSERT INTO "CelerySimulation" (id) SELECT id FROM sim`

// submitForSetup creates a simulation of the user with tasks tasks in state, for a workload to work on.
func submitForSetup(ctx context.Context, env runEnv, tasks int, state store.State) (store.Simulation, error) {
	params := make([]store.DirectTaskParams, tasks)
	for i := range params {
		params[i] = store.DirectTaskParams{RequestedPrimaries: 1000, CeleryID: uuid.NewString()}
	}
	owner := env.userID
	sim, err := env.setup.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{
			UserID: &owner, Title: "bench setup", InputType: store.InputEditor, SimType: store.SimShieldhit,
			State: state, Input: env.payloads.EditorInput,
		},
		Tasks: params,
	})
	if err != nil {
		return sim, fmt.Errorf("setup: submit: %w", err)
	}
	return sim, nil
}

// checkCounts runs each counting query on s and returns an error wrapping ErrCheck for the first whose count
// is not the one given.
func checkCounts(ctx context.Context, s *store.Store, want map[string]int) error {
	for query, n := range want {
		var got int
		if err := s.Pool().QueryRow(ctx, query).Scan(&got); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		if got != n {
			return fmt.Errorf("%w: %d rows where %d were expected: %s", ErrCheck, got, n, query)
		}
	}
	return nil
}
