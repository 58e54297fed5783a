package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

func TestMigrateAdoptAlembicDatabaseThenUp(t *testing.T) {
	t.Parallel()
	m := embeddedMigrations(t)
	baseline := m.baseline
	url := productionDatabaseURL(t, false, "")
	rows := tableDigests(t, url)

	r := yapDB(t, url, "migrate", "adopt")
	requireOK(t, r)
	require.Equal(t, "Built by the platform's Alembic migrations, at revision "+migrate.AlembicHead+".\n"+
		"Kept: table \"alembic_version\"\n"+
		"Adopted: version "+baseline+" (baseline) is recorded in the history as the baseline. No row was touched.\n"+
		"Pending, checked against the rows there: "+strings.Join(m.files[1:], ", ")+". Run 'yapstore migrate up' to apply.\n",
		r.stdout)
	require.Equal(t, rows, tableDigests(t, url))

	r = yapDB(t, url, "migrate", "status", "--json")
	requireFailure(t, r, exitMigrationsPending, cli.Plural(len(m.files)-1, "migration")+" pending")
	var st statusJSON
	decodeJSON(t, r, &st)
	require.Equal(t, baseline, st.Current)
	require.Equal(t, "baseline", st.Applied[0].Type)

	r = yapDB(t, url, "migrate", "up")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Migrated from version "+baseline+" (baseline) to "+m.label(m.latest)+".\n")
	require.Equal(t, rows, tableDigests(t, url))
	require.Equal(t, migrate.AlembicHead, queryString(t, url, `SELECT version_num FROM alembic_version`))
	requireOK(t, yapDB(t, url, "migrate", "status"))

	r = yapDB(t, url, "migrate", "adopt")
	requireFailure(t, r, 1, "already has a migration history", "yapstore migrate status")
	r = yapDB(t, emptyMigrateDatabase(t), "migrate", "adopt")
	requireFailure(t, r, 1, "the database is empty", "yapstore migrate up")
}

func TestMigrateAdoptCreateAllDatabaseAddsDefaults(t *testing.T) {
	t.Parallel()
	baseline, _ := migrationVersions(t)
	url := productionDatabaseURL(t, true, "")
	rows := tableDigests(t, url)

	var res adoptJSON
	// A scratch database given by URL, as for a role without CREATEDB.
	r := yapDB(t, url, "migrate", "adopt", "--json", "--scratch-url", emptyMigrateDatabase(t))
	requireOK(t, r)
	decodeJSON(t, r, &res)
	require.True(t, res.Adopted)
	require.Equal(t, "create_all", res.Source)
	require.Equal(t, baseline, res.Baseline)
	fixed := make([]string, len(res.Fixed))
	for i, d := range res.Fixed {
		fixed[i] = d.Text
	}
	require.ElementsMatch(t, []string{
		`table "Estimator": column "file_name": default: database none, baseline ''`,
		`table "Page": column "page_name": default: database none, baseline ''`,
		`table "Page": column "page_dimension": default: database none, baseline 0`,
	}, fixed)
	require.NotEmpty(t, res.FixSQL)
	require.Len(t, res.Pending, len(migrations.Versions())-1)
	require.Equal(t, rows, tableDigests(t, url))
	require.Equal(t, "0", queryString(t, url,
		`SELECT column_default FROM information_schema.columns WHERE table_name = 'Page' AND column_name = 'page_dimension'`))

	requireOK(t, yapDB(t, url, "migrate", "up"))
	require.Equal(t, rows, tableDigests(t, url))
}

func TestMigrateAdoptRefusesDuplicatePagesAndChangesNothing(t *testing.T) {
	t.Parallel()
	url := productionDatabaseURL(t, false, `
INSERT INTO "Page" (estimator_id, page_number, compressed_data, page_name, page_dimension) VALUES (1, 1, '\x1f8b', 'fluence', 1);`)
	rows := tableDigests(t, url)
	schema := schemaFingerprint(t, url)

	r := yapDB(t, url, "migrate", "adopt")
	requireFailure(t, r, 1, "rows already in the database prevent", "_improvements.sql", "nothing was changed")
	require.Contains(t, r.stdout, "The schema matches the baseline, but rows already there prevent ")
	require.Contains(t, r.stdout, "  duplicate pages: estimator 1 page_number 1 (page ids 2,4)\n")
	require.Contains(t, r.stdout, "hint: Resolve these rows by hand")

	var res adoptJSON
	r = yapDB(t, url, "migrate", "adopt", "--json")
	requireFailure(t, r, 1, "rows already in the database prevent")
	decodeJSON(t, r, &res)
	require.False(t, res.Adopted)
	require.NotNil(t, res.Blocked)
	require.Contains(t, res.Blocked.Detail, "duplicate pages: estimator 1 page_number 1 (page ids 2,4)")

	require.Equal(t, rows, tableDigests(t, url))
	require.Equal(t, schema, schemaFingerprint(t, url))
	require.False(t, hasHistory(t, url), "no history written")

	// Once the operator resolves the rows, adopt and up go through.
	execSQL(t, url, `DELETE FROM "Page" WHERE id = 4`)
	requireOK(t, yapDB(t, url, "migrate", "adopt"))
	requireOK(t, yapDB(t, url, "migrate", "up"))
}

func TestMigrateAdoptReportsEveryDifference(t *testing.T) {
	t.Parallel()
	url := productionDatabaseURL(t, false, `
UPDATE alembic_version SET version_num = 'aaaaaaaaaaaa';
ALTER TABLE "Task" ADD COLUMN note text;
ALTER TABLE "Cluster" ALTER COLUMN cluster_name DROP NOT NULL;
CREATE TABLE "Extra" (id integer);`)
	rows := tableDigests(t, url)
	schema := schemaFingerprint(t, url)

	r := yapDB(t, url, "migrate", "adopt")
	requireFailure(t, r, 1, "differs from the baseline in 4 places", "nothing was changed")
	for _, line := range []string{
		`  table "alembic_version": version_num: Alembic revision "aaaaaaaaaaaa", the baseline equals "` + migrate.AlembicHead + `"`,
		`  table "Extra": table: in the database, not in the baseline` + "\n",
		`  table "Task": column "note": in the database, not in the baseline (text)` + "\n",
		`  table "Cluster": column "cluster_name": nullable: database true, baseline false` + "\n",
	} {
		require.Contains(t, r.stdout, line)
	}
	require.Contains(t, r.stdout, "For reference, the statements that would turn it into the baseline (not run):\n")
	require.Equal(t, rows, tableDigests(t, url))
	require.Equal(t, schema, schemaFingerprint(t, url))
	require.False(t, hasHistory(t, url))
}
