package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/migrations"
)

// migrateWithTools runs the yapstore command with the migrate group built over tools, to stand in for a
// machine without pg_dump.
func migrateWithTools(t *testing.T, tools migrateTools, args ...string) result {
	t.Helper()
	root := rootCommand()
	for i, c := range root.Commands {
		if c.Name == "migrate" {
			root.Commands[i] = newMigrateCommand(tools)
		}
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), root, args, cli.IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func TestMigrateUpBackup(t *testing.T) {
	t.Parallel()
	_, latest := migrationVersions(t)
	url := productionDatabaseURL(t, false, "")
	requireOK(t, yapDB(t, url, "migrate", "adopt"))
	dump := filepath.Join(t.TempDir(), "before.dump")

	// pg_dump missing: no backup, so no migration either.
	missing := migrateTools{backup: func(context.Context, *migrate.Migrator, string) (*migrate.BackupResult, error) {
		return nil, migrate.ErrPgDumpNotFound
	}}
	r := migrateWithTools(t, missing, "--database-url", url, "migrate", "up", "--backup", dump)
	requireFailure(t, r, 1, "pg_dump is not installed, so no backup was made and nothing was migrated",
		"install the PostgreSQL client package", "without --backup")
	require.Empty(t, r.stdout)
	r = yapDB(t, url, "migrate", "status")
	requireFailure(t, r, exitMigrationsPending, cli.Plural(len(migrations.Versions())-1, "migration")+" pending")

	// pg_dump installed (the tests need the PostgreSQL client package): a restorable dump, then the migration.
	r = yapDB(t, url, "migrate", "up", "--backup", dump)
	requireOK(t, r)
	require.Regexp(t, `^Backed up the database to `+regexp.QuoteMeta(dump)+`: .+ in [0-9.]+[µm]?s \(pg_dump \(PostgreSQL\) \d+`, r.stdout)
	require.Contains(t, r.stdout, "to "+embeddedMigrations(t).label(latest)+".\n")
	info, err := os.Stat(dump)
	require.NoError(t, err)
	require.Positive(t, info.Size())
	head := make([]byte, 5)
	f, err := os.Open(dump)
	require.NoError(t, err)
	_, err = f.Read(head)
	f.Close()
	require.NoError(t, err)
	require.Equal(t, "PGDMP", string(head), "pg_dump's custom format")

	// An existing file is never overwritten.
	r = yapDB(t, url, "migrate", "up", "--backup", dump)
	requireFailure(t, r, 2, "the file exists")

	// A failing pg_dump stops the run too, with pg_dump's reason.
	r = yapDB(t, url, "migrate", "up", "--backup", filepath.Join(t.TempDir(), "no", "such", "dir", "x.dump"), "--json")
	requireFailure(t, r, 1, "the backup to", "failed, so nothing was migrated", "No such file or directory")
}
