package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// UpResult reports what Up did.
type UpResult struct {
	// From is the version the database was at before, "" when it had no history.
	From string
	// To is the version it is at now (equal to From when nothing was pending).
	To string
	// Applied lists the files applied, in order, with their timings; empty when nothing was pending.
	Applied []AppliedFile
	// LockWait is how long Up waited for another process's migration run to finish.
	LockWait time.Duration
	// Before and After are the database's figures around the run; nil unless Up was called with
	// CollectStats.
	Before, After *Stats
}

// AppliedFile is one file that Up applied.
type AppliedFile struct {
	File
	// Statements is the number of statements that ran.
	Statements int
	// Duration is the wall-clock time of the file, its transaction's commit included.
	Duration time.Duration
}

// upConfig holds what UpOptions set.
type upConfig struct {
	to       string
	stats    bool
	resume   bool
	progress func(AppliedFile)
}

// UpOption configures one call of Up.
type UpOption func(*upConfig)

// UpTo stops after version (applied too). Up returns an error matching ErrUnknownVersion when the directory
// has no such version; a version already applied means there is nothing to do.
func UpTo(version string) UpOption {
	return func(c *upConfig) { c.to = version }
}

// CollectStats measures the database (row count per table, sizes) before and after applying, into
// UpResult.Before and After. Counting rows reads every table, so it is off by default.
func CollectStats() UpOption {
	return func(c *upConfig) { c.stats = true }
}

// ResumePartial lets Up continue a file that an earlier run left partly applied (possible only for files
// that run outside a transaction), from its first statement that did not run, as the Atlas CLI does.
// Without it Up refuses with ErrPartial.
func ResumePartial() UpOption {
	return func(c *upConfig) { c.resume = true }
}

// OnApplied calls fn after each file is applied, for progress output.
func OnApplied(fn func(AppliedFile)) UpOption {
	return func(c *upConfig) { c.progress = fn }
}

// Up applies the pending migration files in order, each in its own transaction, recording each in the
// history table. It first takes the migration lock, so when several processes (or the Atlas CLI) start at
// once one applies while the others wait, then find nothing to do.
//
// Before applying it checks the directory against atlas.sum and the applied files against their recorded
// hashes. Errors: *LockTimeoutError (ErrLockTimeout), *HistoryChangedError (ErrHistoryChanged),
// *PartialError (ErrPartial), ErrNotClean for a database built without this history, ErrNonLinear,
// ErrUnknownVersion for a bad UpTo, and *MigrationError (ErrMigrationFailed) when a file fails: that file is
// rolled back and the files before it stay applied; the result then lists those. A database that a newer
// yapstore migrated further (versions this directory lacks) is left alone: nothing is pending for it.
func (m *Migrator) Up(ctx context.Context, opts ...UpOption) (*UpResult, error) {
	var cfg upConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.to != "" {
		if err := m.dir.checkVersion(cfg.to); err != nil {
			return nil, err
		}
	}
	conn, waited, unlock, err := m.lockedConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := m.upLocked(ctx, conn, cfg)
	if res != nil {
		res.LockWait = waited
	}
	return res, errors.Join(err, unlock())
}

// upLocked is Up once the lock is held on conn.
func (m *Migrator) upLocked(ctx context.Context, conn *sql.Conn, cfg upConfig) (*UpResult, error) {
	revs := &revisionStore{db: conn, schema: m.revisionSchema}
	if err := revs.ensureTable(ctx); err != nil {
		return nil, err
	}
	history, err := revs.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	res := &UpResult{From: currentVersion(history)}
	res.To = res.From
	if err := m.checkHistory(history, cfg.resume); err != nil {
		return res, err
	}
	pending, err := m.pending(ctx, conn, revs)
	if err != nil {
		return res, err
	}
	if cfg.to != "" {
		pending = filesUpTo(pending, cfg.to)
	}
	if len(pending) == 0 {
		return res, nil
	}
	if cfg.stats {
		if res.Before, err = measure(ctx, conn, m.revisionSchema); err != nil {
			return res, err
		}
	}
	for _, f := range pending {
		applied, err := m.applyFile(ctx, conn, f)
		if err != nil {
			return res, err
		}
		res.Applied = append(res.Applied, applied)
		res.To = f.Version()
		if cfg.progress != nil {
			cfg.progress(applied)
		}
	}
	if cfg.stats {
		if res.After, err = measure(ctx, conn, m.revisionSchema); err != nil {
			return res, err
		}
	}
	return res, nil
}

// pending asks Atlas which files are pending on the database behind conn and maps its errors to the
// package's.
func (m *Migrator) pending(ctx context.Context, conn schema.ExecQuerier, revs *revisionStore) ([]atlasmigrate.File, error) {
	pending, err := m.atlasPending(ctx, conn, revs)
	return pending, pendingError(err)
}

// atlasPending returns Atlas's answer as is: the pending files, or an error such as
// migrate.ErrNoPendingFiles, *migrate.NotCleanError or *migrate.HistoryNonLinearError.
func (m *Migrator) atlasPending(ctx context.Context, conn schema.ExecQuerier, revs *revisionStore) ([]atlasmigrate.File, error) {
	drv, err := postgres.Open(conn)
	if err != nil {
		return nil, fmt.Errorf("migrate: open Atlas driver: %w", err)
	}
	ex, err := atlasmigrate.NewExecutor(drv, m.dir.dir, revs, atlasmigrate.WithOperatorVersion(m.operatorVersion))
	if err != nil {
		return nil, fmt.Errorf("migrate: create Atlas executor: %w", err)
	}
	return ex.Pending(ctx)
}

// pendingError maps an error of Atlas's Executor.Pending to the package's; "no pending files" is no error.
func pendingError(err error) error {
	var (
		notClean  *atlasmigrate.NotCleanError
		nonLinear *atlasmigrate.HistoryNonLinearError
		missing   *atlasmigrate.MissingMigrationError
	)
	switch {
	case err == nil, errors.Is(err, atlasmigrate.ErrNoPendingFiles):
		return nil
	case errors.As(err, &notClean):
		return fmt.Errorf("%w: %s", ErrNotClean, notCleanReason(notClean))
	case errors.As(err, &nonLinear):
		names := make([]string, len(nonLinear.OutOfOrder))
		for i, f := range nonLinear.OutOfOrder {
			names[i] = f.Name()
		}
		return fmt.Errorf("%w: %s", ErrNonLinear, strings.Join(names, ", "))
	case errors.As(err, &missing):
		return fmt.Errorf("%w: partially applied version %s is not in the directory", ErrPartial, missing.Version)
	default:
		return fmt.Errorf("migrate: compute pending files: %w", err)
	}
}

// checkHistory refuses to go on when an applied file changed since it ran, or (unless resume) when the
// history ends with a partly applied or failed file.
func (m *Migrator) checkHistory(history []*atlasmigrate.Revision, resume bool) error {
	if changed := m.changedFiles(history); len(changed) > 0 {
		return &HistoryChangedError{Files: changed}
	}
	if n := len(history); n > 0 && !resume {
		if last := publicRevision(history[n-1]); !last.Done() {
			return &PartialError{Revision: last}
		}
	}
	return nil
}

// changedFiles names the files whose atlas.sum hash differs from the hash recorded when they ran. Baseline
// rows carry no hash, and versions the directory does not know (a newer binary ran them) are not judged.
func (m *Migrator) changedFiles(history []*atlasmigrate.Revision) []string {
	var changed []string
	for _, r := range history {
		f := m.dir.file(r.Version)
		if f == nil || r.Hash == "" || !r.Type.Has(atlasmigrate.RevisionTypeExecute) {
			continue
		}
		if info := m.dir.fileInfo(f); info.Hash != r.Hash {
			changed = append(changed, info.Name)
		}
	}
	return changed
}

// applyFile runs one file: in its own transaction, unless the file asks for "atlas:txmode none". Each of its
// statements waits for its locks at most the statement lock timeout; a file in a transaction whose statement
// times out is rolled back and tried again after a pause, up to the lock retries, and then fails with a
// *LockConflictError naming the sessions that held the locks. A file outside a transaction is not retried
// (its history row records where it stopped; Up with ResumePartial continues it).
func (m *Migrator) applyFile(ctx context.Context, conn *sql.Conn, f atlasmigrate.File) (AppliedFile, error) {
	info := m.dir.fileInfo(f)
	mode, err := txMode(f)
	if err != nil {
		return AppliedFile{}, &MigrationError{File: info, Err: err}
	}
	start := time.Now()
	for tries := 1; ; tries++ {
		watch := m.watchBlockers(ctx, conn)
		if mode == "none" {
			err = m.executeBounded(ctx, conn, f)
		} else {
			err = m.executeInTx(ctx, conn, f)
		}
		blockers := watch.finish()
		if err == nil {
			break
		}
		if mode == "none" {
			// A CREATE INDEX CONCURRENTLY that failed leaves an invalid index behind, which writers keep
			// maintaining and the next try would trip over: drop it, concurrently too.
			err = errors.Join(err, dropInvalidIndexes(ctx, conn, f))
		}
		if !isLockTimeout(err) {
			return AppliedFile{}, migrationError(info, err)
		}
		if mode == "none" || tries > m.lockRetries {
			return AppliedFile{}, &LockConflictError{File: info, Tries: tries, Timeout: m.stmtLockTimeout,
				Blockers: blockers, Err: err}
		}
		// Step out of the lock queue and let the sessions ahead finish: 0.25 s, 0.5 s, 1 s, ... up to 4 s,
		// each with up to half again added, so that several instances do not retry in step.
		pause := min(250*time.Millisecond<<(tries-1), 4*time.Second)
		pause += rand.N(pause/2 + 1)
		select {
		case <-ctx.Done():
			return AppliedFile{}, migrationError(info, ctx.Err())
		case <-time.After(pause):
		}
	}
	stmts, err := scanStatements(f)
	if err != nil {
		return AppliedFile{}, &MigrationError{File: info, Err: err}
	}
	return AppliedFile{File: info, Statements: len(stmts), Duration: time.Since(start)}, nil
}

// executeInTx runs f with Atlas's executor inside one transaction on conn, the history row included, and
// commits. Its statements wait for their locks at most the statement lock timeout (SET LOCAL: the setting
// ends with the transaction). On error the transaction is rolled back: neither the schema change nor its
// history row stays.
func (m *Migrator) executeInTx(ctx context.Context, conn *sql.Conn, f atlasmigrate.File) error {
	return inTx(ctx, conn, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL lock_timeout = "+lockTimeoutSetting(m.stmtLockTimeout)); err != nil {
			return fmt.Errorf("set lock_timeout: %w", err)
		}
		return m.execute(ctx, tx, f)
	})
}

// executeBounded runs f outside a transaction with the session's lock_timeout at the statement lock timeout
// for its duration.
func (m *Migrator) executeBounded(ctx context.Context, conn *sql.Conn, f atlasmigrate.File) (err error) {
	if _, err := conn.ExecContext(ctx, "SET lock_timeout = "+lockTimeoutSetting(m.stmtLockTimeout)); err != nil {
		return fmt.Errorf("set lock_timeout: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "RESET lock_timeout"); rerr != nil {
			err = errors.Join(err, fmt.Errorf("reset lock_timeout: %w", rerr))
		}
	}()
	return m.execute(ctx, conn, f)
}

// concurrentIndex finds the indexes a file builds concurrently.
var concurrentIndex = regexp.MustCompile(`(?i)CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|\w+)`)

// dropInvalidIndexes drops, with DROP INDEX CONCURRENTLY, every index that f builds concurrently and that
// PostgreSQL marks invalid: what a failed or cancelled build leaves. It returns the errors of the drops.
func dropInvalidIndexes(ctx context.Context, conn *sql.Conn, f atlasmigrate.File) error {
	var names []string
	for _, m := range concurrentIndex.FindAllStringSubmatch(string(f.Bytes()), -1) {
		name := m[1]
		if strings.HasPrefix(name, `"`) {
			name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
		} else {
			name = strings.ToLower(name)
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	rows, err := conn.QueryContext(ctx, `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid AND c.relname = ANY ($1) AND n.nspname = ANY (current_schemas(false))`, names)
	if err != nil {
		return fmt.Errorf("look for invalid indexes: %w", err)
	}
	var invalid []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		invalid = append(invalid, name)
	}
	rows.Close()
	var errs []error
	for _, name := range invalid {
		if _, err := conn.ExecContext(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+name); err != nil {
			errs = append(errs, fmt.Errorf("drop invalid index %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// lockTimeoutSetting spells d as a lock_timeout value in milliseconds; 0 means none.
func lockTimeoutSetting(d time.Duration) string {
	return strconv.FormatInt(d.Milliseconds(), 10)
}

// isLockTimeout reports whether err is PostgreSQL's lock_not_available (55P03): a lock wait ran past
// lock_timeout.
func isLockTimeout(err error) bool { return sqlState(err) == "55P03" }

// sqlState returns the SQLSTATE of the PostgreSQL error in err's chain, or "" when there is none.
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// execute runs f with Atlas's executor on db (a connection or a transaction), recording it in the history.
func (m *Migrator) execute(ctx context.Context, db schema.ExecQuerier, f atlasmigrate.File) error {
	drv, err := postgres.Open(db)
	if err != nil {
		return fmt.Errorf("open Atlas driver: %w", err)
	}
	revs := &revisionStore{db: db, schema: m.revisionSchema}
	ex, err := atlasmigrate.NewExecutor(drv, m.dir.dir, revs, atlasmigrate.WithOperatorVersion(m.operatorVersion))
	if err != nil {
		return fmt.Errorf("create Atlas executor: %w", err)
	}
	return ex.Execute(ctx, f)
}

// migrationError wraps an error of Atlas's executor into a *MigrationError naming the failing statement.
func migrationError(f File, err error) error {
	merr := &MigrationError{File: f, Err: err}
	var serr *atlasmigrate.StmtExecError
	if errors.As(err, &serr) {
		merr.Err = serr.Err
		if serr.Stmt != nil {
			merr.Statement = serr.Stmt.Text
		}
	}
	return merr
}

// scanStatements splits a file into statements the way Atlas's PostgreSQL driver does when it runs it.
func scanStatements(f atlasmigrate.File) ([]*atlasmigrate.Stmt, error) {
	return (*postgres.Driver)(nil).ScanStmts(string(f.Bytes()))
}

// currentVersion returns the version of the last fully applied (or baseline) revision, "" if none.
func currentVersion(history []*atlasmigrate.Revision) string {
	for i := len(history) - 1; i >= 0; i-- {
		if publicRevision(history[i]).Done() {
			return history[i].Version
		}
	}
	return ""
}

// filesUpTo keeps the files up to and including version.
func filesUpTo(files []atlasmigrate.File, version string) []atlasmigrate.File {
	for i, f := range files {
		if f.Version() > version {
			return files[:i]
		}
	}
	return files
}

// notCleanReason says what Atlas found in a database without history, naming the tables when there are any.
func notCleanReason(err *atlasmigrate.NotCleanError) string {
	if err.State == nil {
		return err.Reason
	}
	var parts []string
	for _, s := range err.State.Schemas {
		if len(s.Tables) == 0 {
			continue
		}
		names := make([]string, len(s.Tables))
		for i, t := range s.Tables {
			names[i] = strconv.Quote(t.Name)
		}
		parts = append(parts, fmt.Sprintf("schema %q has tables %s", s.Name, strings.Join(names, ", ")))
	}
	if len(parts) == 0 {
		return err.Reason
	}
	return strings.Join(parts, "; ")
}
