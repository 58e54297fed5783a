package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// retryingPool is the executor of a Store outside a transaction. A single statement on the pool runs in a
// transaction of its own, so one that fails with a serialization failure or a deadlock changed nothing and
// can run again: Exec and QueryRow do so, up to the Store's transaction attempts, as InTx does for a whole
// transaction. Query (reads, whose rows may be half consumed when an error shows) and SendBatch (whose
// callbacks have run) are not retried.
type retryingPool struct {
	*pgxpool.Pool
	attempts int
}

// Exec runs sql, again while it fails with a retryable error and attempts remain.
func (p retryingPool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := retry(ctx, p.attempts, func() (err error) {
		tag, err = p.Pool.Exec(ctx, sql, args...)
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
	return retry(r.ctx, r.p.attempts, func() error { return r.p.Pool.QueryRow(r.ctx, r.sql, r.args...).Scan(dest...) })
}

// retry runs op up to attempts times while it fails with a serialization failure or a deadlock and ctx is
// live, and returns its last error: the one loop behind InTx and the retrying pool.
func retry(ctx context.Context, attempts int, op func() error) error {
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || attempt >= attempts || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
	}
}
