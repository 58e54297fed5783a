package pgserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestInitCache starts two local clusters with an empty cache: the first runs initdb and publishes its data
// directory, the second starts from a copy of it and gets a password of its own; the cached password opens
// neither.
func TestInitCache(t *testing.T) {
	binDir, err := findBinDir(nil)
	if errors.Is(err, ErrBinariesNotFound) {
		t.Skipf("no local PostgreSQL binaries: %v", err) // TestStartLocal checks that Start says so
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir()) // os.UserCacheDir reads HOME on macOS
	cache := openInitCache(binDir)
	if cache == nil {
		t.Fatal("no cache directory")
	}

	start := func() *cluster {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		c, err := startCluster(ctx, binDir, false, false, t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.stop(context.Background()) })
		return c
	}
	first := start()
	pw, err := os.ReadFile(filepath.Join(cache.dir, "password"))
	if err != nil {
		t.Fatalf("the first cluster published no copy: %v", err)
	}
	cached := strings.TrimSpace(string(pw))
	if first.password != cached {
		t.Fatalf("the first cluster ran initdb with its own password; the cache must hold it")
	}
	if st, err := os.Stat(filepath.Join(cache.dir, "password")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cached password file mode = %v (%v), want 0600", st.Mode().Perm(), err)
	}

	second := start()
	if second.password == cached {
		t.Fatal("a cluster made from the cache kept the cached password")
	}
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, second.url)
	if err != nil {
		t.Fatalf("connect with the cluster's own password: %v", err)
	}
	var encoding string
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_encoding')").Scan(&encoding); err != nil || encoding != "UTF8" {
		t.Fatalf("server_encoding = %q, %v", encoding, err)
	}
	conn.Close(ctx)
	stale := strings.Replace(second.url, ":"+second.password+"@", ":"+cached+"@", 1)
	if conn, err := pgx.Connect(ctx, stale); err == nil {
		conn.Close(ctx)
		t.Fatal("the cached password opens a cluster made from the cache")
	}
}
