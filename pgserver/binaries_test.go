package pgserver

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestVersionOf(t *testing.T) {
	tests := []struct {
		dir  string
		want []int
	}{
		{"/usr/lib/postgresql/15/bin", []int{15}},
		{"/opt/homebrew/opt/postgresql@16.2/bin", []int{16, 2}},
		{"/usr/pgsql-17/bin", []int{17}},
		{"/usr/local/opt/postgresql/bin", nil},
	}
	for _, tt := range tests {
		if got := versionOf(tt.dir); !slices.Equal(got, tt.want) {
			t.Errorf("versionOf(%q) = %v, want %v", tt.dir, got, tt.want)
		}
	}
}

// TestFindBinDirPrefersExtraDirs checks that Options.BinDirs come first and that a directory missing
// postgres is passed over.
func TestFindBinDirPrefersExtraDirs(t *testing.T) {
	onlyInitdb, both := t.TempDir(), t.TempDir()
	for _, f := range []string{
		filepath.Join(onlyInitdb, exeName("initdb")),
		filepath.Join(both, exeName("initdb")),
		filepath.Join(both, exeName("postgres")),
	} {
		if err := os.WriteFile(f, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := findBinDir([]string{onlyInitdb, both})
	if err != nil || got != both {
		t.Fatalf("findBinDir = %q, %v; want %q", got, err, both)
	}
}
