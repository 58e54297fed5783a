package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// closedExecutor is the executor of a nil or zero Store: every statement fails with ErrClosed.
type closedExecutor struct{}

func (closedExecutor) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, ErrClosed
}

func (closedExecutor) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, ErrClosed }

func (closedExecutor) QueryRow(context.Context, string, ...any) pgx.Row { return closedRow{} }

func (closedExecutor) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults { return closedBatch{} }

// closedRow is a row that fails to scan with ErrClosed.
type closedRow struct{}

func (closedRow) Scan(...any) error { return ErrClosed }

// closedBatch is the results of a batch that was never sent: every read fails with ErrClosed.
type closedBatch struct{}

func (closedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, ErrClosed }
func (closedBatch) Query() (pgx.Rows, error)         { return nil, ErrClosed }
func (closedBatch) QueryRow() pgx.Row                { return closedRow{} }
func (closedBatch) Close() error                     { return ErrClosed }
func (closedBatch) Tx() pgx.Tx                       { return nil }
