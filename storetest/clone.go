package storetest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// createTestDatabase clones the template into a new database and returns its name. When the template has
// vanished (swept by another process as stale, or dropped by hand), it builds it again and retries once.
func (h *harness) createTestDatabase(ctx context.Context) (string, error) {
	name := newTestName(time.Now())
	err := h.databases.Clone(ctx, name, h.template)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "3D000" { // invalid_catalog_name: the template is gone
		if _, err := h.ensureTemplate(ctx); err != nil {
			return "", fmt.Errorf("rebuild the template: %w", err)
		}
		err = h.databases.Clone(ctx, name, h.template)
	}
	if err != nil {
		return "", fmt.Errorf("create a database from template %s: %w", h.template, err)
	}
	return name, nil
}

// createEmptyDatabase creates a database with nothing in it (from template0) and returns its name.
func (h *harness) createEmptyDatabase(ctx context.Context) (string, error) {
	name := newTestName(time.Now())
	if err := h.databases.Create(ctx, name, ""); err != nil {
		return "", fmt.Errorf("create an empty database: %w", err)
	}
	return name, nil
}
