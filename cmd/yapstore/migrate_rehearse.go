package main

import (
	"context"
	"errors"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/migrate"
)

// rehearsalJSON is what "migrate rehearse --json" prints.
type rehearsalJSON struct {
	Database    string             `json:"database"`
	From        string             `json:"from"`
	To          string             `json:"to"`
	CopiedBy    string             `json:"copied_by"`
	CopyMS      float64            `json:"copy_ms"`
	Applied     []appliedFileJSON  `json:"applied"`
	Before      *databaseStatsJSON `json:"before,omitempty"`
	After       *databaseStatsJSON `json:"after,omitempty"`
	DownAndUp   bool               `json:"down_and_up_again"`
	LostRows    []lostRowsJSON     `json:"lost_rows"`
	SchemaDiffs []differenceJSON   `json:"schema_differences"`
	Warnings    []string           `json:"warnings"`
	EstimateMS  float64            `json:"estimated_run_ms"`
	OK          bool               `json:"ok"`
	Error       string             `json:"error,omitempty"`
}

// lostRowsJSON is a table that lost rows in the rehearsal.
type lostRowsJSON struct {
	Table  string `json:"table"`
	Before int64  `json:"before"`
	After  int64  `json:"after"`
}

func migrateRehearseCommand() *cli.Command {
	var flags migrateFlags
	return &cli.Command{
		Name:     "rehearse",
		Summary:  "Rehearse 'migrate up' on a copy of the database and report, changing nothing",
		Database: true,
		JSON:     true,
		Description: `Copies the database (CREATE DATABASE ... TEMPLATE when no other session is connected to it, else
pg_dump piped into pg_restore, with progress), runs 'migrate up' on the copy with its figures, checks that
no table lost rows, runs 'migrate down' back to where it started and 'up' again, compares the schema with a
freshly migrated one, drops the copy, and prints one report: the versions, each file's time, every table's
rows and size before and after, the database size, how long the real run should take, and every warning
(statements that would block the platform's writers). The database itself is not changed. Needs the
CREATEDB privilege. Exits 1 when a table lost rows, the schema differs or a step failed.`,
		Flags: func(fs *cli.FlagSet) { flags.register(fs, true, true) },
		Examples: []string{
			"yapstore migrate rehearse",
			"yapstore migrate rehearse --json > rehearsal.json",
		},
		Run: flags.run(func(ctx context.Context, env *cli.Env, m *migrate.Migrator, dbURL string) error {
			progress := func(format string, args ...any) {
				if !env.JSON {
					env.Logf(format, args...)
				}
			}
			rep, rerr := m.Rehearse(ctx, progress)
			out := rehearsalJSON{Database: dburl.Redact(dbURL), OK: rerr == nil, LostRows: []lostRowsJSON{},
				SchemaDiffs: []differenceJSON{}, Warnings: []string{}}
			if rep != nil {
				out.From, out.To, out.CopiedBy, out.CopyMS = rep.From, rep.To, rep.CopiedBy, migrateMillis(rep.CopyDuration)
				out.EstimateMS, out.DownAndUp = migrateMillis(rep.Estimate), rep.UpAgain != nil
				out.Warnings = append(out.Warnings, rep.Warnings...)
				if rep.Up != nil {
					out.Before, out.After = newDatabaseStatsJSON(rep.Up.Before), newDatabaseStatsJSON(rep.Up.After)
					for _, f := range rep.Up.Applied {
						out.Applied = append(out.Applied, appliedFileJSON{migrationFileJSON: newMigrationFileJSON(f.File),
							Statements: f.Statements, DurationMS: migrateMillis(f.Duration)})
					}
				}
				for _, l := range rep.LostRows {
					out.LostRows = append(out.LostRows, lostRowsJSON{Table: l.Table, Before: l.Before, After: l.After})
				}
				out.SchemaDiffs = append(out.SchemaDiffs, newDifferencesJSON(rep.SchemaDiffs)...)
			}
			if rerr != nil {
				out.Error = rerr.Error()
			}
			if env.JSON {
				if err := env.PrintJSON(out); err != nil {
					return err
				}
			} else if rep != nil {
				printRehearsal(env, m, rep)
			}
			if rerr != nil {
				if errors.Is(rerr, migrate.ErrRehearsalFailed) {
					return errors.New("the rehearsal found a problem: see the report; nothing was changed")
				}
				return migrateError(rerr)
			}
			return nil
		}),
	}
}

// printRehearsal prints the report as text.
func printRehearsal(env *cli.Env, m *migrate.Migrator, rep *migrate.RehearsalReport) {
	env.Printf("Rehearsed on a copy (%s, made in %s); the database itself was not changed.\n", rep.CopiedBy,
		migrateDurationText(rep.CopyDuration))
	env.Printf("From:  %s\nTo:    %s\n", migrationVersionText(m, rep.From), migrationVersionText(m, rep.To))
	if rep.Up != nil {
		for _, f := range rep.Up.Applied {
			env.Printf("  applied %s: %d statements in %s\n", f.File.Name, f.Statements, migrateDurationText(f.Duration))
		}
		if rep.Up.Before != nil && rep.Up.After != nil {
			_ = printDatabaseStatsComparison(env, rep.Up.Before, rep.Up.After)
		}
	}
	if rep.UpAgain != nil {
		env.Printf("Down to %s and up again: done.\n", rep.From)
	}
	env.Printf("The real run should take about %s.\n", migrateDurationText(rep.Estimate))
	for _, l := range rep.LostRows {
		env.Printf("LOST ROWS: %s had %d rows before and %d after.\n", l.Table, l.Before, l.After)
	}
	for _, d := range rep.SchemaDiffs {
		env.Printf("SCHEMA DIFFERS from a fresh migration: %s\n", d)
	}
	for _, w := range rep.Warnings {
		env.Printf("warning: %s\n", w)
	}
}
