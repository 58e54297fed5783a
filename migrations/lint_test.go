package migrations_test

import (
	"testing"

	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

// released is the version of the last migration file already applied to platform databases. Files up to it
// are history and stay as they are; every file after it must be safe to apply to a live database.
const released = "20261122085231"

// TestNewMigrationsAreLiveSafe fails on a statement of a new migration file that would block the platform's
// writers while it scans or rewrites a populated table (migrate.Lint), unless the file waives it with a
// reviewed reason. Build indexes concurrently (in a file marked "-- atlas:txmode none"), add NOT NULL
// columns with a DEFAULT, and change column types through a new column.
func TestNewMigrationsAreLiveSafe(t *testing.T) {
	t.Parallel()
	findings, err := migrate.Lint(migrations.FS(), released)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Error(f)
	}
	// The lint itself is not idle: the released improvements build their indexes under a write lock, and it
	// says so.
	all, err := migrate.Lint(migrations.FS(), "")
	if err != nil {
		t.Fatal(err)
	}
	blocking := 0
	for _, f := range all {
		if f.Rule == migrate.RuleIndexNotConcurrent {
			blocking++
		}
	}
	if blocking != 8 {
		t.Errorf("the released files build %d indexes under a write lock by the lint's count, want 8: %v", blocking, all)
	}
}
