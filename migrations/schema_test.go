package migrations_test

import (
	"context"
	"io/fs"
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

// TestAllMigrations checks a database migrated to the latest version (what storetest hands every test): the
// production tables and columns unchanged, plus the improvements' keys, checks and indexes.
func TestAllMigrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	conn, err := pgx.Connect(ctx, db.URL)
	require.NoError(t, err)
	defer conn.Close(ctx)

	assertProductionColumns(t, readColumns(ctx, t, conn))
	want := append(append([]constraint{}, productionConstraints...), improvementConstraints...)
	assert.Equal(t, sortedConstraints(want), readConstraints(ctx, t, conn))
	assert.Equal(t, improvementIndexes, readPlainIndexes(ctx, t, conn))

	// The checks hold: an unknown state is refused by the database itself.
	_, err = conn.Exec(ctx, `INSERT INTO "Simulation" (job_id, title, platform, input_type, sim_type, job_state)
		VALUES ('j', 't', 'DIRECT', 'EDITOR', 'shieldhit', 'BOGUS')`)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "23514", pgErr.Code)
	assert.Equal(t, "Simulation_job_state_check", pgErr.ConstraintName)
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
