package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// emptyDatabase connects to an empty database of the test's own (storetest.NewEmpty); the catalog tests
// apply migration files to it by hand. The connection is closed when the test ends.
func emptyDatabase(ctx context.Context, t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, storetest.NewEmpty(t).URL)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
