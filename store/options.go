package store

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/compress"
)

// Option configures a Store made by Open or New.
type Option func(*config)

type config struct {
	codec         compress.Codec
	clock         func() time.Time
	maxConns      int32
	tracer        pgx.QueryTracer
	txAttempts    int
	schemaCheck   int // schemaAtHead, schemaAllowNewer or schemaSkip
	authFloor     authFloor
	poolConfig    func(*pgxpool.Config)
	logger        *slog.Logger // never nil after newConfig
	keepPrepared  bool
	groupLeaders  int           // ReportTaskProgress groups in flight at once; 0: no grouping
	gatherWait    time.Duration // how long a group's leader waits for the callers of the group before
	replicaURLs   []string
	replicaMaxLag time.Duration
}

func newConfig(opts []Option) config {
	cfg := config{
		codec:        compress.Codec{},
		clock:        time.Now,
		txAttempts:   5,
		groupLeaders: DefaultGroupCommit,
		gatherWait:   defaultGatherWait,
	}
	cfg.authFloor.slowest = &slowest{}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// WithCodec sets the codec that blobs (inputs, estimators, pages, log files) are compressed and decompressed
// with, for example to change the compression level or the limit on a decompressed blob's size. The default
// is compress.Codec's zero value, which writes what the platform's Python backend reads.
func WithCodec(c compress.Codec) Option { return func(cfg *config) { cfg.codec = c } }

// WithClock sets the clock that fills start_time, end_time and last_update_time when the caller gives none.
// Tests use it to make times predictable; the default is time.Now.
func WithClock(now func() time.Time) Option { return func(cfg *config) { cfg.clock = now } }

// WithMaxConns sets the size of the pool Open creates. The default is pgxpool's (the larger of 4 and the
// number of CPUs); services with many concurrent workers raise it to their concurrency. New ignores it.
func WithMaxConns(n int32) Option { return func(cfg *config) { cfg.maxConns = n } }

// WithTracer reports the Store's statements to a pgx query tracer (and batches to it when it is also a
// pgx.BatchTracer), for logging, metrics or counting round trips. With Open it is installed on the connections
// Open creates, so pgx reports every statement, the pool's own included. With New, whose pool the caller made
// with its tracer fixed, the Store reports each statement it sends itself, with the same data and a nil
// *pgx.Conn; a tracer already on that pool sees them too, so give New one or the other.
func WithTracer(t pgx.QueryTracer) Option { return func(cfg *config) { cfg.tracer = t } }

// WithTxAttempts sets how many times InTx runs its function, and a method its single statement, when the
// transaction fails with a serialization failure or a deadlock (default 5). Values below 1 mean 1: no retry.
func WithTxAttempts(n int) Option {
	return func(cfg *config) { cfg.txAttempts = max(n, 1) }
}

// WithLogger sets the logger for what the Store decides on its own: a statement or transaction retried after
// a serialization failure or deadlock (Info), a newer schema accepted by AllowNewerSchema (Info), blobs left
// out of a read by ReportUnreadable (Warn). It never logs a statement's arguments, a password, a hash or a
// URL's password. The default discards everything; a nil logger means the default.
func WithLogger(l *slog.Logger) Option { return func(cfg *config) { cfg.logger = l } }

// DefaultGroupCommit is how many groups of ReportTaskProgress calls a Store sends at once unless
// WithGroupCommit says otherwise: two. No single number is best on every server; two was best or close to it
// wherever it was measured (W2 of `yapstore bench`, updates/s, --group-commit 0, 1, 2 and 4):
//
//	                                       off  1 group  2 groups  4 groups
//	fast commits (local disk),  8 clients  10,900   11,000    11,200     9,400
//	fast commits (local disk), 64 clients  11,700   47,700    59,900    50,300
//	commit_delay = 1 ms,        8 clients   5,400    4,000     4,200     4,100
//	commit_delay = 1 ms,       64 clients  16,300   20,100    22,700    24,500
//
// With many clients, grouping saves the statements and commits that the server would otherwise run out of.
// With few clients and slow commits, no grouping is best, since the server's own commit_delay already
// shares one flush among concurrent commits, and a group in flight makes the next calls wait for its
// commit; a service with few workers on storage whose commits take a millisecond or more should measure 0
// (`yapstore bench --only W2 --group-commit N` against its server).
const DefaultGroupCommit = 2

// WithGroupCommit sets how many groups of concurrent ReportTaskProgress calls the Store sends at once (see
// "Group commit" in the package documentation; default DefaultGroupCommit, whose documentation has the
// figures). Fewer groups in flight make larger groups and fewer statements, which pays when the server's CPU
// is what runs out; more let more commits wait at once, which pays when commits are slow. 0 or less turns
// grouping off: every call is a statement of its own, the best choice for a few clients on a server whose
// commits are slow. `yapstore bench --only W2 --group-commit N` measures a server.
func WithGroupCommit(groups int) Option {
	return func(cfg *config) { cfg.groupLeaders = max(groups, 0) }
}

// KeepPreparedStatements keeps pgx's named prepared statements when Open or New finds a connection pooler
// between the Store and the server. Use it only when the pooler keeps prepared statements across
// transactions (PgBouncer 1.21 and later with max_prepared_statements set, or session pooling); otherwise
// statements fail with "prepared statement ... already exists" or "does not exist".
func KeepPreparedStatements() Option { return func(cfg *config) { cfg.keepPrepared = true } }

// WithPoolConfig lets Open's caller adjust the pool's configuration after the URL and the other options have
// set it, and before the pool is made: connection lifetimes, health checks, AfterConnect hooks, run-time
// parameters. New ignores it: the caller configured its own pool.
func WithPoolConfig(configure func(*pgxpool.Config)) Option {
	return func(cfg *config) { cfg.poolConfig = configure }
}
