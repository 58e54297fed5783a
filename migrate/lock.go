package migrate

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/yapstore/yapstore/internal/pooler"
)

// lockName is the name the Atlas CLI hashes into the advisory-lock key it holds while applying migrations.
const lockName = "atlas_migrate_execute"

// LockKey returns the key of the session-level PostgreSQL advisory lock held while migrations are applied:
// the FNV-32 hash of "atlas_migrate_execute" (2686470616), the same key the Atlas CLI takes in
// `atlas migrate apply`, so this package and the CLI never apply migrations to one database at once.
func LockKey() int64 {
	h := fnv.New32()
	h.Write([]byte(lockName))
	return int64(h.Sum32())
}

// refusePooler returns ErrPooler when conn reaches the server through a connection pooler (internal/pooler):
// the migration lock is a session-level advisory lock, and a pooler in transaction mode runs the session's
// next transaction on another backend, where the lock is not held, while the backend that holds it serves
// someone else. A pooler in session mode would keep it, but it cannot be told apart from here, and migrations
// belong on the server itself anyway.
func refusePooler(ctx context.Context, conn *sql.Conn) error {
	var pooled bool
	err := conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return nil // not pgx's driver: nothing to tell
		}
		var err error
		pooled, err = pooler.Detect(ctx, c.Conn())
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if pooled {
		return ErrPooler
	}
	return nil
}

// migrationLock is the advisory lock held on one dedicated connection.
type migrationLock struct {
	conn *sql.Conn
	key  int64
}

// acquireLock polls pg_try_advisory_lock on conn until it gets the lock, timeout passes or ctx ends. Polling,
// rather than a blocking pg_advisory_lock, is what the Atlas library does too: a waiting session never sits
// in a lock queue that a concurrent CREATE INDEX CONCURRENTLY would have to wait for. It returns how long it
// waited, and a *LockTimeoutError when the timeout passed.
func acquireLock(ctx context.Context, conn *sql.Conn, timeout time.Duration) (*migrationLock, time.Duration, error) {
	key := LockKey()
	start := time.Now()
	delay := 25 * time.Millisecond
	for {
		var acquired bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&acquired); err != nil {
			return nil, time.Since(start), fmt.Errorf("migrate: take migration lock: %w", err)
		}
		if acquired {
			return &migrationLock{conn: conn, key: key}, time.Since(start), nil
		}
		waited := time.Since(start)
		if waited >= timeout {
			lerr := &LockTimeoutError{Waited: waited}
			lerr.HolderPID, lerr.HolderApplication = lockHolder(ctx, conn, key)
			return nil, waited, lerr
		}
		// Sleep 1 to 2 times the delay (jitter keeps many waiters from polling in step), never past the
		// timeout, then back off up to one second.
		sleep := min(delay+rand.N(delay), timeout-waited)
		select {
		case <-ctx.Done():
			return nil, time.Since(start), fmt.Errorf("migrate: waiting for migration lock: %w", ctx.Err())
		case <-time.After(sleep):
		}
		delay = min(2*delay, time.Second)
	}
}

// lockHolder looks up the session holding the advisory lock key, for error messages. It returns zero values
// when that cannot be told (no permission to see other sessions, or the lock was released meanwhile).
func lockHolder(ctx context.Context, conn *sql.Conn, key int64) (pid int, application string) {
	// A bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
	err := conn.QueryRowContext(ctx, `SELECT l.pid, coalesce(a.application_name, '')
FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.classid::bigint = ($1::bigint >> 32) AND l.objid::bigint = ($1::bigint & 4294967295)
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
LIMIT 1`, key).Scan(&pid, &application)
	if err != nil {
		return 0, ""
	}
	return pid, application
}

// release unlocks the advisory lock. The unlock runs even when ctx is cancelled. When it cannot be confirmed,
// the connection is discarded instead of going back to the pool, since closing the session is what frees a
// session-level lock for certain.
func (l *migrationLock) release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var released bool
	err := l.conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", l.key).Scan(&released)
	if err == nil && !released {
		err = errors.New("the lock was not held")
	}
	if err != nil {
		// Returning driver.ErrBadConn from Raw makes database/sql close the connection rather than reuse it.
		_ = l.conn.Raw(func(any) error { return driver.ErrBadConn })
		return fmt.Errorf("migrate: release migration lock: %w", err)
	}
	return nil
}
