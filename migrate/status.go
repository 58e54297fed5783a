package migrate

import (
	"context"
	"errors"
	"fmt"

	atlasmigrate "ariga.io/atlas/sql/migrate"
)

// Status is where a database stands relative to the migration directory.
type Status struct {
	// Current is the version of the last file fully applied (or marked as baseline), "" when none.
	Current string
	// Latest is the version of the directory's last file.
	Latest string
	// Applied is the whole history, in version order, including a partial or failed last row.
	Applied []Revision
	// Pending lists the files Up would apply, in order (a partly applied file included).
	Pending []File
	// Partial is the last history row when it did not complete (it ran only some statements, or failed
	// outside a transaction), nil otherwise. Up refuses to continue past it without ResumePartial.
	Partial *Revision
	// Changed names applied files whose content changed since they ran. Up refuses to run while any is.
	Changed []string
	// Unknown lists history rows whose version the directory does not have: a newer yapstore migrated the
	// database. Up leaves such a database alone.
	Unknown []Revision
	// OutOfOrder lists files older than the last applied version that never ran. Up refuses with
	// ErrNonLinear while any is.
	OutOfOrder []File
	// NotClean, when not empty, says why Up would refuse a database without history (for example
	// `schema "public" has tables "User", "Page"`): it was built by something else and needs Adopt.
	NotClean string
}

// UpToDate reports whether the database is at the directory's latest version with nothing left to do and
// nothing wrong.
func (s *Status) UpToDate() bool {
	return len(s.Pending) == 0 && s.Partial == nil && len(s.Changed) == 0 && len(s.OutOfOrder) == 0 &&
		s.NotClean == ""
}

// Status reads the history and compares it with the directory, without taking the lock or changing anything
// (it does not create the history table either). It returns the database's error when a query fails.
func (m *Migrator) Status(ctx context.Context) (*Status, error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: get a connection: %w", err)
	}
	defer conn.Close()
	revs := &revisionStore{db: conn, schema: m.revisionSchema}
	history, err := revs.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	st := &Status{Current: currentVersion(history), Changed: m.changedFiles(history)}
	if n := len(m.dir.files); n > 0 {
		st.Latest = m.dir.files[n-1].Version()
	}
	for _, r := range history {
		pr := publicRevision(r)
		st.Applied = append(st.Applied, pr)
		if m.dir.file(r.Version) == nil {
			st.Unknown = append(st.Unknown, pr)
		}
	}
	if n := len(st.Applied); n > 0 && !st.Applied[n-1].Done() {
		last := st.Applied[n-1]
		st.Partial = &last
	}
	pending, err := m.atlasPending(ctx, conn, revs)
	var (
		notClean  *atlasmigrate.NotCleanError
		nonLinear *atlasmigrate.HistoryNonLinearError
		missing   *atlasmigrate.MissingMigrationError
	)
	switch {
	case errors.As(err, &missing):
		pending = nil // the partial row is reported in Partial and Unknown
	case errors.As(err, &notClean):
		st.NotClean = notCleanReason(notClean)
		pending = m.dir.files
	case errors.As(err, &nonLinear):
		pending = nonLinear.Pending
		for _, f := range nonLinear.OutOfOrder {
			st.OutOfOrder = append(st.OutOfOrder, m.dir.fileInfo(f))
		}
	default:
		if err := pendingError(err); err != nil {
			return nil, err
		}
	}
	for _, f := range pending {
		st.Pending = append(st.Pending, m.dir.fileInfo(f))
	}
	return st, nil
}
