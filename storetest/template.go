package storetest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yapstore/yapstore/internal/serverdb"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

// templateLockKey is the session advisory lock that serialises template builds on a server across
// processes (go test runs each package in its own): the first 8 bytes, big-endian, of
// SHA-256("github.com/yapstore/yapstore/storetest template build").
const templateLockKey int64 = -1954177017148619717

// ensureTemplate makes sure the template for the embedded migrations exists on the server, building it if
// needed. It reports whether this call built it. Several processes may call it at once: the first builds
// under the advisory lock while the others wait, then find it published.
func (h *harness) ensureTemplate(ctx context.Context) (built bool, err error) {
	if exists, err := h.databases.Exists(ctx, h.template); err != nil || exists {
		return false, err
	}
	conn, err := h.admin.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return false, fmt.Errorf("take the template lock: %w", err)
	}
	defer func() {
		unlockCtx := context.WithoutCancel(ctx)
		if _, err := conn.Exec(unlockCtx, "SELECT pg_advisory_unlock($1)", templateLockKey); err != nil {
			_ = conn.Conn().Close(unlockCtx) // ending the session releases the lock too
		}
	}()
	// Another process may have published it while this one waited.
	if exists, err := h.databases.Exists(ctx, h.template); err != nil || exists {
		return false, err
	}
	return true, h.buildTemplate(ctx, h.template)
}

// buildTemplate creates a database under a temporary name, migrates it, and publishes it as target by
// renaming it, so that no one ever clones a half-built template. The published
// template accepts no connections (cloning requires that nobody is connected to it) and is marked as a
// template, so a role with CREATEDB may clone it too.
func (h *harness) buildTemplate(ctx context.Context, target string) (err error) {
	build := buildName(h.tag, time.Now())
	if err := h.databases.Create(ctx, build, "UTF8"); err != nil {
		return fmt.Errorf("create %s: %w", build, err)
	}
	defer func() {
		if err != nil {
			_ = h.databases.DropLater(ctx, build)
		}
	}()
	url, err := h.server.DatabaseURL(build)
	if err != nil {
		return err
	}
	if err := migrateDatabase(ctx, url); err != nil {
		return fmt.Errorf("migrate %s: %w", build, err)
	}
	comment := fmt.Sprintf("storetest template of migrations h1:%s; built_at=%d", migrations.Hash(), time.Now().Unix())
	for _, sql := range []string{
		"ALTER DATABASE " + serverdb.QuoteIdent(build) + " WITH ALLOW_CONNECTIONS false IS_TEMPLATE true",
		"COMMENT ON DATABASE " + serverdb.QuoteIdent(build) + " IS " + serverdb.QuoteLiteral(comment),
		"ALTER DATABASE " + serverdb.QuoteIdent(build) + " RENAME TO " + serverdb.QuoteIdent(target),
	} {
		if _, err := h.admin.Exec(ctx, sql); err != nil {
			return fmt.Errorf("publish %s as %s: %w", build, target, err)
		}
	}
	return nil
}

// migrateDatabase applies the embedded migrations to the database at url with package migrate, the way
// a service applies them in production.
func migrateDatabase(ctx context.Context, url string) error {
	m, err := migrate.Open(ctx, url)
	if err != nil {
		return err
	}
	_, err = m.Up(ctx)
	return errors.Join(err, m.Close())
}
