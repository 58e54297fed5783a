package bench

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPgbenchKeepsThePasswordOffTheCommandLine runs the server-rate measurement through a stand-in pgbench
// that records its command line and environment, for each form a connection string can carry its password
// in: the password reaches pgbench through PGPASSWORD only, never through its arguments (ps shows those).
func TestPgbenchKeepsThePasswordOffTheCommandLine(t *testing.T) {
	t.Parallel()
	const password = "Bench-Secret-9"
	dir := t.TempDir()
	fake := filepath.Join(dir, "pgbench")
	record := filepath.Join(dir, "record")
	require.NoError(t, os.WriteFile(fake, []byte(`#!/bin/sh
printf '%s\n' "$0" "$@" > "`+record+`.argv"
env > "`+record+`.env"
echo "tps = 1234.5 (without initial connection time)"
`), 0o700))
	query := url.Values{"password": {password}, "sslmode": {"disable"}}
	for name, connString := range map[string]string{
		"URL user info":   "postgres://bench:" + password + "@127.0.0.1:5999/scratch?sslmode=disable",
		"URL parameter":   "postgres://bench@127.0.0.1:5999/scratch?" + query.Encode(),
		"key=value pairs": "host=127.0.0.1 port=5999 user=bench dbname=scratch sslmode=disable password=" + password,
	} {
		tps, err := runPgbench(context.Background(), fake, connString, 2, 10)
		require.NoError(t, err, name)
		assert.InDelta(t, 1234.5, tps, 0.01, name)
		argv, err := os.ReadFile(record + ".argv")
		require.NoError(t, err)
		env, err := os.ReadFile(record + ".env")
		require.NoError(t, err)
		assert.NotContains(t, string(argv), password, "%s: the password is on pgbench's command line", name)
		assert.False(t, strings.Contains(string(argv), "scratch"), "%s: no connection string on the command line", name)
		assert.Contains(t, string(env), "PGPASSWORD="+password+"\n", name)
		assert.Contains(t, string(env), "PGDATABASE=scratch\n", name)
		assert.Contains(t, string(env), "PGPORT=5999\n", name)
	}
}
