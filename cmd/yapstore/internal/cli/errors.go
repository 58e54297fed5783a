package cli

import (
	"errors"
	"fmt"
)

// Exit codes of the program.
const (
	ExitOK      = 0 // the command did what was asked
	ExitFailure = 1 // the command failed: missing or unreachable database, a row not found, a refused change
	ExitUsage   = 2 // the command line was wrong: unknown command or flag, missing or malformed argument
)

// UsageError is an error in the command line itself. Main prints it with a pointer to the command's help
// and exits with ExitUsage.
type UsageError struct {
	Msg string
}

// Error returns the message.
func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError with a formatted message, for commands that find a bad argument.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// usagef is Usagef for this package.
func usagef(format string, args ...any) error { return Usagef(format, args...) }

// ExitCoder is implemented by errors that choose their own exit code (say, a "migrate status" that exits 3
// when migrations are pending). Main exits with ExitCode after printing the error's message, if any.
type ExitCoder interface {
	error
	ExitCode() int
}

// ErrNoDatabase is returned by Env.DatabaseURL when no database is configured.
var ErrNoDatabase = errors.New("no database configured: pass --database-url or set DATABASE_URL (or FLASK_SQLALCHEMY_DATABASE_URI)")

// ErrUnsupportedDatabase is returned by NormalizeDatabaseURL for a URL that names a database other than
// PostgreSQL, such as the sqlite:// URL of a platform's development setup.
var ErrUnsupportedDatabase = errors.New("not a PostgreSQL database URL")
