package migrate_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
)

func TestBackupWritesARestorableDump(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := productionDatabase(t, builtByAlembic, "")
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	path := filepath.Join(t.TempDir(), "before.dump")
	res, err := m.Backup(ctx, path)
	require.NoError(t, err, "pg_dump is part of the PostgreSQL client package the tests need")
	assert.Equal(t, path, res.Path)
	assert.Positive(t, res.Size)
	assert.Contains(t, res.Version, "pg_dump")

	// pg_restore lists the dumped tables, rows included.
	restore := filepath.Join(filepath.Dir(res.PgDump), "pg_restore")
	out, err := exec.CommandContext(ctx, restore, "--list", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "TABLE DATA public Page ")
	assert.Contains(t, string(out), "TABLE DATA public alembic_version")

	// A Migrator over a handle passes the connection settings through the environment instead.
	mh, err := migrate.New(openDB(t, url))
	require.NoError(t, err)
	res, err = mh.Backup(ctx, filepath.Join(t.TempDir(), "from-handle.dump"))
	require.NoError(t, err)
	assert.Positive(t, res.Size)

	// A failing pg_dump reports its own message.
	_, err = m.Backup(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "x.dump"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pg_dump failed")
	assert.Contains(t, err.Error(), "No such file or directory")
}
