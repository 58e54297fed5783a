package migrate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

func TestStatusFollowsUp(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	ctx := t.Context()
	versions := migrations.Versions()
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	st, err := m.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, "", st.Current)
	assert.Equal(t, versions[len(versions)-1], st.Latest)
	assert.Len(t, st.Pending, len(versions))
	assert.Empty(t, st.Applied)
	assert.Empty(t, st.NotClean)
	assert.False(t, st.UpToDate())

	var exists bool
	require.NoError(t, openDB(t, url).QueryRowContext(ctx,
		`SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'atlas_schema_revisions')`).Scan(&exists))
	assert.False(t, exists, "Status changes nothing")

	_, err = m.Up(ctx, migrate.UpTo(versions[0]))
	require.NoError(t, err)
	st, err = m.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, versions[0], st.Current)
	require.Len(t, st.Applied, 1)
	assert.Equal(t, "applied", st.Applied[0].Type)
	assert.Len(t, st.Pending, len(versions)-1)

	_, err = m.Up(ctx)
	require.NoError(t, err)
	st, err = m.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.UpToDate())
	assert.Equal(t, st.Latest, st.Current)
}

func TestStatusAndUpOnForeignDatabase(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	ctx := t.Context()
	_, err := openDB(t, url).ExecContext(ctx, `CREATE TABLE "User" ("id" serial PRIMARY KEY)`)
	require.NoError(t, err)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	st, err := m.Status(ctx)
	require.NoError(t, err)
	assert.Contains(t, st.NotClean, `"User"`)
	assert.False(t, st.UpToDate())
	_, err = m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrNotClean)
}

func TestPartialFileReportedAndResumed(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	ctx := t.Context()
	// A file outside a transaction whose second statement fails until "Gate" has a row.
	dir := directory(t, map[string]string{"29990101000000_gated.sql": `-- atlas:txmode none

CREATE TABLE "Gate" ("id" integer);
SELECT 1 / (SELECT count(*) FROM "Gate");
CREATE TABLE "AfterGate" ("id" integer);
`})
	m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir))
	require.NoError(t, err)
	defer m.Close()

	_, err = m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrMigrationFailed)
	st, err := m.Status(ctx)
	require.NoError(t, err)
	require.NotNil(t, st.Partial)
	assert.Equal(t, "29990101000000", st.Partial.Version)
	assert.Equal(t, 1, st.Partial.Applied)
	assert.Equal(t, 3, st.Partial.Total)
	assert.Contains(t, st.Partial.Error, "division by zero")
	assert.Equal(t, "SELECT 1 / (SELECT count(*) FROM \"Gate\");", st.Partial.ErrorStatement)
	assert.Equal(t, migrations.Versions()[len(migrations.Versions())-1], st.Current)
	require.Len(t, st.Pending, 1)

	_, err = m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrPartial)
	var perr *migrate.PartialError
	require.ErrorAs(t, err, &perr)
	assert.Equal(t, 1, perr.Revision.Applied)

	_, err = openDB(t, url).ExecContext(ctx, `INSERT INTO "Gate" VALUES (1)`)
	require.NoError(t, err)
	res, err := m.Up(ctx, migrate.ResumePartial())
	require.NoError(t, err)
	require.Len(t, res.Applied, 1)
	st, err = m.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.UpToDate(), "%+v", st)
	assert.Equal(t, "29990101000000", st.Current)
}
