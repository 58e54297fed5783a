package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrate"
)

// adoptJSON is what "migrate adopt --json" prints, also when the database cannot be adopted (then Error
// says why, and Differences or Blocked what stood in the way).
type adoptJSON struct {
	Adopted         bool                `json:"adopted"`
	Source          string              `json:"source,omitempty"`
	AlembicRevision string              `json:"alembic_revision,omitempty"`
	Baseline        string              `json:"baseline,omitempty"`
	Fixed           []differenceJSON    `json:"fixed"`
	FixSQL          []string            `json:"fix_sql"`
	Kept            []string            `json:"kept"`
	Pending         []migrationFileJSON `json:"pending"`
	Differences     []differenceJSON    `json:"differences,omitempty"`
	ReferenceSQL    []string            `json:"reference_sql,omitempty"`
	Blocked         *blockedJSON        `json:"blocked,omitempty"`
	Error           string              `json:"error,omitempty"`
}

// blockedJSON names the migration that existing rows block, and the rows (in Detail).
type blockedJSON struct {
	File      string `json:"file"`
	Statement string `json:"statement"`
	Message   string `json:"message"`
	Detail    string `json:"detail,omitempty"`
	Hint      string `json:"hint,omitempty"`
}

func migrateAdoptCommand() *cli.Command {
	var flags migrateFlags
	return &cli.Command{
		Name:     "adopt",
		Summary:  "Take over a database the platform built (Alembic " + migrate.AlembicHead + " or create_all)",
		Database: true,
		JSON:     true,
		Description: `Takes over a database that the platform's Python backend built, with its Alembic migrations
(head ` + migrate.AlembicHead + `; the alembic_version table is kept) or with its startup create_all. The live
schema is compared with yapstore's baseline, replayed on a scratch database:

  - if it differs in anything but the three defaults create_all leaves out (Estimator.file_name,
    Page.page_name, Page.page_dimension), every difference is printed and nothing is changed;
  - otherwise the later migrations are tried against the rows already there, in a transaction that is
    rolled back; if rows stand in their way (duplicate pages, unknown states...), the rows are named
    and nothing is changed;
  - otherwise the missing defaults are added and the baseline is recorded as applied, in one
    transaction. No row is touched. Then run 'yapstore migrate up'.

Back up first, and try it on a copy of production.`,
		Flags: func(fs *cli.FlagSet) { flags.register(fs, true, true) },
		Examples: []string{
			"yapstore migrate adopt && yapstore migrate up --backup /var/backups/yaptide.dump",
			"yapstore migrate adopt --json | jq .differences",
		},
		Run: flags.run(func(ctx context.Context, env *cli.Env, m *migrate.Migrator, _ string) error {
			env.Logf("Comparing the database with the baseline replayed on a scratch database")
			res, adoptErr := m.Adopt(ctx)
			var (
				mismatch *migrate.SchemaMismatchError
				blocked  *migrate.BlockedError
			)
			errors.As(adoptErr, &mismatch)
			errors.As(adoptErr, &blocked)
			if adoptErr != nil && mismatch == nil && blocked == nil {
				return adoptError(adoptErr)
			}
			if env.JSON {
				out := newAdoptJSON(res, adoptErr == nil, mismatch, blocked)
				if adoptErr != nil {
					out.Error = adoptError(adoptErr).Error()
				}
				if err := env.PrintJSON(out); err != nil {
					return err
				}
			} else {
				printAdopt(env, m, res, mismatch, blocked)
			}
			switch {
			case mismatch != nil:
				return &migrateCLIError{err: adoptErr, msg: fmt.Sprintf(
					"the database schema differs from the baseline in %s (listed above); nothing was changed",
					cli.Plural(len(mismatch.Differences), "place"))}
			case blocked != nil:
				return &migrateCLIError{err: adoptErr, msg: fmt.Sprintf(
					"rows already in the database prevent %s (listed above); nothing was changed: "+
						"resolve them, then run 'yapstore migrate adopt' again",
					blocked.File.Name)}
			}
			return nil
		}),
	}
}

// adoptError rewords the errors of Adopt that say the database is not one to adopt.
func adoptError(err error) error {
	switch {
	case errors.Is(err, migrate.ErrAlreadyManaged):
		return &migrateCLIError{err: err, msg: migrateError(err).Error() +
			": there is nothing to adopt; 'yapstore migrate status' shows where it stands"}
	case errors.Is(err, migrate.ErrNothingToAdopt):
		return &migrateCLIError{err: err,
			msg: "the database is empty, there is nothing to adopt: 'yapstore migrate up' creates the schema"}
	}
	return migrateError(err)
}

// newAdoptJSON converts what Adopt returned; res may be nil when it refused early.
func newAdoptJSON(res *migrate.AdoptResult, adopted bool, mismatch *migrate.SchemaMismatchError,
	blocked *migrate.BlockedError) adoptJSON {
	out := adoptJSON{Adopted: adopted, Fixed: []differenceJSON{}, FixSQL: []string{}, Kept: []string{},
		Pending: []migrationFileJSON{}}
	if res != nil {
		out.Source, out.AlembicRevision, out.Baseline = res.Source, res.AlembicRevision, res.Baseline
		out.Fixed = append(out.Fixed, newDifferencesJSON(res.Fixed)...)
		out.FixSQL = append(out.FixSQL, res.FixSQL...)
		out.Kept = append(out.Kept, res.Kept...)
		out.Pending = append(out.Pending, mapEach(res.Pending, newMigrationFileJSON)...)
	}
	if mismatch != nil {
		out.Differences, out.ReferenceSQL = newDifferencesJSON(mismatch.Differences), mismatch.SQL
	}
	if blocked != nil {
		out.Blocked = &blockedJSON{File: blocked.File.Name, Statement: blocked.Statement, Message: blocked.Message,
			Detail: blocked.Detail, Hint: blocked.Hint}
	}
	return out
}

// printAdopt prints the outcome of Adopt for people.
func printAdopt(env *cli.Env, m *migrate.Migrator, res *migrate.AdoptResult, mismatch *migrate.SchemaMismatchError,
	blocked *migrate.BlockedError) {
	if res != nil {
		switch res.Source {
		case "alembic":
			env.Printf("Built by the platform's Alembic migrations, at revision %s.\n", res.AlembicRevision)
		default:
			env.Printf("Built by the platform's create_all (no alembic_version table).\n")
		}
	}
	switch {
	case mismatch != nil:
		env.Printf("The schema differs from the baseline in %s:\n", cli.Plural(len(mismatch.Differences), "place"))
		for _, d := range mismatch.Differences {
			env.Printf("  %s\n", d)
		}
		printStatements(env, "For reference, the statements that would turn it into the baseline (not run):", mismatch.SQL)
		return
	case blocked != nil:
		env.Printf("The schema matches the baseline, but rows already there prevent %s:\n", blocked.File.Name)
		env.Printf("  %s\n", blocked.Message)
		if blocked.Detail != "" {
			printIndentedLines(env, blocked.Detail)
		}
		if blocked.Hint != "" {
			env.Printf("  hint: %s\n", blocked.Hint)
		}
		return
	case res == nil:
		return
	}
	for _, d := range res.Fixed {
		env.Printf("Fixed: %s\n", d)
	}
	printStatements(env, "with:", res.FixSQL)
	for _, k := range res.Kept {
		env.Printf("Kept: %s\n", k)
	}
	env.Printf("Adopted: version %s is recorded in the history as the baseline. No row was touched.\n",
		migrationVersionText(m, res.Baseline))
	if len(res.Pending) > 0 {
		env.Printf("Pending, checked against the rows there: %s. Run 'yapstore migrate up' to apply.\n",
			fileNames(res.Pending))
	}
}
