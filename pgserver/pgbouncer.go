package pgserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNoPgBouncer is returned by StartPgBouncer when no pgbouncer binary is installed (Debian's pgbouncer
// package puts it in /usr/sbin).
var ErrNoPgBouncer = errors.New("pgserver: no pgbouncer binary found (install the pgbouncer package)")

// PgBouncerOptions configures StartPgBouncer.
type PgBouncerOptions struct {
	// PoolMode is PgBouncer's pool_mode: "transaction" (the default, what platforms deploy), "session" or
	// "statement".
	PoolMode string
	// PoolSize is default_pool_size, the server connections per database and user (default 4).
	PoolSize int
	// Logf, when set, receives progress lines.
	Logf func(format string, args ...any)
}

// PgBouncer is a PgBouncer process started by StartPgBouncer in front of one PostgreSQL server. Clients
// connect to it without a password (its auth_type is trust, on the loopback interface only); it connects to
// the server with the server URL's user and password.
type PgBouncer struct {
	dir  string
	port int
	user string
	proc *serverProcess
}

// StartPgBouncer starts PgBouncer on a free loopback port in front of the server at serverURL, for every
// database of that server, and waits until it accepts connections. It returns ErrNoPgBouncer when the binary
// is missing, and an error quoting PgBouncer's log when it does not start. Stop stops it and removes its
// files.
func StartPgBouncer(ctx context.Context, serverURL string, opts PgBouncerOptions) (_ *PgBouncer, err error) {
	bin, err := pgbouncerBinary()
	if err != nil {
		return nil, err
	}
	server, err := pgconn.ParseConfig(serverURL)
	if err != nil {
		return nil, fmt.Errorf("pgserver: server url: %w", err)
	}
	runAs, err := serverAccount() // PgBouncer, like PostgreSQL, refuses to run as root
	if err != nil {
		return nil, err
	}
	dir, err := ownedTempDir("", "yapstore-pgbouncer-", runAs)
	if err != nil {
		return nil, err
	}
	defer removeOnError(dir, &err)
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	b := &PgBouncer{dir: dir, port: port, user: server.User}
	mode := cmp.Or(opts.PoolMode, "transaction")
	size := opts.PoolSize
	if size <= 0 {
		size = 4
	}
	// The server's password sits in the configuration file, readable by its owner only, never on a command
	// line; the users file lists the user for auth_type trust, which checks no password.
	config := fmt.Sprintf(`[databases]
* = host=%s port=%d user=%s password=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = %s
default_pool_size = %d
max_client_conn = 500
logfile = %s
pidfile = %s
`, server.Host, server.Port, quoteConnValue(server.User), quoteConnValue(server.Password), port,
		filepath.Join(dir, "users.txt"), mode, size, filepath.Join(dir, "pgbouncer.log"), filepath.Join(dir, "pgbouncer.pid"))
	for name, text := range map[string]string{
		"pgbouncer.ini": config,
		"users.txt":     fmt.Sprintf("%q \"\"\n", server.User),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			return nil, err
		}
		if err := runAs.chown(path); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	cmd.Dir = dir
	cmd.SysProcAttr = procAttr(runAs, true)
	if b.proc, err = startProcess(cmd); err != nil {
		return nil, fmt.Errorf("pgserver: start pgbouncer: %w", err)
	}
	if err := b.waitReady(ctx); err != nil {
		_ = b.Stop(context.WithoutCancel(ctx))
		return nil, err
	}
	if opts.Logf != nil {
		opts.Logf("pgserver: pgbouncer (%s pooling) on 127.0.0.1:%d in front of %s:%d", mode, port, server.Host, server.Port)
	}
	return b, nil
}

// URL returns the URL of database through the PgBouncer, as the server URL's user, without a password.
func (b *PgBouncer) URL(database string) string { return b.url(database, "sslmode=disable") }

// DescribingURL is URL with pgx's default_query_exec_mode set to cache_describe, for pgx clients that would
// otherwise prepare named statements, which transaction pooling cannot keep: they describe their statements
// instead, as store.Open does when it finds a pooler.
func (b *PgBouncer) DescribingURL(database string) string {
	return b.url(database, "default_query_exec_mode=cache_describe&sslmode=disable")
}

func (b *PgBouncer) url(database, query string) string {
	u := url.URL{Scheme: "postgres", User: url.User(b.user), Host: "127.0.0.1:" + strconv.Itoa(b.port), Path: "/" + database,
		RawQuery: query}
	return u.String()
}

// Port returns the loopback port PgBouncer listens on.
func (b *PgBouncer) Port() int { return b.port }

// Stop shuts PgBouncer down at once (SIGTERM: open client connections are closed) and removes its files. It
// kills the process when it has not exited after a few seconds or when ctx ends first.
func (b *PgBouncer) Stop(ctx context.Context) error {
	var err error
	select {
	case <-b.proc.done:
	default:
		if sigErr := b.proc.cmd.Process.Signal(syscall.SIGTERM); sigErr != nil {
			_ = b.proc.cmd.Process.Kill()
		}
		timer := time.NewTimer(localStopTimeout)
		defer timer.Stop()
		select {
		case <-b.proc.done:
		case <-ctx.Done():
			_ = b.proc.cmd.Process.Kill()
			<-b.proc.done
		case <-timer.C:
			_ = b.proc.cmd.Process.Kill()
			<-b.proc.done
			err = errors.New("pgserver: pgbouncer did not stop in time and was killed")
		}
	}
	return errors.Join(err, os.RemoveAll(b.dir))
}

// pgbouncerStartTimeout bounds how long StartPgBouncer waits for PgBouncer to accept connections.
const pgbouncerStartTimeout = 15 * time.Second

// waitReady connects through the PgBouncer until a statement runs, for up to pgbouncerStartTimeout.
func (b *PgBouncer) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pgbouncerStartTimeout)
	defer cancel()
	var last error
	for {
		if exitErr := b.proc.exited(); exitErr != nil {
			return fmt.Errorf("pgserver: pgbouncer exited at start: %v; its log: %s", exitErr, readTail(filepath.Join(b.dir, "pgbouncer.log"), 2000))
		}
		conn, err := pgx.Connect(ctx, b.URL("postgres"))
		if err == nil {
			_, err = conn.Exec(ctx, "SELECT 1", pgx.QueryExecModeSimpleProtocol)
			_ = conn.Close(ctx)
			if err == nil {
				return nil
			}
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgserver: pgbouncer did not accept connections: %v; its log: %s", last,
				readTail(filepath.Join(b.dir, "pgbouncer.log"), 2000))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// pgbouncerBinary returns the path of the pgbouncer binary, or ErrNoPgBouncer.
func pgbouncerBinary() (string, error) {
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer", "/usr/local/bin/pgbouncer"} {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", ErrNoPgBouncer
}

// quoteConnValue quotes v for a libpq-style key=value connection string, as PgBouncer's [databases] reads.
func quoteConnValue(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
