-- Tasks. A task is one "Task" row plus exactly one child row: "CeleryTask" (DIRECT) or "BatchTask" (BATCH),
-- chosen by platform. A task is addressed by its simulation and its number within it (task_id).
--
-- Every read returns one shape, the whole "Task" row (sqlc.embed, or t.* where a CTE holds it) and then the
-- child's celery_id, so a new column reaches every read without touching a column list here.

-- name: GetTask :one
SELECT sqlc.embed(t), c.celery_id
FROM "Task" t
LEFT JOIN "CeleryTask" c ON c.id = t.id
WHERE t.simulation_id = @simulation_id AND t.task_id = @task_id;

-- name: ListTasks :many
-- The tasks of a simulation in task order; an empty states array lists every state.
SELECT sqlc.embed(t), c.celery_id
FROM "Task" t
LEFT JOIN "CeleryTask" c ON c.id = t.id
WHERE t.simulation_id = @simulation_id
  AND (cardinality(@states::text[]) = 0 OR t.task_state = ANY (@states::text[]))
ORDER BY t.task_id;

-- name: ListTasksOfSimulations :many
-- The tasks of several simulations, in simulation then task order, for listings.
SELECT sqlc.embed(t), c.celery_id
FROM "Task" t
LEFT JOIN "CeleryTask" c ON c.id = t.id
WHERE t.simulation_id = ANY (@simulation_ids::int[])
ORDER BY t.simulation_id, t.task_id;

-- name: UpdateTaskProgress :one
-- Applies a worker's progress update with the platform's rules in one statement. A task in a terminal state
-- (COMPLETED, FAILED, CANCELED) is left unchanged. Otherwise each given field is set; reaching COMPLETED sets
-- simulated_primaries to requested_primaries; start_time and end_time are set only while unset; estimated_time
-- is taken only while end_time is unset, and setting end_time clears it; a DIRECT task takes a given celery_id;
-- last_update_time becomes now. The UPDATE's own terminal-state test is rechecked on the newest row version
-- when it waits for a concurrent writer, so an update racing a cancellation sees the cancellation. Returns the
-- task after the update (celery_id as it was before, new_celery_id when it changed) and whether the update was
-- applied; a task that was not updated is read from the statement's snapshot; no row means no such task.
-- (One UPDATE, without locking the row first in a CTE of its own: that lock added work and no safety.)
WITH upd AS (
    UPDATE "Task" t SET
        requested_primaries = coalesce(sqlc.narg(requested_primaries)::int, t.requested_primaries),
        simulated_primaries = CASE
            WHEN sqlc.narg(task_state)::text = 'COMPLETED'
                THEN coalesce(sqlc.narg(requested_primaries)::int, t.requested_primaries)
            ELSE coalesce(sqlc.narg(simulated_primaries)::int, t.simulated_primaries) END,
        task_state = coalesce(sqlc.narg(task_state)::text, t.task_state),
        estimated_time = CASE
            WHEN t.end_time IS NOT NULL THEN t.estimated_time
            WHEN sqlc.narg(end_time)::timestamptz IS NOT NULL THEN NULL
            ELSE coalesce(sqlc.narg(estimated_time)::int, t.estimated_time) END,
        start_time = coalesce(t.start_time, sqlc.narg(start_time)::timestamptz),
        end_time = coalesce(t.end_time, sqlc.narg(end_time)::timestamptz),
        last_update_time = @now::timestamptz
    WHERE t.simulation_id = @simulation_id AND t.task_id = @task_id
      AND t.task_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')
    RETURNING t.*
), celery AS (
    UPDATE "CeleryTask" c SET celery_id = sqlc.narg(celery_id)::text
    FROM upd
    WHERE c.id = upd.id AND sqlc.narg(celery_id)::text IS NOT NULL
    RETURNING c.id, c.celery_id
)
SELECT u.*, c.celery_id, cn.celery_id AS new_celery_id, true AS applied
FROM upd u
LEFT JOIN "CeleryTask" c ON c.id = u.id
LEFT JOIN celery cn ON cn.id = u.id
UNION ALL
SELECT t.*, c.celery_id, NULL::text AS new_celery_id, false AS applied
FROM "Task" t
LEFT JOIN "CeleryTask" c ON c.id = t.id
WHERE t.simulation_id = @simulation_id AND t.task_id = @task_id AND NOT EXISTS (SELECT FROM upd);

-- name: ReportTaskProgress :execrows
-- UpdateTaskProgress for a worker's hot path: the same rules, without a celery_id and without reading the task
-- back, as one plain UPDATE. One row affected: the update was applied; none: the task is in a terminal state
-- or does not exist.
UPDATE "Task" t SET
    requested_primaries = coalesce(sqlc.narg(requested_primaries)::int, t.requested_primaries),
    simulated_primaries = CASE
        WHEN sqlc.narg(task_state)::text = 'COMPLETED'
            THEN coalesce(sqlc.narg(requested_primaries)::int, t.requested_primaries)
        ELSE coalesce(sqlc.narg(simulated_primaries)::int, t.simulated_primaries) END,
    task_state = coalesce(sqlc.narg(task_state)::text, t.task_state),
    estimated_time = CASE
        WHEN t.end_time IS NOT NULL THEN t.estimated_time
        WHEN sqlc.narg(end_time)::timestamptz IS NOT NULL THEN NULL
        ELSE coalesce(sqlc.narg(estimated_time)::int, t.estimated_time) END,
    start_time = coalesce(t.start_time, sqlc.narg(start_time)::timestamptz),
    end_time = coalesce(t.end_time, sqlc.narg(end_time)::timestamptz),
    last_update_time = @now::timestamptz
WHERE t.simulation_id = @simulation_id AND t.task_id = @task_id
  AND t.task_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED');

-- name: ReportTaskProgressGroup :many
-- ReportTaskProgress for many tasks in one statement and one commit (the store's group commit): input row i is
-- the update of task task_ids[i] of simulation simulation_ids[i], applied with the same rules; a value of -1,
-- or an empty state or time, means "not given". The caller never puts two updates of one task in a group (an
-- UPDATE joins a row to one input row only). Returns, for each input row in order, whether the update was
-- applied and whether the task exists (a task that exists but was not updated is in a terminal state).
-- The input is unnested from one array, whose length the planner then knows, and each task is found through
-- the (simulation_id, task_id) key before the UPDATE joins on the primary key: index lookups, not a scan.
WITH input AS (
    SELECT u.ord, t.id AS task_row,
           nullif((@requested_primaries::int[])[u.ord], -1) AS requested_primaries,
           nullif((@simulated_primaries::int[])[u.ord], -1) AS simulated_primaries,
           nullif((@task_states::text[])[u.ord], '') AS task_state,
           nullif((@estimated_times::int[])[u.ord], -1) AS estimated_time,
           nullif((@start_times::text[])[u.ord], '')::timestamptz AS start_time,
           nullif((@end_times::text[])[u.ord], '')::timestamptz AS end_time
    FROM unnest(@simulation_ids::int[]) WITH ORDINALITY AS u(simulation_id, ord)
    LEFT JOIN "Task" t ON t.simulation_id = u.simulation_id AND t.task_id = (@task_ids::int[])[u.ord]
), upd AS (
    UPDATE "Task" t SET
        requested_primaries = coalesce(u.requested_primaries, t.requested_primaries),
        simulated_primaries = CASE
            WHEN u.task_state = 'COMPLETED' THEN coalesce(u.requested_primaries, t.requested_primaries)
            ELSE coalesce(u.simulated_primaries, t.simulated_primaries) END,
        task_state = coalesce(u.task_state, t.task_state),
        estimated_time = CASE
            WHEN t.end_time IS NOT NULL THEN t.estimated_time
            WHEN u.end_time IS NOT NULL THEN NULL
            ELSE coalesce(u.estimated_time, t.estimated_time) END,
        start_time = coalesce(t.start_time, u.start_time),
        end_time = coalesce(t.end_time, u.end_time),
        last_update_time = @now::timestamptz
    FROM input u
    WHERE t.id = u.task_row AND t.task_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')
    RETURNING u.ord
)
SELECT (upd.ord IS NOT NULL)::bool AS applied, (u.task_row IS NOT NULL)::bool AS found
FROM input u
LEFT JOIN upd ON upd.ord = u.ord
ORDER BY u.ord;

-- name: SimulationTaskSummary :many
-- A simulation's state and platform with the number of its tasks in each state, for deriving the simulation's
-- state from its tasks in one query. A simulation without tasks gives one row with a NULL task_state and 0;
-- no row means no such simulation.
SELECT s.job_state, s.platform, t.task_state, count(t.id)::int AS tasks
FROM "Simulation" s
LEFT JOIN "Task" t ON t.simulation_id = s.id
WHERE s.id = @simulation_id
GROUP BY s.job_state, s.platform, t.task_state
ORDER BY t.task_state;

-- name: DeleteTask :execrows
-- Deletes one task of one simulation (its child row goes by cascade).
DELETE FROM "Task" WHERE simulation_id = @simulation_id AND task_id = @task_id;
