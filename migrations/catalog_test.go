package migrations_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// column is one column as the catalog describes it.
type column struct {
	Table, Name, Type string
	NotNull           bool
	Default           string // "" for none; serial columns show their sequence
}

// constraint is one table constraint as the catalog describes it.
type constraint struct {
	Table, Name string
	Kind        string // p primary key, u unique, f foreign key, c check
	Columns     string // comma-separated, in key order
	References  string // "Table(col)" for foreign keys
	OnDelete    string // "cascade" or "no action" for foreign keys
}

func serial(table string) string { return fmt.Sprintf(`nextval('"%s_id_seq"'::regclass)`, table) }

// productionColumns is the production database's schema, column by column, from DESIGN.md: quoted CamelCase
// tables, unbounded varchar, bytea blobs, timestamptz times, serial ids on root tables and plain integer ids
// on subtables; the only server-side defaults are the serials and three on Estimator and Page.
var productionColumns = []column{
	{"User", "id", "integer", true, serial("User")},
	{"User", "username", "character varying", true, ""},
	{"User", "auth_provider", "character varying", true, ""},
	{"YaptideUser", "id", "integer", true, ""},
	{"YaptideUser", "password_hash", "character varying", true, ""},
	{"KeycloakUser", "id", "integer", true, ""},
	{"KeycloakUser", "cert", "character varying", false, ""},
	{"KeycloakUser", "private_key", "character varying", false, ""},
	{"Cluster", "id", "integer", true, serial("Cluster")},
	{"Cluster", "cluster_name", "character varying", true, ""},
	{"Simulation", "id", "integer", true, serial("Simulation")},
	{"Simulation", "job_id", "character varying", true, ""},
	{"Simulation", "user_id", "integer", false, ""},
	{"Simulation", "start_time", "timestamp with time zone", false, ""},
	{"Simulation", "end_time", "timestamp with time zone", false, ""},
	{"Simulation", "title", "character varying", true, ""},
	{"Simulation", "platform", "character varying", true, ""},
	{"Simulation", "input_type", "character varying", true, ""},
	{"Simulation", "sim_type", "character varying", true, ""},
	{"Simulation", "job_state", "character varying", true, ""},
	{"CelerySimulation", "id", "integer", true, ""},
	{"CelerySimulation", "merge_id", "character varying", false, ""},
	{"BatchSimulation", "id", "integer", true, ""},
	{"BatchSimulation", "cluster_id", "integer", true, ""},
	{"BatchSimulation", "job_dir", "character varying", false, ""},
	{"BatchSimulation", "array_id", "integer", false, ""},
	{"BatchSimulation", "collect_id", "integer", false, ""},
	{"Task", "id", "integer", true, serial("Task")},
	{"Task", "simulation_id", "integer", false, ""},
	{"Task", "task_id", "integer", true, ""},
	{"Task", "requested_primaries", "integer", true, ""},
	{"Task", "simulated_primaries", "integer", true, ""},
	{"Task", "task_state", "character varying", true, ""},
	{"Task", "estimated_time", "integer", false, ""},
	{"Task", "start_time", "timestamp with time zone", false, ""},
	{"Task", "end_time", "timestamp with time zone", false, ""},
	{"Task", "platform", "character varying", true, ""},
	{"Task", "last_update_time", "timestamp with time zone", false, ""},
	{"CeleryTask", "id", "integer", true, ""},
	{"CeleryTask", "celery_id", "character varying", true, ""},
	{"BatchTask", "id", "integer", true, ""},
	{"Input", "id", "integer", true, serial("Input")},
	{"Input", "simulation_id", "integer", false, ""},
	{"Input", "compressed_data", "bytea", false, ""},
	{"Estimator", "id", "integer", true, serial("Estimator")},
	{"Estimator", "simulation_id", "integer", true, ""},
	{"Estimator", "name", "character varying", true, ""},
	{"Estimator", "file_name", "character varying", true, "''::character varying"},
	{"Estimator", "compressed_data", "bytea", false, ""},
	{"Page", "id", "integer", true, serial("Page")},
	{"Page", "page_name", "character varying", true, "''::character varying"},
	{"Page", "estimator_id", "integer", true, ""},
	{"Page", "page_number", "integer", true, ""},
	{"Page", "compressed_data", "bytea", false, ""},
	{"Page", "page_dimension", "integer", true, "0"},
	{"Logfiles", "id", "integer", true, serial("Logfiles")},
	{"Logfiles", "simulation_id", "integer", true, ""},
	{"Logfiles", "compressed_data", "bytea", false, ""},
}

func fk(table, col, ref string, cascade bool) constraint {
	onDelete := "no action"
	if cascade {
		onDelete = "cascade"
	}
	return constraint{table, fmt.Sprintf("%s_%s_fkey", table, col), "f", col, ref + "(id)", onDelete}
}

func pk(table string) constraint { return constraint{table, table + "_pkey", "p", "id", "", ""} }

// productionConstraints is every constraint of the production database, with PostgreSQL's default names for
// primary and foreign keys and the platform's names for its unique keys.
var productionConstraints = []constraint{
	pk("User"), pk("YaptideUser"), pk("KeycloakUser"), pk("Cluster"), pk("Simulation"), pk("CelerySimulation"),
	pk("BatchSimulation"), pk("Task"), pk("CeleryTask"), pk("BatchTask"), pk("Input"), pk("Estimator"),
	pk("Page"), pk("Logfiles"),
	{"User", "_username_provider_uc", "u", "username,auth_provider", "", ""},
	{"Simulation", "Simulation_job_id_key", "u", "job_id", "", ""},
	{"Task", "_simulation_id_task_id_uc", "u", "simulation_id,task_id", "", ""},
	fk("YaptideUser", "id", "User", true),
	fk("KeycloakUser", "id", "User", true),
	fk("Simulation", "user_id", "User", false),
	fk("CelerySimulation", "id", "Simulation", true),
	fk("BatchSimulation", "id", "Simulation", true),
	fk("BatchSimulation", "cluster_id", "Cluster", false),
	fk("Task", "simulation_id", "Simulation", true),
	fk("CeleryTask", "id", "Task", true),
	fk("BatchTask", "id", "Task", true),
	fk("Input", "simulation_id", "Simulation", true),
	fk("Estimator", "simulation_id", "Simulation", true),
	fk("Page", "estimator_id", "Estimator", true),
	fk("Logfiles", "simulation_id", "Simulation", true),
}

func readColumns(ctx context.Context, t *testing.T, conn *pgx.Conn) []column {
	rows, err := conn.Query(ctx, `
		SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO', coalesce(c.column_default, '')
		FROM information_schema.columns c
		JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	require.NoError(t, err)
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		err := r.Scan(&c.Table, &c.Name, &c.Type, &c.NotNull, &c.Default)
		return c, err
	})
	require.NoError(t, err)
	return cols
}

func readConstraints(ctx context.Context, t *testing.T, conn *pgx.Conn) []constraint {
	rows, err := conn.Query(ctx, `
		SELECT c.conrelid::regclass::text, c.conname, c.contype::text,
		       (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
		          FROM unnest(c.conkey) WITH ORDINALITY AS k (attnum, ord)
		          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
		       CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text || '(' ||
		            (SELECT string_agg(a.attname, ',') FROM unnest(c.confkey) AS k (attnum)
		               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) || ')'
		            ELSE '' END,
		       CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'a' THEN 'no action' WHEN ' ' THEN ''
		            ELSE c.confdeltype::text END
		FROM pg_constraint c
		JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'c')
		ORDER BY 1, 2`)
	require.NoError(t, err)
	cons, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (constraint, error) {
		var c constraint
		err := r.Scan(&c.Table, &c.Name, &c.Kind, &c.Columns, &c.References, &c.OnDelete)
		c.Table = strings.Trim(c.Table, `"`)
		c.References = strings.ReplaceAll(c.References, `"`, "")
		return c, err
	})
	require.NoError(t, err)
	return cons
}

// readPlainIndexes returns the indexes that back no constraint, as index name → "Table(cols)".
func readPlainIndexes(ctx context.Context, t *testing.T, conn *pgx.Conn) map[string]string {
	rows, err := conn.Query(ctx, `
		SELECT i.indexrelid::regclass::text,
		       i.indrelid::regclass::text || '(' ||
		       (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
		          FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
		          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) || ')'
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public'
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`)
	require.NoError(t, err)
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		require.NoError(t, rows.Scan(&name, &def))
		out[strings.Trim(name, `"`)] = strings.ReplaceAll(def, `"`, "")
	}
	require.NoError(t, rows.Err())
	return out
}

func sortedConstraints(cs []constraint) []constraint {
	out := slices.Clone(cs)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Table != out[j].Table {
			return out[i].Table < out[j].Table
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func sortedColumns(cs []column) []column {
	out := slices.Clone(cs)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out
}

func tableNames(cols []column) []string {
	var names []string
	for _, c := range cols {
		if !slices.Contains(names, c.Table) {
			names = append(names, c.Table)
		}
	}
	sort.Strings(names)
	return names
}

// assertKeepsProductionColumns checks that every production table and column is still there, as it was in
// production and in the production order; later migrations may add tables and columns.
func assertKeepsProductionColumns(t *testing.T, got []column) {
	t.Helper()
	var kept []column
	for _, c := range got {
		if slices.ContainsFunc(productionColumns, func(p column) bool { return p.Table == c.Table && p.Name == c.Name }) {
			kept = append(kept, c)
		}
	}
	assert.Equal(t, sortedColumns(productionColumns), kept, "production columns, as production has them")
}

// assertProductionColumns checks that the database has exactly the production tables and columns, in the
// production column order.
func assertProductionColumns(t *testing.T, got []column) {
	t.Helper()
	assert.Equal(t, []string{"BatchSimulation", "BatchTask", "CelerySimulation", "CeleryTask", "Cluster",
		"Estimator", "Input", "KeycloakUser", "Logfiles", "Page", "Simulation", "Task", "User", "YaptideUser"},
		tableNames(got), "the 14 production tables")
	assert.Equal(t, sortedColumns(productionColumns), got)
}

// declaredSchema applies the desired-state files of dir (schema/*.sql, in file-name order, as Atlas reads them)
// to an empty database of the test's own and returns a connection to it.
func declaredSchema(ctx context.Context, t *testing.T, dir string) *pgx.Conn {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	sort.Strings(files)
	conn := emptyDatabase(ctx, t)
	for _, f := range files {
		sql, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = conn.Exec(ctx, string(sql))
		require.NoError(t, err, "apply %s", f)
	}
	return conn
}

// readCatalog describes everything a schema declares in the public schema, one line per object, sorted:
// each column with its type, nullability and default (in no particular order within its table, as a
// migration adds a column at the end wherever the declaration puts it), each constraint with its definition,
// each index with its definition.
func readCatalog(ctx context.Context, t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(ctx, `
		SELECT format('column %s.%s %s%s%s', c.oid::regclass, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
		              CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
		              coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), ''))
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
		UNION ALL
		SELECT format('constraint %s %s %s', c.conrelid::regclass, quote_ident(c.conname), pg_get_constraintdef(c.oid))
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = 'public'
		UNION ALL
		SELECT 'index ' || pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public'
		ORDER BY 1`)
	require.NoError(t, err)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	for i, line := range lines {
		if strings.HasPrefix(line, "constraint ") && strings.Contains(line, " CHECK ") {
			lines[i] = checkSpelling.Replace(line)
		}
	}
	return lines
}

// checkSpelling drops the casts and parentheses from a CHECK constraint's definition. PostgreSQL keeps the
// same check in different spellings depending on how it was written: "x IN ('A', 'B')" is stored as
// "(x)::text = ANY ((ARRAY['A'::character varying, ...])::text[])", the same check written by Atlas as
// "(x)::text = ANY (ARRAY[('A'::character varying)::text, ...])". Without them both read
// "x = ANY ARRAY['A', 'B']".
var checkSpelling = strings.NewReplacer("::character varying", "", "::text[]", "", "::text", "", "(", "", ")", "")

// catalogDifference returns the lines of want missing from got ("- ...") and those of got not in want
// ("+ ..."), empty when the two catalogs are the same.
func catalogDifference(want, got []string) []string {
	var diff []string
	for _, line := range want {
		if !slices.Contains(got, line) {
			diff = append(diff, "- "+line)
		}
	}
	for _, line := range got {
		if !slices.Contains(want, line) {
			diff = append(diff, "+ "+line)
		}
	}
	return diff
}
