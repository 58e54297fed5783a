package migrations_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrations"
	"github.com/yapstore/yapstore/storetest"
)

// migrationFiles returns the embedded migration files' contents in the order they apply.
func migrationFiles(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(migrations.FS(), "*.sql")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(names), 2, "a baseline and at least one improvement")
	var out []string
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS(), n)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	return out
}

// TestBaselineIsTheProductionSchema applies only the first migration to an empty database and checks, from
// the catalog, that it is exactly the production schema: the 14 tables, every column with its type,
// nullability and default, every constraint with its name, columns, target and cascade, and no other index.
func TestBaselineIsTheProductionSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := emptyDatabase(ctx, t)
	_, err := conn.Exec(ctx, migrationFiles(t)[0])
	require.NoError(t, err)

	assertProductionColumns(t, readColumns(ctx, t, conn))
	assert.Equal(t, sortedConstraints(productionConstraints), readConstraints(ctx, t, conn))
	assert.Empty(t, readPlainIndexes(ctx, t, conn), "production has no index beyond its keys")
}

// TestAllMigrations checks a database migrated to the latest version (what storetest hands every test): it
// is exactly what schema/ declares (the same catalog as schema/*.sql run on an empty database, so a new
// column or index needs no change here), and the production tables keep every production column as it was.
func TestAllMigrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	conn, err := pgx.Connect(ctx, db.URL)
	require.NoError(t, err)
	defer conn.Close(ctx)

	migrated := readCatalog(ctx, t, conn)
	declared := readCatalog(ctx, t, declaredSchema(ctx, t, "../schema"))
	assert.Empty(t, catalogDifference(declared, migrated), "migrations/ must build exactly schema/")
	assertKeepsProductionColumns(t, readColumns(ctx, t, conn))

	// The checks hold: an unknown state is refused by the database itself.
	_, err = conn.Exec(ctx, `INSERT INTO "Simulation" (job_id, title, platform, input_type, sim_type, job_state)
		VALUES ('j', 't', 'DIRECT', 'EDITOR', 'shieldhit', 'BOGUS')`)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "23514", pgErr.Code)
	assert.Equal(t, "Simulation_job_state_check", pgErr.ConstraintName)
}

// TestSchemaDifferenceIsFound proves the check above can fail: schema/ with one column made nullable, a value
// fewer in a CHECK, or one index more, differs from what the migrations build, and the difference names the change.
func TestSchemaDifferenceIsFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	migrated := readCatalog(ctx, t, declaredSchema(ctx, t, "../schema"))
	for name, edit := range map[string]struct{ file, old, new, want string }{
		"column": {"03_simulations.sql", `"title" character varying NOT NULL`, `"title" character varying NULL`,
			`"Simulation".title character varying`},
		"check": {"03_simulations.sql", "'fluka', 'dummy'", "'fluka'", "Simulation_sim_type_check"},
		"index": {"05_results.sql", "", "CREATE INDEX extra_idx ON \"Page\" (page_name);\n", "extra_idx"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			files, err := filepath.Glob("../schema/*.sql")
			require.NoError(t, err)
			for _, f := range files {
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				if filepath.Base(f) == edit.file {
					changed := string(b) + edit.new // an empty old: appended
					if edit.old != "" {
						changed = strings.Replace(string(b), edit.old, edit.new, 1)
					}
					require.NotEqual(t, string(b), changed, "the edit must apply")
					b = []byte(changed)
				}
				require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644))
			}
			diff := catalogDifference(readCatalog(ctx, t, declaredSchema(ctx, t, dir)), migrated)
			require.NotEmpty(t, diff)
			assert.Contains(t, strings.Join(diff, "\n"), edit.want)
		})
	}
}

// TestImprovementsReportConflictingRows builds a production-schema database holding rows that break the
// improvements (duplicate pages and clusters, an unknown state), applies the improvements, and checks that
// the migration fails naming those rows and leaves every row as it was.
func TestImprovementsReportConflictingRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := emptyDatabase(ctx, t)
	files := migrationFiles(t)
	_, err := conn.Exec(ctx, files[0])
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `
		INSERT INTO "User" (id, username, auth_provider) VALUES (1, 'ann', 'YaptideUser');
		INSERT INTO "YaptideUser" (id, password_hash) VALUES (1, 'x');
		INSERT INTO "Cluster" (cluster_name) VALUES ('ares'), ('ares');
		INSERT INTO "Simulation" (id, job_id, user_id, title, platform, input_type, sim_type, job_state)
		VALUES (7, 'job-7', 1, 't', 'DIRECT', 'EDITOR', 'shieldhit', 'WEIRD');
		INSERT INTO "Estimator" (id, simulation_id, name, file_name) VALUES (3, 7, 'e', 'e');
		INSERT INTO "Page" (estimator_id, page_number) VALUES (3, 0), (3, 0), (3, 1);`)
	require.NoError(t, err)

	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, files[1])
	require.NoError(t, tx.Rollback(ctx))
	require.Error(t, err)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Contains(t, pgErr.Message, "nothing was changed")
	assert.Contains(t, pgErr.Detail, "duplicate pages: estimator 3 page_number 0 (page ids 1,2)")
	assert.Contains(t, pgErr.Detail, "duplicate cluster names: 'ares' (cluster ids 1,2)")
	assert.Contains(t, pgErr.Detail, "simulation 7")
	assert.Contains(t, pgErr.Detail, "'WEIRD'")

	var pages, clusters int
	require.NoError(t, conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM "Page"), (SELECT count(*) FROM "Cluster")`).
		Scan(&pages, &clusters))
	assert.Equal(t, 3, pages)
	assert.Equal(t, 2, clusters)
	assert.Empty(t, readPlainIndexes(ctx, t, conn), "no improvement was applied")
}

// TestEmbeddedDirectory checks what package migrations exposes: the hash from atlas.sum and the versions in
// order, the first of them the baseline.
func TestEmbeddedDirectory(t *testing.T) {
	assert.Regexp(t, `^[A-Za-z0-9+/]{43}=$`, migrations.Hash())
	versions := migrations.Versions()
	require.GreaterOrEqual(t, len(versions), 2)
	names, err := fs.Glob(migrations.FS(), "*_baseline.sql")
	require.NoError(t, err)
	require.Len(t, names, 1)
	assert.True(t, strings.HasPrefix(names[0], versions[0]+"_"), "the first version is the baseline")
	for i := 1; i < len(versions); i++ {
		assert.Less(t, versions[i-1], versions[i])
	}
}
