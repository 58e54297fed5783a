package schemadiagram

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleSchema has one family (Account → Admin), a one-to-one key, an optional reference, a cascade and a
// table outside the diagram.
func sampleSchema() *Schema {
	return &Schema{Tables: []*Table{
		{Name: "Account", PrimaryKey: []string{"id"}, UniqueKeys: [][]string{{"email"}}, Columns: []Column{
			{Name: "id", Type: "integer", NotNull: true, Default: `nextval('"Account_id_seq"'::regclass)`},
			{Name: "email", Type: "character varying(200)", NotNull: true},
			{Name: "created", Type: "timestamp with time zone"},
		}},
		{Name: "Admin", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: "integer", NotNull: true}},
			ForeignKeys: []ForeignKey{{Name: "Admin_id_fkey", Columns: []string{"id"}, RefTable: "Account", RefColumns: []string{"id"}, OnDelete: "cascade"}}},
		{Name: "Profile", PrimaryKey: []string{"id"}, UniqueKeys: [][]string{{"account_id"}}, Columns: []Column{
			{Name: "id", Type: "bigint", NotNull: true, Default: `nextval('"Profile_id_seq"'::regclass)`},
			{Name: "account_id", Type: "integer", NotNull: true},
			{Name: "bio", Type: "text", Default: "''::text"},
		}, ForeignKeys: []ForeignKey{
			{Name: "Profile_account_id_fkey", Columns: []string{"account_id"}, RefTable: "Account", RefColumns: []string{"id"}, OnDelete: "cascade"},
			{Name: "Profile_elsewhere_fkey", Columns: []string{"id"}, RefTable: "Elsewhere", RefColumns: []string{"id"}},
		}},
		{Name: "Note", PrimaryKey: []string{"id"}, Columns: []Column{
			{Name: "id", Type: "integer", NotNull: true},
			{Name: "author_id", Type: "integer"},
		}, ForeignKeys: []ForeignKey{{Name: "Note_author_id_fkey", Columns: []string{"author_id"}, RefTable: "Account", RefColumns: []string{"id"}, OnDelete: "set null"}}},
	}}
}

func TestRelations(t *testing.T) {
	t.Parallel()
	require.Equal(t, []Relation{
		{Kind: Inheritance, Parent: "Account", Child: "Admin"},
		{Kind: Association, Parent: "Account", Child: "Note", ParentCard: "0..1", ChildCard: "*", Label: "author_id"},
		{Kind: Composition, Parent: "Account", Child: "Profile", ParentCard: "1", ChildCard: "0..1", Label: "account_id"},
	}, Relations(sampleSchema()))
}

func TestRender(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, Render(&out, sampleSchema()))
	require.Equal(t, `classDiagram
    class Account {
        +serial id PK
        +varchar_200 email
        +timestamptz? created
        +unique(email)
    }
    class Admin {
        +int id PK FK
    }
    class Profile {
        +bigserial id PK FK
        +int account_id FK
        +text? bio = ''
        +unique(account_id)
    }
    class Note {
        +int id PK
        +int? author_id FK
    }
    Account <|-- Admin
    Account "0..1" <-- "*" Note : author_id
    Account "1" *-- "0..1" Profile : account_id
`, out.String())
}
