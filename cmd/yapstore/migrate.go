package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/migrate"
)

// sectionMigrations is the help section of the migrate group.
const sectionMigrations = "Migrations"

// Exit codes of "migrate status" beyond the program's usual ones, so that scripts can tell a database that
// "migrate up" will bring up to date from one that needs an operator.
const (
	exitMigrationsPending = 3 // files are pending: "yapstore migrate up" applies them
	exitNeedsAttention    = 4 // adopt it, or a failed, changed or out-of-order file: an operator must look
)

// migrateTools are what the migrate commands use beyond the database, behind functions so that tests can
// stand in for a machine without pg_dump.
type migrateTools struct {
	// backup writes a pg_dump of the database behind m to path.
	backup func(ctx context.Context, m *migrate.Migrator, path string) (*migrate.BackupResult, error)
}

// migrateCommand is the "migrate" group as the program ships it.
func migrateCommand() *cli.Command {
	return newMigrateCommand(migrateTools{
		backup: func(ctx context.Context, m *migrate.Migrator, path string) (*migrate.BackupResult, error) {
			return m.Backup(ctx, path)
		},
	})
}

// newMigrateCommand builds the "migrate" group over tools.
func newMigrateCommand(tools migrateTools) *cli.Command {
	return &cli.Command{
		Name:    "migrate",
		Section: sectionMigrations,
		Summary: "Upgrade, inspect, roll back or adopt the database schema",
		Description: `Applies yapstore's migrations, which are built into this binary, with the history table
(atlas_schema_revisions) and advisory lock of the Atlas CLI: a database migrated by one is continued by
the other, and two runs never apply at once (the second waits, then finds nothing to do).

The operator workflow: run "migrate up --backup FILE" on a copy of production first and keep the figures
it prints (or "migrate report"); then back up and migrate the real database; check it with "migrate
status"; roll back with "migrate down --to VERSION" if needed. A database the platform built (Alembic or
create_all) is taken over once with "migrate adopt".`,
		Commands: []*cli.Command{
			migrateStatusCommand(),
			migrateUpCommand(tools),
			migrateDownCommand(),
			migrateAdoptCommand(),
			migrateReportCommand(),
			migrateRehearseCommand(),
		},
		Examples: []string{
			"yapstore migrate status",
			"yapstore migrate up --backup /var/backups/yaptide-$(date +%F).dump",
			"yapstore migrate down --to 20261122065640 --plan",
		},
	}
}

// migrateFlags are the flags the migrate subcommands share.
type migrateFlags struct {
	dir             string
	revisionsSchema string
	lockTimeout     string
	stmtLockTimeout string
	lockRetries     *int32
	scratchURL      string
}

// register adds the shared flags to fs: --dir and --revisions-schema always, --lock-timeout for commands
// that change the schema, --scratch-url for those that replay migrations on a scratch database.
func (f *migrateFlags) register(fs *cli.FlagSet, locks, scratch bool) {
	fs.StringVar(&f.dir, "dir", "DIR", "use the migration files in DIR (with their atlas.sum) instead of the built-in ones")
	fs.StringVar(&f.revisionsSchema, "revisions-schema", "NAME",
		"the history table's schema, as the Atlas CLI's flag (default "+migrate.DefaultRevisionSchema+")")
	if locks {
		fs.StringVar(&f.lockTimeout, "lock-timeout", "DURATION",
			"wait this long for another migration run to finish, such as 30s or 10m (default "+
				strings.TrimSuffix(migrate.DefaultLockTimeout.String(), "0s")+")")
		fs.StringVar(&f.stmtLockTimeout, "statement-lock-timeout", "DURATION",
			"let each migration statement wait this long for its table locks, so that the service's writers queued behind it wait no longer (default "+
				migrate.DefaultStatementLockTimeout.String()+"; 0: no bound)")
		fs.OptionalInt32Var(&f.lockRetries, "lock-retries", "N",
			"try a file that could not get its locks N more times, pausing between tries (default "+
				strconv.Itoa(migrate.DefaultLockRetries)+")")
	}
	if scratch {
		fs.StringVar(&f.scratchURL, "scratch-url", "URL",
			"an empty database to replay migrations on (emptied); default: a temporary one on the server, or without CREATEDB a schema in a transaction that is rolled back")
	}
}

// options turns the flags into Migrator options. A malformed --lock-timeout is a usage error.
func (f *migrateFlags) options(env *cli.Env) ([]migrate.Option, error) {
	var opts []migrate.Option
	if f.dir != "" {
		if info, err := os.Stat(f.dir); err != nil || !info.IsDir() {
			return nil, cli.Usagef("--dir %s: not a directory", f.dir)
		}
		opts = append(opts, migrate.WithDirectory(os.DirFS(f.dir)))
	}
	if f.revisionsSchema != "" {
		opts = append(opts, migrate.WithRevisionSchema(f.revisionsSchema))
	}
	if f.lockTimeout != "" {
		d, err := time.ParseDuration(f.lockTimeout)
		if err != nil {
			return nil, cli.Usagef("invalid value %q for flag -lock-timeout: want a duration such as 30s or 10m", f.lockTimeout)
		}
		opts = append(opts, migrate.WithLockTimeout(d))
	}
	if f.stmtLockTimeout != "" {
		d, err := time.ParseDuration(f.stmtLockTimeout)
		if err != nil || d < 0 {
			return nil, cli.Usagef("invalid value %q for flag -statement-lock-timeout: want a duration such as 3s", f.stmtLockTimeout)
		}
		opts = append(opts, migrate.WithStatementLockTimeout(d))
	}
	if f.lockRetries != nil {
		if *f.lockRetries < 0 || *f.lockRetries > 100 {
			return nil, cli.Usagef("--lock-retries: %d is outside 0..100", *f.lockRetries)
		}
		opts = append(opts, migrate.WithLockRetries(int(*f.lockRetries)))
	}
	if f.scratchURL != "" {
		scratch, err := cli.NormalizeDatabaseURL(f.scratchURL)
		if err != nil {
			return nil, cli.Usagef("--scratch-url: %v", err)
		}
		if cfg, err := pgconn.ParseConfig(scratch); err == nil {
			env.AddSecret(cfg.Password)
		}
		opts = append(opts, migrate.WithScratchURL(scratch))
	}
	return opts, nil
}

// openMigrator connects to the configured database with the flags' options. It returns the Migrator and the
// database's URL (for pg_dump and messages, which must redact it); its errors are one line each.
func (f *migrateFlags) openMigrator(ctx context.Context, env *cli.Env) (*migrate.Migrator, string, error) {
	opts, err := f.options(env)
	if err != nil {
		return nil, "", err
	}
	dbURL, source, err := env.DatabaseURL()
	if err != nil {
		return nil, "", err
	}
	env.Logf("Connecting to %s (from %s)", dburl.Redact(dbURL), source)
	connectCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	m, err := migrate.Open(connectCtx, dbURL, opts...)
	switch {
	case err == nil:
		return m, dbURL, nil
	case errors.Is(err, migrate.ErrChecksumMismatch):
		return nil, "", migrateError(err)
	case ctx.Err() != nil:
		return nil, "", ctx.Err()
	}
	reason := strings.TrimPrefix(connectReason(err), "migrate: connect to database: ")
	return nil, "", fmt.Errorf("cannot connect to the database at %s: %s", dburl.Redact(dbURL), reason)
}

// run returns a command's Run that opens the Migrator with the flags' options, calls fn with it and the
// database's URL, and closes it; an error opening it is the command's error.
func (f *migrateFlags) run(fn func(ctx context.Context, env *cli.Env, m *migrate.Migrator, dbURL string) error) func(context.Context, *cli.Env) error {
	return func(ctx context.Context, env *cli.Env) error {
		m, dbURL, err := f.openMigrator(ctx, env)
		if err != nil {
			return err
		}
		defer m.Close()
		return fn(ctx, env, m, dbURL)
	}
}

// migrateCLIError is an error of package migrate reworded for operators: its message says what to do next,
// and the original stays reachable for errors.Is and errors.As.
type migrateCLIError struct {
	msg string
	err error
}

func (e *migrateCLIError) Error() string { return e.msg }
func (e *migrateCLIError) Unwrap() error { return e.err }

// migrateExitError is a failure that exits with its own code (see exitMigrationsPending). Its message, if
// any, is printed on standard error.
type migrateExitError struct {
	code int
	msg  string
}

func (e *migrateExitError) Error() string { return e.msg }
func (e *migrateExitError) ExitCode() int { return e.code }

// migrateHints says, for the errors of package migrate that an operator acts on, what to do next.
var migrateHints = []struct {
	err  error
	hint string
}{
	{migrate.ErrNotClean, "it was built by the platform (Alembic or create_all): run 'yapstore migrate adopt' first"},
	{migrate.ErrPartial, "see 'yapstore migrate status'; 'yapstore migrate up --resume' continues the file from the statement that did not run"},
	{migrate.ErrHistoryChanged, "the files must stay as they were applied: use the yapstore release that applied them, or restore them"},
	{migrate.ErrNonLinear, "a file older than the last applied one was added; it never ran on this database"},
	{migrate.ErrLockTimeout, "another migration run (yapstore or the Atlas CLI) holds the lock: wait for it, or raise --lock-timeout"},
	{migrate.ErrLockConflict, "nothing of the file stayed; run again when those sessions are done, or raise --statement-lock-timeout and --lock-retries"},
	{migrate.ErrPooler, "point --database-url (or DATABASE_URL) at the PostgreSQL server, not at PgBouncer"},
	{migrate.ErrNoScratch, "pass --scratch-url with an empty database, or grant the role CREATEDB or CREATE on the database"},
	{migrate.ErrChecksumMismatch, "the migration directory was changed after it was hashed"},
}

// migrateError rewords the errors of package migrate that an operator acts on: it drops the "migrate: "
// prefix, joins multi-line messages onto one line and says what to run next. Other errors pass unchanged.
func migrateError(err error) error {
	if err == nil {
		return nil
	}
	msg := strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "migrate: ")), " ")
	var hint string
	for _, h := range migrateHints {
		if errors.Is(err, h.err) {
			hint = h.hint
			break
		}
	}
	var pgErr *pgconn.PgError
	if hint == "" && !errors.As(err, &pgErr) && !strings.HasPrefix(err.Error(), "migrate: ") {
		return err
	}
	if hint != "" {
		msg += ": " + hint
	}
	return &migrateCLIError{msg: msg, err: err}
}

// unknownVersionError says which versions exist when an operator named one that does not.
func unknownVersionError(m *migrate.Migrator, version string, err error) error {
	files := m.Files()
	known := mapEach(files, func(f migrate.File) string { return f.Version + " (" + f.Description + ")" })
	msg := strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "migrate: ")), " ")
	if !strings.Contains(msg, version) {
		msg += ": " + version
	}
	return &migrateCLIError{msg: msg + "; the versions are " + strings.Join(known, ", "), err: err}
}
