package schemadiagram

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Relation kinds between two tables, as the diagram draws them.
const (
	// Inheritance: the child's primary key is also a foreign key to the parent's primary key (joined-table
	// inheritance), drawn Parent <|-- Child.
	Inheritance = "inheritance"
	// Composition: a foreign key with ON DELETE CASCADE; the child's rows go with the parent's, drawn
	// Parent *-- Child.
	Composition = "composition"
	// Association: any other foreign key, drawn Parent <-- Child (the child refers to the parent).
	Association = "association"
)

// Relation is one edge of the diagram, derived from a foreign key.
type Relation struct {
	Kind   string `json:"kind"`   // Inheritance, Composition or Association
	Parent string `json:"parent"` // the referenced table
	Child  string `json:"child"`  // the referencing table
	// ParentCard is how many parent rows one child row refers to: "1" when the foreign-key columns are NOT
	// NULL, "0..1" otherwise. ChildCard is how many child rows refer to one parent row: "0..1" when the
	// foreign-key columns are the child's primary key or one of its unique keys, "*" otherwise. Both are
	// empty for Inheritance.
	ParentCard string `json:"parent_cardinality,omitempty"`
	ChildCard  string `json:"child_cardinality,omitempty"`
	Label      string `json:"label,omitempty"` // the foreign-key columns, comma-separated; empty for Inheritance
}

// Relations derives the diagram's edges from the foreign keys of s, ordered by parent, child and label.
func Relations(s *Schema) []Relation {
	var out []Relation
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			parent := s.Table(fk.RefTable)
			if parent == nil {
				continue // a table outside the schema drawn
			}
			if sameSet(fk.Columns, t.PrimaryKey) && sameSet(fk.RefColumns, parent.PrimaryKey) {
				out = append(out, Relation{Kind: Inheritance, Parent: parent.Name, Child: t.Name})
				continue
			}
			r := Relation{Kind: Association, Parent: parent.Name, Child: t.Name, ParentCard: "1", ChildCard: "*",
				Label: strings.Join(fk.Columns, ", ")}
			if fk.OnDelete == "cascade" {
				r.Kind = Composition
			}
			for _, c := range fk.Columns {
				if col := t.Column(c); col != nil && !col.NotNull {
					r.ParentCard = "0..1"
				}
			}
			if sameSet(fk.Columns, t.PrimaryKey) || slices.ContainsFunc(t.UniqueKeys, func(k []string) bool { return sameSet(fk.Columns, k) }) {
				r.ChildCard = "0..1"
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Relation) int {
		return strings.Compare(a.Parent+"\x00"+a.Child+"\x00"+a.Label, b.Parent+"\x00"+b.Child+"\x00"+b.Label)
	})
	return out
}

// Render writes s as a Mermaid classDiagram: one class per table listing its columns ("+type name", PK
// and FK marked, "?" after the type of a nullable column, "= default" for defaults other than a serial's)
// and its unique keys (as "unique(a, b)" in the methods compartment), then inheritance, composition and
// association edges with their cardinalities. The output is stable: the same schema gives the same text.
func Render(w io.Writer, s *Schema) error {
	var b strings.Builder
	b.WriteString("classDiagram\n")
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "    class %s {\n", className(t.Name))
		fkCols := map[string]bool{}
		for _, fk := range t.ForeignKeys {
			for _, c := range fk.Columns {
				fkCols[c] = true
			}
		}
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "        %s\n", member(c, slices.Contains(t.PrimaryKey, c.Name), fkCols[c.Name]))
		}
		for _, k := range t.UniqueKeys {
			fmt.Fprintf(&b, "        +unique(%s)\n", strings.Join(k, ", "))
		}
		b.WriteString("    }\n")
	}
	for _, r := range Relations(s) {
		parent, child := className(r.Parent), className(r.Child)
		switch r.Kind {
		case Inheritance:
			fmt.Fprintf(&b, "    %s <|-- %s\n", parent, child)
		case Composition:
			fmt.Fprintf(&b, "    %s \"%s\" *-- \"%s\" %s : %s\n", parent, r.ParentCard, r.ChildCard, child, r.Label)
		default:
			fmt.Fprintf(&b, "    %s \"%s\" <-- \"%s\" %s : %s\n", parent, r.ParentCard, r.ChildCard, child, r.Label)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// member formats one column as a class attribute.
func member(c Column, pk, fk bool) string {
	typ := shortType(c.Type)
	def := c.Default
	if strings.HasPrefix(def, "nextval(") {
		switch typ {
		case "int":
			typ, def = "serial", ""
		case "bigint":
			typ, def = "bigserial", ""
		}
	}
	if !c.NotNull {
		typ += "?"
	}
	out := "+" + typ + " " + c.Name
	if pk {
		out += " PK"
	}
	if fk {
		out += " FK"
	}
	if def != "" {
		out += " = " + strings.TrimSuffix(strings.TrimSuffix(def, "::character varying"), "::text")
	}
	return out
}

// shortType abbreviates PostgreSQL's type names, and keeps parentheses out (Mermaid would take the member
// for a method).
func shortType(t string) string {
	for _, names := range [][2]string{
		{"character varying", "varchar"},
		{"timestamp with time zone", "timestamptz"},
		{"timestamp without time zone", "timestamp"},
		{"time with time zone", "timetz"},
		{"double precision", "float8"},
		{"boolean", "bool"},
		{"integer", "int"},
		{"character", "char"},
	} {
		long, short := names[0], names[1]
		if t == long || strings.HasPrefix(t, long+"(") || strings.HasPrefix(t, long+"[") {
			t = short + strings.TrimPrefix(t, long)
			break
		}
	}
	return strings.NewReplacer("(", "_", ")", "", ",", "_", " ", "_").Replace(t)
}

// nonIdent matches what cannot appear in a Mermaid class name.
var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]`)

// className returns a Mermaid class name for a table name.
func className(table string) string { return nonIdent.ReplaceAllString(table, "_") }

// sameSet reports whether a and b hold the same column names, in any order, and are not empty.
func sameSet(a, b []string) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	as, bs := slices.Clone(a), slices.Clone(b)
	slices.Sort(as)
	slices.Sort(bs)
	return slices.Equal(as, bs)
}
