-- Log files of simulations: one blob per simulation mapping file names to their text.

-- name: GetLogfiles :one
-- The log files of a simulation, read through the simulation so that a non-null owner_id scopes them (another
-- user's simulation is not found). No row means no such simulation; has_logfiles is false when the simulation
-- has none. The platform appends a row per upload and reads the first; the oldest row wins here too.
SELECT s.id AS simulation_id, (l.id IS NOT NULL)::bool AS has_logfiles, l.compressed_data
FROM "Simulation" s
LEFT JOIN LATERAL (
    SELECT l.id, l.compressed_data FROM "Logfiles" l WHERE l.simulation_id = s.id ORDER BY l.id LIMIT 1
) l ON true
WHERE s.id = @simulation_id AND (sqlc.narg(owner_id)::int IS NULL OR s.user_id = sqlc.narg(owner_id)::int);

-- name: ReplaceLogfiles :one
-- Replaces the log files of a simulation (every earlier row of it is removed) in one statement.
WITH old AS (
    DELETE FROM "Logfiles" WHERE simulation_id = @simulation_id
)
INSERT INTO "Logfiles" (simulation_id, compressed_data) VALUES (@simulation_id, @compressed_data)
RETURNING id, simulation_id, compressed_data;
