package migrate_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

func TestUpAppliesEveryFileOnce(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	ctx := t.Context()
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	res, err := m.Up(ctx)
	require.NoError(t, err)
	versions := migrations.Versions()
	require.Len(t, res.Applied, len(versions))
	for i, f := range res.Applied {
		assert.Equal(t, versions[i], f.Version)
		assert.Positive(t, f.Statements)
		assert.Positive(t, f.Duration)
	}
	assert.Equal(t, "", res.From)
	assert.Equal(t, versions[len(versions)-1], res.To)

	// History rows: one per file, complete, with the file's atlas.sum hash.
	db := openDB(t, url)
	rows, err := db.QueryContext(ctx, `SELECT version, type, applied, total, hash, coalesce(error, ''), operator_version
FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	files := m.Files()
	i := 0
	for ; rows.Next(); i++ {
		var (
			version, hash, errText, operator string
			typ, applied, total              int
		)
		require.NoError(t, rows.Scan(&version, &typ, &applied, &total, &hash, &errText, &operator))
		assert.Equal(t, files[i].Version, version)
		assert.Equal(t, 2, typ, "type: executed")
		assert.Equal(t, total, applied)
		assert.Equal(t, res.Applied[i].Statements, total)
		assert.Equal(t, files[i].Hash, hash)
		assert.Empty(t, errText)
		assert.Contains(t, operator, "yapstore")
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, len(files), i)

	// Up again: nothing to do.
	again, err := m.Up(ctx)
	require.NoError(t, err)
	assert.Empty(t, again.Applied)
	assert.Equal(t, res.To, again.From)
	assert.Equal(t, res.To, again.To)
}

func TestUpTo(t *testing.T) {
	t.Parallel()
	versions := migrations.Versions()
	require.GreaterOrEqual(t, len(versions), 2)
	url := newDatabase(t)
	ctx := t.Context()
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	_, err = m.Up(ctx, migrate.UpTo("19990101000000"))
	require.ErrorIs(t, err, migrate.ErrUnknownVersion)

	res, err := m.Up(ctx, migrate.UpTo(versions[0]))
	require.NoError(t, err)
	require.Len(t, res.Applied, 1)
	assert.Equal(t, versions[0], res.To)

	res, err = m.Up(ctx, migrate.UpTo(versions[0]))
	require.NoError(t, err)
	assert.Empty(t, res.Applied)

	res, err = m.Up(ctx)
	require.NoError(t, err)
	assert.Len(t, res.Applied, len(versions)-1)
}

func TestUpCollectsStats(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	ctx := t.Context()
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()

	res, err := m.Up(ctx, migrate.CollectStats())
	require.NoError(t, err)
	require.NotNil(t, res.Before)
	require.NotNil(t, res.After)
	assert.Empty(t, res.Before.Tables, "a new database has no tables")
	assert.Positive(t, res.Before.DatabaseSize)
	assert.Len(t, res.After.Tables, 14)
	page, ok := res.After.Table("Page")
	require.True(t, ok)
	assert.Zero(t, page.Rows)
	assert.Positive(t, page.TotalSize)
}

func TestUpRefusesTamperedDirectory(t *testing.T) {
	t.Parallel()
	versions := migrations.Versions()
	name := versions[len(versions)-1] + "_" + lastDescription(t) + ".sql"
	dir := directory(t, nil)
	dir[name].Data = append(dir[name].Data, []byte("\nDROP TABLE \"Page\";\n")...) // atlas.sum not updated

	_, err := migrate.Open(t.Context(), newDatabase(t), migrate.WithDirectory(dir))
	require.ErrorIs(t, err, migrate.ErrChecksumMismatch)
	var cerr *migrate.ChecksumError
	require.ErrorAs(t, err, &cerr)
	assert.Equal(t, name, cerr.File)
	assert.Equal(t, "edited", cerr.Reason)

	delete(dir, "atlas.sum")
	_, err = migrate.Open(t.Context(), newDatabase(t), migrate.WithDirectory(dir))
	require.ErrorIs(t, err, migrate.ErrChecksumMismatch)
}

func TestUpRefusesChangedAppliedFile(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	ctx := t.Context()
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	_, err = m.Up(ctx)
	require.NoError(t, err)
	require.NoError(t, m.Close())

	// The last file edited after it ran, and re-hashed so that atlas.sum agrees.
	versions := migrations.Versions()
	name := versions[len(versions)-1] + "_" + lastDescription(t) + ".sql"
	dir := directory(t, nil)
	dir[name].Data = append(dir[name].Data, []byte("\nCREATE TABLE \"Extra\" (id integer);\n")...)
	rehash(t, dir)
	m, err = migrate.Open(ctx, url, migrate.WithDirectory(dir))
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrHistoryChanged)
	var herr *migrate.HistoryChangedError
	require.ErrorAs(t, err, &herr)
	assert.Equal(t, []string{name}, herr.Files)
}

func TestFailingMigrationLeavesPreviousVersion(t *testing.T) {
	t.Parallel()
	versions := migrations.Versions()
	last := versions[len(versions)-1]
	dir := directory(t, map[string]string{
		"29990101000000_broken.sql": `CREATE TABLE "Scratch" ("id" integer);
INSERT INTO "Scratch" VALUES (1);
ALTER TABLE "Page" ADD COLUMN "page_note" text;
SELECT 1 / 0;
`,
	})
	url := newDatabase(t)
	ctx := t.Context()
	m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir))
	require.NoError(t, err)
	defer m.Close()

	res, err := m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrMigrationFailed)
	var merr *migrate.MigrationError
	require.ErrorAs(t, err, &merr)
	assert.Equal(t, "29990101000000", merr.File.Version)
	assert.Equal(t, "SELECT 1 / 0;", merr.Statement)
	assert.Contains(t, merr.Err.Error(), "division by zero")
	require.NotNil(t, res)
	assert.Len(t, res.Applied, len(versions), "the files before the broken one stay applied")
	assert.Equal(t, last, res.To)

	db := openDB(t, url)
	var scratch sql.NullString
	require.NoError(t, db.QueryRowContext(ctx, `SELECT to_regclass('"Scratch"')::text`).Scan(&scratch))
	assert.False(t, scratch.Valid, "the broken file's table was rolled back")
	var columns int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.columns
WHERE table_name = 'Page' AND column_name = 'page_note'`).Scan(&columns))
	assert.Zero(t, columns, "the broken file's column was rolled back")
	var maxVersion string
	require.NoError(t, db.QueryRowContext(ctx,
		`SELECT max(version) FROM atlas_schema_revisions.atlas_schema_revisions`).Scan(&maxVersion))
	assert.Equal(t, last, maxVersion, "no history row for the broken file")
}

func TestUpLockTimeout(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	ctx := t.Context()
	holder := openDB(t, url)
	conn, err := holder.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrate.LockKey())
	require.NoError(t, err)
	var holderPID int
	require.NoError(t, conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&holderPID))

	m, err := migrate.Open(ctx, url, migrate.WithLockTimeout(300*time.Millisecond))
	require.NoError(t, err)
	defer m.Close()
	start := time.Now()
	_, err = m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrLockTimeout)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	var lerr *migrate.LockTimeoutError
	require.ErrorAs(t, err, &lerr)
	assert.Equal(t, holderPID, lerr.HolderPID)

	// Once released, Up goes through.
	_, err = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", migrate.LockKey())
	require.NoError(t, err)
	res, err := m.Up(ctx)
	require.NoError(t, err)
	assert.Len(t, res.Applied, len(migrations.Versions()))
}

func TestLockKeyIsTheAtlasCLIKey(t *testing.T) {
	t.Parallel()
	assert.Equal(t, int64(2686470616), migrate.LockKey())
}

// childResult is what a child process running Up prints.
type childResult struct {
	Applied  int
	LockWait time.Duration
	Error    string
}

// childMain runs Up in a child process started by TestUpConcurrentProcesses and reports whether it did.
func childMain() bool {
	url := os.Getenv("MIGRATE_TEST_CHILD_URL")
	if url == "" {
		return false
	}
	var out childResult
	ctx := context.Background()
	m, err := migrate.Open(ctx, url)
	if err == nil {
		var res *migrate.UpResult
		res, err = m.Up(ctx)
		if res != nil {
			out.Applied, out.LockWait = len(res.Applied), res.LockWait
		}
		err = errors.Join(err, m.Close())
	}
	if err != nil {
		out.Error = err.Error()
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
	return true
}

func TestUpConcurrentProcesses(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	exe, err := os.Executable()
	require.NoError(t, err)
	const processes = 3
	results := make([]childResult, processes)
	var wg sync.WaitGroup
	for i := range processes {
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), "MIGRATE_TEST_CHILD_URL="+url)
			out, err := cmd.Output()
			if err != nil {
				results[i].Error = fmt.Sprintf("child: %v: %s", err, out)
				return
			}
			if err := json.Unmarshal(out, &results[i]); err != nil {
				results[i].Error = fmt.Sprintf("child output %q: %v", out, err)
			}
		})
	}
	wg.Wait()
	total := 0
	var appliers []int
	for i, r := range results {
		require.Empty(t, r.Error, "process %d", i)
		total += r.Applied
		if r.Applied > 0 {
			appliers = append(appliers, i)
		}
	}
	assert.Len(t, appliers, 1, "exactly one process applies: %+v", results)
	assert.Equal(t, len(migrations.Versions()), total)

	db := openDB(t, url)
	var rows int
	require.NoError(t, db.QueryRowContext(t.Context(),
		"SELECT count(*) FROM atlas_schema_revisions.atlas_schema_revisions").Scan(&rows))
	assert.Equal(t, len(migrations.Versions()), rows)
}

// lastDescription returns the description of the last embedded migration file.
func lastDescription(t testing.TB) string {
	t.Helper()
	names, err := fs.Glob(migrations.FS(), "*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	_, desc, _ := strings.Cut(names[len(names)-1], "_")
	return strings.TrimSuffix(desc, ".sql")
}

// TestApply brings an empty database to the head in one call, and a second call finds nothing to do.
func TestApply(t *testing.T) {
	t.Parallel()
	url := newDatabase(t)
	res, err := migrate.Apply(t.Context(), url)
	require.NoError(t, err)
	assert.Len(t, res.Applied, len(migrations.Versions()))
	res, err = migrate.Apply(t.Context(), url)
	require.NoError(t, err)
	assert.Empty(t, res.Applied)
}
