-- Inputs of simulations. The platform keeps one input per simulation; the oldest row wins if there are more.

-- name: GetInput :one
-- The input of a simulation, read through the simulation so that a non-null owner_id scopes it (another
-- user's simulation is not found). No row means no such simulation; has_input is false when the simulation
-- has no input row (compressed_data is then null, as it also is for a NULL blob).
SELECT s.id AS simulation_id, (i.id IS NOT NULL)::bool AS has_input, i.compressed_data
FROM "Simulation" s
LEFT JOIN LATERAL (
    SELECT i.id, i.compressed_data FROM "Input" i WHERE i.simulation_id = s.id ORDER BY i.id LIMIT 1
) i ON true
WHERE s.id = @simulation_id AND (sqlc.narg(owner_id)::int IS NULL OR s.user_id = sqlc.narg(owner_id)::int);

-- name: ReplaceInput :one
-- Replaces the input of a simulation (every earlier row of it is removed) in one statement.
WITH old AS (
    DELETE FROM "Input" WHERE simulation_id = @simulation_id
)
INSERT INTO "Input" (simulation_id, compressed_data) VALUES (@simulation_id, @compressed_data)
RETURNING id, simulation_id, compressed_data;
