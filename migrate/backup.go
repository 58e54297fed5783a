package migrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/internal/dburl"
)

// ErrPgDumpNotFound is returned by Backup when no pg_dump program is installed (on PATH, or in Debian's
// /usr/lib/postgresql/*/bin). Install the PostgreSQL client package matching the server, or back up by
// other means before migrating.
var ErrPgDumpNotFound = errors.New("migrate: pg_dump is not installed")

// BackupResult describes a finished backup.
type BackupResult struct {
	// Path is the file written, in pg_dump's custom format (restore it with pg_restore).
	Path string
	// Size is the file's size in bytes.
	Size int64
	// PgDump is the pg_dump program used, and Version what it printed for --version.
	PgDump, Version string
	// Duration is how long pg_dump ran.
	Duration time.Duration
}

// Backup runs pg_dump to write the whole database to path in pg_dump's custom format, so that an operator
// can restore it with pg_restore if a migration goes wrong. It returns ErrPgDumpNotFound when pg_dump is not
// installed, and pg_dump's own message when it fails (for example when it is older than the server); a
// partial file is removed.
func (m *Migrator) Backup(ctx context.Context, path string) (*BackupResult, error) {
	pgDump, err := findPgDump()
	if err != nil {
		return nil, err
	}
	res := &BackupResult{Path: path, PgDump: pgDump}
	if out, err := exec.CommandContext(ctx, pgDump, "--version").Output(); err == nil {
		res.Version = strings.TrimSpace(string(out))
	}
	args := []string{"--format=custom", "--file=" + path, "--no-password"}
	// Where to connect goes in the environment, whatever form the URL has: a command line is visible to every
	// user in ps.
	var target []string
	if m.url != "" {
		target, err = dburl.ClientEnv(m.url)
	} else { // a Migrator over a handle: the settings its connections were made with
		var cfg *pgx.ConnConfig
		if cfg, err = m.connConfig(ctx); err == nil {
			target = dburl.ConfigEnv(&cfg.Config)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("migrate: backup needs the connection settings: %w", err)
	}
	cmd := exec.CommandContext(ctx, pgDump, args...)
	cmd.Env = dburl.WithEnv(os.Environ(), target)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	res.Duration = time.Since(start)
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("migrate: pg_dump failed: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("migrate: backup file: %w", err)
	}
	res.Size = info.Size()
	return res, nil
}

// PgDumpEnv names the environment variable that, when set, gives the pg_dump program Backup runs, instead of
// the newest one installed.
const PgDumpEnv = "YAPSTORE_PG_DUMP"

// findPgDump returns the newest pg_dump among Debian's versioned directories, or the one on PATH. A newer
// pg_dump can dump older servers, never the other way round, so the newest one installed is the best bet.
func findPgDump() (string, error) {
	if p := os.Getenv(PgDumpEnv); p != "" {
		return p, nil
	}
	candidates, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	slices.SortFunc(candidates, func(a, b string) int {
		return majorVersion(b) - majorVersion(a)
	})
	for _, c := range candidates {
		if info, err := os.Stat(c); err == nil && info.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p, nil
	}
	return "", ErrPgDumpNotFound
}

// majorVersion reads N from /usr/lib/postgresql/N/bin/pg_dump, 0 if it is not a number.
func majorVersion(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}
