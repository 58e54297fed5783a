//go:build unix

package pgserver_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/pgserver"
)

// TestSharedLocalServer starts a shared local server twice, as two test binaries would: both get the same
// server; after the first stops, the second still uses it; after the last stops, it is gone.
func TestSharedLocalServer(t *testing.T) {
	ctx := t.Context()
	opts := pgserver.SharedApart(pgserver.Options{Kinds: []pgserver.Kind{pgserver.KindLocal}}, t.Name())
	first, err := pgserver.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := pgserver.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.URL() != second.URL() {
		t.Fatalf("two URLs: %s and %s", first.URL(), second.URL())
	}
	if !first.SurvivesExit() {
		t.Error("a shared server outlives the process that started it, and says so")
	}
	if err := first.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := answers(ctx, second.URL()); err != nil {
		t.Fatalf("after the first stopped, the second's server: %v", err)
	}
	if err := second.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := answers(ctx, second.URL()); err == nil {
		t.Fatal("the last Stop left the server running")
	}
	third, err := pgserver.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Stop(context.WithoutCancel(ctx))
	if err := answers(ctx, third.URL()); err != nil {
		t.Fatalf("a server started again: %v", err)
	}
}

func answers(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
}
