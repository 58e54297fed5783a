package store_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// recordingTracer is a pgx query and batch tracer that writes down each statement it is told of, as
// "query: <sql>" or "batch: <sql>", and how many of them ended with an error. Every start must be matched by
// an end: open counts those still running.
type recordingTracer struct {
	mu     sync.Mutex
	events []string
	failed int
	open   int
}

func (r *recordingTracer) add(event string, err error, delta int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if event != "" {
		r.events = append(r.events, event)
	}
	if err != nil {
		r.failed++
		r.events = append(r.events, "failed: "+err.Error())
	}
	r.open += delta
}

func (r *recordingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add("query: "+strings.Join(strings.Fields(d.SQL), " "), nil, 1)
	return ctx
}

func (r *recordingTracer) TraceQueryEnd(_ context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	r.add("", d.Err, -1)
}

func (r *recordingTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	r.add("batch of "+string(rune('0'+d.Batch.Len())), nil, 1)
	return ctx
}

func (r *recordingTracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.add("batch: "+strings.Join(strings.Fields(d.SQL), " "), d.Err, 0)
}

func (r *recordingTracer) TraceBatchEnd(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	r.add("", d.Err, -1)
}

// TestTracerWithNew runs the same work on a Store made by Open and one made by New over a pool without a
// tracer, each with WithTracer: both tracers are told of the same statements in the same order (BEGIN and
// COMMIT included), of each statement's end, and of the failures.
func TestTracerWithNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	work := func(s *store.Store) {
		_, err := s.CreateCluster(ctx, "ares")
		require.NoError(t, err)
		_, err = s.CreateCluster(ctx, "ares")
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = s.ListClusters(ctx)
		require.NoError(t, err)
		require.NoError(t, s.InTx(ctx, func(tx *store.Store) error {
			_, err := tx.CreateCluster(ctx, "prometheus")
			return err
		}))
		sim := submitDirect(t, s, nil, 2)
		b := s.NewPipeline()
		first := b.UpdateTaskProgress(sim.ID, 1, store.TaskUpdate{SimulatedPrimaries: ptr(int32(10))})
		missing := b.UpdateTaskProgress(sim.ID, 9, store.TaskUpdate{SimulatedPrimaries: ptr(int32(20))})
		require.NoError(t, b.Send(ctx))
		_, err = first.Get()
		require.NoError(t, err)
		_, err = missing.Get()
		require.ErrorIs(t, err, store.ErrNotFound, "a row not found is the caller's finding, not a failed statement")
	}
	run := func(open func(db *storetest.DB, tracer *recordingTracer) *store.Store) *recordingTracer {
		db := storetest.New(t)
		tracer := &recordingTracer{}
		s := open(db, tracer)
		tracer.events, tracer.failed = nil, 0 // the schema check's statements are not the work's
		work(s)
		return tracer
	}
	viaOpen := run(func(db *storetest.DB, tracer *recordingTracer) *store.Store {
		s, err := store.Open(ctx, db.URL, store.WithTracer(tracer))
		require.NoError(t, err)
		t.Cleanup(s.Close)
		return s
	})
	viaNew := run(func(db *storetest.DB, tracer *recordingTracer) *store.Store {
		pool, err := pgxpool.New(ctx, db.URL)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		s, err := store.New(ctx, pool, store.WithTracer(tracer))
		require.NoError(t, err)
		return s
	})
	require.NotEmpty(t, viaOpen.events)
	assert.Contains(t, viaOpen.events, "query: begin")
	assert.Contains(t, viaOpen.events, "query: commit")
	assert.Contains(t, viaOpen.events, "batch of 2")
	assert.Equal(t, viaOpen.events, viaNew.events, "New's Store reports what pgx reports for Open's")
	assert.Equal(t, 1, viaOpen.failed, "the duplicate cluster")
	assert.Equal(t, viaOpen.failed, viaNew.failed)
	assert.Zero(t, viaNew.open, "every start reported has its end")
	assert.Zero(t, viaOpen.open)
}

// logBuffer is a slog.Logger writing text records into a buffer that is safe to read while the Store logs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newLogBuffer returns a logger at Debug level and the buffer it writes to.
func newLogBuffer() (*slog.Logger, *logBuffer) {
	lb := &logBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

func TestNewWithoutPool(t *testing.T) {
	t.Parallel()
	_, err := store.New(context.Background(), nil)
	require.ErrorIs(t, err, store.ErrInvalid)
}
