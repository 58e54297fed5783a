-- Users. A user is one "User" row plus exactly one child row: "YaptideUser" (password) or "KeycloakUser"
-- (single sign-on), chosen by auth_provider. Every read joins both children so that one query returns the
-- variant; every write of a variant touches parent and child in one statement.

-- name: CreatePasswordUser :one
WITH parent AS (
    INSERT INTO "User" (username, auth_provider)
    VALUES (@username, 'YaptideUser')
    RETURNING id, username, auth_provider
), child AS (
    INSERT INTO "YaptideUser" (id, password_hash)
    SELECT parent.id, @password_hash FROM parent
    RETURNING id, password_hash
)
SELECT parent.id, parent.username, parent.auth_provider, child.password_hash
FROM parent JOIN child ON child.id = parent.id;

-- name: UpsertSSOUser :one
-- Creates a single-sign-on user or, when (username, 'KeycloakUser') exists, replaces its certificate and key.
WITH parent AS (
    INSERT INTO "User" (username, auth_provider)
    VALUES (@username, 'KeycloakUser')
    ON CONFLICT ON CONSTRAINT _username_provider_uc DO UPDATE SET username = EXCLUDED.username
    RETURNING id, username, auth_provider, (xmax = 0) AS created
), child AS (
    INSERT INTO "KeycloakUser" (id, cert, private_key)
    SELECT parent.id, sqlc.narg(cert), sqlc.narg(private_key) FROM parent
    ON CONFLICT (id) DO UPDATE SET cert = EXCLUDED.cert, private_key = EXCLUDED.private_key
    RETURNING id, cert, private_key
)
SELECT parent.id, parent.username, parent.auth_provider, parent.created, child.cert, child.private_key
FROM parent JOIN child ON child.id = parent.id;

-- name: GetUser :one
SELECT u.id, u.username, u.auth_provider, y.password_hash, k.cert, k.private_key
FROM "User" u
LEFT JOIN "YaptideUser" y ON y.id = u.id
LEFT JOIN "KeycloakUser" k ON k.id = u.id
WHERE u.id = @id;

-- name: GetUserByName :one
SELECT u.id, u.username, u.auth_provider, y.password_hash, k.cert, k.private_key
FROM "User" u
LEFT JOIN "YaptideUser" y ON y.id = u.id
LEFT JOIN "KeycloakUser" k ON k.id = u.id
WHERE u.username = @username AND u.auth_provider = @auth_provider;

-- name: ListUsers :many
-- Lists users ordered by username then provider; an empty provider lists every provider.
SELECT u.id, u.username, u.auth_provider, y.password_hash, k.cert, k.private_key
FROM "User" u
LEFT JOIN "YaptideUser" y ON y.id = u.id
LEFT JOIN "KeycloakUser" k ON k.id = u.id
WHERE (@auth_provider::text = '' OR u.auth_provider = @auth_provider::text)
ORDER BY u.username, u.auth_provider, u.id;

-- name: UpdatePasswordHash :execrows
UPDATE "YaptideUser" SET password_hash = @password_hash WHERE id = @id;

-- name: ReplacePasswordHash :execrows
-- Replaces a password hash only if it is still old_hash, so that upgrading a hash at login never overwrites a
-- password changed in the meantime.
UPDATE "YaptideUser" SET password_hash = @new_hash WHERE id = @id AND password_hash = @old_hash;

-- name: DeleteUser :execrows
-- Deletes a user and, through ON DELETE CASCADE, its child row. Fails with a foreign-key violation on
-- Simulation_user_id_fkey while the user owns simulations.
DELETE FROM "User" WHERE id = @id;

-- name: DeleteUserWithSimulations :execrows
-- Deletes a user together with every simulation it owns (and, by cascade, their tasks, inputs, results and logs).
WITH sims AS (
    DELETE FROM "Simulation" WHERE user_id = @id
)
DELETE FROM "User" WHERE "User".id = @id;

-- name: CountSimulationsOfUser :one
SELECT count(*) FROM "Simulation" WHERE user_id = @user_id;
