package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/internal/serverdb"
)

// ErrRehearsalFailed is returned by Rehearse when the rehearsal found what the real run must not do: a table
// that lost rows, or a schema after the run that differs from a freshly migrated one. The
// *RehearsalReport, returned with it, says what.
var ErrRehearsalFailed = errors.New("migrate: the rehearsal on a copy found a problem")

// RehearsalReport is what Rehearse found on its copy of the database: the report operators write by hand
// when they test a migration on a copy of production.
type RehearsalReport struct {
	From, To     string        // the version the database is at, and the one Up brings it to
	Copy         string        // the copy's name, a database Rehearse dropped when it finished
	CopiedBy     string        // "template" (CREATE DATABASE … TEMPLATE) or "pg_dump" (dump and restore)
	CopyDuration time.Duration // how long copying took
	Up           *UpResult     // the run on the copy, with the figures before and after
	Down         *DownResult   // back to From on the copy; nil when nothing was applied or From is ""
	UpAgain      *UpResult     // up once more after Down; nil when Down did not run
	LostRows     []TableLoss   // tables with fewer rows after Up than before
	SchemaDiffs  []Difference  // how the copy's schema after the runs differs from a fresh one at To
	Warnings     []string      // statements of the pending files that block writers (Lint), and the like
	Estimate     time.Duration // how long the real run should take: Up's time on the copy
}

// TableLoss is a table that had fewer rows after Up than before.
type TableLoss struct {
	Table         string
	Before, After int64
}

// Rehearse rehearses Up on a copy of the database and leaves the database itself unchanged: it copies it
// (CREATE DATABASE … TEMPLATE when no other session is connected to it, else pg_dump piped into pg_restore,
// reporting progress through progress, which may be nil), runs Up on the copy with figures, checks that no
// table lost rows, runs Down back to where it started and Up again, compares the schema with a fresh
// migration's, and drops the copy. It needs the CREATEDB privilege, and pg_dump and pg_restore for a
// database in use. It returns the report with ErrRehearsalFailed when rows were lost or the schema differs,
// and the report so far with the error of a step that failed.
func (m *Migrator) Rehearse(ctx context.Context, progress func(format string, args ...any)) (*RehearsalReport, error) {
	if progress == nil {
		progress = func(string, ...any) {}
	}
	status, err := m.Status(ctx)
	if err != nil {
		return nil, err
	}
	rep := &RehearsalReport{From: status.Current, To: status.Current}
	if n := len(status.Pending); n > 0 {
		rep.To = status.Pending[n-1].Version
	}
	for _, f := range m.dir.files {
		if f.Version() <= rep.From {
			continue
		}
		findings, err := lintFile(f.Name(), string(f.Bytes()))
		if err != nil {
			rep.Warnings = append(rep.Warnings, err.Error())
		}
		for _, finding := range findings {
			rep.Warnings = append(rep.Warnings, finding.String())
		}
	}
	copyDB, drop, err := m.copyDatabase(ctx, rep, progress)
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, drop(ctx)) }()
	mc := *m
	mc.db, mc.ownsDB, mc.url = copyDB, false, ""

	progress("running up on the copy")
	if rep.Up, err = mc.Up(ctx, CollectStats()); err != nil {
		return rep, err
	}
	for _, f := range rep.Up.Applied {
		rep.Estimate += f.Duration
	}
	rep.LostRows = lostRows(rep.Up.Before, rep.Up.After)
	if len(rep.Up.Applied) > 0 && rep.From != "" {
		progress("running down to %s and up again", rep.From)
		if rep.Down, err = mc.Down(ctx, rep.From); err != nil {
			return rep, err
		}
		if rep.UpAgain, err = mc.Up(ctx); err != nil {
			return rep, err
		}
	}
	progress("comparing the schema with a fresh migration to %s", rep.To)
	if rep.SchemaDiffs, err = mc.differencesFromFresh(ctx, rep.To); err != nil {
		return rep, err
	}
	if len(rep.LostRows) > 0 || len(rep.SchemaDiffs) > 0 {
		return rep, ErrRehearsalFailed
	}
	return rep, nil
}

// lostRows lists the tables with fewer rows in after than in before.
func lostRows(before, after *Stats) []TableLoss {
	if before == nil || after == nil {
		return nil
	}
	var lost []TableLoss
	for _, b := range before.Tables {
		for _, a := range after.Tables {
			if a.Schema == b.Schema && a.Name == b.Name && a.Rows < b.Rows {
				lost = append(lost, TableLoss{Table: b.Name, Before: b.Rows, After: a.Rows})
			}
		}
	}
	return lost
}

// differencesFromFresh compares the schema of m's database with the directory replayed to version on a
// scratch database.
func (m *Migrator) differencesFromFresh(ctx context.Context, version string) ([]Difference, error) {
	if version == "" {
		return nil, nil
	}
	scratch, err := m.openScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer scratch.close(ctx)
	want, err := m.schemaAt(ctx, scratch, version)
	if err != nil {
		return nil, err
	}
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: get a connection: %w", err)
	}
	defer conn.Close()
	live, drv, err := liveSchema(ctx, conn)
	if err != nil {
		return nil, err
	}
	changes, err := diffSchemas(drv, live, want)
	if err != nil {
		return nil, err
	}
	return describeChanges(withoutAlembicTable(changes), version), nil
}

// copyDatabase makes the rehearsal's copy and returns a handle on it and the function that drops it.
func (m *Migrator) copyDatabase(ctx context.Context, rep *RehearsalReport, progress func(string, ...any)) (*sql.DB, func(context.Context) error, error) {
	cfg, err := m.connConfig(ctx)
	if err != nil {
		return nil, nil, err
	}
	source := cfg.Database
	name := serverdb.NewName("yapstore_rehearsal", time.Now())
	rep.Copy = name
	admin := cfg.Copy()
	admin.Database = "postgres"
	adminConn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return nil, nil, fmt.Errorf("migrate: connect to the server's postgres database: %w", err)
	}
	defer adminConn.Close(context.WithoutCancel(ctx))
	server, err := serverdb.Open(ctx, adminConn)
	if err != nil {
		return nil, nil, fmt.Errorf("migrate: %w", err)
	}
	drop := func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		conn, err := pgx.ConnectConfig(ctx, admin)
		if err == nil {
			defer conn.Close(ctx)
			err = server.WithAdmin(conn).Drop(ctx, name)
		}
		if err != nil {
			return fmt.Errorf("migrate: drop the rehearsal copy %s: %w", name, err)
		}
		return nil
	}

	start := time.Now()
	// A template copy is a file copy, fast, but only while nobody is connected to the source: let go of this
	// Migrator's own idle connections first.
	m.db.SetMaxIdleConns(0)
	m.db.SetMaxIdleConns(2)
	progress("copying %s to %s", source, name)
	// The server waits five seconds for other sessions to leave the source before it refuses a template
	// copy (55006, object_in_use): when some are still connected after a moment (sessions just closed take
	// a few milliseconds to go), go straight to the dump.
	others, err := sessionsOn(ctx, adminConn, source, 500*time.Millisecond)
	if err != nil {
		return nil, nil, err
	}
	if others == 0 {
		err = server.Clone(ctx, name, source)
	}
	switch {
	case others == 0 && err == nil:
		rep.CopiedBy = "template"
	case others > 0 || sqlState(err) == "55006": // object_in_use: a session connected meanwhile
		progress("%s is in use: copying it with pg_dump and pg_restore instead", source)
		if err := server.Create(ctx, name, ""); err != nil {
			return nil, nil, fmt.Errorf("migrate: create the rehearsal copy: %w", err)
		}
		target := cfg.Copy()
		target.Database = name
		if err := dumpRestore(ctx, &cfg.Config, &target.Config, progress); err != nil {
			return nil, nil, errors.Join(err, drop(ctx))
		}
		rep.CopiedBy = "pg_dump"
	default:
		return nil, nil, fmt.Errorf("migrate: create the rehearsal copy: %w", err)
	}
	rep.CopyDuration = time.Since(start)
	target := cfg.Copy()
	target.Database = name
	return stdlib.OpenDB(*target), drop, nil
}

// sessionsOn returns how many sessions are connected to database, waiting up to wait for the count to drop
// to zero.
func sessionsOn(ctx context.Context, admin *pgx.Conn, database string, wait time.Duration) (int, error) {
	deadline := time.Now().Add(wait)
	for {
		var n int
		err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", database).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("migrate: look for sessions on %s: %w", database, err)
		}
		if n == 0 || time.Now().After(deadline) {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// dumpRestore pipes pg_dump of from into pg_restore into to, reporting how much has gone through every
// few seconds. Where to connect goes in the programs' environment, never their command lines.
func dumpRestore(ctx context.Context, from, to *pgconn.Config, progress func(string, ...any)) error {
	pgDump, err := findPgDump()
	if err != nil {
		return err
	}
	pgRestore := filepath.Join(filepath.Dir(pgDump), "pg_restore")
	if _, err := os.Stat(pgRestore); err != nil {
		if pgRestore, err = exec.LookPath("pg_restore"); err != nil {
			return errors.New("migrate: pg_restore is not installed")
		}
	}
	dump := exec.CommandContext(ctx, pgDump, "--format=custom", "--no-password")
	dump.Env = dburl.WithEnv(os.Environ(), dburl.ConfigEnv(from))
	restore := exec.CommandContext(ctx, pgRestore, "--no-password", "--no-owner", "--exit-on-error", "--dbname="+to.Database)
	restore.Env = dburl.WithEnv(os.Environ(), dburl.ConfigEnv(to))
	var dumpErr, restoreErr strings.Builder
	dump.Stderr, restore.Stderr = &dumpErr, &restoreErr
	out, err := dump.StdoutPipe()
	if err != nil {
		return err
	}
	in, err := restore.StdinPipe()
	if err != nil {
		return err
	}
	if err := restore.Start(); err != nil {
		return fmt.Errorf("migrate: start pg_restore: %w", err)
	}
	if err := dump.Start(); err != nil {
		_ = in.Close()
		_ = restore.Wait()
		return fmt.Errorf("migrate: start pg_dump: %w", err)
	}
	counted := &progressWriter{w: in, report: progress, last: time.Now()}
	_, copyErr := io.Copy(counted, out)
	_ = in.Close()
	dumpWait, restoreWait := dump.Wait(), restore.Wait()
	switch {
	case dumpWait != nil:
		return fmt.Errorf("migrate: pg_dump failed: %w: %s", dumpWait, strings.TrimSpace(dumpErr.String()))
	case restoreWait != nil:
		return fmt.Errorf("migrate: pg_restore failed: %w: %s", restoreWait, strings.TrimSpace(restoreErr.String()))
	case copyErr != nil:
		return fmt.Errorf("migrate: copy the dump: %w", copyErr)
	}
	progress("copied %d MB of dump", counted.n>>20)
	return nil
}

// progressWriter counts what passes through and reports it every few seconds.
type progressWriter struct {
	w      io.Writer
	n      int64
	report func(string, ...any)
	last   time.Time
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	if time.Since(p.last) > 3*time.Second {
		p.last = time.Now()
		p.report("copied %d MB of dump so far", p.n>>20)
	}
	return n, err
}
