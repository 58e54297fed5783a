package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// PrintJSON writes v to standard output as indented JSON followed by a newline.
func (e *Env) PrintJSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// Report prints what a command did: v as JSON under --json, otherwise the line that format makes of args.
// It returns the error of writing the JSON.
func (e *Env) Report(v any, format string, args ...any) error {
	if e.JSON {
		return e.PrintJSON(v)
	}
	e.Printf(format, args...)
	return nil
}

// PrintList prints a listing of items: under --json an array of each item's JSON form (toJSON), otherwise a
// line counting them as noun ("3 users in DB:") and a table under headers with one row per item (row). It
// returns the error of writing the JSON or the table.
func PrintList[T any](e *Env, items []T, noun string, toJSON func(T) any, headers []string, row func(T) []any) error {
	if e.JSON {
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = toJSON(item)
		}
		return e.PrintJSON(out)
	}
	e.Printf("%s in DB:\n", Plural(len(items), noun))
	t := e.NewTable(headers...)
	for _, item := range items {
		t.Row(row(item)...)
	}
	return t.Flush()
}

// Table collects rows and writes them to standard output in aligned columns under a header.
type Table struct {
	env  *Env
	rows [][]string
}

// NewTable starts a table with the given column headers.
func (e *Env) NewTable(headers ...string) *Table {
	return &Table{env: e, rows: [][]string{headers}}
}

// Row adds a row; cells are formatted with %v, nil pointers and empty strings show as "-".
func (t *Table) Row(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Cell(c)
	}
	t.rows = append(t.rows, row)
}

// Len returns the number of rows added, the header not counted.
func (t *Table) Len() int { return len(t.rows) - 1 }

// Flush writes the table: columns separated by at least two spaces, the last column not padded.
func (t *Table) Flush() error {
	w := tabwriter.NewWriter(t.env.Stdout, 0, 0, 2, ' ', 0)
	for _, row := range t.rows {
		if _, err := fmt.Fprintln(w, strings.Join(row, "\t")); err != nil {
			return err
		}
	}
	return w.Flush()
}

// TimeLayout is how tables print times: UTC, to the second.
const TimeLayout = "2006-01-02 15:04:05"

// Cell formats one table cell: "-" for nil pointers and empty strings, times in UTC with TimeLayout, tabs
// and newlines in text replaced by spaces so that they cannot break the columns.
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case *time.Time:
		if x == nil {
			return "-"
		}
		return x.UTC().Format(TimeLayout)
	case time.Time:
		return x.UTC().Format(TimeLayout)
	case *string:
		if x == nil {
			return "-"
		}
		return Cell(*x)
	case *int32:
		if x == nil {
			return "-"
		}
		return fmt.Sprint(*x)
	case string:
		if x == "" {
			return "-"
		}
		return strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, x)
	}
	return Cell(fmt.Sprint(v))
}

// Plural returns "1 user" or "3 users": n followed by the noun, with an "s" unless n is 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
