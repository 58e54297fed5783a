package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TxOption sets an option of the transaction InTx begins.
type TxOption func(*pgx.TxOptions)

// Isolation sets the transaction's isolation level; the default is the server's (normally read committed).
func Isolation(level pgx.TxIsoLevel) TxOption {
	return func(o *pgx.TxOptions) { o.IsoLevel = level }
}

// ReadOnly makes the transaction read-only: any write in it fails.
func ReadOnly() TxOption {
	return func(o *pgx.TxOptions) { o.AccessMode = pgx.ReadOnly }
}

// InTx runs fn in one transaction and commits it when fn returns nil; when fn returns an error or panics, the
// transaction is rolled back (even if ctx was cancelled) and the error is returned. The Store passed to fn has
// every method of s and runs them inside the transaction; fn must not use s itself.
//
// When the transaction fails with a serialization failure or a deadlock, fn is run again in a new transaction,
// up to the number of attempts set by WithTxAttempts (5 by default), so fn must not have effects outside the
// database that cannot be repeated. The last error is returned when every attempt fails. Called on the Store of
// an enclosing InTx, InTx joins that transaction: fn runs once and the outer call decides commit or rollback.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error, opts ...TxOption) error {
	switch {
	case fn == nil:
		return invalidf("InTx without a function")
	case s == nil || (!s.inTx && s.pool == nil):
		return ErrClosed
	case s.inTx:
		return fn(s)
	}
	var txOpts pgx.TxOptions
	for _, opt := range opts {
		opt(&txOpts)
	}
	err := s.cfg.retry(ctx, "transaction", func() error { return s.runTx(ctx, txOpts, fn) })
	if isRetryable(err) && ctx.Err() == nil {
		return fmt.Errorf("yapstore: transaction failed after %d attempts: %w", s.cfg.txAttempts, err)
	}
	return err
}

// runTx runs fn once in a transaction of its own. The transaction is rolled back unless it committed,
// however fn ends: an error, a panic, or runtime.Goexit (a test's t.FailNow), so the connection always goes
// back to the pool clean. The rollback ignores ctx's cancellation.
func (s *Store) runTx(ctx context.Context, txOpts pgx.TxOptions, fn func(tx *Store) error) error {
	var tx pgx.Tx
	err := s.traceStmt(ctx, "begin", func() (err error) {
		tx, err = s.pool.BeginTx(ctx, txOpts)
		return err
	})
	if err != nil {
		return mapError(err)
	}
	committed := false
	defer func() {
		if !committed {
			ctx := context.WithoutCancel(ctx)
			_ = s.traceStmt(ctx, "rollback", func() error { return tx.Rollback(ctx) })
		}
	}()
	inner := &Store{db: traced(tx, s.tracer), inTx: true, cfg: s.cfg, tracer: s.tracer}
	if err := fn(inner); err != nil {
		return err
	}
	if err := s.traceStmt(ctx, "commit", func() error { return tx.Commit(ctx) }); err != nil {
		return mapError(err)
	}
	committed = true
	return nil
}

// traceStmt runs op, which sends sql, between the start and end of the Store's own tracer (New's WithTracer),
// so that a transaction's BEGIN, COMMIT and ROLLBACK are reported as pgx reports them for Open's Store.
func (s *Store) traceStmt(ctx context.Context, sql string, op func() error) error {
	if s.tracer == nil {
		return op()
	}
	ctx = s.tracer.TraceQueryStart(ctx, nil, pgx.TraceQueryStartData{SQL: sql})
	err := op()
	s.tracer.TraceQueryEnd(ctx, nil, pgx.TraceQueryEndData{Err: err})
	return err
}

// isRetryable reports whether err is a serialization failure or a deadlock: the transaction lost a race and
// running it again can succeed.
func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == "40001" || pgErr.Code == "40P01"
}
