//go:build atlascli

// The tests in this file run the Atlas command-line tool beside the package. Building it takes minutes on a
// cold cache, more than a test should wait, so they are left out of a plain `go test ./...` and run with the
// tag and a built tool, as .ci/run does:
//
//	make atlas && YAPSTORE_ATLAS_CLI=$PWD/bin/atlas go test -tags atlascli ./migrate ./migrations

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

// atlasCLIEnv names the environment variable that holds the path of the Atlas CLI built from tools/atlas
// (make atlas).
const atlasCLIEnv = "YAPSTORE_ATLAS_CLI"

// atlasCLIPath returns the Atlas CLI's path from $YAPSTORE_ATLAS_CLI, failing the test with the command that
// builds it when it is not set or not there.
func atlasCLIPath(t testing.TB) string {
	t.Helper()
	path := os.Getenv(atlasCLIEnv)
	if path == "" {
		t.Fatalf("%s is not set: build the pinned Atlas CLI with `make atlas` and set %s=$PWD/bin/atlas", atlasCLIEnv, atlasCLIEnv)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s=%s: %v (build it with `make atlas`)", atlasCLIEnv, path, err)
	}
	return path
}

// atlasCLI runs the Atlas CLI that the repository pins (tools/atlas/go.mod) with args, and returns its
// combined output. The test fails when the CLI is missing or cannot be run, and when it exits with an error
// unless wantErr is set.
func atlasCLI(ctx context.Context, t testing.TB, wantErr bool, args ...string) string {
	t.Helper()
	out, err := runAtlasCLI(ctx, atlasCLIPath(t), args...)
	if !wantErr && err != nil {
		t.Fatal(err)
	}
	return out
}

// runAtlasCLI runs the Atlas CLI at path and returns its combined output, and an error carrying that output
// when it fails. Unlike atlasCLI it may run on any goroutine.
func runAtlasCLI(ctx context.Context, path string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("atlas %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
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
