package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// queries are sqlc's generated statements. They hold no state (every method takes the executor), so one value
// serves every Store and transaction.
var queries dbsqlc.Queries

// Store is yapstore's API over one database. It is safe for concurrent use. The Store that InTx hands to its
// function has the same methods and runs them inside that transaction.
type Store struct {
	db      executor
	pool    *pgxpool.Pool // nil inside a transaction
	ownPool bool          // Close closes pool: Open created it
	inTx    bool
	cfg     config
	tracer  pgx.QueryTracer // WithTracer's, for a Store made by New: reported by the Store, not by pgx

	progress *progressGroup // ReportTaskProgress's group commit; nil inside a transaction
	replicas *replicaSet    // WithReplicas's; nil without them and inside a transaction
}

// Open connects to the database at url (a PostgreSQL URL or key=value connection string), checks that it
// answers and that its schema is at the migration head this build embeds, and returns a Store over a new
// connection pool that Close shuts down. When a connection pooler such as PgBouncer stands between it and
// the server (the backend's process id is not the one the connection was given), the pool describes its
// statements instead of preparing them, which works in every pooling mode; KeepPreparedStatements, or a
// default_query_exec_mode in the URL, says otherwise. (migrate.Apply, called first, brings a database to the head.) It
// returns an error when the URL cannot be parsed, when the server cannot be reached before ctx ends, when
// migrating fails, and ErrSchemaNotCurrent (a *SchemaError naming the fix) when the database is not at the
// head; SkipSchemaCheck and AllowNewerSchema relax that.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg := newConfig(opts)
	// A URL whose parts cannot be told apart would be read wrongly, and pgx's errors would quote the parts,
	// password included: it is refused without being quoted.
	if err := dburl.Check(url); err != nil {
		return nil, fmt.Errorf("%w: database url: %w", ErrInvalid, err)
	}
	poolCfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("%w: database url: %w", ErrInvalid, err)
	}
	if cfg.maxConns > 0 {
		poolCfg.MaxConns = cfg.maxConns
	}
	if cfg.tracer != nil {
		poolCfg.ConnConfig.Tracer = cfg.tracer
	}
	if cfg.poolConfig != nil {
		cfg.poolConfig(poolCfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, fmt.Errorf("yapstore: connect: %w", err)
	}
	pooled, err := inspect(ctx, pool, &cfg)
	if err != nil {
		pool.Close()
		if errors.Is(err, ErrSchemaNotCurrent) {
			return nil, err
		}
		return nil, fmt.Errorf("yapstore: connect: %w", err)
	}
	if pooled && poolCfg.ConnConfig.DefaultQueryExecMode == pgx.QueryExecModeCacheStatement && !cfg.keepPrepared {
		// Named prepared statements do not survive a pooler in transaction mode: the next transaction may run
		// on another backend, or on one where another client prepared the same name. Described statements
		// (unnamed, their descriptions cached on the client) work through any pooler.
		cfg.logger.LogAttrs(ctx, slog.LevelInfo, "yapstore: the database is reached through a connection pooler: statements are described, not prepared",
			slog.String("mode", "cache_describe"))
		pool.Close()
		poolCfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
		if pool, err = pgxpool.NewWithConfig(ctx, poolCfg); err != nil {
			return nil, fmt.Errorf("yapstore: connect: %w", err)
		}
	}
	s := newStore(pool, cfg, nil)
	s.ownPool = true
	if err := s.openReplicas(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// New returns a Store over an existing pool, after checking that the database's schema is at the migration
// head this build embeds (one round trip; see Open). Through a connection pooler it refuses, with ErrInvalid
// naming the setting, a pool that prepares statements (pgx's default), since they do not hold there. The
// caller keeps ownership of the pool: Close on this
// Store does not close it. Options that shape the pool (WithMaxConns, WithPoolConfig) are ignored here;
// WithTracer's tracer is called by the Store around each statement it sends. It returns ErrSchemaNotCurrent (a *SchemaError naming the fix) when the database is not at the head,
// and the database's error when the check cannot run before ctx ends.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, invalidf("New without a pool")
	}
	cfg := newConfig(opts)
	pooled, err := inspect(ctx, pool, &cfg)
	if err != nil {
		return nil, mapError(err)
	}
	if pooled && pool.Config().ConnConfig.DefaultQueryExecMode == pgx.QueryExecModeCacheStatement && !cfg.keepPrepared {
		return nil, invalidf("the pool reaches the database through a connection pooler, where named prepared statements " +
			"do not hold: make the pool with ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe " +
			"(default_query_exec_mode=cache_describe in the URL), use Open, which does that itself, or pass " +
			"KeepPreparedStatements when the pooler keeps them (PgBouncer 1.21+ with max_prepared_statements)")
	}
	s := newStore(pool, cfg, cfg.tracer)
	if err := s.openReplicas(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newStore returns a Store over pool. tracer, when not nil, is reported to by the Store itself (New's case).
func newStore(pool *pgxpool.Pool, cfg config, tracer pgx.QueryTracer) *Store {
	s := &Store{pool: pool, cfg: cfg, tracer: tracer, progress: &progressGroup{maxLeaders: cfg.groupLeaders, gatherWait: cfg.gatherWait}}
	s.db = retryingPool{executor: traced(pool, tracer), cfg: &s.cfg}
	return s
}

// Close closes the pool if Open created it, waiting for connections in use to be returned, and stops
// watching and closes the replicas of WithReplicas (for a Store made by New too, whose own pool it leaves
// open). It does nothing on the Store handed out by InTx.
func (s *Store) Close() {
	if s == nil || s.inTx {
		return
	}
	if s.replicas != nil {
		s.replicas.close()
		s.replicas = nil
	}
	if s.ownPool && s.pool != nil {
		s.pool.Close()
	}
}

// openReplicas opens the replicas of WithReplicas, if any.
func (s *Store) openReplicas(ctx context.Context) error {
	if len(s.cfg.replicaURLs) == 0 {
		return nil
	}
	set, err := openReplicas(ctx, &s.cfg, s.pool)
	if err != nil {
		return err
	}
	s.replicas = set
	return nil
}

// Stat returns the pool's statistics (connections acquired, idle, waited for, ...), for a service's metrics.
// It returns nil for the Store that InTx hands to its function and for a nil Store.
func (s *Store) Stat() *pgxpool.Stat {
	if s == nil || s.pool == nil {
		return nil
	}
	return s.pool.Stat()
}

// Pool returns the connection pool under the Store, or nil for the Store that InTx hands to its function (and
// for a nil Store).
func (s *Store) Pool() *pgxpool.Pool {
	if s == nil {
		return nil
	}
	return s.pool
}

// now returns the current time from the Store's clock, truncated to PostgreSQL's microsecond precision so
// that what a method returns equals what a later read returns.
func (s *Store) now() time.Time { return s.config().clock().Truncate(time.Microsecond) }

// codec returns the blob codec the Store encodes and decodes compressed_data with.
func (s *Store) codec() compress.Codec { return s.config().codec }

// exec returns the executor statements run on: the pool, the transaction of InTx, or, for a nil Store or a
// zero Store{} (which no constructor returns, but a struct field or a forgotten assignment can hold), one that
// fails every statement with ErrClosed, so that such a Store answers with an error rather than a panic.
func (s *Store) exec() executor {
	if s == nil || s.db == nil {
		return closedExecutor{}
	}
	return s.db
}

// config returns the Store's configuration, the defaults for a nil Store.
func (s *Store) config() *config {
	if s == nil || s.cfg.clock == nil { // nil, or a zero Store{}
		defaults := newConfig(nil)
		return &defaults
	}
	return &s.cfg
}

// isClosedPool reports whether err says the pool was closed, so it can be mapped to ErrClosed.
func isClosedPool(err error) bool { return errors.Is(err, puddle.ErrClosedPool) }
