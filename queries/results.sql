-- Results: estimators of a simulation and their pages. Blobs are gzip of JSON text (package compress).

-- name: SaveResults :one
-- Stores a whole results payload in one statement: estimators are upserted by (simulation, file_name) and keep
-- their metadata when they already exist; pages are upserted by (estimator, page_number) with the blob,
-- page_name and page_dimension always overwritten; then the simulation becomes COMPLETED (unless it is already
-- in a terminal state) with end_time set if unset. Estimator and page arrays are parallel; a page names its
-- estimator by file_name. Estimators are inserted in array order, so new ones get ids in payload order (the
-- order reads return them in). Pages are written in (estimator, page_number) order whatever the payload's
-- order, so their row versions lie in that order: the platform reads pages in physical order. found is false
-- when no simulation has the id (with no estimators nothing else fails). Every save of one simulation's results
-- first takes a transaction-level advisory lock on it (key 1920233843, 'yaps' in ASCII, and the simulation id),
-- which every write below depends on: concurrent saves of one simulation queue there, so payloads listing
-- estimators in different orders cannot lock rows in different orders and deadlock.
WITH results_lock AS (
    SELECT pg_advisory_xact_lock(1920233843, @simulation_id::int) AS locked
), estimator AS (
    INSERT INTO "Estimator" (simulation_id, name, file_name, compressed_data)
    SELECT @simulation_id, e.name, e.file_name, e.compressed_data
    FROM results_lock,
         (SELECT unnest(@estimator_names::text[]) AS name, unnest(@estimator_file_names::text[]) AS file_name,
                 unnest(@estimator_data::bytea[]) AS compressed_data,
                 generate_series(1, cardinality(@estimator_names::text[])) AS ord) AS e
    ORDER BY e.ord
    ON CONFLICT (simulation_id, file_name) DO UPDATE SET file_name = EXCLUDED.file_name
    RETURNING id, file_name
), page AS (
    INSERT INTO "Page" (estimator_id, page_number, page_name, page_dimension, compressed_data)
    SELECT estimator.id, p.page_number, p.page_name, p.page_dimension, p.compressed_data
    FROM (SELECT unnest(@page_file_names::text[]) AS file_name, unnest(@page_numbers::int[]) AS page_number,
                 unnest(@page_names::text[]) AS page_name, unnest(@page_dimensions::int[]) AS page_dimension,
                 unnest(@page_data::bytea[]) AS compressed_data) AS p
    JOIN estimator ON estimator.file_name = p.file_name
    ORDER BY estimator.id, p.page_number
    ON CONFLICT (estimator_id, page_number) DO UPDATE SET
        compressed_data = EXCLUDED.compressed_data,
        page_name = EXCLUDED.page_name,
        page_dimension = EXCLUDED.page_dimension
    RETURNING id
), sim AS (
    UPDATE "Simulation" s SET job_state = 'COMPLETED', end_time = coalesce(s.end_time, @now::timestamptz)
    FROM results_lock
    WHERE s.id = @simulation_id AND s.job_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')
    RETURNING s.id
)
SELECT EXISTS (SELECT 1 FROM "Simulation" s WHERE s.id = @simulation_id) AS found,
       (SELECT count(*) FROM estimator)::int AS estimators,
       (SELECT count(*) FROM page)::int AS pages,
       (SELECT count(*) FROM sim) > 0 AS completed;

-- name: GetResults :many
-- The results of the simulation with job_id in one statement (one snapshot): a non-null owner_id scopes the read
-- (another user's simulation is not found). No row means no such simulation. Otherwise there is one row per
-- estimator (page columns null) followed by one row per page of it in page_number order, estimators in id
-- order; a simulation without estimators gives one row whose estimator columns are null. A non-null
-- estimator_name keeps only the estimator that GetPages would pick; non-null page_numbers keep only
-- those pages.
WITH sim AS (
    SELECT s.id FROM "Simulation" s
    WHERE s.job_id = @job_id AND (sqlc.narg(owner_id)::int IS NULL OR s.user_id = sqlc.narg(owner_id)::int)
), est AS (
    SELECT e.id, e.simulation_id, e.name, e.file_name, e.compressed_data
    FROM "Estimator" e JOIN sim ON e.simulation_id = sim.id
    WHERE sqlc.narg(estimator_name)::text IS NULL OR e.id = (
        SELECT e2.id FROM "Estimator" e2
        WHERE e2.simulation_id = sim.id
          AND (e2.name = sqlc.narg(estimator_name)::text OR e2.file_name = sqlc.narg(estimator_name)::text)
        ORDER BY e2.name = sqlc.narg(estimator_name)::text DESC, e2.id
        LIMIT 1)
)
SELECT sim.id AS simulation_id, est.id AS estimator_id, est.name AS estimator_name,
       est.file_name AS estimator_file_name, NULL::int AS page_id, NULL::int AS page_number,
       NULL::text AS page_name, NULL::int AS page_dimension, est.compressed_data
FROM sim LEFT JOIN est ON true
UNION ALL
SELECT est.simulation_id, est.id, NULL, NULL, p.id, p.page_number, p.page_name, p.page_dimension,
       p.compressed_data
FROM est JOIN "Page" p ON p.estimator_id = est.id
WHERE sqlc.narg(page_numbers)::int[] IS NULL OR p.page_number = ANY(sqlc.narg(page_numbers)::int[])
ORDER BY estimator_id NULLS FIRST, page_number NULLS FIRST;

-- name: GetPages :many
-- Pages of one estimator of the simulation with job_id, in page_number order, in one statement. The estimator
-- is the lowest-id one whose name is estimator_name or, when none is, whose file_name is. A non-null owner_id
-- scopes the read. No row means no such simulation or estimator; a row whose page columns are null means the
-- estimator exists but has none of the pages asked for.
SELECT e.id AS estimator_id, p.id AS page_id, p.page_number, p.page_name, p.page_dimension, p.compressed_data
FROM "Simulation" s
JOIN LATERAL (
    SELECT e2.id FROM "Estimator" e2
    WHERE e2.simulation_id = s.id AND (e2.name = @estimator_name::text OR e2.file_name = @estimator_name::text)
    ORDER BY e2.name = @estimator_name::text DESC, e2.id
    LIMIT 1
) e ON true
LEFT JOIN "Page" p ON p.estimator_id = e.id AND p.page_number = ANY (@page_numbers::int[])
WHERE s.job_id = @job_id AND (sqlc.narg(owner_id)::int IS NULL OR s.user_id = sqlc.narg(owner_id)::int)
ORDER BY p.page_number;

-- name: ListPageInfo :many
-- Page metadata, without blobs, of every estimator of the simulation with job_id, in estimator id then
-- page_number order. A non-null owner_id scopes the read. No row means no such simulation; estimator columns
-- are null for a simulation without estimators, page columns for an estimator without pages.
SELECT s.id AS simulation_id, e.id AS estimator_id, e.name AS estimator_name, e.file_name AS estimator_file_name,
       p.id AS page_id, p.page_number, p.page_name, p.page_dimension,
       coalesce(octet_length(p.compressed_data), 0)::int AS compressed_size
FROM "Simulation" s
LEFT JOIN "Estimator" e ON e.simulation_id = s.id
LEFT JOIN "Page" p ON p.estimator_id = e.id
WHERE s.job_id = @job_id AND (sqlc.narg(owner_id)::int IS NULL OR s.user_id = sqlc.narg(owner_id)::int)
ORDER BY e.id NULLS FIRST, p.page_number NULLS FIRST;
