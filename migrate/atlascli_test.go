package migrate_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
)

// atlasCLI runs the Atlas CLI that the repository pins (tools/atlas/go.mod) with args, and returns its
// combined output. The test fails when the CLI cannot be built or run, and when it exits with an error unless
// wantErr is set.
func atlasCLI(ctx context.Context, t testing.TB, wantErr bool, args ...string) string {
	t.Helper()
	out, err := runAtlasCLI(ctx, moduleRoot(t), args...)
	if !wantErr && err != nil {
		t.Fatal(err)
	}
	return out
}

// runAtlasCLI runs the pinned Atlas CLI from the module root and returns its combined output, and an error
// carrying that output when it fails. Unlike atlasCLI it may run on any goroutine.
func runAtlasCLI(ctx context.Context, root string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "-modfile=" + filepath.Join(root, "tools", "atlas", "go.mod"), "atlas"}, args...)...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("atlas %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// writeDirectory writes a migration directory to a temporary directory for the CLI and returns its file://
// URL.
func writeDirectory(t testing.TB, dir fstest.MapFS) string {
	t.Helper()
	path := t.TempDir()
	require.NoError(t, fs.WalkDir(dir, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.WriteFile(filepath.Join(path, name), dir[name].Data, 0o644)
	}))
	return "file://" + path
}

// cliURL returns url with sslmode=disable added, which the CLI's lib/pq driver needs for a server
// without TLS.
func cliURL(url string) string {
	if strings.Contains(url, "sslmode=") {
		return url
	}
	if strings.Contains(url, "?") {
		return url + "&sslmode=disable"
	}
	return url + "?sslmode=disable"
}

// waitForLockHolder waits until some session holds the migration advisory lock on the database at url.
func waitForLockHolder(t testing.TB, url string) {
	t.Helper()
	db := openDB(t, url)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var held bool
		require.NoError(t, db.QueryRowContext(t.Context(), `SELECT EXISTS (SELECT FROM pg_locks
WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = 2686470616 AND objsubid = 1
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`).Scan(&held))
		if held {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("nobody took the migration lock")
}
