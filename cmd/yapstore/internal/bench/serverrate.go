package bench

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/internal/dburl"
)

// The tools that can measure the server's single-row update rate.
const (
	ToolPgbench = "pgbench" // PostgreSQL's pgbench with a one-row UPDATE script
	ToolGoLoop  = "go-loop" // a minimal loop of one-row UPDATEs on bare pgx connections
)

// ServerRate is the rate at which the server commits single-row UPDATEs with a number of clients, the floor
// W2 is measured against.
type ServerRate struct {
	Clients int
	Updates int
	OpsPerS float64
	Tool    string // ToolPgbench or ToolGoLoop
	Note    string // why the Go loop was used, when it was
	// Settings are the server's durability settings, "fsync=… synchronous_commit=…": with both off a commit
	// does not wait for the disk, and the rate measures CPU alone.
	Settings string
	// GoLoopOpsPerS is, when Tool is pgbench, the rate of the same updates sent by the Go loop (bare pgx
	// connections, one per client, in this process) right after it: the ceiling of any Go client on this
	// machine, which tells the Go runtime's share of a gap to pgbench from yapstore's. 0 otherwise.
	GoLoopOpsPerS float64
}

// serverRateRowsPerClient is how many rows each client updates, as W2's client owns one simulation's 100
// tasks.
const serverRateRowsPerClient = 100

// serverRateTableSQL creates the table the single-row updates go to: one row per task a client owns.
const serverRateTableSQL = `
CREATE TABLE bench_update_row (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, t timestamptz);
INSERT INTO bench_update_row (id) SELECT generate_series(1, %d);`

// pgbenchScript is the one-row UPDATE script: each client updates a random one of its own rows.
const pgbenchScript = `\set id random(1, %d) + %d * :client_id
UPDATE bench_update_row SET n = n + 1, t = now() WHERE id = :id;
`

// FindPgbench returns the path of pgbench: on PATH, else the newest under /usr/lib/postgresql/*/bin (Debian's
// layout), else "".
func FindPgbench() string {
	if path, err := exec.LookPath("pgbench"); err == nil {
		return path
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	slices.SortFunc(matches, func(a, b string) int { return versionOf(b) - versionOf(a) })
	if len(matches) > 0 {
		return matches[0]
	}
	return ""
}

// versionOf returns the major version in a /usr/lib/postgresql/<version>/bin path, or 0.
func versionOf(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// measureServerRate creates the update table in the database at url and measures updates single-row UPDATEs
// by clients concurrent clients: with pgbench at pgbenchPath when it is not empty (then also with the Go
// loop, for GoLoopOpsPerS), else (or when pgbench fails) with the Go loop; noPgbench says why there is no
// pgbench. It returns an error wrapping ErrServerRate when the Go loop fails.
func measureServerRate(ctx context.Context, url string, clients, updates int, pgbenchPath, noPgbench string) (ServerRate, error) {
	rate := ServerRate{Clients: clients, Updates: updates / clients * clients}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return rate, fmt.Errorf("%w: %v", ErrServerRate, err)
	}
	err = conn.QueryRow(ctx, `SELECT 'fsync=' || current_setting('fsync') ||
		' synchronous_commit=' || current_setting('synchronous_commit')`).Scan(&rate.Settings)
	if err == nil {
		_, err = conn.Exec(ctx, fmt.Sprintf(serverRateTableSQL, clients*serverRateRowsPerClient))
	}
	_ = conn.Close(ctx)
	if err != nil {
		return rate, fmt.Errorf("%w: create table: %v", ErrServerRate, err)
	}
	if pgbenchPath != "" {
		tps, err := runPgbench(ctx, pgbenchPath, url, clients, rate.Updates/clients)
		switch {
		case err == nil:
			rate.OpsPerS, rate.Tool = tps, ToolPgbench
		case ctx.Err() != nil:
			return rate, ctx.Err()
		default:
			rate.Note = fmt.Sprintf("pgbench failed: %v", err)
		}
	} else {
		rate.Note = noPgbench
	}
	// The Go loop runs in every case: as the rate itself without pgbench, beside it (GoLoopOpsPerS) with it.
	elapsed, err := runUpdateLoop(ctx, url, clients, rate.Updates/clients)
	if err != nil {
		return rate, fmt.Errorf("%w: go loop: %v", ErrServerRate, err)
	}
	loop := float64(rate.Updates) / elapsed.Seconds()
	if rate.Tool == ToolPgbench {
		rate.GoLoopOpsPerS = loop
	} else {
		rate.OpsPerS, rate.Tool = loop, ToolGoLoop
	}
	return rate, nil
}

// pgbenchTPS finds pgbench's throughput line.
var pgbenchTPS = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)

// runPgbench runs pgbench's one-row UPDATE script with clients clients, perClient transactions each, in
// prepared mode (as pgx runs statements), and returns its transactions per second.
func runPgbench(ctx context.Context, path, url string, clients, perClient int) (float64, error) {
	dir, err := os.MkdirTemp("", "yapstore-bench-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "update.sql")
	if err := os.WriteFile(script, fmt.Appendf(nil, pgbenchScript, serverRateRowsPerClient, serverRateRowsPerClient), 0o600); err != nil {
		return 0, err
	}
	threads := min(clients, runtime.NumCPU())
	// Where to connect goes in the environment, not on the command line, where ps shows the password.
	target, err := dburl.ClientEnv(url)
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, path, "-n", "-M", "prepared", "-c", strconv.Itoa(clients),
		"-j", strconv.Itoa(threads), "-t", strconv.Itoa(perClient), "-f", script)
	cmd.Env = dburl.WithEnv(os.Environ(), target)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, bytes.TrimSpace(out.Bytes()))
	}
	m := pgbenchTPS.FindSubmatch(out.Bytes())
	if m == nil {
		return 0, fmt.Errorf("no tps line in pgbench's output: %s", bytes.TrimSpace(out.Bytes()))
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// runUpdateLoop is the fallback: clients goroutines, each on a connection of its own, send perClient
// one-row UPDATEs to rows of their own. It returns the wall time of the updates, connections excluded.
func runUpdateLoop(ctx context.Context, url string, clients, perClient int) (time.Duration, error) {
	conns := make([]*pgx.Conn, clients)
	defer func() {
		for _, c := range conns {
			if c != nil {
				_ = c.Close(context.WithoutCancel(ctx))
			}
		}
	}()
	for i := range conns {
		c, err := pgx.Connect(ctx, url)
		if err != nil {
			return 0, err
		}
		conns[i] = c
	}
	errs := make([]error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i, c := range conns {
		wg.Go(func() {
			for range perClient {
				id := 1 + rand.IntN(serverRateRowsPerClient) + serverRateRowsPerClient*i
				if _, err := c.Exec(ctx, "UPDATE bench_update_row SET n = n + 1, t = now() WHERE id = $1", id); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return elapsed, nil
}
