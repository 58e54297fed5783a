package store

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// retryingPool is the executor of a Store outside a transaction. A single statement on the pool runs in a
// transaction of its own, so one that fails with a serialization failure or a deadlock changed nothing and
// can run again: Exec and QueryRow do so, up to the Store's transaction attempts, as InTx does for a whole
// transaction. Query (reads, whose rows may be half consumed when an error shows) and SendBatch (whose
// callbacks have run) are not retried.
type retryingPool struct {
	executor
	cfg *config
}

// Exec runs sql, again while it fails with a retryable error and attempts remain.
func (p retryingPool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := p.cfg.retry(ctx, "statement", func() (err error) {
		tag, err = p.executor.Exec(ctx, sql, args...)
		return err
	})
	return tag, err
}

// QueryRow returns a row that runs sql when scanned, again while the scan fails with a retryable error.
func (p retryingPool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return retryingRow{p: p, ctx: ctx, sql: sql, args: args}
}

type retryingRow struct {
	p    retryingPool
	ctx  context.Context
	sql  string
	args []any
}

// Scan runs the statement and scans its row into dest.
func (r retryingRow) Scan(dest ...any) error {
	return r.p.cfg.retry(r.ctx, "statement", func() error {
		return r.p.executor.QueryRow(r.ctx, r.sql, r.args...).Scan(dest...)
	})
}

// retry runs op up to the configured attempts while it fails with a serialization failure or a deadlock and
// ctx is live, and returns its last error: the one loop behind InTx and the retrying pool. Each retry is
// logged (what is retried, the attempt, the SQLSTATE; never a statement's arguments).
func (cfg *config) retry(ctx context.Context, what string, op func() error) error {
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || attempt >= cfg.txAttempts || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
		var pgErr *pgconn.PgError
		errors.As(err, &pgErr)
		cfg.logger.LogAttrs(ctx, slog.LevelInfo, "yapstore: retrying after a lost race",
			slog.String("what", what), slog.Int("attempt", attempt+1), slog.Int("of", cfg.txAttempts),
			slog.String("sqlstate", pgErr.Code), slog.String("reason", pgErr.Message))
	}
}
