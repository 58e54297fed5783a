// Package pooler tells whether a PostgreSQL connection reaches the server through a connection pooler such
// as PgBouncer, so that the store can stop relying on named prepared statements and migrations can refuse to
// run where their session lock would not hold.
//
// A server gives each connection the process id of the backend serving it (BackendKeyData, which cancel
// requests quote). A pooler answers the client's startup itself and hands out a process id of its own, a
// random one in PgBouncer's case, while the statements run on whichever server backend it picks: the id the
// connection was given and the id pg_backend_pid() returns then differ. Without a pooler they are the same.
package pooler

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Between reports whether a pooler stands between conn and the server, given backendPID, what
// pg_backend_pid() returned on conn: callers that send a statement anyway ask for it there and save a round
// trip.
func Between(conn *pgx.Conn, backendPID uint32) bool { return backendPID != conn.PgConn().PID() }

// Detect reports whether conn reaches its server through a pooler: the process id the connection was given
// at startup is not the one of the backend that runs its statements. It sends one statement, over the simple
// protocol so that no prepared statement is left on a backend the pooler shares. It returns the statement's
// error when it cannot be run.
func Detect(ctx context.Context, conn *pgx.Conn) (bool, error) {
	var backend uint32
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()", pgx.QueryExecModeSimpleProtocol).Scan(&backend); err != nil {
		return false, fmt.Errorf("ask the server for its backend's process id: %w", err)
	}
	return Between(conn, backend), nil
}
