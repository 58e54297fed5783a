package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrations"
)

// migrationDirWith writes the embedded migrations plus extra files (name to content) to a new directory,
// with atlas.sum recomputed as `atlas migrate hash` would, and returns its path for --dir.
func migrationDirWith(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := fs.ReadDir(migrations.FS(), ".")
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() == migrations.SumFile {
			continue
		}
		b, err := fs.ReadFile(migrations.FS(), e.Name())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
	}
	for name, content := range extra {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	local, err := atlasmigrate.NewLocalDir(dir)
	require.NoError(t, err)
	sum, err := local.Checksum()
	require.NoError(t, err)
	require.NoError(t, atlasmigrate.WriteSumFile(local, sum))
	return dir
}

func TestMigrateDownThenUpRoundTrips(t *testing.T) {
	t.Parallel()
	m := embeddedMigrations(t)
	baseline := m.baseline
	// Every migration after the baseline is reverted, the latest first.
	var reverted strings.Builder
	for i := len(m.files) - 1; i > 0; i-- {
		version := migrations.Versions()[i]
		fmt.Fprintf(&reverted, "  %s %s\n", version, m.description(version))
	}
	url := productionDatabaseURL(t, false, "")
	requireOK(t, yapDB(t, url, "migrate", "adopt"))
	requireOK(t, yapDB(t, url, "migrate", "up"))
	rows := tableDigests(t, url)
	atLatest := schemaFingerprint(t, url)

	// --plan prints the SQL and changes nothing.
	r := yapDB(t, url, "migrate", "down", "--to", baseline, "--plan")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Rolling back from version "+m.label(m.latest)+" to "+baseline+" (baseline) would revert:\n"+reverted.String())
	require.Contains(t, r.stdout, `  ALTER TABLE "Page" DROP CONSTRAINT "_estimator_id_page_number_uc";`)
	require.Contains(t, r.stdout, "Nothing was changed (--plan).\n")
	require.Equal(t, atLatest, schemaFingerprint(t, url))
	requireOK(t, yapDB(t, url, "migrate", "status"))

	var plan downJSON
	r = yapDB(t, url, "migrate", "down", "--to", baseline, "--plan", "--json")
	requireOK(t, r)
	decodeJSON(t, r, &plan)
	require.False(t, plan.Applied)
	require.True(t, plan.Plan)
	require.Contains(t, plan.SQL, `ALTER TABLE "Page" DROP CONSTRAINT "_estimator_id_page_number_uc"`)
	require.Empty(t, plan.DataLoss)

	// The rollback: the baseline's schema again, every row kept, the improvements pending.
	r = yapDB(t, url, "migrate", "down", "--to", baseline)
	requireOK(t, r)
	require.Regexp(t, `^Rolled back from version `+regexp.QuoteMeta(m.label(m.latest))+` to `+baseline+` \(baseline\) in [0-9.]+[µm]?s, reverting:\n`, r.stdout)
	require.Contains(t, r.stdout, "It ran, in one transaction:\n")
	require.Equal(t, rows, tableDigests(t, url))
	require.Equal(t, "false", queryString(t, url,
		`SELECT EXISTS (SELECT FROM pg_constraint WHERE conname = '_estimator_id_page_number_uc')::text`))
	r = yapDB(t, url, "migrate", "status")
	requireFailure(t, r, exitMigrationsPending, cli.Plural(len(m.files)-1, "migration")+" pending")
	require.Contains(t, r.stdout, "Current version: "+baseline+" (baseline)\n")

	r = yapDB(t, url, "migrate", "down", "--to", baseline)
	requireOK(t, r)
	require.Equal(t, "Nothing to do: the database is at version "+baseline+" (baseline).\n", r.stdout)

	// Up rebuilds the same schema.
	requireOK(t, yapDB(t, url, "migrate", "up"))
	require.Equal(t, atLatest, schemaFingerprint(t, url))
	require.Equal(t, rows, tableDigests(t, url))

	requireFailure(t, yapDB(t, url, "migrate", "down"), 2, "missing --to VERSION")
	requireFailure(t, yapDB(t, url, "migrate", "down", "--to", "19990101000000"), 1,
		"unknown migration version", "19990101000000", "the versions are "+baseline+" (baseline)")
}

func TestMigrateDownRefusesDataLossWithoutForce(t *testing.T) {
	t.Parallel()
	_, latest := migrationVersions(t)
	dir := migrationDirWith(t, map[string]string{
		"29990101000000_notes.sql": `ALTER TABLE "Simulation" ADD COLUMN "note" text;
CREATE TABLE "Note" ("id" serial PRIMARY KEY, "text" text NOT NULL);
`,
	})
	url := emptyMigrateDatabase(t)
	requireOK(t, yapDB(t, url, "migrate", "up", "--dir", dir))
	execSQL(t, url, platformRows+`UPDATE "Simulation" SET note = 'keep me' WHERE id = 1;
INSERT INTO "Note" ("text") VALUES ('a'), ('b'), ('c');`)
	rows := tableDigests(t, url)
	schema := schemaFingerprint(t, url)

	// Refused: the losses are named with their row counts, nothing changes.
	r := yapDB(t, url, "migrate", "down", "--dir", dir, "--to", latest)
	requireFailure(t, r, 1, "would drop data in 2 places", "nothing was changed", "--force")
	require.Contains(t, r.stdout, "Rolling back from version 29990101000000 (notes) to "+embeddedMigrations(t).label(latest)+" was refused")
	require.Contains(t, r.stdout, "It would drop data:\n")
	require.Contains(t, r.stdout, `  table "Note": table: in the database, not in the version `+latest+`: 3 rows`+"\n")
	require.Contains(t, r.stdout, `  table "Simulation": column "note": in the database, not in the version `+latest+` (text): 1 row`+"\n")
	require.Equal(t, schema, schemaFingerprint(t, url))
	require.Equal(t, rows, tableDigests(t, url))

	var refused downJSON
	r = yapDB(t, url, "migrate", "down", "--dir", dir, "--to", latest, "--json")
	requireFailure(t, r, 1, "would drop data")
	decodeJSON(t, r, &refused)
	require.False(t, refused.Applied)
	require.Len(t, refused.DataLoss, 2)
	require.Contains(t, refused.Error, "rolling back would drop data")

	// --plan shows the same, exit 0, and says --force is needed.
	r = yapDB(t, url, "migrate", "down", "--dir", dir, "--to", latest, "--plan")
	requireOK(t, r)
	require.Contains(t, r.stdout, `  DROP TABLE "Note";`)
	require.Contains(t, r.stdout, "The rollback would need --force.\n")
	require.Equal(t, schema, schemaFingerprint(t, url))

	// --force drops them; the platform's rows stay.
	r = yapDB(t, url, "migrate", "down", "--dir", dir, "--to", latest, "--force")
	requireOK(t, r)
	require.Contains(t, r.stdout, "It dropped data:\n")
	require.Equal(t, "false", queryString(t, url, `SELECT (to_regclass('public."Note"') IS NOT NULL)::text`))
	r = yapDB(t, url, "migrate", "status", "--dir", dir)
	requireFailure(t, r, exitMigrationsPending, "1 migration pending")
	r = yapDB(t, url, "migrate", "status")
	requireOK(t, r)
	require.Equal(t, rows["Page"], tableDigests(t, url)["Page"])
}

func TestMigrateDownRefusesDrift(t *testing.T) {
	t.Parallel()
	baseline, latest := migrationVersions(t)
	url := emptyMigrateDatabase(t)
	requireOK(t, yapDB(t, url, "migrate", "up"))
	execSQL(t, url, `ALTER TABLE "Task" ADD COLUMN note text`)
	schema := schemaFingerprint(t, url)

	r := yapDB(t, url, "migrate", "down", "--to", baseline)
	requireFailure(t, r, 1, "the schema differs from version "+latest+" in 1 place", "nothing was changed")
	require.Contains(t, r.stdout, `  table "Task": column "note": in the database, not in the version `+latest+` (text)`+"\n")
	require.Equal(t, schema, schemaFingerprint(t, url))
	requireOK(t, yapDB(t, url, "migrate", "status"))
}

func TestMigrateRefusesTamperedDirectory(t *testing.T) {
	t.Parallel()
	dir := migrationDirWith(t, nil)
	url := emptyMigrateDatabase(t)
	matches, err := filepath.Glob(filepath.Join(dir, "*_improvements.sql"))
	require.NoError(t, err)
	require.Len(t, matches, 1)
	f, err := os.OpenFile(matches[0], os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("\nDROP TABLE \"Page\";\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	r := yapDB(t, url, "migrate", "up", "--dir", dir)
	requireFailure(t, r, 1, "migration directory does not match atlas.sum", filepath.Base(matches[0])+" edited")
	require.False(t, hasHistory(t, url), "nothing applied")

	r = yapDB(t, url, "migrate", "status", "--dir", filepath.Join(dir, "missing"))
	requireFailure(t, r, 2, "not a directory")
}
