package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/internal/pooler"
	"github.com/yapstore/yapstore/migrations"
)

// The store writes with statements that rely on the whole migrated schema (upserts on the unique keys the
// improvements add, for one), so Open and New first check where the database stands against the migrations
// this build embeds, reading the history table that package migrate and the Atlas CLI keep.

// ErrSchemaNotCurrent is returned by Open and New when the database is not at the migration head this build
// embeds: never migrated, a platform database not yet adopted, behind the head, holding a failed migration,
// or ahead of the head (migrated by a newer yapstore) without AllowNewerSchema. The error is also a
// *SchemaError (errors.As) that names the yapstore command that fixes it.
var ErrSchemaNotCurrent = errors.New("yapstore: database schema is not current")

// SchemaState says where a database stands against the embedded migrations.
type SchemaState string

// The states a SchemaError reports.
const (
	SchemaEmpty      SchemaState = "not migrated"     // no history and no platform tables
	SchemaNotAdopted SchemaState = "not adopted"      // the platform's tables without yapstore's history
	SchemaBehind     SchemaState = "behind"           // an older version than the head
	SchemaFailed     SchemaState = "failed migration" // a file ran partly or with an error
	SchemaAhead      SchemaState = "ahead"            // a version this build does not know, newer than the head
)

// SchemaError says where the database stands, what this build needs, and the command that fixes it.
type SchemaError struct {
	State   SchemaState
	Current string // the last version in the history, "" when there is none
	Head    string // the last version this build embeds
	Fix     string // what to run, e.g. "yapstore migrate up"
}

// Error describes the state in one line with its fix.
func (e *SchemaError) Error() string {
	current := e.Current
	if current == "" {
		current = "no yapstore history"
	}
	return fmt.Sprintf("%v: %s (database at %s, this build needs %s): %s", ErrSchemaNotCurrent, e.State, current,
		e.Head, e.Fix)
}

// Unwrap returns ErrSchemaNotCurrent.
func (e *SchemaError) Unwrap() error { return ErrSchemaNotCurrent }

// SkipSchemaCheck makes Open and New accept a database wherever it stands. Only tools that inspect or repair
// a database need it; a Store on a database that is not at the head may fail on writes with raw errors.
func SkipSchemaCheck() Option { return func(cfg *config) { cfg.schemaCheck = schemaSkip } }

// AllowNewerSchema makes Open and New accept a database that a newer yapstore migrated past this build's head
// (migrations add, and a newer schema keeps what this build relies on), for rolling upgrades where new and old
// services run side by side.
func AllowNewerSchema() Option { return func(cfg *config) { cfg.schemaCheck = schemaAllowNewer } }

// The schema check's modes.
const (
	schemaAtHead = iota
	schemaAllowNewer
	schemaSkip
)

// revisionsTable is the history table package migrate and the Atlas CLI keep, in its default schema.
const revisionsTable = `atlas_schema_revisions.atlas_schema_revisions`

// inspect checks, on one connection of pool, whether the database is at the embedded head (checkSchema) and
// whether a connection pooler stands between the pool and the server. It returns the pool's error when no
// connection can be had.
func inspect(ctx context.Context, pool *pgxpool.Pool, cfg *config) (pooled bool, err error) {
	err = pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
		pooled, err = checkSchema(ctx, c.Conn(), cfg)
		return err
	})
	return pooled, err
}

// checkSchema returns whether a pooler stands between conn and the server (internal/pooler), and nil when the
// database is at the embedded head (or past it, if allowed) or a *SchemaError otherwise. It costs one round
// trip, two when the history table exists (it can only be read once it is known to be there). Its statements
// are not prepared (QueryExecModeExec): through a pooler, a named statement could meet its twin left on the
// backend by another client.
func checkSchema(ctx context.Context, conn *pgx.Conn, cfg *config) (pooled bool, err error) {
	// Whether the history and the platform's tables exist (to_regclass gives NULL, not an error, for a missing
	// schema or table), then the history's last version and whether any file failed.
	var (
		hasHistory, hasTables bool
		backend               uint32
	)
	err = conn.QueryRow(ctx, `SELECT pg_backend_pid(), to_regclass($1) IS NOT NULL, to_regclass('public."User"') IS NOT NULL`,
		pgx.QueryExecModeExec, revisionsTable).Scan(&backend, &hasHistory, &hasTables)
	if err != nil {
		return false, mapError(err)
	}
	pooled = pooler.Between(conn, backend)
	if cfg.schemaCheck == schemaSkip {
		return pooled, nil
	}
	return pooled, schemaAt(ctx, conn, cfg, hasHistory, hasTables)
}

// schemaAt finishes checkSchema once its first statement has said which tables exist.
func schemaAt(ctx context.Context, conn *pgx.Conn, cfg *config, hasHistory, hasTables bool) error {
	versions := migrations.Versions()
	head := versions[len(versions)-1]
	var (
		failed bool
		last   *string
	)
	if hasHistory {
		err := conn.QueryRow(ctx, `SELECT max(version), coalesce(bool_or(applied < total OR coalesce(error, '') <> ''), false)
			FROM `+revisionsTable+` WHERE version <> '.atlas_cloud_identifier'`, pgx.QueryExecModeExec).Scan(&last, &failed)
		if err != nil {
			return mapError(err)
		}
	}
	schemaErr := &SchemaError{Head: head}
	if last != nil {
		schemaErr.Current = *last
	}
	switch {
	case last == nil && !hasTables:
		schemaErr.State, schemaErr.Fix = SchemaEmpty, "run `yapstore migrate up` (or call migrate.Apply before Open)"
	case last == nil:
		schemaErr.State, schemaErr.Fix = SchemaNotAdopted, "run `yapstore migrate adopt`, then `yapstore migrate up`"
	case failed:
		schemaErr.State, schemaErr.Fix = SchemaFailed, "run `yapstore migrate status` and follow what it says"
	case *last < head:
		schemaErr.State, schemaErr.Fix = SchemaBehind, "run `yapstore migrate up`"
	case *last > head && !slices.Contains(versions, *last):
		if cfg.schemaCheck == schemaAllowNewer {
			cfg.logger.LogAttrs(ctx, slog.LevelInfo, "yapstore: schema newer than this build accepted (AllowNewerSchema)",
				slog.String("database", *last), slog.String("build", head))
			return nil
		}
		schemaErr.State = SchemaAhead
		schemaErr.Fix = "upgrade this service to the yapstore that migrated it, or open it with AllowNewerSchema"
	default:
		return nil
	}
	return schemaErr
}
