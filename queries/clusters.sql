-- HPC clusters.

-- name: CreateCluster :one
INSERT INTO "Cluster" (cluster_name) VALUES (@cluster_name)
RETURNING id, cluster_name;

-- name: GetCluster :one
SELECT id, cluster_name FROM "Cluster" WHERE id = @id;

-- name: GetClusterByName :one
SELECT id, cluster_name FROM "Cluster" WHERE cluster_name = @cluster_name;

-- name: ListClusters :many
SELECT id, cluster_name FROM "Cluster" ORDER BY cluster_name, id;

-- name: DeleteCluster :execrows
-- Deletes the cluster named cluster_name. Batch simulations refer to their cluster without cascade, so a
-- cluster they use cannot be deleted (a foreign-key violation).
DELETE FROM "Cluster" WHERE cluster_name = @cluster_name;
