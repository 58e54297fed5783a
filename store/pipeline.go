package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// ErrNotSent is what Queued.Get returns before the Pipeline its operation was queued on has been sent.
var ErrNotSent = errors.New("yapstore: pipeline not sent yet")

// errPipelineSent is returned when a Pipeline is sent twice or used after it was sent.
var errPipelineSent = errors.New("yapstore: pipeline already sent")

// Pipeline collects operations to send to the server together: one round trip for all of them, run as one
// transaction. Make one with Store.NewPipeline, queue operations with its methods (named and checked like the
// Store methods they stand for), call Send, then read each operation's outcome from the handle its method
// returned. A Pipeline is not safe for concurrent use and is sent once.
//
// A submission queued on a Pipeline knows its job id before the Pipeline is sent, so a later operation of the same
// Pipeline can address the new simulation by it (UpdateSimulationByJobID): a simulation submitted and moved to
// Pending costs one round trip and one commit instead of two.
//
// The Pipeline is atomic in what the server refuses: when one statement fails (a constraint, a value out of
// range), none of them takes effect, Send returns that error and every handle reports it. An operation that
// finds nothing to change (an update of a job id or task that does not exist) is not refused: it changes
// nothing, its handle reports ErrNotFound and the other operations take effect, as the same statements would
// in a transaction. Queued on the Store that InTx hands out, the operations run in that transaction.
//
// Values given to an operation (pointers in a SimulationUpdate, say) must not change until Send returns.
type Pipeline struct {
	s      *Store
	batch  pgx.Batch
	ops    []batchOp
	err    error // the first operation refused before sending: Send sends nothing and returns it
	failed int   // the 1-based operation the server refused, 0 when none
	sent   bool
}

// batchOp is what Send needs of a queued operation: its name, and a way to settle its handle when the batch
// as a whole was not applied.
type batchOp interface {
	opName() string
	fail(err error)
}

// NewPipeline returns an empty Pipeline of operations on s.
func (s *Store) NewPipeline() *Pipeline { return &Pipeline{s: s} }

// Len returns the number of operations queued on p.
func (p *Pipeline) Len() int { return len(p.ops) }

// Send sends every queued operation to the server in one round trip and waits for their results, which the
// handles then report. An empty Pipeline sends nothing. It returns an error, and every handle reports it, when
// the pipeline was not applied: an operation was refused before sending (the error matches what the Store
// method refuses, ErrInvalid say, and nothing was sent), the server refused a statement (a *ConstraintError
// where a constraint did), or ctx ended or the connection was lost (as with any statement, the outcome of a
// commit under way is then unknown). Sending a Pipeline a second time returns an error and sends nothing.
func (p *Pipeline) Send(ctx context.Context) error {
	if p.sent {
		return errPipelineSent
	}
	p.sent = true
	if p.err != nil {
		p.failAll(p.err)
		return p.err
	}
	if len(p.ops) == 0 {
		return nil
	}
	if err := p.s.exec().SendBatch(ctx, &p.batch).Close(); err != nil {
		err = mapError(err)
		if p.failed > 0 {
			err = fmt.Errorf("yapstore: pipeline not applied: operation %d of %d (%s): %w", p.failed, len(p.ops),
				p.ops[p.failed-1].opName(), err)
		} else {
			err = fmt.Errorf("yapstore: pipeline of %d operations not applied: %w", len(p.ops), err)
		}
		p.failAll(err)
		return err
	}
	return nil
}

// failAll makes every handle report err.
func (p *Pipeline) failAll(err error) {
	for _, op := range p.ops {
		op.fail(err)
	}
}

// Queued is the outcome of one operation queued on a Pipeline, known once the Pipeline has been sent.
type Queued[T any] struct {
	name  string
	value T
	err   error
}

// Get returns the operation's result: before Send, ErrNotSent; when the pipeline was not applied, Send's error;
// otherwise what the Store method of the same name would have returned for it (ErrNotFound when it found
// nothing to change).
func (q *Queued[T]) Get() (T, error) { return q.value, q.err }

func (q *Queued[T]) opName() string { return q.name }

func (q *Queued[T]) fail(err error) {
	var zero T
	q.value, q.err = zero, err
}

// enqueue queues on p the statement that call sends and sets up q to receive, through finish, what call
// returns for it once the pipeline has run; prepared is the error of checking the operation's values, which
// refuses it (and the pipeline) before anything is sent.
//
// call runs sqlc's generated method on the DBTX it is given, twice: at once on a recorder, which captures the
// statement and its arguments and sends nothing, then on the pipeline's result for that statement, so that the
// generated code scans it as it scans a result of its own.
func enqueue[R, T any](p *Pipeline, name string, q *Queued[T], prepared error,
	call func(db dbsqlc.DBTX) (R, error), finish func(R, error) (T, error)) {
	q.name, q.err = name, ErrNotSent
	if p.sent {
		q.err = errPipelineSent
		return
	}
	p.ops = append(p.ops, q)
	index := len(p.ops)
	if prepared != nil {
		if p.err == nil {
			p.err = fmt.Errorf("yapstore: pipeline not sent: operation %d (%s): %w", index, name, prepared)
		}
		return
	}
	var rec recorder
	if _, err := call(&rec); !errors.Is(err, errRecorded) || !rec.recorded {
		if p.err == nil {
			p.err = fmt.Errorf("yapstore: pipeline not sent: operation %d (%s) cannot be pipelined", index, name)
		}
		return
	}
	settle := func(r R, err error) error {
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			p.failed = index
			return err // the server refused the statement: the whole pipeline fails
		}
		q.value, q.err = finish(r, err)
		return nil
	}
	p.batch.Queue(rec.sql, rec.args...).QueryRow(func(row pgx.Row) error { return settle(call(replay{row: row})) })
}

// errRecorded is what the recorder answers every statement with: it was recorded, not sent.
var errRecorded = errors.New("yapstore: statement recorded for a pipeline")

// recorder is a dbsqlc.DBTX that records the statement a generated method sends instead of sending it. Only
// statements that return one row (sqlc's :one, sent with QueryRow) are batched; the others are left
// unrecorded, and enqueue refuses them.
type recorder struct {
	sql      string
	args     []any
	recorded bool
}

func (r *recorder) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	r.sql, r.args, r.recorded = sql, args, true
	return errorRow{errRecorded}
}

func (r *recorder) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errRecorded
}

func (r *recorder) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, errRecorded }

// errorRow is a pgx.Row whose Scan fails with err.
type errorRow struct{ err error }

func (r errorRow) Scan(...any) error { return r.err }

// replay is a dbsqlc.DBTX that hands a generated method the row the pipeline received for its statement.
type replay struct{ row pgx.Row }

func (r replay) QueryRow(context.Context, string, ...any) pgx.Row { return r.row }

func (r replay) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errRecorded
}

func (r replay) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, errRecorded }
