package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ServerTime is the server's own time for a workload's timed operations, from pg_stat_statements: planning
// and execution summed over every statement the run's database ran meanwhile. The commit's wait for the
// write-ahead log to reach the disk is in neither.
type ServerTime struct {
	Plan, Exec time.Duration
	Statements int64 // pg_stat_statements' calls
}

// statementsQuery reads the planning and execution time and the calls of every statement that ran in the
// current database since the last reset, leaving out its own and the reset's.
const statementsQuery = `
SELECT coalesce(sum(total_plan_time), 0)::float8, coalesce(sum(total_exec_time), 0)::float8, coalesce(sum(calls), 0)::int8
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND query NOT LIKE '%pg_stat_statements%'`

// statementsAvailable reports whether the server at conn loads pg_stat_statements with planning times
// tracked, and, when it does not, says why in a note for the progress output.
func statementsAvailable(ctx context.Context, conn *pgx.Conn) (ok bool, note string, err error) {
	var libraries, planning string
	if err := conn.QueryRow(ctx, `SELECT current_setting('shared_preload_libraries'),
		coalesce(current_setting('pg_stat_statements.track_planning', true), '')`).Scan(&libraries, &planning); err != nil {
		return false, "", fmt.Errorf("bench: read the server's settings: %w", err)
	}
	switch {
	case !containsWord(libraries, "pg_stat_statements"):
		return false, "not measured: the server does not load pg_stat_statements (shared_preload_libraries)", nil
	case planning != "on":
		return false, "not measured: pg_stat_statements.track_planning is off", nil
	}
	return true, "", nil
}

// containsWord reports whether the comma-separated list (as shared_preload_libraries writes it) holds word.
func containsWord(list, word string) bool {
	for _, item := range strings.Split(list, ",") {
		if strings.Trim(item, ` "`) == word {
			return true
		}
	}
	return false
}

// serverClock reads pg_stat_statements around a run's timed operations, through the run's setup pool on its
// database (on the server itself, also when the implementations go through a pooler).
type serverClock struct{ db *pgxpool.Pool }

// reset forgets every statement so far.
func (c serverClock) reset(ctx context.Context) error {
	if _, err := c.db.Exec(ctx, "SELECT pg_stat_statements_reset()"); err != nil {
		return fmt.Errorf("bench: reset pg_stat_statements: %w", err)
	}
	return nil
}

// read returns the server's time for the statements since reset.
func (c serverClock) read(ctx context.Context) (ServerTime, error) {
	var plan, exec float64
	var t ServerTime
	if err := c.db.QueryRow(ctx, statementsQuery).Scan(&plan, &exec, &t.Statements); err != nil {
		return t, fmt.Errorf("bench: read pg_stat_statements: %w", err)
	}
	t.Plan = time.Duration(plan * float64(time.Millisecond))
	t.Exec = time.Duration(exec * float64(time.Millisecond))
	return t, nil
}
