package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrate"
)

// migrationFileJSON is a migration file as --json prints it.
type migrationFileJSON struct {
	Version     string `json:"version"`
	Description string `json:"description"`
	Name        string `json:"name"`
}

func newMigrationFileJSON(f migrate.File) migrationFileJSON {
	return migrationFileJSON{Version: f.Version, Description: f.Description, Name: f.Name}
}

// mapEach returns f of each of items, in order; never nil, so that JSON prints an empty list as [].
func mapEach[T, U any](items []T, f func(T) U) []U {
	out := make([]U, len(items))
	for i, item := range items {
		out[i] = f(item)
	}
	return out
}

// fileNames lists the names of files for a sentence.
func fileNames(files []migrate.File) string {
	return strings.Join(mapEach(files, func(f migrate.File) string { return f.Name }), ", ")
}

// revisionJSON is a row of the history table as --json prints it.
type revisionJSON struct {
	Version         string    `json:"version"`
	Description     string    `json:"description"`
	Type            string    `json:"type"`
	Applied         int       `json:"statements_applied"`
	Total           int       `json:"statements_total"`
	ExecutedAt      time.Time `json:"executed_at"`
	ExecutionMS     float64   `json:"execution_ms"`
	Error           string    `json:"error,omitempty"`
	ErrorStatement  string    `json:"error_statement,omitempty"`
	OperatorVersion string    `json:"operator_version"`
}

func newRevisionJSON(r migrate.Revision) revisionJSON {
	return revisionJSON{
		Version: r.Version, Description: r.Description, Type: r.Type, Applied: r.Applied, Total: r.Total,
		ExecutedAt: r.ExecutedAt.UTC(), ExecutionMS: migrateMillis(r.ExecutionTime), Error: r.Error,
		ErrorStatement: r.ErrorStatement, OperatorVersion: r.OperatorVersion,
	}
}

// databaseStatsJSON is a migrate.Stats as --json prints it: exact figures, sizes in bytes.
type databaseStatsJSON struct {
	DatabaseSize int64              `json:"database_size_bytes"`
	Tables       []tableFiguresJSON `json:"tables"`
}

// tableFiguresJSON is one table's figures.
type tableFiguresJSON struct {
	Schema    string `json:"schema"`
	Name      string `json:"name"`
	Rows      int64  `json:"rows"`
	TotalSize int64  `json:"total_size_bytes"`
}

// newDatabaseStatsJSON converts st; nil stays nil.
func newDatabaseStatsJSON(st *migrate.Stats) *databaseStatsJSON {
	if st == nil {
		return nil
	}
	out := &databaseStatsJSON{DatabaseSize: st.DatabaseSize, Tables: make([]tableFiguresJSON, len(st.Tables))}
	for i, t := range st.Tables {
		out.Tables[i] = tableFiguresJSON{Schema: t.Schema, Name: t.Name, Rows: t.Rows, TotalSize: t.TotalSize}
	}
	return out
}

// differenceJSON is a schema difference as --json prints it, with the one-line text operators read.
type differenceJSON struct {
	Table   string `json:"table,omitempty"`
	Object  string `json:"object"`
	Problem string `json:"problem"`
	Text    string `json:"text"`
}

func newDifferencesJSON(diffs []migrate.Difference) []differenceJSON {
	return mapEach(diffs, func(d migrate.Difference) differenceJSON {
		return differenceJSON{Table: d.Table, Object: d.Object, Problem: d.Problem, Text: d.String()}
	})
}

// migrateMillis returns d in milliseconds, to the microsecond, for JSON.
func migrateMillis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// migrateDurationText formats d for people: to the millisecond, or to the microsecond below one millisecond.
func migrateDurationText(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// migrateSizeText formats a number of bytes as PostgreSQL's pg_size_pretty does, in units of 1024: "8192 bytes",
// "7.9 MB", "120 MB".
func migrateSizeText(n int64) string {
	const unit = 1024
	if n < 10*unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v := float64(n)
	units := []string{"kB", "MB", "GB", "TB", "PB"}
	i := -1
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, units[i])
	}
	return fmt.Sprintf("%.0f %s", v, units[i])
}

// migrationVersionText names a version for messages: the version and its file's description, or "none" for a
// database without history.
func migrationVersionText(m *migrate.Migrator, version string) string {
	if version == "" {
		return "none (no migration applied)"
	}
	for _, f := range m.Files() {
		if f.Version == version {
			return version + " (" + f.Description + ")"
		}
	}
	return version
}

// statsTableLabel names a table in the figures: its name, qualified when it is outside schema public.
func statsTableLabel(t migrate.TableStats) string {
	if t.Schema == "public" {
		return t.Name
	}
	return t.Schema + "." + t.Name
}

// printDatabaseStats prints one measurement: the database size and a table of rows and size per table.
func printDatabaseStats(env *cli.Env, st *migrate.Stats) error {
	env.Printf("Database size: %s (%d bytes)\n", migrateSizeText(st.DatabaseSize), st.DatabaseSize)
	if len(st.Tables) == 0 {
		env.Printf("No tables.\n")
		return nil
	}
	t := env.NewTable("TABLE", "ROWS", "SIZE")
	for _, ts := range st.Tables {
		t.Row(statsTableLabel(ts), ts.Rows, migrateSizeText(ts.TotalSize))
	}
	return t.Flush()
}

// printDatabaseStatsComparison prints the figures before and after a migration side by side: every table either
// measurement has, and the database size with its change. A table missing from one side shows "-".
func printDatabaseStatsComparison(env *cli.Env, before, after *migrate.Stats) error {
	type pair struct{ before, after *migrate.TableStats }
	byName := map[string]*pair{}
	var names []string
	add := func(st *migrate.Stats, set func(p *pair, t *migrate.TableStats)) {
		for i := range st.Tables {
			label := statsTableLabel(st.Tables[i])
			p, ok := byName[label]
			if !ok {
				p = &pair{}
				byName[label] = p
				names = append(names, label)
			}
			set(p, &st.Tables[i])
		}
	}
	add(before, func(p *pair, t *migrate.TableStats) { p.before = t })
	add(after, func(p *pair, t *migrate.TableStats) { p.after = t })
	slices.Sort(names)

	change := after.DatabaseSize - before.DatabaseSize
	sign := "+"
	if change < 0 {
		sign, change = "-", -change
	}
	env.Printf("Database size: %s before, %s after (%s%s; %d -> %d bytes)\n", migrateSizeText(before.DatabaseSize),
		migrateSizeText(after.DatabaseSize), sign, migrateSizeText(change), before.DatabaseSize, after.DatabaseSize)
	if len(names) == 0 {
		return nil
	}
	t := env.NewTable("TABLE", "ROWS BEFORE", "ROWS AFTER", "SIZE BEFORE", "SIZE AFTER")
	for _, name := range names {
		p := byName[name]
		rowsBefore, rowsAfter, sizeBefore, sizeAfter := "-", "-", "-", "-"
		if p.before != nil {
			rowsBefore, sizeBefore = fmt.Sprint(p.before.Rows), migrateSizeText(p.before.TotalSize)
		}
		if p.after != nil {
			rowsAfter, sizeAfter = fmt.Sprint(p.after.Rows), migrateSizeText(p.after.TotalSize)
		}
		t.Row(name, rowsBefore, rowsAfter, sizeBefore, sizeAfter)
	}
	return t.Flush()
}

// printStatements prints header and then each of statements, indented and ended by ";", when there are any.
func printStatements(env *cli.Env, header string, statements []string) {
	if len(statements) == 0 {
		return
	}
	env.Printf("%s\n", header)
	for _, q := range statements {
		printIndentedLines(env, q+";")
	}
}

// printIndentedLines prints each line of text (SQL, a PostgreSQL detail) indented by two spaces.
func printIndentedLines(env *cli.Env, text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		env.Printf("  %s\n", line)
	}
}
