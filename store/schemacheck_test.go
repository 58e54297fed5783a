package store_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// TestOpenChecksTheSchema opens databases in every state a platform database can be in: each one that is not
// at the embedded head is refused with ErrSchemaNotCurrent naming the command that fixes it, before any write
// could meet a missing constraint; the options accept a newer schema or skip the check.
func TestOpenChecksTheSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	versions := migrations.Versions()
	head := versions[len(versions)-1]
	refused := func(t *testing.T, url string, state store.SchemaState, fix string, opts ...store.Option) {
		t.Helper()
		s, err := store.Open(ctx, url, opts...)
		require.ErrorIs(t, err, store.ErrSchemaNotCurrent)
		require.Nil(t, s)
		var schemaErr *store.SchemaError
		require.ErrorAs(t, err, &schemaErr)
		assert.Equal(t, state, schemaErr.State)
		assert.Equal(t, head, schemaErr.Head)
		assert.Contains(t, err.Error(), fix)

		pool, err := pgxpool.New(ctx, url)
		require.NoError(t, err)
		defer pool.Close()
		_, err = store.New(ctx, pool, opts...)
		assert.True(t, errors.As(err, &schemaErr) && schemaErr.State == state, "New: %v", err)
	}

	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		db := storetest.NewEmpty(t)
		url := db.URL
		refused(t, url, store.SchemaEmpty, "yapstore migrate up")
		_, err := migrate.Apply(ctx, db.DirectURL) // migrations take the server's own URL
		require.NoError(t, err)
		s, err := store.Open(ctx, url)
		require.NoError(t, err, "migrate.Apply brought it to the head")
		s.Close()
	})

	t.Run("platform database not adopted", func(t *testing.T) {
		t.Parallel()
		db := storetest.NewEmpty(t)
		baseline, err := fs.ReadFile(migrations.FS(), versions[0]+"_baseline.sql")
		require.NoError(t, err)
		_, err = db.Pool.Exec(ctx, string(baseline))
		require.NoError(t, err)
		refused(t, db.URL, store.SchemaNotAdopted, "yapstore migrate adopt")
	})

	t.Run("behind", func(t *testing.T) {
		t.Parallel()
		db := storetest.NewEmpty(t)
		url := db.URL
		m, err := migrate.Open(ctx, db.DirectURL) // migrations take the server's own URL
		require.NoError(t, err)
		defer m.Close()
		_, err = m.Up(ctx, migrate.UpTo(versions[0]))
		require.NoError(t, err)
		refused(t, url, store.SchemaBehind, "yapstore migrate up")
		s, err := store.Open(ctx, url, store.SkipSchemaCheck())
		require.NoError(t, err, "SkipSchemaCheck opens it anyway")
		s.Close()
	})

	t.Run("failed migration", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		_, err := db.Pool.Exec(ctx, `UPDATE atlas_schema_revisions.atlas_schema_revisions
			SET applied = total - 1, error = 'canceling statement due to lock timeout' WHERE version = $1`, head)
		require.NoError(t, err)
		refused(t, db.URL, store.SchemaFailed, "yapstore migrate status")
	})

	t.Run("ahead", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		_, err := db.Pool.Exec(ctx, `INSERT INTO atlas_schema_revisions.atlas_schema_revisions
			(version, description, type, applied, total, executed_at, execution_time, hash, operator_version)
			SELECT '29990101000000', 'from_the_future', type, 1, 1, now(), 0, hash, 'yapstore v9'
			FROM atlas_schema_revisions.atlas_schema_revisions WHERE version = $1`, head)
		require.NoError(t, err)
		refused(t, db.URL, store.SchemaAhead, "AllowNewerSchema")
		logger, logs := newLogBuffer()
		s, err := store.Open(ctx, db.URL, store.AllowNewerSchema(), store.WithLogger(logger))
		require.NoError(t, err)
		s.Close()
		assert.Contains(t, logs.String(), "level=INFO msg=\"yapstore: schema newer than this build accepted (AllowNewerSchema)\" database=29990101000000")
	})

	t.Run("at the head", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		s, err := store.Open(ctx, db.URL)
		require.NoError(t, err)
		s.Close()
	})
}
