package migrate_test

import (
	"context"
	"fmt"
	"log"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/storetest"
)

// exampleDatabase creates an empty database on the test server for an example and returns its URL and a
// function that drops it.
func exampleDatabase() (url string, drop func()) {
	db, err := storetest.OpenEmpty(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	return db.URL, func() { _ = db.Close() }
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
