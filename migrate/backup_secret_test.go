package migrate_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
)

// TestBackupKeepsThePasswordOffTheCommandLine runs Backup through a stand-in pg_dump that records its command
// line and environment, for each form a connection string can carry its password in: the password reaches
// pg_dump through PGPASSWORD only, never through its arguments, which every local user can read with ps.
func TestBackupKeepsThePasswordOffTheCommandLine(t *testing.T) {
	ctx := context.Background()
	dbURL := newDatabase(t)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	password, ok := u.User.Password()
	require.True(t, ok, "the test server has a password")
	port := u.Port()
	dbname := strings.TrimPrefix(u.Path, "/")
	query := url.Values{"password": {password}, "sslmode": {"disable"}}

	dir := t.TempDir()
	fake := filepath.Join(dir, "pg_dump")
	require.NoError(t, os.WriteFile(fake, []byte(`#!/bin/sh
[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 99"; exit 0; }
printf '%s\n' "$0" "$@" > "$RECORD.argv"
env > "$RECORD.env"
for a in "$@"; do case "$a" in --file=*) : > "${a#--file=}";; esac; done
`), 0o700))
	t.Setenv(migrate.PgDumpEnv, fake)

	for name, connString := range map[string]string{
		"URL user info":   dbURL,
		"URL parameter":   "postgres://" + u.User.Username() + "@" + u.Host + "/" + dbname + "?" + query.Encode(),
		"key=value pairs": "host=" + u.Hostname() + " port=" + port + " user=" + u.User.Username() + " dbname=" + dbname + " sslmode=disable password=" + password,
	} {
		record := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		t.Setenv("RECORD", record)
		m, err := migrate.Open(ctx, connString)
		require.NoError(t, err, name)
		_, err = m.Backup(ctx, record+".dump")
		m.Close()
		require.NoError(t, err, name)
		argv, err := os.ReadFile(record + ".argv")
		require.NoError(t, err)
		env, err := os.ReadFile(record + ".env")
		require.NoError(t, err)
		assert.NotContains(t, string(argv), password, "%s: the password is on pg_dump's command line", name)
		assert.Contains(t, string(env), "PGPASSWORD="+password+"\n", name)
		assert.Contains(t, string(env), "PGDATABASE="+dbname+"\n", name)
	}
}
