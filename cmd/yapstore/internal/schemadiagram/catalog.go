package schemadiagram

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Querier is what Read runs its catalog queries on: a *pgx.Conn, a *pgxpool.Pool or a pgx.Tx.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Schema is the part of a database schema a diagram shows: its tables, ordered by name.
type Schema struct {
	Tables []*Table `json:"tables"`
}

// Table is one table with its columns in their order and its keys.
type Table struct {
	Name        string       `json:"name"`
	Columns     []Column     `json:"columns"`
	PrimaryKey  []string     `json:"primary_key"`  // column names, in key order; empty when the table has none
	UniqueKeys  [][]string   `json:"unique_keys"`  // unique constraints and unique indexes other than the primary key
	ForeignKeys []ForeignKey `json:"foreign_keys"` // ordered by constraint name
}

// Column is one column of a table.
type Column struct {
	Name    string `json:"name"`
	Type    string `json:"type"` // as format_type prints it: "integer", "character varying", ...
	NotNull bool   `json:"not_null"`
	Default string `json:"default,omitempty"` // the default expression, "" when none
}

// ForeignKey is a foreign-key constraint from Columns of its table to RefColumns of RefTable.
type ForeignKey struct {
	Name       string   `json:"name"`
	Columns    []string `json:"columns"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns"`
	OnDelete   string   `json:"on_delete"` // "cascade", "restrict", "set null", "set default" or "no action"
}

// Table returns the table named name, or nil.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// ignoredTables are bookkeeping tables of migration tools, not part of the data model.
func ignoredTables() []string { return []string{"alembic_version", "atlas_schema_revisions"} }

// Read reads the tables of schema schemaName (usually "public") from the live database catalog: columns
// with types, nullability and defaults; primary, unique and foreign keys (unique indexes that back no
// constraint count as unique keys). The migration tools' own tables are left out. It returns the first query
// error, wrapped.
func Read(ctx context.Context, q Querier, schemaName string) (*Schema, error) {
	s := &Schema{}
	byName := map[string]*Table{}

	rows, err := q.Query(ctx, `
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       coalesce(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> ALL ($2::text[])
ORDER BY c.relname, a.attnum`, schemaName, ignoredTables())
	if err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}
	var (
		table string
		col   Column
	)
	_, err = pgx.ForEachRow(rows, []any{&table, &col.Name, &col.Type, &col.NotNull, &col.Default}, func() error {
		t := byName[table]
		if t == nil {
			t = &Table{Name: table}
			byName[table] = t
			s.Tables = append(s.Tables, t)
		}
		t.Columns = append(t.Columns, col)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}

	rows, err = q.Query(ctx, `
SELECT c.relname, con.conname, con.contype::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
       coalesce(rc.relname::text, ''),
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
       con.confdeltype::text
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'f')
ORDER BY c.relname, con.conname`, schemaName)
	if err != nil {
		return nil, fmt.Errorf("read constraints: %w", err)
	}
	var (
		name, kind, refTable, onDelete string
		cols, refCols                  []string
	)
	_, err = pgx.ForEachRow(rows, []any{&table, &name, &kind, &cols, &refTable, &refCols, &onDelete}, func() error {
		t := byName[table]
		if t == nil {
			return nil
		}
		switch kind {
		case "p":
			t.PrimaryKey = slices.Clone(cols)
		case "u":
			t.UniqueKeys = append(t.UniqueKeys, slices.Clone(cols))
		case "f":
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{
				Name: name, Columns: slices.Clone(cols), RefTable: refTable, RefColumns: slices.Clone(refCols),
				OnDelete: deleteAction(onDelete),
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read constraints: %w", err)
	}

	rows, err = q.Query(ctx, `
SELECT t.relname,
       ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.num
             WHERE k.ord <= x.indnkeyatts ORDER BY k.ord)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = $1 AND x.indisunique AND NOT x.indisprimary AND x.indpred IS NULL AND x.indexprs IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid)
ORDER BY t.relname, i.relname`, schemaName)
	if err != nil {
		return nil, fmt.Errorf("read unique indexes: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&table, &cols}, func() error {
		if t := byName[table]; t != nil {
			t.UniqueKeys = append(t.UniqueKeys, slices.Clone(cols))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read unique indexes: %w", err)
	}
	return s, nil
}

// deleteAction spells pg_constraint.confdeltype.
func deleteAction(code string) string {
	switch code {
	case "c":
		return "cascade"
	case "r":
		return "restrict"
	case "n":
		return "set null"
	case "d":
		return "set default"
	}
	return "no action"
}
