package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/internal/roundtrip"
	"github.com/yapstore/yapstore/store"
)

// DefaultReplicaWriters is how many W2 clients write on the primary while a run with Config.Replica reads
// from the replica, unless Config.ReplicaWriters says otherwise.
const DefaultReplicaWriters = 8

// replicaWait bounds how long a run waits for the replica to replay the primary's writes (a new scratch
// database, a run's setup) and for the implementation's reads to reach it.
const replicaWait = time.Minute

// ReplicaFigures is what a read workload run with Config.Replica measured besides its own figures.
type ReplicaFigures struct {
	// Share is the fraction of the timed statements that the replica served.
	Share float64
	// PrimaryWritesPerS is the rate of the W2 progress updates the background writers committed on the
	// primary while the reads were timed.
	PrimaryWritesPerS float64
}

// replicaRun is what a read workload needs to read from a replica while writers load the primary.
type replicaRun struct {
	url       string             // the run's database on the replica
	primary   string             // the run's database on the primary, for the writers
	onReplica *roundtrip.Counter // the statements of the implementation that went to the replica
	writers   int
}

// splitTracer counts every statement in all and, in onReplica as well, those sent to the replica (a
// connection to its host and port). It leaves out the Store's health checks of the replica (a WAL position
// read from the primary and from the replica ten times a second), which belong to no operation.
type splitTracer struct {
	all, onReplica *roundtrip.Counter
	host           string
	port           uint16
}

// newSplitTracer returns a splitTracer for the replica at replicaURL.
func newSplitTracer(all, onReplica *roundtrip.Counter, replicaURL string) (*splitTracer, error) {
	cfg, err := pgx.ParseConfig(replicaURL)
	if err != nil {
		return nil, fmt.Errorf("bench: replica url: %w", err)
	}
	return &splitTracer{all: all, onReplica: onReplica, host: cfg.Host, port: cfg.Port}, nil
}

func (t *splitTracer) replica(conn *pgx.Conn) bool {
	cfg := conn.Config()
	return cfg.Host == t.host && cfg.Port == t.port
}

// TraceQueryStart counts a statement, and again on the replica's counter when it went there.
func (t *splitTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if healthCheck(d.SQL) {
		return ctx
	}
	if t.replica(conn) {
		t.onReplica.TraceQueryStart(ctx, conn, d)
	}
	return t.all.TraceQueryStart(ctx, conn, d)
}

// healthCheck reports whether sql is one of the Store's replica health checks.
func healthCheck(sql string) bool {
	return strings.HasPrefix(sql, "SELECT pg_current_wal_insert_lsn()") || strings.HasPrefix(sql, "SELECT pg_last_wal_replay_lsn()")
}

// TraceQueryEnd does nothing: a statement is counted when it starts.
func (t *splitTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a pipelined batch once, and again on the replica's counter when it went there.
func (t *splitTracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	if t.replica(conn) {
		t.onReplica.TraceBatchStart(ctx, conn, d)
	}
	return t.all.TraceBatchStart(ctx, conn, d)
}

// TraceBatchQuery does nothing: the batch was counted when it started.
func (t *splitTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd does nothing.
func (t *splitTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// waitReplayed waits until the replica at replicaURL accepts connections to its database and has replayed
// the primary's log up to pos (0: any position), or until replicaWait has passed. It polls on one connection
// once it has one.
func waitReplayed(ctx context.Context, replicaURL string, pos store.WALPosition) error {
	ctx, cancel := context.WithTimeout(ctx, replicaWait)
	defer cancel()
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.WithoutCancel(ctx))
		}
	}()
	for {
		var err error
		if conn == nil {
			conn, err = pgx.Connect(ctx, replicaURL) // the database itself may not be replayed yet
		}
		if err == nil {
			var done bool
			err = conn.QueryRow(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", pos.String()).Scan(&done)
			switch {
			case err == nil && done:
				return nil
			case err == nil:
				err = errors.New("not replayed yet")
			default:
				conn.Close(context.WithoutCancel(ctx))
				conn = nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: the replica did not replay the primary's log to %s within %s: %w", pos, replicaWait, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// timeReads times a read workload's ops on impl (with timeOps) while env.replica's writers load the primary:
// first it waits until the replica has replayed the setup and until read, untimed, is served by it (the
// Store sends reads to a replica once its health check has seen it caught up), then starts the writers,
// times fn and stops them. Without a replica it is timeOps.
func (env runEnv) timeReads(ctx context.Context, counter *roundtrip.Counter, m *Measurement, ops int, read func() error,
	fn func() error) error {
	rep := env.replica
	if rep == nil {
		return env.timeOps(ctx, counter, &m.Result, ops, fn)
	}
	pos, err := env.setup.WritePosition(ctx)
	if err != nil {
		return err
	}
	if err := waitReplayed(ctx, rep.url, pos); err != nil {
		return err
	}
	deadline := time.Now().Add(replicaWait)
	for {
		before := rep.onReplica.Count()
		if err := read(); err != nil {
			return err
		}
		if rep.onReplica.Count() > before {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: reads did not reach the replica within %s", replicaWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop, err := env.startWriters(ctx)
	if err != nil {
		return err
	}
	onReplica := rep.onReplica.Count()
	err = env.timeOps(ctx, counter, &m.Result, ops, fn)
	writes, werr := stop()
	figures := &ReplicaFigures{PrimaryWritesPerS: float64(writes) / m.Result.Elapsed.Seconds()}
	if m.Result.RoundTrips > 0 {
		figures.Share = float64(rep.onReplica.Count()-onReplica) / float64(m.Result.RoundTrips)
	}
	m.Result.Replica = figures
	return errors.Join(err, werr)
}

// startWriters starts env.replica.writers clients sending W2's progress updates (rounds 2 to 9 over and
// over, which leave a task running) to the primary through a Store of their own, each to the tasks of its
// own simulation. The function it returns stops them and returns how many updates they committed, or the
// first error one of them met.
func (env runEnv) startWriters(ctx context.Context) (func() (int64, error), error) {
	rep := env.replica
	writers, err := store.Open(ctx, rep.primary, store.WithMaxConns(int32(rep.writers)))
	if err != nil {
		return nil, fmt.Errorf("bench: writers: %w", err)
	}
	tasks := env.sizes.TasksPerSimulation
	sims := make([]int32, rep.writers)
	for i := range sims {
		sim, err := submitForSetup(ctx, env, tasks, store.StatePending)
		if err != nil {
			writers.Close()
			return nil, err
		}
		sims[i] = sim.ID
	}
	ctx, cancel := context.WithCancel(ctx)
	var (
		wg    sync.WaitGroup
		count atomic.Int64
		errs  = make([]error, rep.writers)
	)
	for w, sim := range sims {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				round := 2 + i/tasks%(ProgressRounds-2)
				u := ProgressRound(sim, int32(i%tasks), round, time.Now())
				_, err := writers.ReportTaskProgress(ctx, sim, u.Number, store.TaskUpdate{
					SimulatedPrimaries: u.SimulatedPrimaries, EstimatedTime: u.EstimatedTime,
				})
				if err != nil {
					if ctx.Err() == nil {
						errs[w] = fmt.Errorf("bench: writer: %w", err)
					}
					return
				}
				count.Add(1)
			}
		})
	}
	return func() (int64, error) {
		cancel()
		wg.Wait()
		writers.Close()
		return count.Load(), errors.Join(errs...)
	}, nil
}
