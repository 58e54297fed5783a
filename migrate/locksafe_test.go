package migrate_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
)

// TestUpBoundsItsLockWaits has a migration alter "Page" while a transaction that wrote to "Page" stays open:
// the migration waits at most the statement lock timeout per try, so a service's update that comes after it
// is held up no longer than that, instead of until the open transaction ends; after its retries the file
// fails rolled back, naming the session that held the lock; once that session is gone, Up applies it.
func TestUpBoundsItsLockWaits(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := migratedDatabase(t)

	db := openDB(t, url)
	holder, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer holder.Rollback()
	_, err = holder.ExecContext(ctx, `LOCK TABLE "Page" IN ROW EXCLUSIVE MODE`) // what an UPDATE of a page takes
	require.NoError(t, err)

	const timeout = 300 * time.Millisecond
	dir := directory(t, map[string]string{"29990101000000_page_note.sql": `ALTER TABLE "Page" ADD COLUMN "page_note" text;` + "\n"})
	m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir), migrate.WithStatementLockTimeout(timeout), migrate.WithLockRetries(2))
	require.NoError(t, err)
	defer m.Close()
	upDone := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := m.Up(ctx)
		upDone <- err
	}()

	// While the migration is queued for its lock, a service's writer comes along: it waits behind the
	// migration's queued lock, but only until that lock wait times out.
	waitForLockQueue(t, db)
	writer := time.Now()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `BEGIN; LOCK TABLE "Page" IN ROW EXCLUSIVE MODE; COMMIT`)
	require.NoError(t, err)
	writerWait := time.Since(writer)
	assert.Less(t, writerWait, 10*timeout, "the writer waited no longer than the migration's lock timeout (and a pause)")

	err = <-upDone
	t.Logf("lock timeout %s: the writer behind the queued migration waited %s; the migration gave up after %s",
		timeout, writerWait.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	require.ErrorIs(t, err, migrate.ErrLockConflict)
	var lerr *migrate.LockConflictError
	require.ErrorAs(t, err, &lerr)
	assert.Equal(t, 3, lerr.Tries, "the first try and two retries")
	assert.Equal(t, "29990101000000_page_note.sql", lerr.File.Name)
	assert.GreaterOrEqual(t, time.Since(start), 3*timeout)
	require.NotEmpty(t, lerr.Blockers, "the session holding the lock is named")
	var holderPID int
	require.NoError(t, holder.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&holderPID))
	assert.Equal(t, holderPID, lerr.Blockers[0].PID)
	assert.Contains(t, err.Error(), "idle in transaction")
	assert.Equal(t, `LOCK TABLE "Page" IN ROW EXCLUSIVE MODE`, lerr.Blockers[0].Query, "its last statement")
	assertNoColumn(t, db, "page_note")

	require.NoError(t, holder.Rollback())
	res, err := m.Up(ctx)
	require.NoError(t, err)
	require.Len(t, res.Applied, 1)
	t.Logf("once the holder was gone the file applied in %s", res.Applied[0].Duration.Round(time.Millisecond))
}

// waitForLockQueue waits until a session of the database waits for a lock.
func waitForLockQueue(t *testing.T, db *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		require.NoError(t, db.QueryRowContext(context.Background(),
			`SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting))
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no session came to wait for a lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertNoColumn fails the test when "Page" has the column.
func assertNoColumn(t *testing.T, db *sql.DB, column string) {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM information_schema.columns
WHERE table_name = 'Page' AND column_name = $1`, column).Scan(&n))
	assert.Zero(t, n, "the file was rolled back")
}

// TestFailedConcurrentIndexLeavesNoInvalidIndex builds a unique index concurrently over duplicate values: the
// build fails, and the invalid index PostgreSQL leaves behind is dropped, so writers do not keep maintaining
// it and the next try can build it again.
func TestFailedConcurrentIndexLeavesNoInvalidIndex(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := migratedDatabase(t)
	db := openDB(t, url)
	_, err := db.ExecContext(ctx, `INSERT INTO "User" (username, auth_provider) VALUES ('ada', 'YaptideUser'), ('ada', 'KeycloakUser')`)
	require.NoError(t, err)

	dir := directory(t, map[string]string{"29990101000000_username_idx.sql": "-- atlas:txmode none\n\n" +
		`CREATE UNIQUE INDEX CONCURRENTLY "User_username_idx" ON "User" ("username");` + "\n"})
	m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir))
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Up(ctx)
	require.ErrorIs(t, err, migrate.ErrMigrationFailed)
	assert.Contains(t, err.Error(), "could not create unique index")
	var n int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM pg_class WHERE relname = 'User_username_idx'`).Scan(&n))
	assert.Zero(t, n, "the invalid index was dropped")
}

// migratedDatabase returns the URL of a new database at the embedded head.
func migratedDatabase(t *testing.T) string {
	t.Helper()
	url := newDatabase(t)
	_, err := migrate.Apply(t.Context(), url)
	require.NoError(t, err)
	return url
}
