-- Results: estimators of a simulation and their pages. Blobs are gzip of JSON text (package compress).

-- name: SaveResults :one
-- Stores a whole results payload in one statement: estimators are upserted by (simulation, file_name) and keep
-- their metadata when they already exist; pages are upserted by (estimator, page_number) with the blob,
-- page_name and page_dimension always overwritten; then the simulation becomes COMPLETED (unless it is already
-- in a terminal state) with end_time set if unset. Estimator and page arrays are parallel; a page names its
-- estimator by file_name.
WITH estimator AS (
    INSERT INTO "Estimator" (simulation_id, name, file_name, compressed_data)
    SELECT @simulation_id, e.name, e.file_name, e.compressed_data
    FROM (SELECT unnest(@estimator_names::text[]) AS name, unnest(@estimator_file_names::text[]) AS file_name,
                 unnest(@estimator_data::bytea[]) AS compressed_data) AS e
    ON CONFLICT (simulation_id, file_name) DO UPDATE SET file_name = EXCLUDED.file_name
    RETURNING id, file_name
), page AS (
    INSERT INTO "Page" (estimator_id, page_number, page_name, page_dimension, compressed_data)
    SELECT estimator.id, p.page_number, p.page_name, p.page_dimension, p.compressed_data
    FROM (SELECT unnest(@page_file_names::text[]) AS file_name, unnest(@page_numbers::int[]) AS page_number,
                 unnest(@page_names::text[]) AS page_name, unnest(@page_dimensions::int[]) AS page_dimension,
                 unnest(@page_data::bytea[]) AS compressed_data) AS p
    JOIN estimator ON estimator.file_name = p.file_name
    ON CONFLICT (estimator_id, page_number) DO UPDATE SET
        compressed_data = EXCLUDED.compressed_data,
        page_name = EXCLUDED.page_name,
        page_dimension = EXCLUDED.page_dimension
    RETURNING id
), sim AS (
    UPDATE "Simulation" s SET job_state = 'COMPLETED', end_time = coalesce(s.end_time, @now::timestamptz)
    WHERE s.id = @simulation_id AND s.job_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')
    RETURNING s.id
)
SELECT (SELECT count(*) FROM estimator)::int AS estimators,
       (SELECT count(*) FROM page)::int AS pages,
       (SELECT count(*) FROM sim) > 0 AS completed;

-- name: ListEstimators :many
-- The estimators of a simulation in id order, with their metadata blobs.
SELECT e.id, e.simulation_id, e.name, e.file_name, e.compressed_data
FROM "Estimator" e
WHERE e.simulation_id = @simulation_id
ORDER BY e.id;

-- name: GetEstimatorByName :one
-- One estimator of a simulation, by the name the platform's results use (its file_name).
SELECT e.id, e.simulation_id, e.name, e.file_name, e.compressed_data
FROM "Estimator" e
WHERE e.simulation_id = @simulation_id AND e.file_name = @file_name;

-- name: ListPagesOfSimulation :many
-- Every page of every estimator of a simulation, in estimator id then page_number order, with blobs.
SELECT p.id, p.estimator_id, p.page_number, p.page_name, p.page_dimension, p.compressed_data
FROM "Page" p
JOIN "Estimator" e ON e.id = p.estimator_id
WHERE e.simulation_id = @simulation_id
ORDER BY e.id, p.page_number;

-- name: ListPages :many
-- The pages of one estimator in page_number order; an empty page_numbers array means every page.
SELECT p.id, p.estimator_id, p.page_number, p.page_name, p.page_dimension, p.compressed_data
FROM "Page" p
WHERE p.estimator_id = @estimator_id
  AND (cardinality(@page_numbers::int[]) = 0 OR p.page_number = ANY (@page_numbers::int[]))
ORDER BY p.page_number;

-- name: GetPage :one
SELECT p.id, p.estimator_id, p.page_number, p.page_name, p.page_dimension, p.compressed_data
FROM "Page" p
WHERE p.estimator_id = @estimator_id AND p.page_number = @page_number;

-- name: ListPageInfo :many
-- Page metadata of every estimator of a simulation, without blobs, in estimator id then page_number order.
SELECT p.id, p.estimator_id, e.file_name AS estimator_file_name, p.page_number, p.page_name, p.page_dimension,
       coalesce(octet_length(p.compressed_data), 0)::int AS compressed_size
FROM "Page" p
JOIN "Estimator" e ON e.id = p.estimator_id
WHERE e.simulation_id = @simulation_id
ORDER BY e.id, p.page_number;

-- name: CopyPages :copyfrom
INSERT INTO "Page" (estimator_id, page_number, page_name, page_dimension, compressed_data)
VALUES (@estimator_id, @page_number, @page_name, @page_dimension, @compressed_data);
