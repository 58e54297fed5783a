//go:build atlascli

// The tests in this file run the Atlas command-line tool beside the package. Building it takes minutes on a
// cold cache, more than a test should wait, so they are left out of a plain `go test ./...` and run with the
// tag and a built tool, as .ci/run does:
//
//	make atlas && YAPSTORE_ATLAS_CLI=$PWD/bin/atlas go test -tags atlascli ./migrate ./migrations

package migrations_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/storetest"
)

// runDriftCheck runs scripts/check-drift.sh on schemaDir against this repository's migrations, with an empty
// dev database, and returns its combined output and whether it passed.
func runDriftCheck(ctx context.Context, t *testing.T, schemaDir string) (string, bool) {
	t.Helper()
	// Atlas works in schema scope, writing unqualified names, when the dev URL pins the search_path.
	devURL := storetest.NewEmpty(t).URL
	if strings.Contains(devURL, "?") {
		devURL += "&search_path=public"
	} else {
		devURL += "?search_path=public"
	}
	cmd := exec.CommandContext(ctx, "bash", "../scripts/check-drift.sh", schemaDir, ".")
	cmd.Env = append(os.Environ(), "ATLAS_DEV_URL="+devURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		var exitErr *exec.ExitError
		require.ErrorAs(t, err, &exitErr, "check-drift.sh did not run: %s", out)
	}
	return string(out), err == nil
}

// copySchema copies schema/*.sql into a temporary directory and returns it.
func copySchema(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../schema/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644))
	}
	return dir
}

// TestDriftCheck proves the CI drift check both ways, on copies of schema/ (the repository is not touched):
// the committed schema passes, and a column changed without a migration fails with the missing SQL printed.
func TestDriftCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("in sync", func(t *testing.T) {
		t.Parallel()
		out, ok := runDriftCheck(ctx, t, copySchema(t))
		assert.True(t, ok, "the committed schema and migrations must be in sync:\n%s", out)
	})

	t.Run("column changed without a migration", func(t *testing.T) {
		t.Parallel()
		dir := copySchema(t)
		path := filepath.Join(dir, "03_simulations.sql")
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		changed := strings.Replace(string(b), `"title" character varying NOT NULL`, `"title" character varying NULL`, 1)
		require.NotEqual(t, string(b), changed, "the edit must apply")
		require.NoError(t, os.WriteFile(path, []byte(changed), 0o644))

		out, ok := runDriftCheck(ctx, t, dir)
		assert.False(t, ok, "drift must fail the check:\n%s", out)
		assert.Contains(t, out, "DRIFT")
		assert.Contains(t, out, `ALTER TABLE "Simulation" ALTER COLUMN "title" DROP NOT NULL`)
	})
}
