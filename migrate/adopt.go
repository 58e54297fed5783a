package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/yapstore/yapstore/internal/serverdb"
)

// AlembicHead is the Alembic revision of the platform's production schema, the one the baseline equals.
const AlembicHead = "5003b9acb1f4"

// Adopt errors.
var (
	// ErrAlreadyManaged is returned by Adopt when the database already has a migration history.
	ErrAlreadyManaged = errors.New("migrate: database already has a migration history")

	// ErrNothingToAdopt is returned by Adopt when the database has no tables: use Up.
	ErrNothingToAdopt = errors.New("migrate: database is empty, nothing to adopt (use Up)")

	// ErrSchemaMismatch is returned by Adopt when the database's schema differs from the baseline in more
	// than the known missing defaults. Nothing is changed. See *SchemaMismatchError.
	ErrSchemaMismatch = errors.New("migrate: database schema does not match the baseline")

	// ErrImprovementsBlocked is returned by Adopt when rows already in the database would make a migration
	// after the baseline fail (for example duplicate pages before a unique key). Nothing is changed.
	// See *BlockedError.
	ErrImprovementsBlocked = errors.New("migrate: existing rows prevent a pending migration")
)

// knownMissingDefaults are the server defaults a database built by the platform's create_all lacks, as
// table and column: Adopt adds them.
var knownMissingDefaults = [][2]string{
	{"Estimator", "file_name"},
	{"Page", "page_name"},
	{"Page", "page_dimension"},
}

// alembicTable is the table the platform's Alembic migrations keep their revision in. Adopt leaves it in
// place, so the platform's own tooling still recognises the database.
const alembicTable = "alembic_version"

// SchemaMismatchError lists every difference between the database and the baseline. It matches
// ErrSchemaMismatch with errors.Is.
type SchemaMismatchError struct {
	// Differences are the differences, one element each.
	Differences []Difference
	// SQL is what Atlas plans to turn the database into the baseline, for reference; it was not run.
	SQL []string
}

// Error implements error.
func (e *SchemaMismatchError) Error() string {
	lines := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		lines[i] = "\n  " + d.String()
	}
	return fmt.Sprintf("%v (%d differences):%s", ErrSchemaMismatch, len(e.Differences), strings.Join(lines, ""))
}

// Is reports whether target is ErrSchemaMismatch.
func (e *SchemaMismatchError) Is(target error) bool { return target == ErrSchemaMismatch }

// BlockedError says which migration file existing rows block and how. It matches ErrImprovementsBlocked
// with errors.Is.
type BlockedError struct {
	// File is the migration that cannot apply.
	File File
	// Statement is the statement that failed.
	Statement string
	// Message, Detail and Hint are PostgreSQL's error fields; the yapstore migrations put the offending
	// rows in Detail.
	Message, Detail, Hint string
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *BlockedError) Error() string {
	msg := fmt.Sprintf("%v: %s: %s", ErrImprovementsBlocked, e.File.Name, e.Message)
	if e.Detail != "" {
		msg += "\n" + e.Detail
	}
	if e.Hint != "" {
		msg += "\nhint: " + e.Hint
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *BlockedError) Unwrap() error { return e.Err }

// Is reports whether target is ErrImprovementsBlocked.
func (e *BlockedError) Is(target error) bool { return target == ErrImprovementsBlocked }

// AdoptResult reports what Adopt found and did.
type AdoptResult struct {
	// Source is "alembic" when the database carries the platform's alembic_version table, "create_all"
	// otherwise.
	Source string
	// AlembicRevision is the revision in alembic_version, "" without that table.
	AlembicRevision string
	// Baseline is the version marked as applied.
	Baseline string
	// Fixed lists the known differences Adopt repaired (the defaults create_all leaves out), and FixSQL the
	// statements it ran for them.
	Fixed  []Difference
	FixSQL []string
	// Kept lists what is in the database beyond the baseline and was left alone (the alembic_version table).
	Kept []string
	// Pending lists the files that Up will now apply; Adopt checked that each one (except files that run
	// outside a transaction) applies to the rows in the database, then rolled it back.
	Pending []File
}

// Adopt takes over a database that the platform built, by its Alembic migrations (head AlembicHead, with
// its alembic_version table, which is kept) or by its startup create_all (which lacks three server
// defaults). Under the migration lock it replays the baseline on a scratch database, compares that schema
// with the live one using Atlas, and:
//
//   - when they differ in anything but those defaults (or Alembic is at another revision), changes nothing
//     and returns a *SchemaMismatchError listing every difference;
//   - otherwise runs every pending migration against the live rows inside a transaction that is rolled
//     back; if one fails (duplicate pages, unknown states...) it changes nothing and returns a *BlockedError
//     naming the rows;
//   - otherwise, in one transaction, adds the missing defaults and records the baseline as applied, like
//     `atlas migrate apply --baseline`. Up then applies the improvements. No row is touched.
//
// It also returns ErrAlreadyManaged, ErrNothingToAdopt, ErrNoScratch and *LockTimeoutError.
func (m *Migrator) Adopt(ctx context.Context) (*AdoptResult, error) {
	if len(m.dir.files) == 0 {
		return nil, errors.New("migrate: the migration directory is empty")
	}
	conn, _, unlock, err := m.lockedConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := m.adoptLocked(ctx, conn)
	return res, errors.Join(err, unlock())
}

func (m *Migrator) adoptLocked(ctx context.Context, conn *sql.Conn) (*AdoptResult, error) {
	revs := &revisionStore{db: conn, schema: m.revisionSchema}
	history, err := revs.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	if len(history) > 0 {
		return nil, fmt.Errorf("%w (at version %s)", ErrAlreadyManaged, currentVersion(history))
	}
	live, drv, err := liveSchema(ctx, conn)
	if err != nil {
		return nil, err
	}
	if len(live.Tables) == 0 {
		return nil, ErrNothingToAdopt
	}
	baseline := m.dir.files[0]
	res := &AdoptResult{Source: "create_all", Baseline: baseline.Version()}
	var mismatches []Difference
	if _, ok := live.Table(alembicTable); ok {
		res.Source = "alembic"
		if res.AlembicRevision, err = alembicRevision(ctx, conn); err != nil {
			return nil, err
		}
		if res.AlembicRevision != AlembicHead {
			mismatches = append(mismatches, Difference{Table: alembicTable, Object: "version_num",
				Problem: fmt.Sprintf("Alembic revision %q, the baseline equals %q (upgrade with the platform's Alembic first)",
					res.AlembicRevision, AlembicHead)})
		}
	}

	scratch, err := m.openScratch(ctx)
	if err != nil {
		return nil, err
	}
	target, err := m.schemaAt(ctx, scratch, baseline.Version())
	if err = errors.Join(err, scratch.close(ctx)); err != nil {
		return nil, err
	}
	changes, err := diffSchemas(drv, live, target)
	if err != nil {
		return nil, err
	}
	fixes, kept, rest := classifyAdoptChanges(changes)
	if len(kept) > 0 {
		res.Kept = []string{fmt.Sprintf("table %q", alembicTable)}
	}
	mismatches = append(mismatches, describeChanges(rest, "baseline")...)
	if len(mismatches) > 0 {
		sqlText, err := planSQL(ctx, drv, rest)
		if err != nil {
			sqlText = nil // the differences are the report; a plan Atlas cannot make is no reason to hide them
		}
		return res, &SchemaMismatchError{Differences: mismatches, SQL: sqlText}
	}
	res.Fixed = describeChanges(fixes, "baseline")
	if res.FixSQL, err = planSQL(ctx, drv, fixes); err != nil {
		return nil, err
	}
	if err := m.adoptInTx(ctx, conn, res); err != nil {
		return res, err
	}
	return res, nil
}

// classifyAdoptChanges splits the changes from the live schema to the baseline into the known missing
// defaults (to fix), the alembic_version table (to keep), and the rest (mismatches).
func classifyAdoptChanges(changes []schema.Change) (fixes, kept, rest []schema.Change) {
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			if c.T.Name == alembicTable {
				kept = append(kept, c)
				continue
			}
		case *schema.ModifyTable:
			var fix, other []schema.Change
			for _, tc := range c.Changes {
				if isKnownMissingDefault(c.T.Name, tc) {
					fix = append(fix, tc)
				} else {
					other = append(other, tc)
				}
			}
			if len(fix) > 0 {
				fixes = append(fixes, &schema.ModifyTable{T: c.T, Changes: fix})
			}
			if len(other) > 0 {
				rest = append(rest, &schema.ModifyTable{T: c.T, Changes: other})
			}
			continue
		}
		rest = append(rest, c)
	}
	return fixes, kept, rest
}

// isKnownMissingDefault reports whether c only adds one of the defaults create_all leaves out.
func isKnownMissingDefault(table string, c schema.Change) bool {
	mc, ok := c.(*schema.ModifyColumn)
	if !ok || mc.Change != schema.ChangeDefault || mc.From.Default != nil || mc.To.Default == nil {
		return false
	}
	for _, k := range knownMissingDefaults {
		if k[0] == table && k[1] == mc.From.Name {
			return true
		}
	}
	return false
}

// ServerFacts is what Migrator.Server reports about the database and its server.
type ServerFacts struct {
	// Version is the server's server_version, e.g. "15.18 (Debian 15.18-0+deb12u1)".
	Version string
	// AlembicRevision is the revision in the platform's alembic_version table, "" when the table is not
	// there or empty.
	AlembicRevision string
}

// Server returns the server's version and the Alembic revision the platform's backend recorded, in one
// statement (two when the alembic_version table is there). It returns the database's error when they
// cannot be read.
func (m *Migrator) Server(ctx context.Context) (ServerFacts, error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return ServerFacts{}, fmt.Errorf("migrate: get a connection: %w", err)
	}
	defer conn.Close()
	var (
		facts      ServerFacts
		hasAlembic bool
	)
	err = conn.QueryRowContext(ctx, `SELECT current_setting('server_version'), to_regclass($1) IS NOT NULL`,
		serverdb.QuoteIdent(alembicTable)).Scan(&facts.Version, &hasAlembic)
	if err != nil {
		return ServerFacts{}, fmt.Errorf("migrate: read the server version: %w", err)
	}
	if hasAlembic {
		if facts.AlembicRevision, err = alembicRevision(ctx, conn); err != nil {
			return ServerFacts{}, err
		}
	}
	return facts, nil
}

// alembicRevision reads the revision in alembic_version ("" when the table is empty).
func alembicRevision(ctx context.Context, conn *sql.Conn) (string, error) {
	var versions []string
	rows, err := conn.QueryContext(ctx, `SELECT version_num::text FROM `+serverdb.QuoteIdent(alembicTable)+` ORDER BY 1`)
	if err != nil {
		return "", fmt.Errorf("migrate: read %s: %w", alembicTable, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return "", fmt.Errorf("migrate: read %s: %w", alembicTable, err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("migrate: read %s: %w", alembicTable, err)
	}
	return strings.Join(versions, ","), nil
}

// adoptInTx fixes the defaults and records the baseline in one transaction, after checking, inside a
// savepoint that is rolled back, that every pending file applies to the rows there.
func (m *Migrator) adoptInTx(ctx context.Context, conn *sql.Conn, res *AdoptResult) error {
	if err := inTx(ctx, conn, func(tx *sql.Tx) error { return m.adopt(ctx, tx, res) }); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// adopt is adoptInTx's work inside its transaction.
func (m *Migrator) adopt(ctx context.Context, tx *sql.Tx, res *AdoptResult) error {
	for _, q := range res.FixSQL {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("add missing default: %w", err)
		}
	}
	revs := &revisionStore{db: tx, schema: m.revisionSchema}
	if err := revs.ensureTable(ctx); err != nil {
		return err
	}
	baseline := m.dir.files[0]
	if err := revs.WriteRevision(ctx, &atlasmigrate.Revision{
		Version:         baseline.Version(),
		Description:     baseline.Desc(),
		Type:            atlasmigrate.RevisionTypeBaseline,
		ExecutedAt:      time.Now(),
		OperatorVersion: m.operatorVersion,
	}); err != nil {
		return err
	}
	pending, err := m.pending(ctx, tx, revs)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT yapstore_adopt_check"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	for _, f := range pending {
		info := m.dir.fileInfo(f)
		res.Pending = append(res.Pending, info)
		if mode, err := txMode(f); err != nil || mode == "none" {
			continue // cannot run inside the check's transaction; Up reports its own failure
		}
		if err := m.execute(ctx, tx, f); err != nil {
			return blockedError(info, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT yapstore_adopt_check"); err != nil {
		return fmt.Errorf("roll back the check: %w", err)
	}
	return nil
}

// blockedError turns the failure of a pending file during Adopt's check into a *BlockedError.
func blockedError(f File, err error) error {
	berr := &BlockedError{File: f, Err: err, Message: err.Error()}
	var serr *atlasmigrate.StmtExecError
	if errors.As(err, &serr) && serr.Stmt != nil {
		berr.Statement = serr.Stmt.Text
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		berr.Message, berr.Detail, berr.Hint = pgErr.Message, pgErr.Detail, pgErr.Hint
	}
	return berr
}
