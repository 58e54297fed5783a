-- Inputs of simulations. The platform keeps one input per simulation; the oldest row wins if there are more.

-- name: GetInput :one
SELECT i.id, i.simulation_id, i.compressed_data
FROM "Input" i
WHERE i.simulation_id = @simulation_id
ORDER BY i.id
LIMIT 1;

-- name: ReplaceInput :one
-- Replaces the input of a simulation (every earlier row of it is removed) in one statement.
WITH old AS (
    DELETE FROM "Input" WHERE simulation_id = @simulation_id
)
INSERT INTO "Input" (simulation_id, compressed_data) VALUES (@simulation_id, @compressed_data)
RETURNING id, simulation_id, compressed_data;
