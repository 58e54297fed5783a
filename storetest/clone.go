package storetest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// cloneStrategy returns the STRATEGY clause for CREATE DATABASE on this server. FILE_COPY copies the
// template's files and forces two checkpoints, which cost next to nothing when fsync is off (as on every
// server pgserver starts); WAL_LOG writes the copy through the WAL and avoids the checkpoints, the better
// choice when fsync is on. Servers before PostgreSQL 15 know no STRATEGY and always copy files.
func cloneStrategy(ctx context.Context, admin *pgxpool.Pool, serverVersion int) (string, error) {
	if serverVersion < 150000 {
		return "", nil
	}
	var fsync string
	if err := admin.QueryRow(ctx, "SHOW fsync").Scan(&fsync); err != nil {
		return "", err
	}
	if fsync == "off" {
		return "FILE_COPY", nil
	}
	return "WAL_LOG", nil
}

// createTestDatabase clones the template into a new database and returns its name. When the template has
// vanished (swept by another process as stale, or dropped by hand), it builds it again and retries once.
func (h *harness) createTestDatabase(ctx context.Context) (string, error) {
	return h.cloneTemplate(ctx, h.strategy)
}

// cloneTemplate is createTestDatabase with the given STRATEGY ("" for none).
func (h *harness) cloneTemplate(ctx context.Context, strategy string) (string, error) {
	name := newTestName(time.Now())
	sql := "CREATE DATABASE " + quoteIdent(name) + " TEMPLATE " + quoteIdent(h.template)
	if strategy != "" {
		sql += " STRATEGY " + strategy
	}
	_, err := h.admin.Exec(ctx, sql)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "3D000" { // invalid_catalog_name: the template is gone
		if _, err := h.ensureTemplate(ctx); err != nil {
			return "", fmt.Errorf("rebuild the template: %w", err)
		}
		_, err = h.admin.Exec(ctx, sql)
	}
	if err != nil {
		return "", fmt.Errorf("create a database from template %s: %w", h.template, err)
	}
	return name, nil
}

// createEmptyDatabase creates a database with nothing in it (from template0) and returns its name.
func (h *harness) createEmptyDatabase(ctx context.Context) (string, error) {
	name := newTestName(time.Now())
	if _, err := h.admin.Exec(ctx, "CREATE DATABASE "+quoteIdent(name)+" TEMPLATE template0"); err != nil {
		return "", fmt.Errorf("create an empty database: %w", err)
	}
	return name, nil
}

// dropDatabase drops the database name, disconnecting whoever is still connected to it.
func (h *harness) dropDatabase(ctx context.Context, name string) error {
	if h.serverVersion < 130000 { // DROP DATABASE … WITH (FORCE) arrived in PostgreSQL 13
		if _, err := h.admin.Exec(ctx,
			"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name); err != nil {
			return err
		}
		_, err := h.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name))
		return err
	}
	_, err := h.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)")
	return err
}
