//go:build atlascli

// The tests in this file run the Atlas command-line tool beside the package. Building it takes minutes on a
// cold cache, more than a test should wait, so they are left out of a plain `go test ./...` and run with the
// tag and a built tool, as .ci/run does:
//
//	make atlas && YAPSTORE_ATLAS_CLI=$PWD/bin/atlas go test -tags atlascli ./migrate ./migrations

package migrate_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

// historyRow is the part of a history row that does not depend on when or by what a file ran.
type historyRow struct {
	Version, Description, Hash, Error, ErrorStmt string
	Type, Applied, Total                         int
	PartialHashesNull                            bool
	Operator                                     string
}

// readHistory reads the history table of the database at url.
func readHistory(t testing.TB, url string) []historyRow {
	t.Helper()
	db := openDB(t, url)
	rows, err := db.QueryContext(t.Context(), `SELECT version, description, hash, coalesce(error, ''),
  coalesce(error_stmt, ''), type, applied, total, partial_hashes IS NULL OR partial_hashes = 'null', operator_version
FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var out []historyRow
	for rows.Next() {
		var r historyRow
		require.NoError(t, rows.Scan(&r.Version, &r.Description, &r.Hash, &r.Error, &r.ErrorStmt, &r.Type,
			&r.Applied, &r.Total, &r.PartialHashesNull, &r.Operator))
		out = append(out, r)
	}
	require.NoError(t, rows.Err())
	return out
}

// historyTableDefinition describes the history table's columns and primary key, to compare the table this
// package creates with the CLI's.
func historyTableDefinition(t testing.TB, url string) []string {
	t.Helper()
	db := openDB(t, url)
	rows, err := db.QueryContext(t.Context(), `SELECT format('%s %s %s %s', column_name, data_type, is_nullable,
  coalesce(column_default, '-'))
FROM information_schema.columns
WHERE table_schema = 'atlas_schema_revisions' AND table_name = 'atlas_schema_revisions'
UNION ALL
SELECT format('%s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint
WHERE conrelid = 'atlas_schema_revisions.atlas_schema_revisions'::regclass
ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestHistoryMatchesAtlasCLI(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dirURL := writeDirectory(t, directory(t, nil))
	byCLI, byLibrary := newDatabase(t), newDatabase(t)
	atlasCLI(ctx, t, false, "migrate", "apply", "--dir", dirURL, "--url", cliURL(byCLI))
	m, err := migrate.Open(ctx, byLibrary)
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Up(ctx)
	require.NoError(t, err)

	assert.Equal(t, historyTableDefinition(t, byCLI), historyTableDefinition(t, byLibrary))
	cliRows, libRows := readHistory(t, byCLI), readHistory(t, byLibrary)
	require.Len(t, cliRows, len(migrations.Versions()))
	require.Len(t, libRows, len(cliRows))
	for i := range cliRows {
		assert.Contains(t, cliRows[i].Operator, "Atlas CLI")
		assert.Contains(t, libRows[i].Operator, "yapstore")
		// The CLI (Atlas v0.12) keeps the statement hashes of a completed file; the runtime library (v1.3)
		// clears them. Neither reads them back for a completed file.
		cliRows[i].Operator, libRows[i].Operator = "", ""
		cliRows[i].PartialHashesNull, libRows[i].PartialHashesNull = false, false
		assert.Equal(t, cliRows[i], libRows[i])
	}
}

func TestAtlasCLIContinuesLibraryAndBack(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	versions := migrations.Versions()
	require.GreaterOrEqual(t, len(versions), 2)
	dirURL := writeDirectory(t, directory(t, nil))

	t.Run("library then CLI", func(t *testing.T) {
		url := newDatabase(t)
		m, err := migrate.Open(ctx, url)
		require.NoError(t, err)
		defer m.Close()
		_, err = m.Up(ctx, migrate.UpTo(versions[0]))
		require.NoError(t, err)

		out := atlasCLI(ctx, t, false, "migrate", "status", "--dir", dirURL, "--url", cliURL(url))
		assert.Contains(t, out, "Migration Status: PENDING")
		assert.Contains(t, out, versions[0])
		atlasCLI(ctx, t, false, "migrate", "apply", "--dir", dirURL, "--url", cliURL(url))
		out = atlasCLI(ctx, t, false, "migrate", "status", "--dir", dirURL, "--url", cliURL(url))
		assert.Contains(t, out, "Migration Status: OK")

		st, err := m.Status(ctx)
		require.NoError(t, err)
		assert.True(t, st.UpToDate(), "%+v", st)
		assert.Equal(t, versions[len(versions)-1], st.Current)
		res, err := m.Up(ctx)
		require.NoError(t, err)
		assert.Empty(t, res.Applied)
	})

	t.Run("CLI then library", func(t *testing.T) {
		url := newDatabase(t)
		atlasCLI(ctx, t, false, "migrate", "apply", "--dir", dirURL, "--url", cliURL(url), "1")
		m, err := migrate.Open(ctx, url)
		require.NoError(t, err)
		defer m.Close()
		st, err := m.Status(ctx)
		require.NoError(t, err)
		assert.Equal(t, versions[0], st.Current)
		assert.Len(t, st.Pending, len(versions)-1)

		res, err := m.Up(ctx)
		require.NoError(t, err)
		assert.Equal(t, versions[0], res.From)
		assert.Len(t, res.Applied, len(versions)-1)
		out := atlasCLI(ctx, t, false, "migrate", "apply", "--dir", dirURL, "--url", cliURL(url))
		assert.Contains(t, out, "No migration files to execute")
	})
}

func TestLockSharedWithAtlasCLI(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	// The embedded migrations plus a last file that holds the lock for a while.
	dir := directory(t, map[string]string{"29990101000000_slow.sql": "SELECT pg_sleep(2);\n"})
	dirURL := writeDirectory(t, dir)

	t.Run("library waits for CLI", func(t *testing.T) {
		url := newDatabase(t)
		var (
			wg     sync.WaitGroup
			cliErr error
			cli    = atlasCLIPath(t)
		)
		wg.Go(func() { _, cliErr = runAtlasCLI(ctx, cli, "migrate", "apply", "--dir", dirURL, "--url", cliURL(url)) })
		waitForLockHolder(t, url)
		m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir))
		require.NoError(t, err)
		defer m.Close()
		res, err := m.Up(ctx)
		wg.Wait()
		require.NoError(t, cliErr)
		require.NoError(t, err)
		assert.Empty(t, res.Applied, "the CLI applied everything")
		assert.Greater(t, res.LockWait, 500*time.Millisecond)
	})

	t.Run("CLI waits for library", func(t *testing.T) {
		url := newDatabase(t)
		// The embedded files first, alone: one of them builds an index CONCURRENTLY, which waits for every
		// statement older than it, and the CLI waits for the lock inside a statement (pg_advisory_lock), so
		// PostgreSQL would end that wait as a deadlock. What is tested here is the wait on the slow file.
		_, err := migrate.Apply(ctx, url)
		require.NoError(t, err)
		m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir))
		require.NoError(t, err)
		defer m.Close()
		var (
			wg   sync.WaitGroup
			res  *migrate.UpResult
			err2 error
		)
		wg.Go(func() { res, err2 = m.Up(ctx) })
		waitForLockHolder(t, url)
		start := time.Now()
		out := atlasCLI(ctx, t, false, "migrate", "apply", "--dir", dirURL, "--url", cliURL(url))
		waited := time.Since(start)
		wg.Wait()
		require.NoError(t, err2)
		assert.Len(t, res.Applied, 1, "the slow file")
		assert.Contains(t, out, "No migration files to execute")
		assert.Greater(t, waited, 500*time.Millisecond)
	})
}
