package migrate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Every error this package returns for one of these conditions matches the sentinel with
// errors.Is; most also carry details in a typed error usable with errors.As.
var (
	// ErrChecksumMismatch is returned when the migration directory does not match its atlas.sum: a file was
	// edited, added or removed without re-hashing the directory. Nothing is applied. See *ChecksumError.
	ErrChecksumMismatch = errors.New("migrate: migration directory does not match atlas.sum")

	// ErrHistoryChanged is returned when a migration file that the database history records as applied no
	// longer has the hash it was applied with: the file was edited after it ran. Nothing is applied.
	// See *HistoryChangedError.
	ErrHistoryChanged = errors.New("migrate: an applied migration file was changed")

	// ErrLockTimeout is returned when another process (another instance, or the Atlas CLI) held the
	// migration lock for longer than the lock timeout. See *LockTimeoutError.
	ErrLockTimeout = errors.New("migrate: timed out waiting for the migration lock")

	// ErrPartial is returned by Up when the history ends with a file that was only partly applied or that
	// failed outside a transaction, so the schema is somewhere between two versions. Status shows the file
	// and its error; Up with ResumePartial continues it from the first statement that did not run, like the
	// Atlas CLI. See *PartialError.
	ErrPartial = errors.New("migrate: the database holds a partially applied migration")

	// ErrNotClean is returned by Up when the database has no migration history but already holds tables:
	// it was built by something else (the platform's Alembic migrations or create_all). Use Adopt.
	ErrNotClean = errors.New("migrate: database has tables but no migration history (adopt it first)")

	// ErrNonLinear is returned by Up when the directory holds a file older than the last applied version
	// that the database never ran.
	ErrNonLinear = errors.New("migrate: migration file added out of order")

	// ErrUnknownVersion is returned when a requested version is not one of the directory's versions.
	ErrUnknownVersion = errors.New("migrate: unknown migration version")

	// ErrLockConflict is returned when a migration statement could not get the table locks it needs within
	// the statement lock timeout, on every try: other sessions held them. The file was rolled back. See
	// *LockConflictError, which names those sessions.
	ErrLockConflict = errors.New("migrate: a migration could not get its table locks")

	// ErrPooler is returned when the database URL reaches PostgreSQL through a connection pooler such as
	// PgBouncer: the migration lock is a session lock, which a pooler in transaction mode does not keep.
	// Nothing is applied; give the URL of the PostgreSQL server itself (its host and port, not the pooler's).
	ErrPooler = errors.New("migrate: the database is reached through a connection pooler (such as PgBouncer), " +
		"where the migration lock does not hold: use the URL of the PostgreSQL server itself, not the pooler's")

	// ErrMigrationFailed is returned when a statement of a migration file fails. The file's transaction was
	// rolled back, so the database stays at the previous version. See *MigrationError.
	ErrMigrationFailed = errors.New("migrate: migration failed")
)

// ChecksumError describes how the migration directory differs from its atlas.sum. It matches
// ErrChecksumMismatch with errors.Is.
type ChecksumError struct {
	// File is the file that differs, or "atlas.sum" when the sum file itself is missing or malformed.
	File string
	// Reason is "edited", "added", "removed", "missing" (no atlas.sum) or "malformed".
	Reason string
}

// Error implements error.
func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%v: %s %s (run `atlas migrate hash` only if the change is intended)", ErrChecksumMismatch, e.File, e.Reason)
}

// Is reports whether target is ErrChecksumMismatch.
func (e *ChecksumError) Is(target error) bool { return target == ErrChecksumMismatch }

// HistoryChangedError lists the applied files whose content changed since they ran. It matches
// ErrHistoryChanged with errors.Is.
type HistoryChangedError struct {
	// Files are the names of the changed files.
	Files []string
}

// Error implements error.
func (e *HistoryChangedError) Error() string {
	return fmt.Sprintf("%v: %s", ErrHistoryChanged, strings.Join(e.Files, ", "))
}

// Is reports whether target is ErrHistoryChanged.
func (e *HistoryChangedError) Is(target error) bool { return target == ErrHistoryChanged }

// LockTimeoutError says how long Up waited for the migration lock and, when PostgreSQL could tell, which
// session holds it. It matches ErrLockTimeout with errors.Is.
type LockTimeoutError struct {
	// Waited is how long the lock was polled.
	Waited time.Duration
	// HolderPID is the backend process id of the session holding the lock, 0 if unknown.
	HolderPID int
	// HolderApplication is that session's application_name, "" if unknown.
	HolderApplication string
}

// Error implements error.
func (e *LockTimeoutError) Error() string {
	msg := fmt.Sprintf("%v after %s", ErrLockTimeout, e.Waited.Round(time.Millisecond))
	if e.HolderPID != 0 {
		msg += fmt.Sprintf(" (held by backend pid %d, application %q)", e.HolderPID, e.HolderApplication)
	}
	return msg
}

// Is reports whether target is ErrLockTimeout.
func (e *LockTimeoutError) Is(target error) bool { return target == ErrLockTimeout }

// LockConflictError says which file could not get its locks, how many times it was tried, and which sessions
// held the locks it waited for when it last gave up. It matches ErrLockConflict with errors.Is.
type LockConflictError struct {
	// File is the migration file, rolled back.
	File File
	// Tries is how many times it was run.
	Tries int
	// Timeout is the statement lock timeout each try waited.
	Timeout time.Duration
	// Blockers are the sessions that held what the last try waited for, as pg_blocking_pids saw them; empty
	// when they could not be seen (no privilege to see other sessions).
	Blockers []BlockingSession
	// Err is the database's error of the last try.
	Err error
}

// BlockingSession is a session that held a lock a migration waited for.
type BlockingSession struct {
	PID         int           // its backend process id
	Application string        // its application_name
	State       string        // its state, e.g. "idle in transaction"
	Query       string        // its current or last statement, shortened; hidden when it mentions a password
	InXact      time.Duration // how long its transaction had been open
}

// Error implements error.
func (e *LockConflictError) Error() string {
	msg := fmt.Sprintf("%v: %s waited %s for its locks %d times and was rolled back", ErrLockConflict, e.File.Name,
		e.Timeout, e.Tries)
	for i, b := range e.Blockers {
		if i == 0 {
			msg += "; held by"
		} else {
			msg += ","
		}
		msg += fmt.Sprintf(" backend pid %d (%q, %s for %s: %q)", b.PID, b.Application, b.State,
			b.InXact.Round(time.Millisecond), b.Query)
	}
	return msg
}

// Is reports whether target is ErrLockConflict.
func (e *LockConflictError) Is(target error) bool { return target == ErrLockConflict }

// Unwrap returns the database's error.
func (e *LockConflictError) Unwrap() error { return e.Err }

// PartialError names the partly applied or failed file at the end of the history. It matches ErrPartial with
// errors.Is.
type PartialError struct {
	// Revision is the history row of that file.
	Revision Revision
}

// Error implements error.
func (e *PartialError) Error() string {
	r := e.Revision
	msg := fmt.Sprintf("%v: version %s (%s) ran %d of %d statements", ErrPartial, r.Version, r.Description, r.Applied, r.Total)
	if r.Error != "" {
		msg += ": " + r.Error
	}
	return msg
}

// Is reports whether target is ErrPartial.
func (e *PartialError) Is(target error) bool { return target == ErrPartial }

// MigrationError tells which file and statement failed and why. The underlying database error (for example a
// *pgconn.PgError) is available through errors.As. It matches ErrMigrationFailed with errors.Is.
type MigrationError struct {
	// File is the migration file that failed.
	File File
	// Statement is the SQL text of the failing statement, "" when the failure was not in a statement.
	Statement string
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *MigrationError) Error() string {
	if e.Statement != "" {
		return fmt.Sprintf("%v: %s: statement %q: %v", ErrMigrationFailed, e.File.Name, e.Statement, e.Err)
	}
	return fmt.Sprintf("%v: %s: %v", ErrMigrationFailed, e.File.Name, e.Err)
}

// Unwrap returns the underlying error.
func (e *MigrationError) Unwrap() error { return e.Err }

// Is reports whether target is ErrMigrationFailed.
func (e *MigrationError) Is(target error) bool { return target == ErrMigrationFailed }
