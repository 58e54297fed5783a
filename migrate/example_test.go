package migrate_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/pgserver"
)

// exampleDatabase creates an empty database on the test server for an example and returns its URL and a
// function that drops it.
func exampleDatabase() (url string, drop func()) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "migrate_example_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		log.Fatal(err)
	}
	url, err = pgserver.WithDatabase(serverURL, name)
	if err != nil {
		log.Fatal(err)
	}
	return url, func() {
		_, _ = admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	}
}

// A service brings its database up to date when it starts. Several instances may start at once: one
// applies the migrations while the others wait for it, then find nothing to do.
func ExampleMigrator_Up() {
	databaseURL, drop := exampleDatabase()
	defer drop()
	ctx := context.Background()

	m, err := migrate.Open(ctx, databaseURL)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	res, err := m.Up(ctx, migrate.CollectStats())
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Applied {
		log.Printf("applied %s (%d statements) in %s", f.Name, f.Statements, f.Duration)
	}
	fmt.Println("applied every file:", len(res.Applied) == len(m.Files()))
	fmt.Println("tables after:", len(res.After.Tables))

	st, err := m.Status(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("up to date:", st.UpToDate(), st.Current == st.Latest)

	again, err := m.Up(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("applied by a second run:", len(again.Applied))
	// Output:
	// applied every file: true
	// tables after: 14
	// up to date: true true
	// applied by a second run: 0
}
