package migrate_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

// productionKind says how the platform built a database.
type productionKind int

const (
	builtByAlembic   productionKind = iota // the Alembic migrations, head 5003b9acb1f4
	builtByCreateAll                       // the backend's startup create_all: no alembic_version, no defaults
)

// productionDatabase builds a database the way the platform does, fills it with rows, runs extra SQL, and
// returns its URL.
func productionDatabase(t *testing.T, kind productionKind, extra string) string {
	t.Helper()
	ddl, err := os.ReadFile("testdata/production_schema.sql")
	require.NoError(t, err)
	rows, err := os.ReadFile("testdata/production_rows.sql")
	require.NoError(t, err)
	schema := string(ddl)
	if kind == builtByCreateAll {
		schema = regexp.MustCompile(`(?s)CREATE TABLE alembic_version \(.*?\);\n`).ReplaceAllString(schema, "")
		schema = regexp.MustCompile(`(?m)^INSERT INTO alembic_version.*$`).ReplaceAllString(schema, "")
		schema = regexp.MustCompile(` DEFAULT \S+ NOT NULL; -- default`).ReplaceAllString(schema, " NOT NULL;")
	}
	url := newDatabase(t)
	db := openDB(t, url)
	for _, script := range []string{schema, string(rows), extra} {
		_, err := db.ExecContext(t.Context(), script)
		require.NoError(t, err)
	}
	return url
}

// tableContents returns, per table of the platform's schema, its fixturestest.RowsDigestSQL, to prove that no
// row was lost or changed.
func tableContents(t *testing.T, url string) map[string]string {
	t.Helper()
	db := openDB(t, url)
	out := map[string]string{}
	for _, table := range fixturestest.PlatformTables {
		var digest string
		require.NoError(t, db.QueryRowContext(t.Context(), fixturestest.RowsDigestSQL(table)).Scan(&digest))
		out[table] = digest
	}
	return out
}

func TestAdoptAlembicDatabaseThenUp(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := productionDatabase(t, builtByAlembic, "")
	before := tableContents(t, url)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	_, err = m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrNotClean, "Up does not take over a foreign database by itself")

	res, err := m.Adopt(ctx)
	require.NoError(t, err)
	versions := migrations.Versions()
	assert.Equal(t, "alembic", res.Source)
	assert.Equal(t, migrate.AlembicHead, res.AlembicRevision)
	assert.Equal(t, versions[0], res.Baseline)
	assert.Empty(t, res.Fixed)
	assert.Equal(t, []string{`table "alembic_version"`}, res.Kept)
	require.Len(t, res.Pending, len(versions)-1)
	assert.Equal(t, versions[1], res.Pending[0].Version)

	st, err := m.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, versions[0], st.Current)
	require.Len(t, st.Applied, 1)
	assert.Equal(t, "baseline", st.Applied[0].Type)
	assert.Len(t, st.Pending, len(versions)-1)

	up, err := m.Up(ctx, migrate.CollectStats())
	require.NoError(t, err)
	assert.Len(t, up.Applied, len(versions)-1)
	page, ok := up.After.Table("Page")
	require.True(t, ok)
	assert.EqualValues(t, 3, page.Rows)
	assert.Equal(t, before, tableContents(t, url), "no row lost or changed")

	var alembic string
	require.NoError(t, openDB(t, url).QueryRowContext(ctx, "SELECT version_num FROM alembic_version").Scan(&alembic))
	assert.Equal(t, migrate.AlembicHead, alembic)

	_, err = m.Adopt(ctx)
	require.ErrorIs(t, err, migrate.ErrAlreadyManaged)
}

func TestAdoptCreateAllDatabaseAddsDefaults(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := productionDatabase(t, builtByCreateAll, "")
	before := tableContents(t, url)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	res, err := m.Adopt(ctx)
	require.NoError(t, err)
	assert.Equal(t, "create_all", res.Source)
	assert.Empty(t, res.Kept)
	fixed := make([]string, len(res.Fixed))
	for i, d := range res.Fixed {
		fixed[i] = d.String()
	}
	assert.ElementsMatch(t, []string{
		`table "Estimator": column "file_name": default: database none, baseline ''`,
		`table "Page": column "page_name": default: database none, baseline ''`,
		`table "Page": column "page_dimension": default: database none, baseline 0`,
	}, fixed)
	assert.Len(t, res.FixSQL, 2, "one ALTER TABLE per table")

	var defaults string
	require.NoError(t, openDB(t, url).QueryRowContext(ctx, `SELECT string_agg(table_name || '.' || column_name || '=' ||
  column_default, ' ' ORDER BY table_name, column_name) FROM information_schema.columns
WHERE table_schema = 'public' AND column_default IS NOT NULL AND column_default NOT LIKE 'nextval%'`).Scan(&defaults))
	assert.Equal(t, `Estimator.file_name=''::character varying Page.page_dimension=0 Page.page_name=''::character varying`, defaults)

	_, err = m.Up(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, tableContents(t, url))
}

func TestAdoptRefusesDuplicateRowsAndChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := productionDatabase(t, builtByCreateAll, `
INSERT INTO "Page" (estimator_id, page_number, compressed_data, page_name, page_dimension)
  VALUES (1, 1, '\x1f8b', 'fluence', 1);
INSERT INTO "Estimator" (simulation_id, name, file_name) VALUES (1, 'z_profile', 'z_profile.bdo');`)
	before := tableContents(t, url)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	_, err = m.Adopt(ctx)
	require.ErrorIs(t, err, migrate.ErrImprovementsBlocked)
	var berr *migrate.BlockedError
	require.ErrorAs(t, err, &berr)
	assert.Equal(t, migrations.Versions()[1], berr.File.Version)
	assert.Contains(t, berr.Detail, "estimator 1 page_number 1 (page ids 2,4)")
	assert.Contains(t, berr.Detail, "simulation 1 file_name 'z_profile.bdo' (estimator ids 1,3)")

	assert.Equal(t, before, tableContents(t, url))
	db := openDB(t, url)
	var history, defaults bool
	require.NoError(t, db.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'atlas_schema_revisions')`).Scan(&history))
	assert.False(t, history, "no history written")
	require.NoError(t, db.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM information_schema.columns
WHERE table_name = 'Page' AND column_name = 'page_name' AND column_default IS NOT NULL)`).Scan(&defaults))
	assert.False(t, defaults, "the defaults were not added either")
}

func TestAdoptReportsEveryDifference(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := productionDatabase(t, builtByAlembic, `
UPDATE alembic_version SET version_num = 'aaaaaaaaaaaa';
ALTER TABLE "Task" ADD COLUMN note text;
ALTER TABLE "Logfiles" DROP CONSTRAINT "Logfiles_simulation_id_fkey";
ALTER TABLE "Cluster" ALTER COLUMN cluster_name DROP NOT NULL;
ALTER TABLE "Input" ALTER COLUMN compressed_data TYPE text;
CREATE INDEX page_by_estimator ON "Page" (estimator_id);
CREATE TABLE "Extra" (id integer);`)
	before := tableContents(t, url)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	_, err = m.Adopt(ctx)
	require.ErrorIs(t, err, migrate.ErrSchemaMismatch)
	var serr *migrate.SchemaMismatchError
	require.ErrorAs(t, err, &serr)
	got := make([]string, len(serr.Differences))
	for i, d := range serr.Differences {
		got[i] = d.String()
	}
	assert.ElementsMatch(t, []string{
		`table "alembic_version": version_num: Alembic revision "aaaaaaaaaaaa", the baseline equals "5003b9acb1f4" (upgrade with the platform's Alembic first)`,
		`table "Extra": table: in the database, not in the baseline`,
		`table "Task": column "note": in the database, not in the baseline (text)`,
		`table "Logfiles": foreign key "Logfiles_simulation_id_fkey": missing from the database ((simulation_id) REFERENCES "Simulation" (id) ON DELETE CASCADE)`,
		`table "Cluster": column "cluster_name": nullable: database true, baseline false`,
		`table "Input": column "compressed_data": type: database text, baseline bytea`,
		`table "Page": index "page_by_estimator": in the database, not in the baseline ((estimator_id))`,
	}, got, strings.Join(got, "\n"))
	assert.NotEmpty(t, serr.SQL)
	assert.Equal(t, before, tableContents(t, url))
	st, err := m.Status(ctx)
	require.NoError(t, err)
	assert.Empty(t, st.Applied)
}

func TestAdoptEmptyDatabase(t *testing.T) {
	t.Parallel()
	m, err := migrate.Open(t.Context(), newDatabase(t))
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Adopt(t.Context())
	require.ErrorIs(t, err, migrate.ErrNothingToAdopt)
}
