package migrate

import (
	"context"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/schema"

	"github.com/yapstore/yapstore/internal/serverdb"
)

// Stats are the figures operators compare when they test a migration on a copy of production.
type Stats struct {
	// DatabaseSize is pg_database_size of the database, in bytes.
	DatabaseSize int64
	// Tables lists every table outside the system schemas and the history schema, by schema and name.
	Tables []TableStats
}

// TableStats describes one table.
type TableStats struct {
	// Schema and Name identify the table.
	Schema, Name string
	// Rows is the exact row count.
	Rows int64
	// TotalSize is pg_total_relation_size: the table, its indexes and TOAST data, in bytes.
	TotalSize int64
}

// Table returns the figures of table name in schema "public", and false when there is no such table.
func (s *Stats) Table(name string) (TableStats, bool) {
	for _, t := range s.Tables {
		if t.Schema == "public" && t.Name == name {
			return t, true
		}
	}
	return TableStats{}, false
}

// Stats measures the database now: its size and every table's exact row count and size. Counting reads
// every table in full. It returns the database's error if a query fails.
func (m *Migrator) Stats(ctx context.Context) (*Stats, error) {
	return measure(ctx, m.db, m.revisionSchema)
}

// measure computes Stats over db, leaving out the history schema.
func measure(ctx context.Context, db schema.ExecQuerier, revisionSchema string) (*Stats, error) {
	var st Stats
	rows, err := db.QueryContext(ctx, "SELECT pg_database_size(current_database())")
	if err != nil {
		return nil, fmt.Errorf("migrate: measure database size: %w", err)
	}
	for rows.Next() {
		err = rows.Scan(&st.DatabaseSize)
	}
	if err = errors.Join(err, rows.Close(), rows.Err()); err != nil {
		return nil, fmt.Errorf("migrate: measure database size: %w", err)
	}
	rows, err = db.QueryContext(ctx, `SELECT n.nspname, c.relname, pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1) AND n.nspname NOT LIKE 'pg\_%'
ORDER BY n.nspname, c.relname`, revisionSchema)
	if err != nil {
		return nil, fmt.Errorf("migrate: list tables: %w", err)
	}
	for rows.Next() {
		var t TableStats
		if err = rows.Scan(&t.Schema, &t.Name, &t.TotalSize); err != nil {
			break
		}
		st.Tables = append(st.Tables, t)
	}
	if err = errors.Join(err, rows.Close(), rows.Err()); err != nil {
		return nil, fmt.Errorf("migrate: list tables: %w", err)
	}
	for i := range st.Tables {
		t := &st.Tables[i]
		rows, err := db.QueryContext(ctx, "SELECT count(*) FROM "+serverdb.QuoteIdent(t.Schema)+"."+serverdb.QuoteIdent(t.Name))
		if err != nil {
			return nil, fmt.Errorf("migrate: count rows of %s.%s: %w", t.Schema, t.Name, err)
		}
		for rows.Next() {
			err = rows.Scan(&t.Rows)
		}
		if err = errors.Join(err, rows.Close(), rows.Err()); err != nil {
			return nil, fmt.Errorf("migrate: count rows of %s.%s: %w", t.Schema, t.Name, err)
		}
	}
	return &st, nil
}
