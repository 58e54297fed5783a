package bench

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/compress"
)

// floorImpl is the floor: the five operations hand-written on pgx with the fewest round trips and no
// abstraction, each statement written for exactly this use. Blobs go through package compress (the same
// gzip of JSON text the store writes, at the same level), so that the comparison is about the data layer.
type floorImpl struct {
	pool  *pgxpool.Pool
	codec compress.Codec
}

// OpenFloor is the Opener of the floor: a bare pgxpool of conns connections with tracer installed, on the
// target's replica when it names one (a hand-written layer pointed at a replica for its reads), else on its
// database.
func OpenFloor(ctx context.Context, target Target, conns int32, tracer pgx.QueryTracer) (Impl, error) {
	cfg, err := pgxpool.ParseConfig(cmp.Or(target.ReplicaURL, target.URL))
	if err != nil {
		return nil, fmt.Errorf("floor: parse url: %w", err)
	}
	cfg.MaxConns = conns
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("floor: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("floor: connect: %w", err)
	}
	return &floorImpl{pool: pool}, nil
}

func (f *floorImpl) Name() string        { return "floor" }
func (f *floorImpl) Pool() *pgxpool.Pool { return f.pool }
func (f *floorImpl) Close()              { f.pool.Close() }

// floorSubmitSQL writes the simulation, its CelerySimulation row, its tasks with their CeleryTask rows and
// its input in one statement. $4 holds the celery ids; task i gets task_id i and celery id $4[i+1].
const floorSubmitSQL = `
WITH sim AS (
    INSERT INTO "Simulation" (job_id, user_id, start_time, title, platform, input_type, sim_type, job_state)
    VALUES ($1, $2, $3, 'bench', 'DIRECT', 'EDITOR', 'shieldhit', 'UNKNOWN')
    RETURNING id
), celery_sim AS (
    INSERT INTO "CelerySimulation" (id) SELECT id FROM sim
), task AS (
    INSERT INTO "Task" (simulation_id, task_id, requested_primaries, simulated_primaries, task_state, platform,
                        last_update_time)
    SELECT sim.id, n - 1, 1000, 0, 'PENDING', 'DIRECT', $3
    FROM sim, generate_series(1, cardinality($4::text[])) AS n
    RETURNING id, task_id
), celery_task AS (
    INSERT INTO "CeleryTask" (id, celery_id) SELECT task.id, ($4::text[])[task.task_id + 1] FROM task
), input AS (
    INSERT INTO "Input" (simulation_id, compressed_data) SELECT id, $5 FROM sim
)
SELECT id FROM sim`

// floorPendingSQL sets a just-submitted simulation PENDING, found by the job id the client generated, so
// that it can share the submit's round trip.
const floorPendingSQL = `
UPDATE "Simulation" SET job_state = 'PENDING'
WHERE job_id = $1 AND job_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')`

// Submit sends both statements in one pipelined batch: one round trip.
func (f *floorImpl) Submit(ctx context.Context, sub Submission) (SubmittedSimulation, error) {
	blob, err := f.codec.CompressJSON(sub.Input)
	if err != nil {
		return SubmittedSimulation{}, err
	}
	now := time.Now()
	jobID := now.UTC().Format("20060102-150405-") + uuid.NewString() + "DIRECT"
	var b pgx.Batch
	var id int32
	b.Queue(floorSubmitSQL, jobID, sub.UserID, now, sub.CeleryIDs, blob).QueryRow(func(row pgx.Row) error {
		return row.Scan(&id)
	})
	b.Queue(floorPendingSQL, jobID)
	if err := f.pool.SendBatch(ctx, &b).Close(); err != nil {
		return SubmittedSimulation{}, err
	}
	return SubmittedSimulation{ID: id, JobID: jobID}, nil
}

// floorProgressSQL applies a progress update with the platform's rules; it changes no row of a task in a
// terminal state.
const floorProgressSQL = `
UPDATE "Task" SET
    task_state = coalesce($3::text, task_state),
    simulated_primaries = CASE WHEN $3::text = 'COMPLETED' THEN requested_primaries
                               ELSE coalesce($4::int, simulated_primaries) END,
    estimated_time = CASE WHEN end_time IS NOT NULL THEN estimated_time
                          WHEN $6::timestamptz IS NOT NULL THEN NULL
                          ELSE coalesce($5::int, estimated_time) END,
    start_time = coalesce(start_time, $7::timestamptz),
    end_time = coalesce(end_time, $6::timestamptz),
    last_update_time = now()
WHERE simulation_id = $1 AND task_id = $2 AND task_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')`

func (f *floorImpl) UpdateTask(ctx context.Context, u TaskProgress) (bool, error) {
	var state *string
	if u.State != "" {
		state = &u.State
	}
	tag, err := f.pool.Exec(ctx, floorProgressSQL, u.SimulationID, u.Number, state, u.SimulatedPrimaries,
		u.EstimatedTime, u.EndTime, u.StartTime)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// floorListSQL is one page of a user's simulations in some states, newest first, with the total count:
// the page is chosen and counted on "Simulation" alone, then only its rows are joined to the variant tables.
const floorListSQL = `
WITH page AS (
    SELECT s.id, count(*) OVER () AS total
    FROM "Simulation" s
    WHERE s.user_id = $1 AND s.job_state = ANY ($2::text[])
    ORDER BY s.start_time DESC NULLS LAST, s.id DESC
    LIMIT $3 OFFSET $4
)
SELECT s.id, s.job_id, s.user_id, s.start_time, s.end_time, s.title, s.platform, s.input_type, s.sim_type,
       s.job_state, c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id, page.total
FROM page
JOIN "Simulation" s ON s.id = page.id
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
ORDER BY s.start_time DESC NULLS LAST, s.id DESC`

// floorSimulation is a listed simulation as the floor hands it to its caller.
type floorSimulation struct {
	ID                 int32
	JobID              string
	UserID             *int32
	StartTime, EndTime *time.Time
	Title              string
	Platform           string
	InputType, SimType string
	JobState           string
	MergeID            *string
	ClusterID          *int32
	JobDir             *string
	ArrayID, CollectID *int32
}

func (f *floorImpl) ListSimulations(ctx context.Context, q ListQuery) (ListPage, error) {
	rows, err := f.pool.Query(ctx, floorListSQL, q.UserID, listStates(), listPageSize, (q.Page-1)*listPageSize)
	if err != nil {
		return ListPage{}, err
	}
	defer rows.Close()
	sims := make([]floorSimulation, 0, listPageSize)
	var total int64
	for rows.Next() {
		var s floorSimulation
		if err := rows.Scan(&s.ID, &s.JobID, &s.UserID, &s.StartTime, &s.EndTime, &s.Title, &s.Platform,
			&s.InputType, &s.SimType, &s.JobState, &s.MergeID, &s.ClusterID, &s.JobDir, &s.ArrayID,
			&s.CollectID, &total); err != nil {
			return ListPage{}, err
		}
		sims = append(sims, s)
	}
	if err := rows.Err(); err != nil {
		return ListPage{}, err
	}
	out := ListPage{Rows: len(sims), Total: total}
	if len(sims) > 0 {
		out.FirstID = sims[0].ID
	}
	return out, nil
}
