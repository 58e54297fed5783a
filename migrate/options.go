package migrate

import (
	"io/fs"
	"time"
)

// DefaultLockTimeout is how long Up, Down and Adopt wait for another process's migration run to finish
// before giving up with ErrLockTimeout. It is longer than the Atlas CLI's ten seconds because an instance
// starting while another one applies a slow migration to a large database should wait for it, not fail.
const DefaultLockTimeout = 5 * time.Minute

// DefaultStatementLockTimeout is how long a migration statement waits for a table lock before its file is
// rolled back and retried (see WithStatementLockTimeout); DefaultLockRetries is how many times.
const (
	DefaultStatementLockTimeout = 3 * time.Second
	DefaultLockRetries          = 4
)

// config holds what Options set.
type config struct {
	fsys            fs.FS
	lockTimeout     time.Duration
	revisionSchema  string
	scratchURL      string
	stmtLockTimeout time.Duration
	lockRetries     int
}

// Option configures a Migrator.
type Option func(*config)

// WithDirectory applies the migration directory fsys (its *.sql files and atlas.sum at the root) instead
// of the embedded yapstore migrations. Tests use it for broken directories; services can use it for their own.
func WithDirectory(fsys fs.FS) Option {
	return func(c *config) { c.fsys = fsys }
}

// WithLockTimeout sets how long to wait for the migration lock (default DefaultLockTimeout). Zero or a
// negative duration means a single attempt.
func WithLockTimeout(d time.Duration) Option {
	return func(c *config) { c.lockTimeout = max(d, 0) }
}

// WithStatementLockTimeout bounds how long each statement of a migration waits for the locks it needs
// (PostgreSQL's lock_timeout; default DefaultStatementLockTimeout). A statement that waits for a lock, an
// ALTER TABLE behind a long transaction say, holds its place in the table's lock queue, and every session
// that comes after waits behind it, the service's own updates included: the bound is how long they can be
// held up. A file whose statement times out is rolled back and, when it runs in a transaction, tried again
// after a pause, up to WithLockRetries times; then Up fails with a *LockConflictError naming the sessions
// that held the locks. Zero or less means no bound (PostgreSQL's default).
func WithStatementLockTimeout(d time.Duration) Option {
	return func(c *config) { c.stmtLockTimeout = max(d, 0) }
}

// WithLockRetries sets how many times a migration file whose statement could not get its locks is tried
// again, with growing pauses between the tries (default DefaultLockRetries); 0 means no retry.
func WithLockRetries(n int) Option {
	return func(c *config) { c.lockRetries = max(n, 0) }
}

// WithRevisionSchema keeps the history table in schema name instead of DefaultRevisionSchema, like the Atlas
// CLI's --revisions-schema flag. Both tools must agree on it.
func WithRevisionSchema(name string) Option {
	return func(c *config) { c.revisionSchema = name }
}

// WithScratchURL names an empty database that Down and Adopt may use to replay migrations, instead of
// creating and dropping a temporary database on the same server (with the CREATEDB privilege) or, without
// that privilege, a schema inside a transaction on the live database that is rolled back. Its contents are
// dropped.
func WithScratchURL(databaseURL string) Option {
	return func(c *config) { c.scratchURL = databaseURL }
}
