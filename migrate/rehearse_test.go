package migrate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

// TestRehearse rehearses the last migration on a copy of a database one version behind, which holds rows:
// once copied as a template (nobody else connected) and once with pg_dump and pg_restore (another session
// connected). The report has the versions, the run's figures, the way down and up again, no lost rows and no
// schema difference; the database itself stays where it was, rows and all, and no copy is left behind.
func TestRehearse(t *testing.T) {
	t.Parallel()
	versions := migrations.Versions()
	from, to := versions[len(versions)-2], versions[len(versions)-1]
	for _, c := range []struct {
		name     string
		busy     bool
		copiedBy string
	}{{"template", false, "template"}, {"dump", true, "pg_dump"}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := newDatabase(t)
			m, err := migrate.Open(ctx, url)
			require.NoError(t, err)
			_, err = m.Up(ctx, migrate.UpTo(from))
			require.NoError(t, err)
			require.NoError(t, m.Close())
			seed := openDB(t, url)
			_, err = seed.ExecContext(ctx, `INSERT INTO "User" (username, auth_provider) VALUES ('ada', 'YaptideUser');
				INSERT INTO "Cluster" (cluster_name) VALUES ('ares'), ('zeus')`)
			require.NoError(t, err)
			require.NoError(t, seed.Close())
			if c.busy {
				other := openDB(t, url)
				conn, err := other.Conn(ctx)
				require.NoError(t, err)
				defer conn.Close()
			}

			m, err = migrate.Open(ctx, url)
			require.NoError(t, err)
			defer m.Close()
			rep, err := m.Rehearse(ctx, t.Logf)
			require.NoError(t, err)
			assert.Equal(t, from, rep.From)
			assert.Equal(t, to, rep.To)
			assert.Equal(t, c.copiedBy, rep.CopiedBy)
			require.NotNil(t, rep.Up)
			require.Len(t, rep.Up.Applied, 1)
			require.NotNil(t, rep.Up.Before)
			clusters, ok := rep.Up.Before.Table("Cluster")
			require.True(t, ok)
			assert.Equal(t, int64(2), clusters.Rows, "the copy holds the rows")
			require.NotNil(t, rep.Down, "down to where it started")
			assert.Equal(t, from, rep.Down.To)
			require.NotNil(t, rep.UpAgain)
			assert.Empty(t, rep.LostRows)
			assert.Empty(t, rep.SchemaDiffs)
			assert.Positive(t, rep.Estimate)

			status, err := m.Status(ctx)
			require.NoError(t, err)
			assert.Equal(t, from, status.Current, "the database itself was not migrated")
			check := openDB(t, url)
			var n int
			require.NoError(t, check.QueryRowContext(ctx, `SELECT count(*) FROM "Cluster"`).Scan(&n))
			assert.Equal(t, 2, n)
			require.NotEmpty(t, rep.Copy)
			require.NoError(t, check.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, rep.Copy).Scan(&n))
			assert.Zero(t, n, "the copy was dropped")
		})
	}
}

// TestRehearseFindsLostRows rehearses a migration that deletes rows: the report names the table and the
// rehearsal fails, and the database itself keeps its rows.
func TestRehearseFindsLostRows(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := migratedDatabase(t)
	db := openDB(t, url)
	_, err := db.ExecContext(ctx, `INSERT INTO "Cluster" (cluster_name) VALUES ('ares'), ('zeus')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	dir := directory(t, map[string]string{"29990101000000_forget_zeus.sql": `DELETE FROM "Cluster" WHERE cluster_name = 'zeus';` + "\n"})
	m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir))
	require.NoError(t, err)
	defer m.Close()
	rep, err := m.Rehearse(ctx, nil)
	require.ErrorIs(t, err, migrate.ErrRehearsalFailed)
	assert.Equal(t, []migrate.TableLoss{{Table: "Cluster", Before: 2, After: 1}}, rep.LostRows)
	check := openDB(t, url)
	var n int
	require.NoError(t, check.QueryRowContext(ctx, `SELECT count(*) FROM "Cluster"`).Scan(&n))
	assert.Equal(t, 2, n, "the database itself keeps its rows")
}
