package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/store"
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

// OpenStore is what the quickstart does step by step: OpenDatabase, with progress on standard output, the
// embedded migrations applied with migrate.Apply, and store.Open with opts. The caller must call cleanup, which
// closes the Store and drops the database, when it is finished with them. It fails as those do, and then
// leaves nothing behind.
func OpenStore(ctx context.Context, prefix string, opts ...store.Option) (s *store.Store, cleanup func() error, err error) {
	db, err := OpenDatabase(ctx, prefix, Printf)
	if err != nil {
		return nil, nil, err
	}
	closeDB := func() error { return db.Close(context.WithoutCancel(ctx)) }
	if _, err := migrate.Apply(ctx, db.URL); err != nil {
		return nil, nil, errors.Join(err, closeDB())
	}
	if s, err = store.Open(ctx, db.URL, opts...); err != nil {
		return nil, nil, errors.Join(err, closeDB())
	}
	return s, func() error { s.Close(); return closeDB() }, nil
}
