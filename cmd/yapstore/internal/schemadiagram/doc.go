// Package schemadiagram draws a database schema as a Mermaid class diagram, read from the live catalog so
// that the picture cannot drift from the database.
//
// Read queries pg_catalog for the tables of one schema: columns (type, nullability, default), primary keys,
// unique keys (constraints and unique indexes) and foreign keys with their ON DELETE action. Relations turns
// the foreign keys into edges: a subtable whose primary key is also a foreign key to its parent's primary key
// is joined-table inheritance (Parent <|-- Child); a cascading foreign key is a composition (the child's rows
// go with the parent's); any other is an association. Cardinalities come from nullability (a nullable
// foreign key refers to 0..1 parent) and unique keys (a unique foreign key admits 0..1 child). Render writes
// the Mermaid text.
//
// Files: catalog.go (Read and the Schema types), mermaid.go (Relations and Render).
package schemadiagram
