package migrate_test

import (
	"context"
	"crypto/rand"
	"fmt"
	neturl "net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

// schemaDump describes the public schema's tables, columns, constraints and indexes (the platform's
// alembic_version table aside), to compare databases.
func schemaDump(t *testing.T, url string) []string {
	t.Helper()
	rows, err := openDB(t, url).QueryContext(t.Context(), `
SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '-'))
FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'alembic_version'
UNION ALL
SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'alembic_version'
UNION ALL
SELECT format('index %s %s', indexname, indexdef) FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'alembic_version'
ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestDownThenUpRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	versions := migrations.Versions()
	require.GreaterOrEqual(t, len(versions), 2)

	atBaseline := databaseAt(t, versions[0]) // the schema at the baseline, as Up builds it

	url := productionDatabase(t, builtByAlembic, "")
	before := tableContents(t, url)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Adopt(ctx)
	require.NoError(t, err)
	_, err = m.Up(ctx)
	require.NoError(t, err)
	atLatest := schemaDump(t, url)

	plan, err := m.Down(ctx, versions[0], migrate.PlanOnly())
	require.NoError(t, err)
	assert.False(t, plan.Applied)
	assert.NotEmpty(t, plan.SQL)
	assert.Empty(t, plan.DataLoss, "the improvements add no column or table")
	t.Logf("rollback plan:\n%s", strings.Join(plan.SQL, "\n"))
	assert.Equal(t, atLatest, schemaDump(t, url), "PlanOnly changes nothing")

	res, err := m.Down(ctx, versions[0])
	require.NoError(t, err)
	assert.True(t, res.Applied)
	assert.Equal(t, versions[len(versions)-1], res.From)
	assert.Equal(t, versions[0], res.To)
	require.Len(t, res.Reverted, len(versions)-1)
	assert.Equal(t, versions[len(versions)-1], res.Reverted[0].Version)
	assert.Equal(t, schemaDump(t, atBaseline), schemaDump(t, url), "the schema is the baseline's again")
	assert.Equal(t, before, tableContents(t, url))

	st, err := m.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, versions[0], st.Current)
	assert.Len(t, st.Pending, len(versions)-1)

	_, err = m.Up(ctx)
	require.NoError(t, err)
	assert.Equal(t, atLatest, schemaDump(t, url), "Up after Down rebuilds the same schema")
	assert.Equal(t, before, tableContents(t, url))

	again, err := m.Down(ctx, versions[len(versions)-1])
	require.NoError(t, err)
	assert.False(t, again.Applied, "already at that version")
}

func TestDownRefusesDataLossWithoutForce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	versions := migrations.Versions()
	last := versions[len(versions)-1]
	dir := directory(t, map[string]string{
		"29990101000000_notes.sql": `ALTER TABLE "Simulation" ADD COLUMN "note" text;
CREATE TABLE "Note" ("id" serial PRIMARY KEY, "text" text NOT NULL);
CREATE TABLE "Empty" ("id" integer);
`,
	})
	url := newDatabase(t)
	m, err := migrate.Open(ctx, url, migrate.WithDirectory(dir))
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Up(ctx)
	require.NoError(t, err)
	db := openDB(t, url)
	_, err = db.ExecContext(ctx, `
INSERT INTO "User" (username, auth_provider) VALUES ('alice', 'YaptideUser');
INSERT INTO "Simulation" (job_id, user_id, title, platform, input_type, sim_type, job_state, note)
  VALUES ('j1', 1, 't', 'DIRECT', 'EDITOR', 'dummy', 'UNKNOWN', 'keep me'),
         ('j2', 1, 't', 'DIRECT', 'EDITOR', 'dummy', 'UNKNOWN', NULL);
INSERT INTO "Note" ("text") VALUES ('a'), ('b'), ('c');`)
	require.NoError(t, err)

	_, err = m.Down(ctx, last)
	require.ErrorIs(t, err, migrate.ErrDataLoss)
	var derr *migrate.DataLossError
	require.ErrorAs(t, err, &derr)
	got := map[string]int64{}
	for _, l := range derr.Losses {
		got[l.String()] = l.Rows
	}
	assert.Equal(t, map[string]int64{
		`table "Note": table: in the database, not in the version ` + last:                           3,
		`table "Simulation": column "note": in the database, not in the version ` + last + ` (text)`: 1,
	}, got, "the empty table is no loss")
	var notes int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM "Note"`).Scan(&notes))
	assert.Equal(t, 3, notes, "nothing changed")

	res, err := m.Down(ctx, last, migrate.Force())
	require.NoError(t, err)
	assert.True(t, res.Applied)
	st, err := m.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, last, st.Current)
	var tables int
	require.NoError(t, db.QueryRowContext(ctx,
		`SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('Note', 'Empty')`).Scan(&tables))
	assert.Zero(t, tables)
}

func TestDownRefusesDrift(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	versions := migrations.Versions()
	url := newDatabase(t)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Up(ctx)
	require.NoError(t, err)
	_, err = openDB(t, url).ExecContext(ctx, `CREATE INDEX by_hand ON "Task" (task_state)`)
	require.NoError(t, err)

	_, err = m.Down(ctx, versions[0])
	require.ErrorIs(t, err, migrate.ErrDrift)
	var derr *migrate.DriftError
	require.ErrorAs(t, err, &derr)
	require.Len(t, derr.Differences, 1)
	assert.Equal(t, `table "Task": index "by_hand": in the database, not in the version `+versions[len(versions)-1]+` ((task_state))`,
		derr.Differences[0].String())

	_, err = m.Down(ctx, "19990101000000")
	require.ErrorIs(t, err, migrate.ErrUnknownVersion)
}

// TestDownAndAdoptWithoutCreateDB adopts, upgrades and rolls back a platform database as a role that owns it
// but may not create databases, as platforms often grant: Adopt and Down replay migrations in a schema of
// their own inside a transaction on the live database that is rolled back, and leave no schema behind.
func TestDownAndAdoptWithoutCreateDB(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	versions := migrations.Versions()
	atBaseline := databaseAt(t, versions[0])

	url := ownedWithoutCreateDB(t, productionDatabase(t, builtByAlembic, ""))
	before := tableContents(t, url)
	m, err := migrate.Open(ctx, url)
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Adopt(ctx)
	require.NoError(t, err, "Adopt replays the baseline without CREATEDB")
	_, err = m.Up(ctx)
	require.NoError(t, err)
	res, err := m.Down(ctx, versions[0])
	require.NoError(t, err, "Down replays both versions without CREATEDB")
	assert.True(t, res.Applied)
	assert.Equal(t, schemaDump(t, atBaseline), schemaDump(t, url), "the schema is the baseline's again")
	assert.Equal(t, before, tableContents(t, url))

	var scratch int
	require.NoError(t, openDB(t, url).QueryRowContext(ctx,
		`SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'yapstore\_scratch%'`).Scan(&scratch))
	assert.Zero(t, scratch, "no scratch schema is left behind")
}

// databaseAt returns the URL of a new database that Up brought to version.
func databaseAt(t *testing.T, version string) string {
	t.Helper()
	url := newDatabase(t)
	m, err := migrate.Open(t.Context(), url)
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Up(t.Context(), migrate.UpTo(version))
	require.NoError(t, err)
	return url
}

// ownedWithoutCreateDB makes a role without CREATEDB the owner of the database at url, of its public schema
// and of everything in it, and returns url with that role's credentials. The role is dropped when the test
// ends, before the database.
func ownedWithoutCreateDB(t *testing.T, url string) string {
	t.Helper()
	ctx := t.Context()
	admin := openDB(t, url)
	u, err := neturl.Parse(url)
	require.NoError(t, err)
	database := strings.TrimPrefix(u.Path, "/")
	role := "migrator_" + strings.TrimPrefix(database, "storetest_db_")
	password := rand.Text()
	_, err = admin.ExecContext(ctx, fmt.Sprintf(`CREATE ROLE %q LOGIN NOCREATEDB NOSUPERUSER PASSWORD '%s'`, role, password))
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx := context.WithoutCancel(ctx)
		_, err := admin.ExecContext(ctx, fmt.Sprintf(`REASSIGN OWNED BY %q TO CURRENT_USER; DROP OWNED BY %q`, role, role))
		assert.NoError(t, err)
		_, err = admin.ExecContext(ctx, fmt.Sprintf(`DROP ROLE %q`, role))
		assert.NoError(t, err)
	})
	_, err = admin.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %q OWNER TO %q; ALTER SCHEMA public OWNER TO %q`, database, role, role))
	require.NoError(t, err)
	_, err = admin.ExecContext(ctx, fmt.Sprintf(`DO $$
DECLARE o record;
BEGIN
  FOR o IN SELECT c.oid::regclass AS name FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
  LOOP EXECUTE format('ALTER TABLE %%s OWNER TO %%I', o.name, %s); END LOOP;
  FOR o IN SELECT t.oid::regtype AS name FROM pg_type t
           WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'
  LOOP EXECUTE format('ALTER TYPE %%s OWNER TO %%I', o.name, %s); END LOOP;
END $$`, quoteLiteral(role), quoteLiteral(role)))
	require.NoError(t, err)
	u.User = neturl.UserPassword(role, password)
	return u.String()
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
