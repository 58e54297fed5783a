package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/internal/dburl"
)

// DefaultReplicaMaxLag is how far behind the primary a replica may be and still serve reads, unless
// WithReplicaMaxLag says otherwise.
const DefaultReplicaMaxLag = 5 * time.Second

// replicaCheckEvery is how often the Store reads the primary's WAL position and each replica's replay
// position: how soon a replica that went down, or fell behind, stops serving reads, and how soon it serves
// them again once it recovers.
const replicaCheckEvery = 100 * time.Millisecond

// WithReplicas sends the reads that may lag a little (results, page lists and pages, simulation listings,
// inputs, log files) to streaming replicas of the database, at the URLs given, and everything else (writes,
// Authenticate, the reads of InTx and of a Pipeline, every other read) to the primary. A replica serves
// reads only while it is up and at most WithReplicaMaxLag behind; otherwise the primary does. A read that
// must see a write of the caller's asks for it with AtLeast(WritePosition()). The Store watches each replica
// on a connection of its own, and Close stops that. Open and New fail when a URL cannot be parsed.
func WithReplicas(urls ...string) Option {
	return func(cfg *config) { cfg.replicaURLs = append(cfg.replicaURLs, urls...) }
}

// WithReplicaMaxLag sets how far behind the primary (in time: the replica has replayed what the primary had
// written that long ago) a replica may be and still serve reads; default DefaultReplicaMaxLag.
func WithReplicaMaxLag(d time.Duration) Option {
	return func(cfg *config) { cfg.replicaMaxLag = d }
}

// WALPosition is a position in the primary's write-ahead log (a PostgreSQL pg_lsn): what WritePosition
// returns and AtLeast asks a replica to have replayed.
type WALPosition uint64

// String writes the position as PostgreSQL does, e.g. "16/B374D848".
func (p WALPosition) String() string { return fmt.Sprintf("%X/%X", uint64(p)>>32, uint32(p)) }

// parseWALPosition reads a pg_lsn's text.
func parseWALPosition(s string) (WALPosition, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("yapstore: malformed WAL position %q", s)
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("yapstore: malformed WAL position %q", s)
	}
	return WALPosition(h<<32 | l), nil
}

// WritePosition returns the primary's current write-ahead log insert position, one round trip: every write
// committed before the call is at or before it (even with synchronous_commit off, whose commit records
// reach the log's files a moment later). Give it to AtLeast so that a read after the write sees it,
// on a replica that has replayed that far or else on the primary.
func (s *Store) WritePosition(ctx context.Context) (WALPosition, error) {
	var text string
	if err := s.exec().QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&text); err != nil {
		return 0, mapError(err)
	}
	return parseWALPosition(text)
}

// AtLeast makes a read that may go to a replica go only to one that has replayed the primary's log up to
// pos (from WritePosition), and to the primary when none has: read-your-writes.
func AtLeast(pos WALPosition) ReadOption {
	return func(o *readOptions) { o.atLeast = pos }
}

// replicaSet is the Store's replicas and the watch over them.
type replicaSet struct {
	replicas []*replica
	maxLag   time.Duration
	next     atomic.Uint32 // round robin
	stop     chan struct{}
	done     chan struct{}
}

// replica is one replica: its pool and what the last check found.
type replica struct {
	name     string // its redacted URL, for logs
	pool     *pgxpool.Pool
	healthy  atomic.Bool
	replayed atomic.Uint64 // WALPosition replayed as of the last check
}

// openReplicas makes a pool per replica URL and starts watching them against primary. It makes no
// connection itself: a replica that is down is found so by the first check.
func openReplicas(ctx context.Context, cfg *config, primary *pgxpool.Pool) (*replicaSet, error) {
	set := &replicaSet{maxLag: cfg.replicaMaxLag, stop: make(chan struct{}), done: make(chan struct{})}
	if set.maxLag <= 0 {
		set.maxLag = DefaultReplicaMaxLag
	}
	for _, url := range cfg.replicaURLs {
		if err := dburl.Check(url); err != nil {
			set.closePools()
			return nil, fmt.Errorf("%w: replica url: %w", ErrInvalid, err)
		}
		poolCfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			set.closePools()
			return nil, fmt.Errorf("%w: replica url: %w", ErrInvalid, err)
		}
		if cfg.tracer != nil {
			poolCfg.ConnConfig.Tracer = cfg.tracer
		}
		pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
		if err != nil {
			set.closePools()
			return nil, fmt.Errorf("yapstore: replica: %w", err)
		}
		set.replicas = append(set.replicas, &replica{name: dburl.Redact(url), pool: pool})
	}
	go set.watch(primary, cfg.logger)
	return set, nil
}

// close stops the watch and closes the replicas' pools.
func (set *replicaSet) close() {
	close(set.stop)
	<-set.done
	set.closePools()
}

func (set *replicaSet) closePools() {
	for _, r := range set.replicas {
		r.pool.Close()
	}
}

// positionSample is the primary's WAL position at a time.
type positionSample struct {
	at  time.Time
	pos WALPosition
}

// watch checks the replicas every replicaCheckEvery until close: a replica is healthy when it answers and
// has replayed what the primary had written maxLag ago.
func (set *replicaSet) watch(primary *pgxpool.Pool, log *slog.Logger) {
	defer close(set.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-set.stop
		cancel()
	}()
	var samples []positionSample
	ticker := time.NewTicker(replicaCheckEvery)
	defer ticker.Stop()
	for {
		now := time.Now()
		if pos, err := walPosition(ctx, primary, "pg_current_wal_insert_lsn()"); err == nil {
			samples = append(samples, positionSample{now, pos})
		}
		// The bar: the newest position the primary had at least maxLag ago (none yet: any position will do).
		var bar WALPosition
		keep := 0
		for i, s := range samples {
			if now.Sub(s.at) >= set.maxLag {
				bar, keep = s.pos, i
			}
		}
		samples = samples[keep:]
		var wg sync.WaitGroup
		for _, r := range set.replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pos, err := walPosition(ctx, r.pool, "pg_last_wal_replay_lsn()")
				healthy := err == nil && pos >= bar
				if err == nil {
					r.replayed.Store(uint64(pos))
				}
				if was := r.healthy.Swap(healthy); was != healthy && ctx.Err() == nil {
					level, what := slog.LevelInfo, "yapstore: replica serves reads again"
					if !healthy {
						level, what = slog.LevelWarn, "yapstore: replica skipped: down or more than the allowed lag behind"
					}
					log.LogAttrs(ctx, level, what, slog.String("replica", r.name), slog.String("replayed", pos.String()),
						slog.String("needed", bar.String()))
				}
			}()
		}
		wg.Wait()
		select {
		case <-set.stop:
			return
		case <-ticker.C:
		}
	}
}

// walPosition reads a WAL position with the SQL function fn, within one check period.
func walPosition(ctx context.Context, pool *pgxpool.Pool, fn string) (WALPosition, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*replicaCheckEvery)
	defer cancel()
	var text *string
	if err := pool.QueryRow(ctx, "SELECT "+fn+"::text", pgx.QueryExecModeExec).Scan(&text); err != nil {
		return 0, err
	}
	if text == nil {
		return 0, errors.New("yapstore: not a replica (no replay position)")
	}
	return parseWALPosition(*text)
}

// pick returns a healthy replica that has replayed at least atLeast, round robin, or nil.
func (set *replicaSet) pick(atLeast WALPosition) *replica {
	n := uint32(len(set.replicas))
	start := set.next.Add(1)
	for i := range n {
		r := set.replicas[(start+i)%n]
		if r.healthy.Load() && WALPosition(r.replayed.Load()) >= atLeast {
			return r
		}
	}
	return nil
}

// reader returns the executor a read that may lag runs on: a replica that can serve it, or the primary (in
// a transaction, without replicas, or when none can). A replica's connection failing sends the statement to
// the primary instead.
func (s *Store) reader(ro readOptions) executor {
	if s == nil || s.inTx || s.replicas == nil {
		return s.exec()
	}
	r := s.replicas.pick(ro.atLeast)
	if r == nil {
		return s.exec()
	}
	return replicaExecutor{executor: r.pool, r: r, primary: s.exec()}
}

// replicaExecutor runs reads on a replica and, when the replica cannot be reached, on the primary.
type replicaExecutor struct {
	executor
	r       *replica
	primary executor
}

// Query runs sql on the replica, or on the primary when the replica's connection fails before the first row
// (pgx reports a statement's failure when its rows are first read, so that is where it is caught).
func (e replicaExecutor) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := e.executor.Query(ctx, sql, args...)
	if err != nil {
		if e.unreachable(err) {
			return e.primary.Query(ctx, sql, args...)
		}
		return nil, err
	}
	return &replicaRows{Rows: rows, retry: func() (pgx.Rows, error) { return e.primary.Query(ctx, sql, args...) }, e: e}, nil
}

// replicaRows are a replica's rows that start over on the primary when the replica fails before the first.
type replicaRows struct {
	pgx.Rows
	retry   func() (pgx.Rows, error)
	e       replicaExecutor
	started bool
	err     error
}

// Next advances to the next row; a replica failing before the first row is replaced by the primary.
func (r *replicaRows) Next() bool {
	if r.Rows.Next() {
		r.started = true
		return true
	}
	if !r.started {
		r.started = true
		if err := r.Rows.Err(); err != nil && r.e.unreachable(err) {
			r.Rows.Close()
			rows, err := r.retry()
			if err != nil {
				r.err = err
				return false
			}
			r.Rows = rows
			return r.Next()
		}
	}
	return false
}

// Err returns the rows' error, or the primary's when starting over on it failed.
func (r *replicaRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.Rows.Err()
}

// QueryRow returns a row read from the replica, or from the primary when the replica's connection fails.
func (e replicaExecutor) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return rowFunc(func(dest ...any) error {
		err := e.executor.QueryRow(ctx, sql, args...).Scan(dest...)
		if err != nil && e.unreachable(err) {
			return e.primary.QueryRow(ctx, sql, args...).Scan(dest...)
		}
		return err
	})
}

// unreachable reports whether err says the replica could not be reached (and marks it unhealthy until the
// next check finds it well), as opposed to an answer from it.
func (e replicaExecutor) unreachable(err error) bool {
	var (
		pgErr      *pgconn.PgError
		netErr     net.Error
		connectErr *pgconn.ConnectError
	)
	var down bool
	if errors.As(err, &pgErr) {
		down = strings.HasPrefix(pgErr.Code, "57P") // the replica shutting down; any other code is an answer
	} else {
		down = errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.SafeToRetry(err)
	}
	if down {
		e.r.healthy.Store(false)
	}
	return down
}
