package migrate

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// Difference is one way the database's schema differs from the schema a migration version stands for.
type Difference struct {
	// Table is the table concerned, "" for a difference outside any table.
	Table string
	// Object is the element within it, for example `column "page_name"`, `index "Page_estimator_id_idx"`,
	// `foreign key "Page_estimator_id_fkey"`, or "table" for the table itself.
	Object string
	// Problem says how it differs, for example "default: database has none, baseline has ''".
	Problem string
}

// String formats the difference on one line.
func (d Difference) String() string {
	if d.Table == "" {
		return d.Object + ": " + d.Problem
	}
	return fmt.Sprintf("table %q: %s: %s", d.Table, d.Object, d.Problem)
}

// describeChanges turns Atlas changes from the live schema to the target one into Differences; target names
// the target in the text (for example "baseline" or "version 20240101000000").
func describeChanges(changes []schema.Change, target string) []Difference {
	var out []Difference
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			out = append(out, Difference{Table: c.T.Name, Object: "table", Problem: "missing from the database"})
		case *schema.DropTable:
			out = append(out, Difference{Table: c.T.Name, Object: "table", Problem: "in the database, not in the " + target})
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				out = append(out, describeTableChange(c.T.Name, tc, target))
			}
		default:
			out = append(out, Difference{Object: fmt.Sprintf("%T", c), Problem: "differs from the " + target})
		}
	}
	return out
}

// describeTableChange describes one change inside a table.
func describeTableChange(table string, c schema.Change, target string) Difference {
	d := Difference{Table: table}
	missing, extra := "missing from the database", "in the database, not in the "+target
	switch c := c.(type) {
	case *schema.AddColumn:
		d.Object, d.Problem = columnName(c.C), missing+" ("+columnSpec(c.C)+")"
	case *schema.DropColumn:
		d.Object, d.Problem = columnName(c.C), extra+" ("+columnSpec(c.C)+")"
	case *schema.ModifyColumn:
		d.Object = columnName(c.From)
		var parts []string
		if c.Change.Is(schema.ChangeType) {
			parts = append(parts, fmt.Sprintf("type: database %s, %s %s", typeName(c.From), target, typeName(c.To)))
		}
		if c.Change.Is(schema.ChangeNull) {
			parts = append(parts, fmt.Sprintf("nullable: database %t, %s %t", c.From.Type.Null, target, c.To.Type.Null))
		}
		if c.Change.Is(schema.ChangeDefault) {
			parts = append(parts, fmt.Sprintf("default: database %s, %s %s", defaultText(c.From.Default), target, defaultText(c.To.Default)))
		}
		if rest := c.Change &^ (schema.ChangeType | schema.ChangeNull | schema.ChangeDefault); rest != 0 {
			parts = append(parts, "also differs in "+rest.String())
		}
		d.Problem = strings.Join(parts, "; ")
	case *schema.AddIndex:
		d.Object, d.Problem = indexName(c.I), missing+" ("+indexSpec(c.I)+")"
	case *schema.DropIndex:
		d.Object, d.Problem = indexName(c.I), extra+" ("+indexSpec(c.I)+")"
	case *schema.ModifyIndex:
		d.Object = indexName(c.From)
		d.Problem = fmt.Sprintf("database %s, %s %s", indexSpec(c.From), target, indexSpec(c.To))
	case *schema.AddPrimaryKey:
		d.Object, d.Problem = "primary key", missing+" ("+indexSpec(c.P)+")"
	case *schema.DropPrimaryKey:
		d.Object, d.Problem = "primary key", extra+" ("+indexSpec(c.P)+")"
	case *schema.ModifyPrimaryKey:
		d.Object = "primary key"
		d.Problem = fmt.Sprintf("database %s, %s %s", indexSpec(c.From), target, indexSpec(c.To))
	case *schema.AddForeignKey:
		d.Object, d.Problem = fmt.Sprintf("foreign key %q", c.F.Symbol), missing+" ("+foreignKeySpec(c.F)+")"
	case *schema.DropForeignKey:
		d.Object, d.Problem = fmt.Sprintf("foreign key %q", c.F.Symbol), extra+" ("+foreignKeySpec(c.F)+")"
	case *schema.ModifyForeignKey:
		d.Object = fmt.Sprintf("foreign key %q", c.From.Symbol)
		d.Problem = fmt.Sprintf("database %s, %s %s", foreignKeySpec(c.From), target, foreignKeySpec(c.To))
	case *schema.AddCheck:
		d.Object, d.Problem = fmt.Sprintf("check %q", c.C.Name), missing+" ("+c.C.Expr+")"
	case *schema.DropCheck:
		d.Object, d.Problem = fmt.Sprintf("check %q", c.C.Name), extra+" ("+c.C.Expr+")"
	case *schema.ModifyCheck:
		d.Object = fmt.Sprintf("check %q", c.From.Name)
		d.Problem = fmt.Sprintf("database %s, %s %s", c.From.Expr, target, c.To.Expr)
	case *schema.AddAttr:
		d.Object, d.Problem = "attribute", fmt.Sprintf("%T %s", c.A, missing)
	case *schema.DropAttr:
		d.Object, d.Problem = "attribute", fmt.Sprintf("%T %s", c.A, extra)
	case *schema.ModifyAttr:
		d.Object, d.Problem = "attribute", fmt.Sprintf("%T differs from the %s", c.From, target)
	default:
		d.Object, d.Problem = fmt.Sprintf("%T", c), "differs from the "+target
	}
	return d
}

func columnName(c *schema.Column) string { return fmt.Sprintf("column %q", c.Name) }

// columnSpec is a column's type, nullability and default, as SQL would spell them.
func columnSpec(c *schema.Column) string {
	s := typeName(c)
	if !c.Type.Null {
		s += " NOT NULL"
	}
	if c.Default != nil {
		s += " DEFAULT " + defaultText(c.Default)
	}
	return s
}

func typeName(c *schema.Column) string {
	if c.Type == nil || c.Type.Type == nil {
		return "unknown type"
	}
	if t, err := postgres.FormatType(c.Type.Type); err == nil {
		return t
	}
	return c.Type.Raw
}

func defaultText(e schema.Expr) string {
	switch e := e.(type) {
	case nil:
		return "none"
	case *schema.Literal:
		return e.V
	case *schema.RawExpr:
		return e.X
	default:
		return fmt.Sprintf("%v", e)
	}
}

func indexName(i *schema.Index) string { return fmt.Sprintf("index %q", i.Name) }

// indexSpec is an index's uniqueness and parts.
func indexSpec(i *schema.Index) string {
	parts := make([]string, len(i.Parts))
	for j, p := range i.Parts {
		switch {
		case p.C != nil:
			parts[j] = p.C.Name
		case p.X != nil:
			parts[j] = defaultText(p.X)
		}
	}
	s := "(" + strings.Join(parts, ", ") + ")"
	if i.Unique {
		s = "UNIQUE " + s
	}
	return s
}

// foreignKeySpec is a foreign key's columns, referenced table and actions.
func foreignKeySpec(f *schema.ForeignKey) string {
	cols := make([]string, len(f.Columns))
	for i, c := range f.Columns {
		cols[i] = c.Name
	}
	refs := make([]string, len(f.RefColumns))
	for i, c := range f.RefColumns {
		refs[i] = c.Name
	}
	ref := "?"
	if f.RefTable != nil {
		ref = f.RefTable.Name
	}
	s := fmt.Sprintf("(%s) REFERENCES %q (%s)", strings.Join(cols, ", "), ref, strings.Join(refs, ", "))
	if f.OnDelete != "" && f.OnDelete != schema.NoAction {
		s += " ON DELETE " + string(f.OnDelete)
	}
	if f.OnUpdate != "" && f.OnUpdate != schema.NoAction {
		s += " ON UPDATE " + string(f.OnUpdate)
	}
	return s
}
