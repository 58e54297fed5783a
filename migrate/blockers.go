package migrate

import (
	"context"
	"database/sql"
	"regexp"
	"sync"
	"time"
)

// blockerPoll is how often a migration's blockers are looked up while it runs.
const blockerPoll = 100 * time.Millisecond

// blockersQuery lists the sessions that block the backend $1, as pg_blocking_pids tells: those holding a lock
// it waits for, and those ahead of it in that lock's queue.
const blockersQuery = `SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''), coalesce(a.query, ''),
       coalesce(extract(epoch FROM now() - a.xact_start), 0)::float8
FROM pg_stat_activity a
WHERE a.pid = ANY (pg_blocking_pids($1))
ORDER BY a.pid`

// blockerWatch remembers, while a migration file runs, the last sessions seen blocking it, so that a file
// that times out waiting for its locks can say who held them: once the wait has ended, the server no longer
// knows.
type blockerWatch struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	last []BlockingSession
}

// watchBlockers starts watching the backend of conn from another connection of the Migrator's pool; it
// returns nil, which finish accepts, when there is no statement lock timeout (nothing would time out) or
// the backend's pid cannot be read.
func (m *Migrator) watchBlockers(ctx context.Context, conn *sql.Conn) *blockerWatch {
	if m.stmtLockTimeout <= 0 {
		return nil
	}
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return nil
	}
	w := &blockerWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		ticker := time.NewTicker(blockerPoll)
		defer ticker.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			if found := blockingSessions(ctx, m.db, pid); len(found) > 0 {
				w.mu.Lock()
				w.last = found
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// finish stops the watch and returns the last blockers seen, nil for none or a nil watch.
func (w *blockerWatch) finish() []BlockingSession {
	if w == nil {
		return nil
	}
	close(w.stop)
	<-w.done
	return w.last
}

// blockingSessions returns the sessions blocking backend pid, nil when there are none or they cannot be read
// (a pool with no connection to spare, no privilege to see other sessions' queries).
func blockingSessions(ctx context.Context, db *sql.DB, pid int) []BlockingSession {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, blockersQuery, pid)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []BlockingSession
	for rows.Next() {
		var (
			b       BlockingSession
			seconds float64
		)
		if err := rows.Scan(&b.PID, &b.Application, &b.State, &b.Query, &seconds); err != nil {
			return nil
		}
		b.InXact = time.Duration(seconds * float64(time.Second))
		b.Query = shownQuery(b.Query)
		out = append(out, b)
	}
	return out
}

// secretWords are what makes a statement's text unfit to print: it may carry a password or a key.
var secretWords = regexp.MustCompile(`(?i)password|secret|private_key|passwd|\bkey\b`)

// spaces are the runs of white space a shown statement folds into one.
var spaces = regexp.MustCompile(`\s+`)

// shownQuery returns a blocking session's statement as an error may show it: on one line, at most 200
// characters, and hidden altogether when it mentions a password or a key.
func shownQuery(q string) string {
	if secretWords.MatchString(q) {
		return "(hidden: the statement mentions a password or key)"
	}
	q = spaces.ReplaceAllString(q, " ")
	if len(q) > 200 {
		q = q[:200] + "…"
	}
	return q
}
