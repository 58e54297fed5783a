package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrate"
)

// downJSON is what "migrate down --json" prints, also when the rollback is refused (then Error says why,
// and DataLoss or Drift what stood in the way).
type downJSON struct {
	From       string           `json:"from"`
	To         string           `json:"to"`
	Applied    bool             `json:"applied"`
	Plan       bool             `json:"plan_only"`
	Reverted   []revisionJSON   `json:"reverted"`
	SQL        []string         `json:"sql"`
	DataLoss   []dataLossJSON   `json:"data_loss"`
	Drift      []differenceJSON `json:"drift,omitempty"`
	DurationMS float64          `json:"duration_ms"`
	Error      string           `json:"error,omitempty"`
}

// dataLossJSON is a table or column a rollback drops, with the rows (or non-null values) it holds.
type dataLossJSON struct {
	differenceJSON
	Rows int64 `json:"rows"`
}

func migrateDownCommand() *cli.Command {
	var (
		flags       migrateFlags
		to          string
		force, plan bool
	)
	return &cli.Command{
		Name:     "down",
		Summary:  "Roll the schema back to an earlier version (--plan shows the SQL only)",
		Database: true,
		JSON:     true,
		Description: `Rolls the database back to VERSION, one of the versions 'migrate status' lists as applied. The
statements are computed from the schema itself: the migrations up to VERSION are replayed on a scratch
database, Atlas compares that schema with the live one and plans the change, which runs in one
transaction together with the removal of the newer history rows. Rows stay where they are.

Before anything runs, the live schema must be exactly what its current version stands for (a change
made by hand is reported, difference by difference, and nothing is done), and a rollback that would drop
a table or column holding data is refused, naming it and its row count, unless --force is given.

--plan prints the statements, what would be reverted and what data would be dropped, and changes
nothing. 'migrate up' applies the reverted files again.`,
		Flags: func(fs *cli.FlagSet) {
			fs.StringVar(&to, "to", "VERSION", "the version to roll back to (required)")
			fs.BoolVar(&force, "force", "drop tables and columns that hold data, if the rollback must")
			fs.BoolVar(&plan, "plan", "print the rollback's SQL and what it would drop, without changing anything")
			flags.register(fs, true, true)
		},
		Examples: []string{
			"yapstore migrate down --to 20261122065640 --plan",
			"yapstore migrate down --to 20261122065640",
			"yapstore migrate down --to 20261122065640 --scratch-url postgres://me@db/scratch",
		},
		Run: func(ctx context.Context, env *cli.Env) error {
			if to == "" {
				return cli.Usagef("missing --to VERSION: the version to roll back to ('yapstore migrate status' lists them)")
			}
			m, _, err := flags.openMigrator(ctx, env)
			if err != nil {
				return err
			}
			defer m.Close()
			opts := []migrate.DownOption{}
			if force || plan {
				// A plan shows the data it would drop instead of refusing; it runs nothing anyway.
				opts = append(opts, migrate.Force())
			}
			if plan {
				opts = append(opts, migrate.PlanOnly())
			}
			env.Logf("Computing the rollback to %s on a scratch database", to)
			res, downErr := m.Down(ctx, to, opts...)
			if errors.Is(downErr, migrate.ErrUnknownVersion) {
				return unknownVersionError(m, to, downErr)
			}
			var (
				lossErr  *migrate.DataLossError
				driftErr *migrate.DriftError
			)
			errors.As(downErr, &lossErr)
			errors.As(downErr, &driftErr)
			if downErr != nil && lossErr == nil && driftErr == nil {
				return migrateError(downErr)
			}
			if env.JSON {
				out := newDownJSON(res, plan, driftErr)
				if downErr != nil {
					out.Error = migrateError(downErr).Error()
				}
				if err := env.PrintJSON(out); err != nil {
					return err
				}
			} else {
				printDown(env, m, res, plan, force, driftErr)
			}
			switch {
			case driftErr != nil:
				return &migrateCLIError{err: downErr, msg: fmt.Sprintf(
					"the schema differs from version %s in %s (listed above), so a rollback computed from it "+
						"could undo the wrong things; nothing was changed",
					driftErr.Version, cli.Plural(len(driftErr.Differences), "place"))}
			case lossErr != nil:
				return &migrateCLIError{err: downErr, msg: fmt.Sprintf(
					"rolling back to %s would drop data in %s (listed above); nothing was changed: keep a backup and add --force to drop it",
					to, cli.Plural(len(lossErr.Losses), "place"))}
			}
			return nil
		},
	}
}

// newDownJSON converts the result of Down; res may be nil when Down refused early.
func newDownJSON(res *migrate.DownResult, plan bool, drift *migrate.DriftError) downJSON {
	out := downJSON{Plan: plan, Reverted: []revisionJSON{}, SQL: []string{}, DataLoss: []dataLossJSON{}}
	if drift != nil {
		out.Drift = newDifferencesJSON(drift.Differences)
	}
	if res == nil {
		return out
	}
	out.From, out.To, out.Applied, out.DurationMS = res.From, res.To, res.Applied, migrateMillis(res.Duration)
	out.Reverted = append(out.Reverted, mapEach(res.Reverted, newRevisionJSON)...)
	out.SQL = append(out.SQL, res.SQL...)
	for _, l := range res.DataLoss {
		diff := newDifferencesJSON([]migrate.Difference{l.Difference})[0]
		out.DataLoss = append(out.DataLoss, dataLossJSON{differenceJSON: diff, Rows: l.Rows})
	}
	return out
}

// printDown prints the outcome of Down for people: what was (or would be) reverted, the SQL, the data it
// drops, or the drift that stopped it.
func printDown(env *cli.Env, m *migrate.Migrator, res *migrate.DownResult, plan, force bool, drift *migrate.DriftError) {
	if drift != nil {
		env.Printf("The schema is not what version %s stands for (changed by hand?):\n", migrationVersionText(m, drift.Version))
		for _, d := range drift.Differences {
			env.Printf("  %s\n", d)
		}
		return
	}
	if res == nil {
		return
	}
	if len(res.Reverted) == 0 {
		env.Printf("Nothing to do: the database is at version %s.\n", migrationVersionText(m, res.From))
		return
	}
	switch {
	case plan:
		env.Printf("Rolling back from version %s to %s would revert:\n", migrationVersionText(m, res.From),
			migrationVersionText(m, res.To))
	case res.Applied:
		env.Printf("Rolled back from version %s to %s in %s, reverting:\n", migrationVersionText(m, res.From),
			migrationVersionText(m, res.To), migrateDurationText(res.Duration))
	default:
		env.Printf("Rolling back from version %s to %s was refused; it would revert:\n", migrationVersionText(m, res.From),
			migrationVersionText(m, res.To))
	}
	for _, r := range res.Reverted {
		env.Printf("  %s %s\n", r.Version, r.Description)
	}
	header := "with these statements, in one transaction:"
	if res.Applied {
		header = "It ran, in one transaction:"
	}
	printStatements(env, header, res.SQL)
	if len(res.DataLoss) > 0 {
		verb := "would drop"
		if res.Applied {
			verb = "dropped"
		}
		env.Printf("It %s data:\n", verb)
		for _, l := range res.DataLoss {
			env.Printf("  %s: %s\n", l.Difference, cli.Plural(int(l.Rows), "row"))
		}
		if plan && !force {
			env.Printf("The rollback would need --force.\n")
		}
	}
	if plan {
		env.Printf("Nothing was changed (--plan).\n")
	}
}
