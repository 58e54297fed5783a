package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/yapstore/yapstore/migrate"
)

// Main runs an example's run function with a context that ends on Ctrl-C (so that run can still clean up),
// and exits with status 1, printing the error after the example's name, when it fails.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// Printf writes one line of an example's progress to standard output.
func Printf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// OpenMigrated is what the quickstart does step by step before it opens a Store: OpenDatabase, with
// progress on standard output, then the embedded migrations applied with migrate.Apply. The caller must
// Close the Database. It fails as OpenDatabase and migrate.Apply do, and then leaves nothing behind.
func OpenMigrated(ctx context.Context, prefix string) (*Database, error) {
	db, err := OpenDatabase(ctx, prefix, Printf)
	if err != nil {
		return nil, err
	}
	if _, err := migrate.Apply(ctx, db.URL); err != nil {
		return nil, errors.Join(err, db.Close(context.WithoutCancel(ctx)))
	}
	return db, nil
}
