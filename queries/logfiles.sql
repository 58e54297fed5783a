-- Log files of simulations: one blob per simulation mapping file names to their text.

-- name: GetLogfiles :one
SELECT l.id, l.simulation_id, l.compressed_data
FROM "Logfiles" l
WHERE l.simulation_id = @simulation_id
ORDER BY l.id
LIMIT 1;

-- name: ReplaceLogfiles :one
-- Replaces the log files of a simulation (every earlier row of it is removed) in one statement.
WITH old AS (
    DELETE FROM "Logfiles" WHERE simulation_id = @simulation_id
)
INSERT INTO "Logfiles" (simulation_id, compressed_data) VALUES (@simulation_id, @compressed_data)
RETURNING id, simulation_id, compressed_data;

-- name: DeleteLogfiles :execrows
DELETE FROM "Logfiles" WHERE simulation_id = @simulation_id;
