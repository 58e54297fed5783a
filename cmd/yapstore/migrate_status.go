package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrate"
)

// The states "migrate status" reports, from the most to the least urgent.
const (
	stateNeedsAdoption = "needs-adoption" // tables but no history: built by the platform
	statePartial       = "partial"        // the last file failed or ran only in part
	stateChanged       = "changed"        // an applied file was edited since
	stateOutOfOrder    = "out-of-order"   // a file older than the last applied one never ran
	statePending       = "pending"        // "migrate up" has files to apply
	stateUpToDate      = "up-to-date"
)

// migrationState sums st up in one of the states above, with the exit code "migrate status" returns for it.
func migrationState(st *migrate.Status) (state string, code int) {
	switch {
	case st.NotClean != "":
		return stateNeedsAdoption, exitNeedsAttention
	case st.Partial != nil:
		return statePartial, exitNeedsAttention
	case len(st.Changed) > 0:
		return stateChanged, exitNeedsAttention
	case len(st.OutOfOrder) > 0:
		return stateOutOfOrder, exitNeedsAttention
	case len(st.Pending) > 0:
		return statePending, exitMigrationsPending
	}
	return stateUpToDate, cli.ExitOK
}

// statusJSON is what "migrate status --json" prints.
type statusJSON struct {
	State      string              `json:"state"`
	ExitCode   int                 `json:"exit_code"`
	Current    string              `json:"current"`
	Latest     string              `json:"latest"`
	Applied    []revisionJSON      `json:"applied"`
	Pending    []migrationFileJSON `json:"pending"`
	Partial    *revisionJSON       `json:"partial"`
	Changed    []string            `json:"changed"`
	Unknown    []revisionJSON      `json:"unknown"`
	OutOfOrder []migrationFileJSON `json:"out_of_order"`
	NotClean   string              `json:"not_clean,omitempty"`
}

func migrateStatusCommand() *cli.Command {
	var flags migrateFlags
	return &cli.Command{
		Name:     "status",
		Summary:  "Show the database's version, pending files and any failed or partly applied file",
		Database: true,
		JSON:     true,
		Description: `Reads the migration history and compares it with the migrations built into yapstore, without
changing anything and without waiting for a running migration.

Exit codes, for scripts: 0 up to date (also when a newer yapstore migrated further: this one leaves
such a database alone), 3 files pending ('migrate up' applies them; an empty database is pending too),
4 the database needs an operator: it was built by the platform and must be adopted, a file failed or
ran only in part, an applied file was changed, or a file was added out of order. 1 and 2 keep their
usual meaning (the command failed, or the command line was wrong).`,
		Flags: func(fs *cli.FlagSet) { flags.register(fs, false, false) },
		Examples: []string{
			"yapstore migrate status",
			"yapstore migrate status --json | jq -r .state",
			"yapstore migrate status >/dev/null; [ $? -eq 3 ] && yapstore migrate up",
		},
		Run: flags.run(func(ctx context.Context, env *cli.Env, m *migrate.Migrator, _ string) error {
			st, err := m.Status(ctx)
			if err != nil {
				return migrateError(err)
			}
			state, code := migrationState(st)
			if env.JSON {
				out := statusJSON{
					State: state, ExitCode: code, Current: st.Current, Latest: st.Latest,
					Applied: mapEach(st.Applied, newRevisionJSON), Pending: mapEach(st.Pending, newMigrationFileJSON),
					Changed: st.Changed, Unknown: mapEach(st.Unknown, newRevisionJSON),
					OutOfOrder: mapEach(st.OutOfOrder, newMigrationFileJSON), NotClean: st.NotClean,
				}
				if out.Changed == nil {
					out.Changed = []string{}
				}
				if st.Partial != nil {
					p := newRevisionJSON(*st.Partial)
					out.Partial = &p
				}
				if err := env.PrintJSON(out); err != nil {
					return err
				}
			} else if err := printStatus(env, m, st, state); err != nil {
				return err
			}
			if code == cli.ExitOK {
				return nil
			}
			return &migrateExitError{code: code, msg: statusProblem(st, state)}
		}),
	}
}

// printStatus prints st for people: the version, the history, what is pending and what is wrong.
func printStatus(env *cli.Env, m *migrate.Migrator, st *migrate.Status, state string) error {
	env.Printf("Current version: %s\n", migrationVersionText(m, st.Current))
	env.Printf("Latest version:  %s\n", migrationVersionText(m, st.Latest))
	env.Printf("State:           %s\n", state)
	if len(st.Applied) > 0 {
		env.Printf("\nHistory (%s):\n", cli.Plural(len(st.Applied), "row"))
		t := env.NewTable("VERSION", "DESCRIPTION", "TYPE", "EXECUTED AT (UTC)", "TOOK", "STATEMENTS", "BY")
		for _, r := range st.Applied {
			statements := fmt.Sprintf("%d/%d", r.Applied, r.Total)
			if r.Error != "" {
				statements += " FAILED"
			}
			t.Row(r.Version, r.Description, r.Type, r.ExecutedAt, migrateDurationText(r.ExecutionTime), statements, r.OperatorVersion)
		}
		if err := t.Flush(); err != nil {
			return err
		}
	}
	if len(st.Pending) > 0 {
		env.Printf("\nPending (%s):\n", cli.Plural(len(st.Pending), "file"))
		for _, f := range st.Pending {
			env.Printf("  %s\n", f.Name)
		}
	}
	if p := st.Partial; p != nil {
		env.Printf("\nFailed or partly applied: version %s (%s) ran %d of %d statements\n",
			p.Version, p.Description, p.Applied, p.Total)
		if p.Error != "" {
			env.Printf("  error: %s\n", p.Error)
		}
		if p.ErrorStatement != "" {
			env.Printf("  statement:\n")
			printIndentedLines(env, "  "+strings.ReplaceAll(strings.TrimSpace(p.ErrorStatement), "\n", "\n  "))
		}
	}
	if len(st.Changed) > 0 {
		env.Printf("\nChanged since applied: %s\n", strings.Join(st.Changed, ", "))
	}
	if len(st.OutOfOrder) > 0 {
		env.Printf("\nAdded out of order (older than the last applied version, never ran): %s\n", fileNames(st.OutOfOrder))
	}
	if len(st.Unknown) > 0 {
		versions := mapEach(st.Unknown, func(r migrate.Revision) string { return r.Version })
		env.Printf("\nApplied by a newer yapstore (not among this one's files): %s. This yapstore leaves the schema alone.\n",
			strings.Join(versions, ", "))
	}
	if st.NotClean != "" {
		env.Printf("\nNo migration history, but %s.\n", st.NotClean)
	}
	env.Printf("\n%s\n", statusAdvice(st, state))
	return nil
}

// statusAdvice says, in one sentence, what to do about a database in state.
func statusAdvice(st *migrate.Status, state string) string {
	switch state {
	case stateNeedsAdoption:
		return "The database was built by the platform (Alembic or create_all): " +
			"run 'yapstore migrate adopt', then 'yapstore migrate up'."
	case statePartial:
		return "Look at the failed statement; 'yapstore migrate up --resume' continues the file from the statement that did not run."
	case stateChanged:
		return "Applied files must not change: run the yapstore release that applied them, or restore the files."
	case stateOutOfOrder:
		return "A file older than the last applied version was added; it must be renamed after the latest version."
	case statePending:
		if len(st.Applied) == 0 {
			return "The database is empty: 'yapstore migrate up' creates the schema."
		}
		return "Run 'yapstore migrate up' (with --backup FILE) to apply the pending files."
	}
	return "Up to date: nothing to do."
}

// statusProblem is the line on standard error when "migrate status" exits non-zero.
func statusProblem(st *migrate.Status, state string) string {
	switch state {
	case statePending:
		return fmt.Sprintf("%s pending: run 'yapstore migrate up'", cli.Plural(len(st.Pending), "migration"))
	case stateNeedsAdoption:
		return "the database has tables but no migration history: run 'yapstore migrate adopt'"
	case statePartial:
		return fmt.Sprintf("version %s failed or was only partly applied", st.Partial.Version)
	case stateChanged:
		return "applied migration files changed: " + strings.Join(st.Changed, ", ")
	case stateOutOfOrder:
		return "migration files added out of order"
	}
	return ""
}
