package migrate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/yapstore/yapstore/internal/serverdb"
)

// DefaultRevisionSchema is the schema that holds the history table when nothing else is configured. The Atlas
// CLI uses the same schema when its database URL pins no search_path, so a database migrated by one is
// continued by the other.
const DefaultRevisionSchema = "atlas_schema_revisions"

// revisionTable is the name of the history table, the same as the Atlas CLI's.
const revisionTable = "atlas_schema_revisions"

// cloudIdentifierVersion is a row the Atlas CLI may keep in the history table to identify the target for
// Atlas Cloud; it is not a migration and is skipped when reading.
const cloudIdentifierVersion = ".atlas_cloud_identifier"

// Revision is one row of the history table: a migration file that ran (fully, partly or with an error) or
// a baseline version that was marked as present.
type Revision struct {
	// Version is the migration file's version.
	Version string
	// Description is the migration file's description.
	Description string
	// Type is "applied", "baseline" (marked, not run), "manually set" or "applied + manually set".
	Type string
	// Applied is how many statements of the file ran.
	Applied int
	// Total is how many statements the file holds.
	Total int
	// ExecutedAt is when the file started running.
	ExecutedAt time.Time
	// ExecutionTime is what Atlas recorded as the file's run time.
	ExecutionTime time.Duration
	// Error is the error of the failing statement, "" if none.
	Error string
	// ErrorStatement is the failing statement, "" if none.
	ErrorStatement string
	// Hash is the file's atlas.sum hash when it ran ("" for a baseline).
	Hash string
	// OperatorVersion names the tool that wrote the row, for example "Atlas CLI v0.13.1".
	OperatorVersion string
}

// Done reports whether the file ran completely and without error (a baseline counts as done).
func (r Revision) Done() bool { return r.Applied == r.Total && r.Error == "" }

// revisionStore reads and writes the history table in the format the Atlas CLI (through its Ent schema)
// uses. It implements Atlas's migrate.RevisionReadWriter on one connection or transaction.
type revisionStore struct {
	db     schema.ExecQuerier
	schema string
}

var _ atlasmigrate.RevisionReadWriter = (*revisionStore)(nil)

// table returns the quoted, schema-qualified table name.
func (s *revisionStore) table() string {
	return serverdb.QuoteIdent(s.schema) + "." + serverdb.QuoteIdent(revisionTable)
}

// Ident implements migrate.RevisionReadWriter.
func (s *revisionStore) Ident() *atlasmigrate.TableIdent {
	return &atlasmigrate.TableIdent{Name: revisionTable, Schema: s.schema}
}

// ensureTable creates the schema and the table when missing, with exactly the columns, types, defaults and
// primary key the Atlas CLI creates, so that the CLI finds nothing to change in it.
func (s *revisionStore) ensureTable(ctx context.Context) error {
	stmts := []string{
		"CREATE SCHEMA IF NOT EXISTS " + serverdb.QuoteIdent(s.schema),
		"CREATE TABLE IF NOT EXISTS " + s.table() + ` (
  "version" character varying NOT NULL,
  "description" character varying NOT NULL,
  "type" bigint NOT NULL DEFAULT 2,
  "applied" bigint NOT NULL DEFAULT 0,
  "total" bigint NOT NULL DEFAULT 0,
  "executed_at" timestamptz NOT NULL,
  "execution_time" bigint NOT NULL,
  "error" text NULL,
  "error_stmt" text NULL,
  "hash" character varying NOT NULL,
  "partial_hashes" jsonb NULL,
  "operator_version" character varying NOT NULL,
  PRIMARY KEY ("version")
)`,
	}
	for _, q := range stmts {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("migrate: create history table: %w", err)
		}
	}
	return nil
}

// exists reports whether the history table exists.
func (s *revisionStore) exists(ctx context.Context) (bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT to_regclass($1) IS NOT NULL", s.table())
	if err != nil {
		return false, fmt.Errorf("migrate: look up history table: %w", err)
	}
	defer rows.Close()
	var ok bool
	if rows.Next() {
		if err := rows.Scan(&ok); err != nil {
			return false, fmt.Errorf("migrate: look up history table: %w", err)
		}
	}
	return ok, rows.Err()
}

const revisionColumns = `"version", "description", "type", "applied", "total", "executed_at", "execution_time",
  coalesce("error", ''), coalesce("error_stmt", ''), "hash", "partial_hashes", "operator_version"`

// ReadRevisions implements migrate.RevisionReadWriter: every revision in version order, none when the table
// does not exist yet.
func (s *revisionStore) ReadRevisions(ctx context.Context) ([]*atlasmigrate.Revision, error) {
	ok, err := s.exists(ctx)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+revisionColumns+" FROM "+s.table()+
		` WHERE "version" <> $1 ORDER BY "version"`, cloudIdentifierVersion)
	if err != nil {
		return nil, fmt.Errorf("migrate: read history: %w", err)
	}
	defer rows.Close()
	var revs []*atlasmigrate.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: read history: %w", err)
	}
	return revs, nil
}

// ReadRevision implements migrate.RevisionReadWriter. It returns migrate.ErrRevisionNotExist when the version
// has no row.
func (s *revisionStore) ReadRevision(ctx context.Context, version string) (*atlasmigrate.Revision, error) {
	if version == cloudIdentifierVersion {
		return nil, atlasmigrate.ErrRevisionNotExist
	}
	ok, err := s.exists(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, atlasmigrate.ErrRevisionNotExist
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+revisionColumns+" FROM "+s.table()+` WHERE "version" = $1`, version)
	if err != nil {
		return nil, fmt.Errorf("migrate: read history: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("migrate: read history: %w", err)
		}
		return nil, atlasmigrate.ErrRevisionNotExist
	}
	return scanRevision(rows)
}

// scanRevision reads one row selected with revisionColumns.
func scanRevision(rows *sql.Rows) (*atlasmigrate.Revision, error) {
	var (
		r        atlasmigrate.Revision
		typ      int64
		execTime int64
		partial  []byte
	)
	if err := rows.Scan(&r.Version, &r.Description, &typ, &r.Applied, &r.Total, &r.ExecutedAt, &execTime,
		&r.Error, &r.ErrorStmt, &r.Hash, &partial, &r.OperatorVersion); err != nil {
		return nil, fmt.Errorf("migrate: read history row: %w", err)
	}
	r.Type = atlasmigrate.RevisionType(typ)
	r.ExecutionTime = time.Duration(execTime)
	if len(partial) > 0 {
		if err := json.Unmarshal(partial, &r.PartialHashes); err != nil {
			return nil, fmt.Errorf("migrate: read history row %s: partial_hashes: %w", r.Version, err)
		}
	}
	return &r, nil
}

// WriteRevision implements migrate.RevisionReadWriter. Like the Atlas CLI it inserts the row or, when the
// version exists, updates every column except version, description and executed_at.
func (s *revisionStore) WriteRevision(ctx context.Context, r *atlasmigrate.Revision) error {
	if r.Version == cloudIdentifierVersion {
		return errors.New("migrate: refusing to write the Atlas Cloud identifier row")
	}
	var partial any // SQL NULL when there is nothing to record
	if len(r.PartialHashes) > 0 {
		b, err := json.Marshal(r.PartialHashes)
		if err != nil {
			return fmt.Errorf("migrate: encode partial hashes: %w", err)
		}
		partial = string(b)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO `+s.table()+` AS r
  ("version", "description", "type", "applied", "total", "executed_at", "execution_time", "error", "error_stmt",
   "hash", "partial_hashes", "operator_version")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)
ON CONFLICT ("version") DO UPDATE SET
  "type" = excluded."type", "applied" = excluded."applied", "total" = excluded."total",
  "execution_time" = excluded."execution_time", "error" = excluded."error", "error_stmt" = excluded."error_stmt",
  "hash" = excluded."hash", "partial_hashes" = excluded."partial_hashes",
  "operator_version" = excluded."operator_version"`,
		r.Version, r.Description, int64(r.Type), r.Applied, r.Total, r.ExecutedAt, int64(r.ExecutionTime),
		r.Error, r.ErrorStmt, r.Hash, partial, r.OperatorVersion)
	if err != nil {
		return fmt.Errorf("migrate: write history row %s: %w", r.Version, err)
	}
	return nil
}

// DeleteRevision implements migrate.RevisionReadWriter.
func (s *revisionStore) DeleteRevision(ctx context.Context, version string) error {
	if version == cloudIdentifierVersion {
		return errors.New("migrate: refusing to delete the Atlas Cloud identifier row")
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM `+s.table()+` WHERE "version" = $1`, version); err != nil {
		return fmt.Errorf("migrate: delete history row %s: %w", version, err)
	}
	return nil
}

// publicRevision converts Atlas's revision into the package's.
func publicRevision(r *atlasmigrate.Revision) Revision {
	return Revision{
		Version:         r.Version,
		Description:     r.Description,
		Type:            r.Type.String(),
		Applied:         r.Applied,
		Total:           r.Total,
		ExecutedAt:      r.ExecutedAt,
		ExecutionTime:   r.ExecutionTime,
		Error:           r.Error,
		ErrorStatement:  r.ErrorStmt,
		Hash:            r.Hash,
		OperatorVersion: r.OperatorVersion,
	}
}
