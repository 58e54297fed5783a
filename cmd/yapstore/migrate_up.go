package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrate"
)

// upJSON is what "migrate up --json" prints, also when a file failed (then Error says how).
type upJSON struct {
	From     string             `json:"from"`
	To       string             `json:"to"`
	Applied  []appliedFileJSON  `json:"applied"`
	LockWait float64            `json:"lock_wait_ms"`
	Backup   *backupJSON        `json:"backup"`
	Before   *databaseStatsJSON `json:"before"`
	After    *databaseStatsJSON `json:"after"`
	Error    *upErrorJSON       `json:"error,omitempty"`
}

// appliedFileJSON is one file "migrate up" applied, with its time.
type appliedFileJSON struct {
	migrationFileJSON
	Statements int     `json:"statements"`
	DurationMS float64 `json:"duration_ms"`
}

// backupJSON describes the backup "migrate up --backup" made.
type backupJSON struct {
	Path       string  `json:"path"`
	SizeBytes  int64   `json:"size_bytes"`
	PgDump     string  `json:"pg_dump"`
	Version    string  `json:"pg_dump_version"`
	DurationMS float64 `json:"duration_ms"`
}

// upErrorJSON is the failure of a migration file: which file and statement, and PostgreSQL's words.
type upErrorJSON struct {
	Message   string `json:"message"`
	File      string `json:"file,omitempty"`
	Statement string `json:"statement,omitempty"`
	Detail    string `json:"detail,omitempty"`
	Hint      string `json:"hint,omitempty"`
}

func migrateUpCommand(tools migrateTools) *cli.Command {
	var (
		flags           migrateFlags
		to, backupPath  string
		noStats, resume bool
	)
	return &cli.Command{
		Name:     "up",
		Summary:  "Apply the pending migrations, printing row counts, sizes and times",
		Database: true,
		JSON:     true,
		Description: `Applies the pending migration files in order, each in its own transaction with its history row:
a file that fails is rolled back and the database stays at the version before it. Another run (another
instance starting, or the Atlas CLI) holding the migration lock is waited for.

It prints the time each file took and, before and after, the row count and size of every table and the
size of the database: the figures to keep when testing a migration on a copy of production. Counting
reads every table; --no-stats skips it.

--backup FILE first writes the whole database to FILE with pg_dump (custom format: restore it with
pg_restore). When pg_dump is not installed, or fails, nothing is migrated: install the PostgreSQL client
package matching the server, or back up by other means and run without --backup.

A database the platform built (tables but no migration history) is refused: adopt it first.`,
		Flags: func(fs *cli.FlagSet) {
			fs.StringVar(&to, "to", "VERSION", "stop after this version (applied too) instead of applying every pending file")
			fs.StringVar(&backupPath, "backup", "FILE", "write a pg_dump of the database to FILE first; refuse to migrate without it")
			fs.BoolVar(&noStats, "no-stats", "do not count rows and measure sizes before and after")
			fs.BoolVar(&resume, "resume", "continue a file that a previous run left partly applied")
			flags.register(fs, true, false)
		},
		Examples: []string{
			"yapstore migrate up",
			"yapstore migrate up --backup /var/backups/yaptide-before-upgrade.dump",
			"yapstore migrate up --to 20261122065640 --json > figures.json",
		},
		Run: func(ctx context.Context, env *cli.Env) error {
			if backupPath != "" {
				if err := checkBackupTarget(backupPath); err != nil {
					return err
				}
			}
			m, _, err := flags.openMigrator(ctx, env)
			if err != nil {
				return err
			}
			defer m.Close()
			out := upJSON{Applied: []appliedFileJSON{}}

			if backupPath != "" {
				b, err := backUp(ctx, env, tools, m, backupPath)
				if err != nil {
					return err
				}
				out.Backup = b
			}

			opts := []migrate.UpOption{migrate.OnApplied(func(f migrate.AppliedFile) {
				if !env.JSON {
					env.Printf("Applied %s: %s in %s\n", f.Name, cli.Plural(f.Statements, "statement"), migrateDurationText(f.Duration))
				}
			})}
			if !noStats {
				opts = append(opts, migrate.CollectStats())
			}
			if to != "" {
				opts = append(opts, migrate.UpTo(to))
			}
			if resume {
				opts = append(opts, migrate.ResumePartial())
			}
			if !env.JSON {
				announceUp(ctx, env, m, to)
			}
			res, upErr := m.Up(ctx, opts...)
			if errors.Is(upErr, migrate.ErrUnknownVersion) {
				return unknownVersionError(m, to, upErr)
			}
			if res != nil {
				out.From, out.To, out.LockWait = res.From, res.To, migrateMillis(res.LockWait)
				out.Before, out.After = newDatabaseStatsJSON(res.Before), newDatabaseStatsJSON(res.After)
				for _, f := range res.Applied {
					out.Applied = append(out.Applied, appliedFileJSON{
						migrationFileJSON: newMigrationFileJSON(f.File), Statements: f.Statements, DurationMS: migrateMillis(f.Duration),
					})
				}
			}
			var failure *upErrorJSON
			if upErr != nil {
				failure = newUpErrorJSON(upErr)
			}
			if env.JSON {
				out.Error = failure
				if res != nil || failure != nil {
					if err := env.PrintJSON(out); err != nil {
						return err
					}
				}
			} else if err := printUp(ctx, env, m, res, failure); err != nil {
				return err
			}
			if upErr != nil {
				if res != nil && errors.Is(upErr, migrate.ErrMigrationFailed) {
					return &migrateCLIError{err: upErr, msg: fmt.Sprintf(
						"%s failed and was rolled back; the database stays at version %s: %s",
						failure.File, migrationVersionText(m, res.To), failure.Message)}
				}
				return migrateError(upErr)
			}
			return nil
		},
	}
}

// backUp runs pg_dump through tools before a migration and reports it. Any failure, pg_dump missing
// included, is an error: an operator who asked for a backup does not get a migration without one.
func backUp(ctx context.Context, env *cli.Env, tools migrateTools, m *migrate.Migrator, path string) (*backupJSON, error) {
	env.Logf("Backing up the database to %s with pg_dump", path)
	b, err := tools.backup(ctx, m, path)
	switch {
	case errors.Is(err, migrate.ErrPgDumpNotFound):
		return nil, &migrateCLIError{err: err, msg: "pg_dump is not installed, so no backup was made and nothing was migrated: " +
			"install the PostgreSQL client package matching the server (Debian: postgresql-client), " +
			"or back up by other means and run 'yapstore migrate up' without --backup"}
	case err != nil:
		return nil, &migrateCLIError{err: err, msg: fmt.Sprintf("the backup to %s failed, so nothing was migrated: %s",
			path, migrateError(err).Error())}
	}
	if !env.JSON {
		env.Printf("Backed up the database to %s: %s in %s (%s)\n", b.Path, migrateSizeText(b.Size),
			migrateDurationText(b.Duration), b.Version)
	}
	return &backupJSON{Path: b.Path, SizeBytes: b.Size, PgDump: b.PgDump, Version: b.Version,
		DurationMS: migrateMillis(b.Duration)}, nil
}

// announceUp says, before Up starts, where the database stands and what will be applied, so that an
// operator watching a long migration knows what is running. It is informational: Up decides under the lock.
func announceUp(ctx context.Context, env *cli.Env, m *migrate.Migrator, to string) {
	st, err := m.Status(ctx)
	if err != nil || st.NotClean != "" {
		return
	}
	pending := st.Pending
	if to != "" {
		for i, f := range pending {
			if f.Version == to {
				pending = pending[:i+1]
				break
			}
		}
	}
	if len(pending) == 0 {
		return
	}
	env.Printf("Database at version %s; applying %s up to %s\n", migrationVersionText(m, st.Current),
		cli.Plural(len(pending), "file"), migrationVersionText(m, pending[len(pending)-1].Version))
}

// newUpErrorJSON describes an error of Up, with the file, statement and PostgreSQL's detail and hint when
// a migration failed.
func newUpErrorJSON(err error) *upErrorJSON {
	out := &upErrorJSON{Message: migrateError(err).Error()}
	var merr *migrate.MigrationError
	if errors.As(err, &merr) {
		out.File, out.Statement = merr.File.Name, merr.Statement
		out.Message = merr.Err.Error()
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		out.Message, out.Detail, out.Hint = pgErr.Message, pgErr.Detail, pgErr.Hint
	}
	return out
}

// printUp prints the outcome of Up for people: the versions, the figures before and after, and a failed
// file's detail.
func printUp(ctx context.Context, env *cli.Env, m *migrate.Migrator, res *migrate.UpResult, failure *upErrorJSON) error {
	if res == nil {
		return nil
	}
	if res.LockWait >= 100*time.Millisecond { // only a wait worth mentioning
		env.Printf("Waited %s for another migration run to finish.\n", migrateDurationText(res.LockWait))
	}
	switch {
	case failure != nil && failure.File != "":
		env.Printf("Migration %s failed and was rolled back; the database is at version %s.\n", failure.File,
			migrationVersionText(m, res.To))
		env.Printf("  error: %s\n", failure.Message)
		if failure.Detail != "" {
			printIndentedLines(env, failure.Detail)
		}
		if failure.Hint != "" {
			env.Printf("  hint: %s\n", failure.Hint)
		}
	case failure != nil:
		return nil
	case len(res.Applied) == 0:
		env.Printf("Nothing to do: the database is at version %s.\n", migrationVersionText(m, res.To))
		return nil
	default:
		env.Printf("Migrated from version %s to %s.\n", migrationVersionText(m, res.From), migrationVersionText(m, res.To))
	}
	if res.Before != nil {
		after := res.After
		if after == nil { // a file failed: measure what is there now
			st, err := m.Stats(ctx)
			if err != nil {
				return nil
			}
			after = st
		}
		env.Printf("\n")
		return printDatabaseStatsComparison(env, res.Before, after)
	}
	return nil
}

// checkBackupTarget refuses, before anything runs, a backup path that names an existing file: pg_dump would
// overwrite it, and it may be the only backup of an earlier state.
func checkBackupTarget(path string) error {
	if _, err := os.Stat(path); err == nil {
		return cli.Usagef("--backup %s: the file exists; choose a new name or remove it", path)
	}
	return nil
}
