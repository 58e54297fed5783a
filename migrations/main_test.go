package migrations_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// emptyDatabaseURL creates an empty database on the test server, dropped when the test ends, and returns
// its URL. The catalog tests need one to apply migration files by hand, and Atlas needs one as its dev
// database.
func emptyDatabaseURL(ctx context.Context, t *testing.T) string {
	t.Helper()
	srv := storetest.Server(t)
	admin, err := pgx.Connect(ctx, srv.URL())
	require.NoError(t, err)
	defer admin.Close(ctx)

	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "migrations_test_" + hex.EncodeToString(suffix)
	_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx := context.Background()
		admin, err := pgx.Connect(ctx, srv.URL())
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	url, err := srv.DatabaseURL(name)
	require.NoError(t, err)
	return url
}

// emptyDatabase is emptyDatabaseURL with a connection to it, closed when the test ends.
func emptyDatabase(ctx context.Context, t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, emptyDatabaseURL(ctx, t))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
