package main

import (
	"context"
	"strings"
	"time"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/migrate"
)

// reportJSON is what "migrate report --json" prints: the figures operators send when they test a migration
// on a copy of production.
type reportJSON struct {
	MeasuredAt      time.Time           `json:"measured_at"`
	Database        string              `json:"database"`
	ServerVersion   string              `json:"server_version"`
	YapstoreVersion string              `json:"yapstore_version"`
	State           string              `json:"state"`
	Current         string              `json:"current"`
	Latest          string              `json:"latest"`
	Pending         []migrationFileJSON `json:"pending"`
	AlembicRevision string              `json:"alembic_revision,omitempty"`
	MeasureMS       float64             `json:"measure_ms"`
	databaseStatsJSON
}

func migrateReportCommand() *cli.Command {
	var flags migrateFlags
	return &cli.Command{
		Name:     "report",
		Summary:  "Print the version, sizes and row counts to send when testing on a copy",
		Database: true,
		JSON:     true,
		Description: `Prints what an operator reports after testing a migration on a copy of production: the server's
and yapstore's versions, the migration version and state (as 'migrate status' says it), the Alembic
revision when the platform's table is there, the database size, and every table's exact row count and
size (indexes and TOAST included). Counting reads every table. Nothing is changed; the exit code is 0
whatever the state.`,
		Flags: func(fs *cli.FlagSet) { flags.register(fs, false, false) },
		Examples: []string{
			"yapstore migrate report > before.txt && yapstore migrate up && yapstore migrate report > after.txt",
			"yapstore migrate report --json",
		},
		Run: flags.run(func(ctx context.Context, env *cli.Env, m *migrate.Migrator, dbURL string) error {
			out := reportJSON{MeasuredAt: time.Now().UTC().Truncate(time.Second), Database: dburl.Redact(dbURL),
				YapstoreVersion: yapstoreVersion()}
			facts, err := m.Server(ctx)
			if err != nil {
				return migrateError(err)
			}
			out.ServerVersion, out.AlembicRevision = facts.Version, facts.AlembicRevision
			st, err := m.Status(ctx)
			if err != nil {
				return migrateError(err)
			}
			out.State, _ = migrationState(st)
			out.Current, out.Latest, out.Pending = st.Current, st.Latest, mapEach(st.Pending, newMigrationFileJSON)
			start := time.Now()
			stats, err := m.Stats(ctx)
			if err != nil {
				return migrateError(err)
			}
			took := time.Since(start)
			out.MeasureMS, out.databaseStatsJSON = migrateMillis(took), *newDatabaseStatsJSON(stats)
			if env.JSON {
				return env.PrintJSON(out)
			}
			env.Printf("Measured at:     %s UTC, in %s\n", out.MeasuredAt.Format(cli.TimeLayout), migrateDurationText(took))
			env.Printf("Database:        %s\n", out.Database)
			env.Printf("Server:          PostgreSQL %s\n", out.ServerVersion)
			env.Printf("yapstore:        %s\n", out.YapstoreVersion)
			env.Printf("Version:         %s\n", migrationVersionText(m, st.Current))
			env.Printf("State:           %s", out.State)
			if len(st.Pending) > 0 {
				env.Printf(" (%s pending, latest %s)", cli.Plural(len(st.Pending), "file"), st.Latest)
			}
			env.Printf("\n")
			if out.AlembicRevision != "" {
				env.Printf("Alembic:         %s\n", out.AlembicRevision)
			}
			env.Printf("\n")
			return printDatabaseStats(env, stats)
		}),
	}
}

// yapstoreVersion returns the version of the module this binary was built from, "(devel)" for a build
// from a checkout, plus the VCS revision when the build recorded one.
func yapstoreVersion() string {
	b := cli.ReadBuildInfo()
	if b.Revision != "" {
		return b.Version + " " + strings.TrimSuffix(b.Revision, "+dirty")
	}
	return b.Version
}
