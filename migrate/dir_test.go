package migrate_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	atlasmigrate "ariga.io/atlas/sql/migrate"

	"github.com/yapstore/yapstore/migrations"
)

// directory returns a copy of the embedded migrations with files replaced or added by extra (name to
// content), and atlas.sum recomputed so that it matches, as `atlas migrate hash` would.
func directory(t testing.TB, extra map[string]string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(migrations.FS(), e.Name())
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = &fstest.MapFile{Data: b}
	}
	for name, content := range extra {
		if content == "" {
			delete(out, name)
			continue
		}
		out[name] = &fstest.MapFile{Data: []byte(content)}
	}
	rehash(t, out)
	return out
}

// rehash rewrites atlas.sum of dir to match its *.sql files.
func rehash(t testing.TB, dir fstest.MapFS) {
	t.Helper()
	mem := &atlasmigrate.MemDir{}
	for name, f := range dir {
		if name != "atlas.sum" {
			if err := mem.WriteFile(name, f.Data); err != nil {
				t.Fatal(err)
			}
		}
	}
	sum, err := mem.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	b, err := sum.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	dir["atlas.sum"] = &fstest.MapFile{Data: b}
}
