-- Simulations. A simulation is one "Simulation" row plus exactly one child row: "CelerySimulation" (DIRECT) or
-- "BatchSimulation" (BATCH), chosen by platform. Reads join both children; writes touch parent and child (and,
-- on submission, the tasks and the input) in one statement.
--
-- Every read returns one shape, the whole "Simulation" row (sqlc.embed, or s.* where a CTE holds it) and then
-- the children's columns, so a new column reaches every read without touching a column list here.

-- name: SubmitDirect :one
-- Creates a DIRECT simulation, its CelerySimulation row, its tasks (numbered by the caller) with their
-- CeleryTask rows and its input, in one statement. Task arrays are parallel: task_ids[i] has
-- requested_primaries[i] and celery_ids[i].
WITH sim AS (
    INSERT INTO "Simulation" (job_id, user_id, start_time, title, platform, input_type, sim_type, job_state)
    VALUES (@job_id, sqlc.narg(user_id), @start_time, @title, 'DIRECT', @input_type, @sim_type, @job_state)
    RETURNING *
), child AS (
    INSERT INTO "CelerySimulation" (id, merge_id)
    SELECT sim.id, sqlc.narg(merge_id) FROM sim
    RETURNING id, merge_id
), task AS (
    INSERT INTO "Task" (simulation_id, task_id, requested_primaries, simulated_primaries, task_state, platform,
                        last_update_time)
    SELECT sim.id, t.task_id, t.requested_primaries, 0, 'PENDING', 'DIRECT', @start_time
    FROM sim, (SELECT unnest(@task_ids::int[]) AS task_id, unnest(@requested_primaries::int[]) AS requested_primaries) AS t
    RETURNING id, task_id
), celery_task AS (
    INSERT INTO "CeleryTask" (id, celery_id)
    SELECT task.id, c.celery_id
    FROM task
    JOIN (SELECT unnest(@task_ids::int[]) AS task_id, unnest(@celery_ids::text[]) AS celery_id) AS c
        ON c.task_id = task.task_id
    RETURNING id
), input AS (
    INSERT INTO "Input" (simulation_id, compressed_data)
    SELECT sim.id, @input_data::bytea FROM sim
    RETURNING id
)
SELECT sim.*, child.merge_id,
       (SELECT count(*) FROM celery_task)::int AS task_count
FROM sim JOIN child ON child.id = sim.id;

-- name: SubmitBatch :one
-- Creates a BATCH simulation, its BatchSimulation row, its tasks (numbered by the caller) with their BatchTask
-- rows and its input, in one statement.
WITH sim AS (
    INSERT INTO "Simulation" (job_id, user_id, start_time, title, platform, input_type, sim_type, job_state)
    VALUES (@job_id, sqlc.narg(user_id), @start_time, @title, 'BATCH', @input_type, @sim_type, @job_state)
    RETURNING *
), child AS (
    INSERT INTO "BatchSimulation" (id, cluster_id, job_dir, array_id, collect_id)
    SELECT sim.id, @cluster_id, sqlc.narg(job_dir), sqlc.narg(array_id)::int, sqlc.narg(collect_id)::int FROM sim
    RETURNING id, cluster_id, job_dir, array_id, collect_id
), task AS (
    INSERT INTO "Task" (simulation_id, task_id, requested_primaries, simulated_primaries, task_state, platform,
                        last_update_time)
    SELECT sim.id, t.task_id, t.requested_primaries, 0, 'PENDING', 'BATCH', @start_time
    FROM sim, (SELECT unnest(@task_ids::int[]) AS task_id, unnest(@requested_primaries::int[]) AS requested_primaries) AS t
    RETURNING id
), batch_task AS (
    INSERT INTO "BatchTask" (id)
    SELECT task.id FROM task
    RETURNING id
), input AS (
    INSERT INTO "Input" (simulation_id, compressed_data)
    SELECT sim.id, @input_data::bytea FROM sim
    RETURNING id
)
SELECT sim.*, child.cluster_id, child.job_dir, child.array_id, child.collect_id,
       (SELECT count(*) FROM batch_task)::int AS task_count
FROM sim JOIN child ON child.id = sim.id;

-- name: GetSimulation :one
-- Reads a simulation with its variant. A non-null owner_id scopes the read: another user's simulation is not found.
SELECT sqlc.embed(s), c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id
FROM "Simulation" s
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
WHERE s.id = @id
  AND (sqlc.narg(owner_id)::int IS NULL OR s.user_id = sqlc.narg(owner_id)::int);

-- name: GetSimulationByJobID :one
-- Reads a simulation with its variant. A non-null owner_id scopes the read: another user's simulation is not found.
SELECT sqlc.embed(s), c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id
FROM "Simulation" s
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
WHERE s.job_id = @job_id
  AND (sqlc.narg(owner_id)::int IS NULL OR s.user_id = sqlc.narg(owner_id)::int);

-- name: ListSimulationsOfUserByStartTimeDesc :many
-- One page of a user's simulations, by start_time descending (the platform's default); the three queries
-- after it are the same with the other sort keys and directions. Ties break on id in the same direction;
-- NULL times sort last. An empty states array lists every state. Every row carries the total number of the
-- user's simulations in those states, so a non-empty page needs no separate count. The total is its own
-- aggregate (an index-only scan of the newest-first index), not count(*) OVER () of the page query, which
-- buffers every matching row before the first: at 100,000 simulations a user, that halves the statement.
-- The page is chosen and counted on "Simulation" alone and only its rows are joined to their variant tables;
-- one query per sort order (rather than one ORDER BY of CASE expressions on a sort key parameter) keeps
-- the server's planning and sorting as cheap as a hand-written query: W5 of `yapstore bench` measures it.
WITH page AS (
    SELECT s.id
    FROM "Simulation" s
    WHERE s.user_id = @user_id
      AND (cardinality(@states::text[]) = 0 OR s.job_state = ANY (@states::text[]))
    ORDER BY s.start_time DESC NULLS LAST, s.id DESC
    LIMIT @page_size OFFSET @page_offset
)
SELECT sqlc.embed(s), c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id,
       (SELECT count(*) FROM "Simulation" n
        WHERE n.user_id = @user_id
          AND (cardinality(@states::text[]) = 0 OR n.job_state = ANY (@states::text[]))) AS total
FROM page
JOIN "Simulation" s ON s.id = page.id
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
ORDER BY s.start_time DESC NULLS LAST, s.id DESC;

-- name: ListSimulationsOfUserByStartTimeAsc :many
WITH page AS (
    SELECT s.id
    FROM "Simulation" s
    WHERE s.user_id = @user_id
      AND (cardinality(@states::text[]) = 0 OR s.job_state = ANY (@states::text[]))
    ORDER BY s.start_time ASC NULLS LAST, s.id ASC
    LIMIT @page_size OFFSET @page_offset
)
SELECT sqlc.embed(s), c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id,
       (SELECT count(*) FROM "Simulation" n
        WHERE n.user_id = @user_id
          AND (cardinality(@states::text[]) = 0 OR n.job_state = ANY (@states::text[]))) AS total
FROM page
JOIN "Simulation" s ON s.id = page.id
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
ORDER BY s.start_time ASC NULLS LAST, s.id ASC;

-- name: ListSimulationsOfUserByEndTimeDesc :many
WITH page AS (
    SELECT s.id
    FROM "Simulation" s
    WHERE s.user_id = @user_id
      AND (cardinality(@states::text[]) = 0 OR s.job_state = ANY (@states::text[]))
    ORDER BY s.end_time DESC NULLS LAST, s.id DESC
    LIMIT @page_size OFFSET @page_offset
)
SELECT sqlc.embed(s), c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id,
       (SELECT count(*) FROM "Simulation" n
        WHERE n.user_id = @user_id
          AND (cardinality(@states::text[]) = 0 OR n.job_state = ANY (@states::text[]))) AS total
FROM page
JOIN "Simulation" s ON s.id = page.id
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
ORDER BY s.end_time DESC NULLS LAST, s.id DESC;

-- name: ListSimulationsOfUserByEndTimeAsc :many
WITH page AS (
    SELECT s.id
    FROM "Simulation" s
    WHERE s.user_id = @user_id
      AND (cardinality(@states::text[]) = 0 OR s.job_state = ANY (@states::text[]))
    ORDER BY s.end_time ASC NULLS LAST, s.id ASC
    LIMIT @page_size OFFSET @page_offset
)
SELECT sqlc.embed(s), c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id,
       (SELECT count(*) FROM "Simulation" n
        WHERE n.user_id = @user_id
          AND (cardinality(@states::text[]) = 0 OR n.job_state = ANY (@states::text[]))) AS total
FROM page
JOIN "Simulation" s ON s.id = page.id
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
ORDER BY s.end_time ASC NULLS LAST, s.id ASC;

-- name: CountSimulationsOfUserByState :one
-- The number of a user's simulations in the given states (every state when the array is empty).
SELECT count(*)
FROM "Simulation" s
WHERE s.user_id = @user_id
  AND (cardinality(@states::text[]) = 0 OR s.job_state = ANY (@states::text[]));

-- name: ListAllSimulations :many
-- Every simulation (optionally of one user), newest first, for operators.
SELECT sqlc.embed(s), c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id
FROM "Simulation" s
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id
WHERE (sqlc.narg(user_id)::int IS NULL OR s.user_id = sqlc.narg(user_id)::int)
ORDER BY s.start_time DESC NULLS LAST, s.id DESC;

-- name: UpdateSimulation :one
-- Applies a state update with the platform's rules in one statement: a simulation in a terminal state
-- (COMPLETED, FAILED, CANCELED) is left unchanged; otherwise each given field is set, start_time and end_time
-- only while unset, merge_id only on a DIRECT simulation and the batch fields only on a BATCH simulation.
-- Returns the row after the update (merge_id as it was before, new_merge_id when it changed) and whether it
-- was applied; no row means no such simulation. The simulation is id when given, else the one with job_id
-- (the lookup by job id runs only then: the subquery is evaluated lazily, so either way it is one index scan
-- of the primary key).
WITH cur AS (
    SELECT s.id, s.job_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED') AS open
    FROM "Simulation" s
    WHERE s.id = coalesce(sqlc.narg(id)::int,
                          (SELECT j.id FROM "Simulation" j WHERE j.job_id = sqlc.narg(job_id)::text))
    FOR UPDATE
), sim AS (
    UPDATE "Simulation" s SET
        job_state = coalesce(sqlc.narg(job_state)::text, s.job_state),
        start_time = coalesce(s.start_time, sqlc.narg(start_time)::timestamptz),
        end_time = coalesce(s.end_time, sqlc.narg(end_time)::timestamptz)
    FROM cur
    WHERE s.id = cur.id AND cur.open
    RETURNING s.*
), celery AS (
    UPDATE "CelerySimulation" c SET merge_id = sqlc.narg(merge_id)::text
    FROM cur
    WHERE c.id = cur.id AND cur.open AND sqlc.narg(merge_id)::text IS NOT NULL
    RETURNING c.id, c.merge_id
), batch AS (
    UPDATE "BatchSimulation" b SET
        job_dir = coalesce(sqlc.narg(job_dir)::text, b.job_dir),
        array_id = coalesce(sqlc.narg(array_id)::int, b.array_id),
        collect_id = coalesce(sqlc.narg(collect_id)::int, b.collect_id)
    FROM cur
    WHERE b.id = cur.id AND cur.open
    RETURNING b.id, b.cluster_id, b.job_dir, b.array_id, b.collect_id
)
SELECT s.*, c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id, cn.merge_id AS new_merge_id,
       true AS applied
FROM sim s
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN celery cn ON cn.id = s.id
LEFT JOIN batch b ON b.id = s.id
UNION ALL
SELECT s.*, c.merge_id, b.cluster_id, b.job_dir, b.array_id, b.collect_id, NULL::text AS new_merge_id,
       false AS applied
FROM "Simulation" s
JOIN cur ON cur.id = s.id AND NOT cur.open
LEFT JOIN "CelerySimulation" c ON c.id = s.id
LEFT JOIN "BatchSimulation" b ON b.id = s.id;

-- name: CancelSimulation :one
-- Cancels a simulation and every task of it that has not finished, in one statement. A simulation already in a
-- terminal state is left unchanged. Returns the number of tasks canceled and whether the simulation changed.
WITH cur AS (
    SELECT s.id, s.job_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED') AS open
    FROM "Simulation" s
    WHERE s.id = @id
    FOR UPDATE
), sim AS (
    UPDATE "Simulation" s SET job_state = 'CANCELED', end_time = coalesce(s.end_time, @now::timestamptz)
    FROM cur
    WHERE s.id = cur.id AND cur.open
    RETURNING s.id
), task AS (
    UPDATE "Task" t SET task_state = 'CANCELED', end_time = coalesce(t.end_time, @now::timestamptz), estimated_time = NULL,
        last_update_time = @now::timestamptz
    FROM cur
    WHERE t.simulation_id = cur.id AND cur.open AND t.task_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')
    RETURNING t.id
)
SELECT cur.id, (SELECT count(*) FROM sim) > 0 AS applied, (SELECT count(*) FROM task)::int AS tasks_canceled
FROM cur;

-- name: DeleteSimulation :one
-- Deletes a simulation and, by cascade, its child row, tasks, input, results and logs, unless it is still
-- running (PENDING, RUNNING, MERGING_QUEUED, MERGING_RUNNING) and force is false. Returns the state the
-- simulation had and whether it was deleted; no row means no such simulation.
WITH cur AS (
    SELECT s.id, s.job_state FROM "Simulation" s WHERE s.id = @id FOR UPDATE
), gone AS (
    DELETE FROM "Simulation" s
    USING cur
    WHERE s.id = cur.id
      AND (@force::bool OR cur.job_state NOT IN ('PENDING', 'RUNNING', 'MERGING_QUEUED', 'MERGING_RUNNING'))
    RETURNING s.id
)
SELECT cur.id, cur.job_state, EXISTS (SELECT 1 FROM gone) AS deleted FROM cur;
