package store

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// executor is what every method runs its statements on: the pool, or the transaction of InTx.
type executor interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// closedExecutor is the executor of a nil or zero Store: every statement fails with ErrClosed.
type closedExecutor struct{}

func (closedExecutor) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, ErrClosed
}

func (closedExecutor) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, ErrClosed }

func (closedExecutor) QueryRow(context.Context, string, ...any) pgx.Row { return closedRow{} }

func (closedExecutor) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults { return closedBatch{} }

// closedRow is a row that fails to scan with ErrClosed.
type closedRow struct{}

func (closedRow) Scan(...any) error { return ErrClosed }

// closedBatch is the results of a batch that was never sent: every read fails with ErrClosed.
type closedBatch struct{}

func (closedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, ErrClosed }
func (closedBatch) Query() (pgx.Rows, error)         { return nil, ErrClosed }
func (closedBatch) QueryRow() pgx.Row                { return closedRow{} }
func (closedBatch) Close() error                     { return ErrClosed }
func (closedBatch) Tx() pgx.Tx                       { return nil }

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
	return rowFunc(func(dest ...any) error {
		return p.cfg.retry(ctx, "statement", func() error {
			return p.executor.QueryRow(ctx, sql, args...).Scan(dest...)
		})
	})
}

// rowFunc is a pgx.Row that runs its statement only when scanned, as the executors' QueryRow return it: the
// function runs the statement and scans its row into dest.
type rowFunc func(dest ...any) error

// Scan calls f with dest.
func (f rowFunc) Scan(dest ...any) error { return f(dest...) }

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

// tracingExecutor reports the statements of a Store made by New to the tracer of WithTracer. Open installs the
// tracer on the connections it makes, but a pool that the caller made has its tracer fixed already, so New's
// Store calls the tracer itself, around each statement it sends, with the same data pgx would give it. The
// *pgx.Conn argument is nil: the connection is chosen by the pool after the start is reported.
type tracingExecutor struct {
	executor
	tracer pgx.QueryTracer
}

// traced returns db reporting to tracer, or db itself when there is no tracer.
func traced(db executor, tracer pgx.QueryTracer) executor {
	if tracer == nil {
		return db
	}
	return tracingExecutor{executor: db, tracer: tracer}
}

// Exec runs sql between the tracer's start and end.
func (e tracingExecutor) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	ctx = e.tracer.TraceQueryStart(ctx, nil, pgx.TraceQueryStartData{SQL: sql, Args: args})
	tag, err := e.executor.Exec(ctx, sql, args...)
	e.tracer.TraceQueryEnd(ctx, nil, pgx.TraceQueryEndData{CommandTag: tag, Err: err})
	return tag, err
}

// Query starts sql and returns rows whose Close reports the end, as pgx's own tracing does.
func (e tracingExecutor) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	ctx = e.tracer.TraceQueryStart(ctx, nil, pgx.TraceQueryStartData{SQL: sql, Args: args})
	rows, err := e.executor.Query(ctx, sql, args...)
	if err != nil {
		e.tracer.TraceQueryEnd(ctx, nil, pgx.TraceQueryEndData{Err: err})
		return nil, err
	}
	return &tracedRows{Rows: rows, end: func(tag pgconn.CommandTag, err error) {
		e.tracer.TraceQueryEnd(ctx, nil, pgx.TraceQueryEndData{CommandTag: tag, Err: err})
	}}, nil
}

// QueryRow returns a row that runs sql between the tracer's start and end when scanned.
func (e tracingExecutor) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return rowFunc(func(dest ...any) error {
		ctx := e.tracer.TraceQueryStart(ctx, nil, pgx.TraceQueryStartData{SQL: sql, Args: args})
		err := e.executor.QueryRow(ctx, sql, args...).Scan(dest...)
		e.tracer.TraceQueryEnd(ctx, nil, pgx.TraceQueryEndData{Err: statementError(err)})
		return err
	})
}

// SendBatch sends b between the batch tracer's start and end, reporting each statement's outcome as it is
// read, when the tracer is a pgx.BatchTracer; otherwise it sends b untraced, as pgx does.
func (e tracingExecutor) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	bt, ok := e.tracer.(pgx.BatchTracer)
	if !ok {
		return e.executor.SendBatch(ctx, b)
	}
	ctx = bt.TraceBatchStart(ctx, nil, pgx.TraceBatchStartData{Batch: b})
	return &tracedBatch{BatchResults: e.executor.SendBatch(ctx, b), ctx: ctx, tracer: bt, queued: b.QueuedQueries}
}

// tracedRows reports the end of its query once, when it is closed.
type tracedRows struct {
	pgx.Rows
	end    func(pgconn.CommandTag, error)
	closed bool
}

// Next advances to the next row; after the last, the rows close themselves and the end is reported.
func (r *tracedRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

// Close closes the rows and reports the end of the query.
func (r *tracedRows) Close() {
	r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.end(r.Rows.CommandTag(), r.Rows.Err())
	}
}

// tracedBatch reports each statement of a batch as its result is read, and the batch's end when closed.
type tracedBatch struct {
	pgx.BatchResults
	ctx    context.Context
	tracer pgx.BatchTracer
	queued []*pgx.QueuedQuery
	next   int
	closed bool
}

// query reports the next queued statement's outcome.
func (b *tracedBatch) query(tag pgconn.CommandTag, err error) {
	data := pgx.TraceBatchQueryData{CommandTag: tag, Err: err}
	if b.next < len(b.queued) {
		data.SQL, data.Args = b.queued[b.next].SQL, b.queued[b.next].Arguments
	}
	b.next++
	b.tracer.TraceBatchQuery(b.ctx, nil, data)
}

// Exec reads the next statement's result.
func (b *tracedBatch) Exec() (pgconn.CommandTag, error) {
	tag, err := b.BatchResults.Exec()
	b.query(tag, err)
	return tag, err
}

// Query reads the next statement's rows; the statement is reported when they are closed.
func (b *tracedBatch) Query() (pgx.Rows, error) {
	rows, err := b.BatchResults.Query()
	if err != nil {
		b.query(pgconn.CommandTag{}, err)
		return rows, err
	}
	return &tracedRows{Rows: rows, end: b.query}, nil
}

// QueryRow reads the next statement's row; the statement is reported when it is scanned.
func (b *tracedBatch) QueryRow() pgx.Row {
	row := b.BatchResults.QueryRow()
	return rowFunc(func(dest ...any) error {
		err := row.Scan(dest...)
		b.query(pgconn.CommandTag{}, statementError(err))
		return err
	})
}

// statementError returns a row's scan error as pgx's tracing reports it: pgx.ErrNoRows is the caller's
// finding, not the statement's failure, and is reported as success.
func statementError(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

// Close reads what remains of the batch and reports its end. As pgx's own Close does, it runs the callback
// of each statement not yet read (through b, so that each is reported) and stops running them at the first
// error, which it returns.
func (b *tracedBatch) Close() error {
	if b.closed {
		return b.BatchResults.Close()
	}
	var err error
	for err == nil && b.next < len(b.queued) {
		if fn := b.queued[b.next].Fn; fn != nil {
			err = fn(b)
		} else {
			_, err = b.Exec()
		}
	}
	for ; b.next < len(b.queued); b.next++ {
		_, _ = b.BatchResults.Exec() // after an error, the rest is read without running callbacks
	}
	if closeErr := b.BatchResults.Close(); err == nil {
		err = closeErr
	}
	b.closed = true
	b.tracer.TraceBatchEnd(b.ctx, nil, pgx.TraceBatchEndData{Err: err})
	return err
}

// convertRows turns the rows a generated query returned into public values with convert, in order. It
// stops at the first row convert refuses (a parent row without its variant row) and returns that error.
func convertRows[R, T any](rows []R, convert func(R) (T, error)) ([]T, error) {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		v, err := convert(r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
