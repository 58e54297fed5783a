package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ariga.io/atlas/sql/schema"

	"github.com/yapstore/yapstore/internal/serverdb"
)

// Down errors.
var (
	// ErrDataLoss is returned by Down when rolling back would drop a table or column that holds data, and
	// Force was not given. Nothing is changed. See *DataLossError.
	ErrDataLoss = errors.New("migrate: rolling back would drop data")

	// ErrDrift is returned by Down when the database's schema is not the one its current version stands
	// for (someone changed it by hand), so a rollback computed from it could undo the wrong things.
	// Nothing is changed. See *DriftError.
	ErrDrift = errors.New("migrate: database schema drifted from its current version")
)

// DataLoss is a table or column that a rollback drops, with how many rows (or non-null values) it holds.
type DataLoss struct {
	Difference
	// Rows is the number of rows in the table, or of rows with a non-null value in the column.
	Rows int64
}

// DataLossError lists what a rollback would destroy. It matches ErrDataLoss with errors.Is.
type DataLossError struct {
	// Losses are the tables and columns that hold data.
	Losses []DataLoss
}

// Error implements error.
func (e *DataLossError) Error() string {
	parts := make([]string, len(e.Losses))
	for i, l := range e.Losses {
		parts[i] = fmt.Sprintf("\n  %s (%d rows)", l.Difference, l.Rows)
	}
	return fmt.Sprintf("%v (use Force to drop it anyway):%s", ErrDataLoss, strings.Join(parts, ""))
}

// Is reports whether target is ErrDataLoss.
func (e *DataLossError) Is(target error) bool { return target == ErrDataLoss }

// DriftError lists how the live schema differs from its current version. It matches ErrDrift with errors.Is.
type DriftError struct {
	// Version is the database's current version.
	Version string
	// Differences are the changes found.
	Differences []Difference
}

// Error implements error.
func (e *DriftError) Error() string {
	parts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		parts[i] = "\n  " + d.String()
	}
	return fmt.Sprintf("%v %s:%s", ErrDrift, e.Version, strings.Join(parts, ""))
}

// Is reports whether target is ErrDrift.
func (e *DriftError) Is(target error) bool { return target == ErrDrift }

// DownResult reports what Down did (or, with PlanOnly, would do).
type DownResult struct {
	// From is the version before, To the version after (the target).
	From, To string
	// Reverted lists the history rows removed, newest first.
	Reverted []Revision
	// SQL holds the statements that turn the schema back, as Atlas planned them.
	SQL []string
	// DataLoss lists the dropped tables and columns that held data (dropped only with Force).
	DataLoss []DataLoss
	// Applied is false when PlanOnly was given or there was nothing to do.
	Applied bool
	// Duration is the time the rollback transaction took.
	Duration time.Duration
}

// downConfig holds what DownOptions set.
type downConfig struct {
	force    bool
	planOnly bool
}

// DownOption configures one call of Down.
type DownOption func(*downConfig)

// Force lets Down drop tables and columns that hold data.
func Force() DownOption {
	return func(c *downConfig) { c.force = true }
}

// PlanOnly makes Down compute and return the plan (SQL, data loss) without changing anything.
func PlanOnly() DownOption {
	return func(c *downConfig) { c.planOnly = true }
}

// Down rolls the database back to version, an applied version of the directory. It computes the reverse
// from the schema itself: the directory is replayed up to version on a scratch database, that schema is
// compared with the live one by Atlas, and the planned statements run in one transaction that also removes
// the newer history rows. Before that it checks that the live schema is still exactly what its current
// version stands for (the platform's alembic_version table aside), and that nothing dropped holds data.
//
// Errors: ErrUnknownVersion for a version not in the directory or older than the history,
// *DriftError (ErrDrift), *DataLossError (ErrDataLoss) without Force, *PartialError (ErrPartial),
// ErrNoScratch, *LockTimeoutError, and the database's error when a statement fails (the transaction is
// then rolled back and nothing changes). A version at or above the current one means nothing to do.
func (m *Migrator) Down(ctx context.Context, version string, opts ...DownOption) (*DownResult, error) {
	var cfg downConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := m.dir.checkVersion(version); err != nil {
		return nil, err
	}
	conn, _, unlock, err := m.lockedConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := m.downLocked(ctx, conn, version, cfg)
	return res, errors.Join(err, unlock())
}

func (m *Migrator) downLocked(ctx context.Context, conn *sql.Conn, version string, cfg downConfig) (*DownResult, error) {
	revs := &revisionStore{db: conn, schema: m.revisionSchema}
	history, err := revs.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	current := currentVersion(history)
	res := &DownResult{From: current, To: current}
	if n := len(history); n > 0 {
		if last := publicRevision(history[n-1]); !last.Done() {
			return res, &PartialError{Revision: last}
		}
	}
	if current == "" || version >= current {
		return res, nil
	}
	if version < history[0].Version {
		return res, fmt.Errorf("%w: %s is older than the database's history, which starts at %s",
			ErrUnknownVersion, version, history[0].Version)
	}
	if m.dir.file(current) == nil {
		return res, fmt.Errorf("%w: the database is at %s, which this directory does not have", ErrUnknownVersion, current)
	}
	res.To = version
	for i := len(history) - 1; i >= 0 && history[i].Version > version; i-- {
		res.Reverted = append(res.Reverted, publicRevision(history[i]))
	}

	scratch, err := m.openScratch(ctx)
	if err != nil {
		return res, err
	}
	currentSchema, err := m.schemaAt(ctx, scratch, current)
	var targetSchema *schema.Schema
	if err == nil {
		targetSchema, err = m.schemaAt(ctx, scratch, version)
	}
	if err = errors.Join(err, scratch.close(ctx)); err != nil {
		return res, err
	}

	live, drv, err := liveSchema(ctx, conn)
	if err != nil {
		return res, err
	}
	drift, err := diffSchemas(drv, live, currentSchema)
	if err != nil {
		return res, err
	}
	if drift = withoutAlembicTable(drift); len(drift) > 0 {
		return res, &DriftError{Version: current, Differences: describeChanges(drift, "version "+current)}
	}
	changes, err := diffSchemas(drv, live, targetSchema)
	if err != nil {
		return res, err
	}
	changes = withoutAlembicTable(changes)
	if res.SQL, err = planSQL(ctx, drv, changes); err != nil {
		return res, err
	}
	if res.DataLoss, err = dataLoss(ctx, conn, changes, "version "+version); err != nil {
		return res, err
	}
	if len(res.DataLoss) > 0 && !cfg.force {
		return res, &DataLossError{Losses: res.DataLoss}
	}
	if cfg.planOnly {
		return res, nil
	}
	start := time.Now()
	if err := m.rollBackInTx(ctx, conn, res); err != nil {
		return res, err
	}
	res.Applied, res.Duration = true, time.Since(start)
	return res, nil
}

// withoutAlembicTable leaves out of changes the removal of the platform's alembic_version table, which is
// not ours to drop.
func withoutAlembicTable(changes []schema.Change) []schema.Change {
	var rest []schema.Change
	for _, c := range changes {
		if d, ok := c.(*schema.DropTable); ok && d.T.Name == alembicTable {
			continue
		}
		rest = append(rest, c)
	}
	return rest
}

// dataLoss counts the rows that the dropped tables and columns among changes hold, and lists those with any.
func dataLoss(ctx context.Context, conn *sql.Conn, changes []schema.Change, target string) ([]DataLoss, error) {
	var out []DataLoss
	count := func(d Difference, query string) error {
		var n int64
		if err := conn.QueryRowContext(ctx, query).Scan(&n); err != nil {
			return fmt.Errorf("migrate: count rows for %s: %w", d, err)
		}
		if n > 0 {
			out = append(out, DataLoss{Difference: d, Rows: n})
		}
		return nil
	}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			d := describeChanges([]schema.Change{c}, target)[0]
			if err := count(d, "SELECT count(*) FROM "+serverdb.QuoteIdent(c.T.Name)); err != nil {
				return nil, err
			}
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				dc, ok := tc.(*schema.DropColumn)
				if !ok {
					continue
				}
				d := describeTableChange(c.T.Name, dc, target)
				q := "SELECT count(*) FROM " + serverdb.QuoteIdent(c.T.Name) + " WHERE " + serverdb.QuoteIdent(dc.C.Name) + " IS NOT NULL"
				if err := count(d, q); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// rollBackInTx runs the planned statements and removes the reverted history rows in one transaction.
func (m *Migrator) rollBackInTx(ctx context.Context, conn *sql.Conn, res *DownResult) error {
	err := inTx(ctx, conn, func(tx *sql.Tx) error {
		for _, q := range res.SQL {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("roll back to %s: statement %q: %w", res.To, q, err)
			}
		}
		revs := &revisionStore{db: tx, schema: m.revisionSchema}
		for _, r := range res.Reverted {
			if err := revs.DeleteRevision(ctx, r.Version); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
