package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
	"github.com/yapstore/yapstore/storetest"
)

// emptyMigrateDatabase creates an empty database on the test server, dropped when the test ends, and
// returns its URL.
func emptyMigrateDatabase(t *testing.T) string {
	t.Helper()
	db := storetest.NewEmpty(t)
	db.Pool.Close() // nobody connected, so that the database can be a template (migrate rehearse)
	return db.URL
}

// execSQL runs script on the database at url.
func execSQL(t *testing.T, url, script string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, script)
	require.NoError(t, err, script)
}

// queryString runs a query returning one text value.
func queryString(t *testing.T, url, query string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var s string
	require.NoError(t, conn.QueryRow(ctx, query).Scan(&s), query)
	return s
}

// baselineSQL returns the embedded baseline migration: the production schema.
func baselineSQL(t *testing.T) string {
	t.Helper()
	matches, err := fs.Glob(migrations.FS(), "*_baseline.sql")
	require.NoError(t, err)
	require.Len(t, matches, 1)
	b, err := fs.ReadFile(migrations.FS(), matches[0])
	require.NoError(t, err)
	return string(b)
}

// platformRows are rows as the platform writes them: two users, a direct simulation with results and a
// batch one, tasks, inputs and logs.
const platformRows = `
INSERT INTO "User" (username, auth_provider) VALUES ('alice', 'YaptideUser'), ('bob', 'KeycloakUser');
INSERT INTO "YaptideUser" (id, password_hash) VALUES (1, 'scrypt:32768:8:1$abcdefghijklmnop$' || repeat('cd', 64));
INSERT INTO "KeycloakUser" (id, cert, private_key) VALUES (2, 'CERT', NULL);
INSERT INTO "Cluster" (cluster_name) VALUES ('ares');
INSERT INTO "Simulation" (job_id, user_id, start_time, end_time, title, platform, input_type, sim_type, job_state) VALUES
  ('20240611-101500-6f1c2a4e-0d1b-4a8e-9a65-2f7d1b0c9e11DIRECT', 1, '2024-06-11 10:15:00+00', '2024-06-11 10:20:00+00',
   'water phantom', 'DIRECT', 'EDITOR', 'shieldhit', 'COMPLETED'),
  ('20240612-080000-1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5dBATCH', 2, '2024-06-12 08:00:00+00', NULL,
   'proton beam', 'BATCH', 'FILES', 'topas', 'RUNNING');
INSERT INTO "CelerySimulation" (id, merge_id) VALUES (1, 'merge-1');
INSERT INTO "BatchSimulation" (id, cluster_id, job_dir, array_id, collect_id) VALUES (2, 1, '/scratch/job', 101, 102);
INSERT INTO "Task" (simulation_id, task_id, requested_primaries, simulated_primaries, task_state, platform) VALUES
  (1, 0, 1000, 1000, 'COMPLETED', 'DIRECT'), (1, 1, 1000, 1000, 'COMPLETED', 'DIRECT'), (2, 1, 5000, 1200, 'RUNNING', 'BATCH');
INSERT INTO "CeleryTask" (id, celery_id) VALUES (1, 'c-1'), (2, '');
INSERT INTO "BatchTask" (id) VALUES (3);
INSERT INTO "Input" (simulation_id, compressed_data) VALUES (1, '\x1f8b0800000000000203ab560a0a00'), (2, NULL);
INSERT INTO "Estimator" (simulation_id, name, file_name, compressed_data) VALUES
  (1, 'z_profile', 'z_profile.bdo', '\x1f8b08000000000002034b'), (1, 'yz_profile', 'yz_profile.bdo', NULL);
INSERT INTO "Page" (estimator_id, page_number, compressed_data, page_name, page_dimension) VALUES
  (1, 0, '\x1f8b0800000000000203aa', 'dose', 1), (1, 1, '\x1f8b0800000000000203ab', 'fluence', 1),
  (2, 0, '\x1f8b0800000000000203ac', 'dose', 2);
INSERT INTO "Logfiles" (simulation_id, compressed_data) VALUES (1, '\x1f8b0800000000000203ad');
`

// productionDatabaseURL builds a database the way the platform's Alembic migrations do (the baseline's
// schema plus alembic_version at head 5003b9acb1f4), or its create_all (no alembic_version, none of the
// three server defaults), fills it with platformRows, runs extra and returns its URL.
func productionDatabaseURL(t *testing.T, createAll bool, extra string) string {
	t.Helper()
	url := emptyMigrateDatabase(t)
	schema := baselineSQL(t)
	if createAll {
		for _, def := range []string{" DEFAULT ''", " DEFAULT 0"} {
			schema = strings.ReplaceAll(schema, def, "")
		}
	} else {
		schema += `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,
  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version (version_num) VALUES ('` + migrate.AlembicHead + `');`
	}
	execSQL(t, url, schema)
	execSQL(t, url, platformRows)
	if extra != "" {
		execSQL(t, url, extra)
	}
	return url
}

// tableDigests returns, per table, its fixturestest.RowsDigestSQL, to prove that no row was lost or changed.
func tableDigests(t *testing.T, url string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range fixturestest.PlatformTables {
		out[table] = queryString(t, url, fixturestest.RowsDigestSQL(table))
	}
	return out
}

// schemaFingerprint describes the public schema's columns, constraints and indexes (alembic_version
// aside), to compare databases.
func schemaFingerprint(t *testing.T, url string) string {
	t.Helper()
	return queryString(t, url, `SELECT string_agg(line, E'\n' ORDER BY line) FROM (
SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '-')) AS line
FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'alembic_version'
UNION ALL
SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'alembic_version'
UNION ALL
SELECT format('index %s %s', indexname, indexdef) FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'alembic_version'
) s`)
}

// hasHistory reports whether the database has the migration history schema.
func hasHistory(t *testing.T, url string) bool {
	t.Helper()
	return queryString(t, url, `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'atlas_schema_revisions')::text`) == "true"
}

// decodeJSON decodes a command's JSON output into v.
func decodeJSON(t *testing.T, r result, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal([]byte(r.stdout), v), "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
}

// migrationVersions returns the embedded versions, at least two of them.
func migrationVersions(t *testing.T) (baseline, latest string) {
	t.Helper()
	versions := migrations.Versions()
	require.GreaterOrEqual(t, len(versions), 2)
	return versions[0], versions[len(versions)-1]
}

// migrationSet names the embedded migrations the way the commands print them, so that assertions hold
// whatever migrations are added later: the files in order, and the versions of the baseline, of the
// improvements (the second file, whose guard checks the rows already there) and of the latest.
type migrationSet struct {
	files                          []string
	baseline, improvements, latest string
}

// embeddedMigrations returns the migrationSet of the embedded directory, which holds at least two files.
func embeddedMigrations(t *testing.T) migrationSet {
	t.Helper()
	files, err := fs.Glob(migrations.FS(), "*.sql")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 2)
	versions := migrations.Versions()
	require.Len(t, versions, len(files))
	return migrationSet{files: files, baseline: versions[0], improvements: versions[1], latest: versions[len(versions)-1]}
}

// file returns the file name of version.
func (m migrationSet) file(version string) string {
	for _, f := range m.files {
		if strings.HasPrefix(f, version+"_") {
			return f
		}
	}
	panic("no migration file for version " + version)
}

// description returns the description part of version's file name, e.g. "baseline".
func (m migrationSet) description(version string) string {
	return strings.TrimSuffix(strings.TrimPrefix(m.file(version), version+"_"), ".sql")
}

// label returns version as the commands print it: "VERSION (description)".
func (m migrationSet) label(version string) string {
	return version + " (" + m.description(version) + ")"
}

func TestMigrateStatus(t *testing.T) {
	t.Parallel()
	m := embeddedMigrations(t)
	n := len(m.files)

	// An empty database: everything is pending, exit code 3.
	empty := emptyMigrateDatabase(t)
	r := yapDB(t, empty, "migrate", "status")
	requireFailure(t, r, exitMigrationsPending, cli.Plural(n, "migration")+" pending", "yapstore migrate up")
	require.Contains(t, r.stdout, "Current version: none (no migration applied)\n")
	require.Contains(t, r.stdout, "State:           pending\n")
	require.Contains(t, r.stdout, fmt.Sprintf("Pending (%d files):\n  %s\n", n, strings.Join(m.files, "\n  ")))
	require.Contains(t, r.stdout, "The database is empty: 'yapstore migrate up' creates the schema.")
	require.False(t, hasHistory(t, empty), "status changes nothing")

	// A current database: exit code 0 and its history.
	db := storetest.New(t)
	r = yapDB(t, db.URL, "migrate", "status")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Current version: "+m.label(m.latest)+"\n")
	require.Contains(t, r.stdout, "State:           up-to-date\n")
	require.Contains(t, r.stdout, fmt.Sprintf("History (%d rows):\n", n))
	require.Contains(t, r.stdout, "Up to date: nothing to do.")
	rows := tableRows(t, r.stdout[strings.Index(r.stdout, "History"):])
	require.Equal(t, m.baseline, rows[0][0])
	require.Equal(t, "baseline", rows[0][1])
	require.Equal(t, "applied", rows[0][2])

	var st statusJSON
	r = yapDB(t, db.URL, "migrate", "status", "--json")
	requireOK(t, r)
	decodeJSON(t, r, &st)
	require.Equal(t, stateUpToDate, st.State)
	require.Equal(t, m.latest, st.Current)
	require.Len(t, st.Applied, n)
	require.Empty(t, st.Pending)
	require.Nil(t, st.Partial)

	// A database the platform built: exit code 4, adopt it.
	prod := productionDatabaseURL(t, false, "")
	r = yapDB(t, prod, "migrate", "status", "--json")
	requireFailure(t, r, exitNeedsAttention, "yapstore migrate adopt")
	decodeJSON(t, r, &st)
	require.Equal(t, stateNeedsAdoption, st.State)
	require.Equal(t, exitNeedsAttention, st.ExitCode)
	require.Contains(t, st.NotClean, `"User"`)

	// A failed file recorded by an earlier run outside a transaction: exit code 4, with the error shown.
	execSQL(t, db.URL, `UPDATE atlas_schema_revisions.atlas_schema_revisions
SET applied = 0, error = 'ERROR: boom (SQLSTATE XX000)', error_stmt = 'SELECT boom()' WHERE version = '`+m.latest+`'`)
	r = yapDB(t, db.URL, "migrate", "status")
	requireFailure(t, r, exitNeedsAttention, "version "+m.latest+" failed or was only partly applied")
	require.Contains(t, r.stdout, "Failed or partly applied: version "+m.label(m.latest)+" ran 0 of ")
	require.Contains(t, r.stdout, "error: ERROR: boom (SQLSTATE XX000)")
	require.Contains(t, r.stdout, "SELECT boom()")

	r = yapDB(t, unreachableURL, "migrate", "status")
	requireFailure(t, r, 1, "cannot connect to the database at postgres")
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")
}

func TestMigrateUpOnEmptyDatabasePrintsFigures(t *testing.T) {
	t.Parallel()
	m := embeddedMigrations(t)
	url := emptyMigrateDatabase(t)

	r := yapDB(t, url, "migrate", "up")
	requireOK(t, r)
	out := r.stdout
	require.Contains(t, out, fmt.Sprintf("Database at version none (no migration applied); applying %d files up to %s\n",
		len(m.files), m.label(m.latest)))
	for _, f := range m.files {
		require.Regexp(t, `(?m)^Applied `+regexp.QuoteMeta(f)+`: \d+ statements? in [0-9.]+[µm]?s$`, out)
	}
	require.Contains(t, out, "Migrated from version none (no migration applied) to "+m.label(m.latest)+".\n")
	require.Regexp(t, `(?m)^Database size: .+ before, .+ after \(\+.+; \d+ -> \d+ bytes\)$`, out)
	// Every table appears after (the database had none before), with zero rows.
	table := tableRows(t, out[strings.Index(out, "Database size:"):])
	require.Len(t, table, len(fixturestest.PlatformTables))
	for _, row := range table {
		require.Contains(t, fixturestest.PlatformTables, row[0])
		require.Equal(t, []string{"-", "0", "-"}, []string{row[1], row[2], row[3]}, "%v", row)
	}

	r = yapDB(t, url, "migrate", "status")
	requireOK(t, r)
	r = yapDB(t, url, "migrate", "up")
	requireOK(t, r)
	require.Equal(t, "Nothing to do: the database is at version "+m.label(m.latest)+".\n", r.stdout)
}

func TestMigrateUpToAndJSON(t *testing.T) {
	t.Parallel()
	baseline, latest := migrationVersions(t)
	url := emptyMigrateDatabase(t)

	var res upJSON
	r := yapDB(t, url, "migrate", "up", "--to", baseline, "--json")
	requireOK(t, r)
	decodeJSON(t, r, &res)
	require.Equal(t, "", res.From)
	require.Equal(t, baseline, res.To)
	require.Len(t, res.Applied, 1)
	require.Equal(t, baseline+"_baseline.sql", res.Applied[0].Name)
	require.Positive(t, res.Applied[0].Statements)
	require.Positive(t, res.Applied[0].DurationMS)
	require.NotNil(t, res.Before)
	require.Empty(t, res.Before.Tables)
	require.NotNil(t, res.After)
	require.Len(t, res.After.Tables, len(fixturestest.PlatformTables))
	require.Positive(t, res.After.DatabaseSize)
	require.Nil(t, res.Backup)

	execSQL(t, url, platformRows)
	res = upJSON{}
	r = yapDB(t, url, "migrate", "up", "--json")
	requireOK(t, r)
	decodeJSON(t, r, &res)
	require.Equal(t, baseline, res.From)
	require.Equal(t, latest, res.To)
	require.Len(t, res.Applied, len(migrations.Versions())-1)
	for _, figures := range []*databaseStatsJSON{res.Before, res.After} {
		rows := map[string]int64{}
		for _, tbl := range figures.Tables {
			rows[tbl.Name] = tbl.Rows
		}
		require.Equal(t, map[string]int64{"User": 2, "YaptideUser": 1, "KeycloakUser": 1, "Cluster": 1, "Simulation": 2,
			"CelerySimulation": 1, "BatchSimulation": 1, "Task": 3, "CeleryTask": 2, "BatchTask": 1, "Input": 2,
			"Estimator": 2, "Page": 3, "Logfiles": 1}, rows)
	}

	// --no-stats skips the measurements; nothing pending prints an empty run.
	res = upJSON{}
	r = yapDB(t, url, "migrate", "up", "--json", "--no-stats")
	requireOK(t, r)
	decodeJSON(t, r, &res)
	require.Equal(t, latest, res.To)
	require.Empty(t, res.Applied)
	require.Nil(t, res.Before)

	r = yapDB(t, url, "migrate", "up", "--to", "20200101000000")
	m := embeddedMigrations(t)
	labels := make([]string, len(m.files))
	for i, v := range migrations.Versions() {
		labels[i] = m.label(v)
	}
	requireFailure(t, r, 1, "unknown migration version", "20200101000000", "the versions are "+strings.Join(labels, ", "))

	r = yapDB(t, url, "migrate", "up", "--lock-timeout", "soon")
	requireFailure(t, r, 2, "want a duration")
	r = yapDB(t, url, "migrate", "up", "--statement-lock-timeout", "-1s")
	requireFailure(t, r, 2, "statement-lock-timeout", "want a duration")
	r = yapDB(t, url, "migrate", "up", "--lock-retries", "1000")
	requireFailure(t, r, 2, "--lock-retries: 1000 is outside 0..100")
	r = yapDB(t, url, "migrate", "up", "--statement-lock-timeout", "2s", "--lock-retries", "1")
	requireOK(t, r)
}

func TestMigrateUpRefusesPlatformDatabase(t *testing.T) {
	t.Parallel()
	url := productionDatabaseURL(t, false, "")
	before := tableDigests(t, url)
	r := yapDB(t, url, "migrate", "up")
	requireFailure(t, r, 1, "no migration history", "yapstore migrate adopt")
	require.Equal(t, before, tableDigests(t, url))
}

func TestMigrateReport(t *testing.T) {
	t.Parallel()
	baseline, latest := migrationVersions(t)
	url := productionDatabaseURL(t, false, "")
	requireOK(t, yapDB(t, url, "migrate", "adopt"))

	r := yapDB(t, url, "migrate", "report")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Version:         "+baseline+" (baseline)\n")
	require.Contains(t, r.stdout, "State:           pending ("+cli.Plural(len(migrations.Versions())-1, "file")+" pending, latest "+latest+")\n")
	require.Contains(t, r.stdout, "Alembic:         "+migrate.AlembicHead+"\n")
	require.Regexp(t, `(?m)^Server:          PostgreSQL \d+`, r.stdout)
	require.Regexp(t, `(?m)^Database size: .+ \(\d+ bytes\)$`, r.stdout)
	rows := tableRows(t, r.stdout[strings.Index(r.stdout, "Database size:"):])
	require.Len(t, rows, len(fixturestest.PlatformTables)+1, "the platform's tables and alembic_version")
	counts := map[string]string{}
	for _, row := range rows {
		counts[row[0]] = row[1]
	}
	require.Equal(t, "3", counts["Page"])
	require.Equal(t, "1", counts["alembic_version"])

	var rep reportJSON
	r = yapDB(t, url, "migrate", "report", "--json")
	requireOK(t, r)
	decodeJSON(t, r, &rep)
	require.Equal(t, baseline, rep.Current)
	require.Equal(t, statePending, rep.State)
	require.Equal(t, migrate.AlembicHead, rep.AlembicRevision)
	require.NotEmpty(t, rep.ServerVersion)
	require.Positive(t, rep.DatabaseSize)
	normalized, err := cli.NormalizeDatabaseURL(url)
	require.NoError(t, err)
	require.Equal(t, dburl.Redact(normalized), rep.Database)
}

func TestMigrateHelp(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"status", "up", "down", "adopt", "report"} {
		r := yap(t, "migrate", sub, "--help")
		requireOK(t, r)
		require.Contains(t, r.stdout, "Usage: yapstore migrate "+sub)
		require.Contains(t, r.stdout, "\nExamples:\n  yapstore migrate "+sub)
		require.Contains(t, r.stdout, "--json")
	}
	r := yap(t, "migrate", "status", "--help")
	require.Contains(t, r.stdout, "Exit codes, for scripts: 0 up to date")
	r = yap(t, "migrate", "--help")
	requireOK(t, r)
	require.Contains(t, r.stdout, "  status ")
	require.Contains(t, r.stdout, "  report ")
}

func TestMigrateUpFailingFileIsRolledBack(t *testing.T) {
	t.Parallel()
	m := embeddedMigrations(t)
	baseline, improvements := m.baseline, m.file(m.improvements)
	url := productionDatabaseURL(t, false, "")
	requireOK(t, yapDB(t, url, "migrate", "adopt"))
	// A duplicate page arrives after adopt checked the rows.
	execSQL(t, url, `INSERT INTO "Page" (estimator_id, page_number, page_name, page_dimension) VALUES (2, 0, 'dose', 2)`)
	rows := tableDigests(t, url)

	r := yapDB(t, url, "migrate", "up")
	requireFailure(t, r, 1, improvements+" failed and was rolled back", "stays at version "+baseline+" (baseline)")
	require.Contains(t, r.stdout, "Migration "+improvements+" failed and was rolled back; the database is at version "+baseline+" (baseline).\n")
	require.Contains(t, r.stdout, "  duplicate pages: estimator 2 page_number 0 (page ids 3,4)\n")
	require.Contains(t, r.stdout, "ROWS BEFORE", "the figures are printed even so")
	require.Equal(t, rows, tableDigests(t, url))

	var res upJSON
	r = yapDB(t, url, "migrate", "up", "--json")
	requireFailure(t, r, 1, "failed and was rolled back")
	decodeJSON(t, r, &res)
	require.Equal(t, baseline, res.To)
	require.Empty(t, res.Applied)
	require.NotNil(t, res.Error)
	require.Equal(t, improvements, res.Error.File)
	require.Contains(t, res.Error.Detail, "duplicate pages: estimator 2 page_number 0 (page ids 3,4)")
	require.NotEmpty(t, res.Error.Hint)

	r = yapDB(t, url, "migrate", "status")
	requireFailure(t, r, exitMigrationsPending, cli.Plural(len(m.files)-1, "migration")+" pending")
}

// TestMigrateRehearse rehearses the pending migrations of an adopted platform database on a copy: the
// report has the versions, the files applied, the way down and up again, and nothing lost; the database
// itself stays at the baseline.
func TestMigrateRehearse(t *testing.T) {
	t.Parallel()
	baseline, latest := migrationVersions(t)
	url := productionDatabaseURL(t, false, "")
	requireOK(t, yapDB(t, url, "migrate", "adopt"))

	r := yapDB(t, url, "migrate", "rehearse")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Rehearsed on a copy")
	require.Contains(t, r.stdout, "From:  "+baseline+" (baseline)\n")
	require.Contains(t, r.stdout, "Down to "+baseline+" and up again: done.\n")
	require.NotContains(t, r.stdout, "LOST ROWS")

	var rep rehearsalJSON
	r = yapDB(t, url, "migrate", "rehearse", "--json")
	requireOK(t, r)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stdout)
	require.True(t, rep.OK)
	require.Equal(t, baseline, rep.From)
	require.Equal(t, latest, rep.To)
	require.Len(t, rep.Applied, len(migrations.Versions())-1)
	require.True(t, rep.DownAndUp)
	require.Empty(t, rep.LostRows)
	require.Empty(t, rep.SchemaDiffs)
	require.NotEmpty(t, rep.Warnings, "the improvements build indexes under a write lock")

	r = yapDB(t, url, "migrate", "status")
	require.Equal(t, 3, r.code, "still pending: the database itself was not migrated\n%s", r.stdout)
}
