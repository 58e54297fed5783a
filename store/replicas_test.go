package store_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/pgserver"
	"github.com/yapstore/yapstore/store"
)

// requireReplicaEnv, when set (.ci/run sets it), makes missing local server binaries fail the replica test
// instead of skipping it.
const requireReplicaEnv = "YAPSTORE_REQUIRE_REPLICA"

// portTracer records, for each statement, the port of the server it went to.
type portTracer struct {
	mu    sync.Mutex
	ports map[string]uint16 // the last statement's port, by the statement's name
}

func (p *portTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ports == nil {
		p.ports = map[string]uint16{}
	}
	p.ports[queryName(d.SQL)] = conn.Config().Port
	return ctx
}

func (p *portTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// port returns the port the last statement called name went to.
func (p *portTracer) port(name string) uint16 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ports[name]
}

// queryName returns the sqlc name of a generated statement ("-- name: X :one"), or the text.
func queryName(sql string) string {
	const prefix = "-- name: "
	if len(sql) > len(prefix) && sql[:len(prefix)] == prefix {
		rest := sql[len(prefix):]
		for i, c := range rest {
			if c == ' ' {
				return rest[:i]
			}
		}
	}
	return sql
}

// TestReadReplicas runs a primary and a streaming replica (pg_basebackup) of local server binaries: reads
// that may lag go to the replica, read-your-writes goes to the primary until the replica has replayed the
// write, a replica whose replay is paused falls out once it is more than the allowed lag behind and comes
// back when it catches up, and a replica that stops sends its reads to the primary without an error.
func TestReadReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := pgserver.Options{Kinds: []pgserver.Kind{pgserver.KindLocal}, Logf: t.Logf}
	primary, err := pgserver.Start(ctx, opts)
	if errors.Is(err, pgserver.ErrNoServer) && os.Getenv(requireReplicaEnv) == "" {
		t.Skipf("no local PostgreSQL binaries to run a primary and a replica (%v); .ci/run installs them and sets %s", err, requireReplicaEnv)
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = primary.Stop(context.WithoutCancel(ctx)) })
	_, err = migrate.Apply(ctx, primary.URL())
	require.NoError(t, err)
	replica, err := pgserver.StartReplica(ctx, primary)
	require.NoError(t, err)
	t.Cleanup(func() { _ = replica.Stop(context.WithoutCancel(ctx)) })
	replicaConn, err := pgx.Connect(ctx, replica.URL())
	require.NoError(t, err)
	defer replicaConn.Close(ctx)

	tracer := &portTracer{}
	logger, logs := newLogBuffer()
	const maxLag = 400 * time.Millisecond
	s, err := store.Open(ctx, primary.URL(), store.WithReplicas(replica.URL()), store.WithReplicaMaxLag(maxLag),
		store.WithTracer(tracer), store.WithLogger(logger))
	require.NoError(t, err)
	defer s.Close()
	primaryPort, replicaPort := portOf(t, primary.URL()), portOf(t, replica.URL())

	owner, err := s.CreatePasswordUser(ctx, "reader", "a password for reading")
	require.NoError(t, err)
	sim := submitDirect(t, s, &owner.ID, 2)
	set := fixtures.Generate(fixtures.Options{Scale: 0.05})
	_, err = s.SaveResultsJSON(ctx, sim.ID, set.Results)
	require.NoError(t, err)
	pos, err := s.WritePosition(ctx)
	require.NoError(t, err)

	// Read-your-writes: the results are there whichever server answers, and once the replica has replayed
	// the write, it answers.
	waitFor(t, func() bool {
		got, err := s.GetResults(ctx, sim.JobID, store.AtLeast(pos))
		require.NoError(t, err)
		require.Len(t, got, set.Estimators)
		return tracer.port("GetResults") == replicaPort
	})
	_, err = s.Authenticate(ctx, "reader", "a password for reading")
	require.NoError(t, err)
	assert.Equal(t, primaryPort, tracer.port("GetUserByName"), "Authenticate reads the primary")
	require.NoError(t, s.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.GetResults(ctx, sim.JobID)
		return err
	}))
	assert.Equal(t, primaryPort, tracer.port("GetResults"), "a transaction reads the primary")

	// Replay paused: a write the replica has not replayed is read from the primary; once the replica is
	// more than the allowed lag behind, every read is.
	_, err = replicaConn.Exec(ctx, "SELECT pg_wal_replay_pause()")
	require.NoError(t, err)
	waitFor(t, func() bool { // a pause is requested, then takes effect
		var state string
		require.NoError(t, replicaConn.QueryRow(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state))
		return state == "paused"
	})
	later := submitDirect(t, s, &owner.ID, 1)
	pos, err = s.WritePosition(ctx)
	require.NoError(t, err)
	page, err := s.ListSimulations(ctx, store.SimulationQuery{UserID: owner.ID, Descending: true}, store.AtLeast(pos))
	require.NoError(t, err)
	assert.Equal(t, later.JobID, page.Simulations[0].JobID, "the newest simulation is seen")
	assert.Equal(t, primaryPort, tracer.port("ListSimulationsOfUserByStartTimeDesc"))
	waitFor(t, func() bool {
		_, err := s.GetInput(ctx, sim.ID)
		require.NoError(t, err)
		return tracer.port("GetInput") == primaryPort
	})
	assert.Contains(t, logs.String(), "replica skipped")

	_, err = replicaConn.Exec(ctx, "SELECT pg_wal_replay_resume()")
	require.NoError(t, err)
	waitFor(t, func() bool {
		_, err := s.GetInput(ctx, sim.ID)
		require.NoError(t, err)
		return tracer.port("GetInput") == replicaPort
	})
	assert.Contains(t, logs.String(), "replica serves reads again")

	// The replica stops: reads go on, on the primary.
	require.NoError(t, replica.Stop(ctx))
	for range 5 {
		_, err := s.GetResults(ctx, sim.JobID)
		require.NoError(t, err)
	}
	assert.Equal(t, primaryPort, tracer.port("GetResults"))
}

// portOf returns the port of a URL.
func portOf(t *testing.T, url string) uint16 {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	return cfg.Port
}
