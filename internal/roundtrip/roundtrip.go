// Package roundtrip counts the statements a pgx connection sends to the server, the way yapstore counts
// round trips in its tests and in BENCHMARKS.md.
package roundtrip

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// Counter is a pgx tracer that counts the statements connections send to the server, as
// BENCHMARKS.md counts round trips: every query and Exec (BEGIN and COMMIT included) counts one, a pipelined
// batch counts one however many statements it carries, a COPY counts one. Install it with
// pgxpool.Config.ConnConfig.Tracer (or store.WithTracer). It is safe for concurrent use.
type Counter struct{ statements atomic.Int64 }

// Count returns the number of statements counted so far.
func (c *Counter) Count() int64 { return c.statements.Load() }

// insideBatch marks the context of a batch's queries, so that a query pgx reports inside a batch is not
// counted again.
type insideBatch struct{}

// TraceQueryStart counts a statement sent on its own.
func (c *Counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if ctx.Value(insideBatch{}) == nil {
		c.statements.Add(1)
	}
	return ctx
}

// TraceQueryEnd does nothing: a statement is counted when it starts.
func (c *Counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a pipelined batch once.
func (c *Counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.statements.Add(1)
	return context.WithValue(ctx, insideBatch{}, true)
}

// TraceBatchQuery does nothing: the batch was counted when it started.
func (c *Counter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd does nothing.
func (c *Counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TraceCopyFromStart counts a COPY.
func (c *Counter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	c.statements.Add(1)
	return ctx
}

// TraceCopyFromEnd does nothing.
func (c *Counter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// The interfaces pgx looks for on a connection's tracer.
var (
	_ pgx.QueryTracer    = (*Counter)(nil)
	_ pgx.BatchTracer    = (*Counter)(nil)
	_ pgx.CopyFromTracer = (*Counter)(nil)
)
