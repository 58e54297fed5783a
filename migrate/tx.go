package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// inTx runs fn in one transaction on conn and commits it when fn returns nil. Otherwise, and whenever fn
// does not return normally (a panic), the transaction is rolled back, so nothing fn did stays.
func inTx(ctx context.Context, conn *sql.Conn, fn func(tx *sql.Tx) error) (err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			err = errors.Join(err, fmt.Errorf("roll back: %w", rerr))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	return nil
}
