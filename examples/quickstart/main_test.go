package main

import (
	"testing"

	"github.com/yapstore/yapstore/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestRun runs the example from start to end on the test server, as `go run ./examples/quickstart` does with
// DATABASE_URL set, so the example cannot silently stop working.
func TestRun(t *testing.T) {
	t.Setenv("DATABASE_URL", storetest.Server(t).URL())
	if err := run(t.Context()); err != nil {
		t.Fatalf("the quickstart example failed: %v", err)
	}
}
