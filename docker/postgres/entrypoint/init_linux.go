package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// socketDir is where Debian's server puts its Unix socket by default.
	socketDir = "/var/run/postgresql"

	// initScriptsDir holds the scripts run once on a new database, as in the official image.
	initScriptsDir = "/docker-entrypoint-initdb.d"

	// tempServerTimeout bounds the wait for the temporary server.
	tempServerTimeout = time.Minute
)

// initialise creates the cluster and the database the configuration asks for, running a temporary server
// (with the user's serverArgs, reachable on the Unix socket only) for the steps that need SQL.
func initialise(cfg config, serverArgs []string, o *owner) error {
	if err := cfg.checkCanInit(); err != nil {
		return err
	}
	if err := runInitdb(cfg, o); err != nil {
		return err
	}
	hba := fmt.Sprintf("\n# Added by the image's entry point: TCP connections from anywhere.\nhost all all all %s\n", cfg.hostAuth)
	if err := appendFile(filepath.Join(cfg.pgdata, "pg_hba.conf"), hba); err != nil {
		return err
	}
	if err := appendFile(filepath.Join(cfg.pgdata, "postgresql.conf"), "\nlisten_addresses = '*'\n"); err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), tempServerTimeout)
	defer cancel()
	server, err := startTempServer(serverArgs, o)
	if err != nil {
		return err
	}
	err = setUp(ctx, cfg, server)
	if stopErr := stopTempServer(server); err == nil {
		err = stopErr
	}
	if err != nil {
		return err
	}
	fmt.Println("PostgreSQL init process complete; ready for start up.")
	return nil
}

// runInitdb runs initdb as o with the configured superuser and password.
func runInitdb(cfg config, o *owner) error {
	args := []string{"--pgdata", cfg.pgdata, "--username", cfg.user}
	if cfg.password != "" {
		pwfile, err := os.CreateTemp("", "pwfile-")
		if err != nil {
			return err
		}
		defer os.Remove(pwfile.Name())
		_, err = pwfile.WriteString(cfg.password + "\n")
		err = errors.Join(err, pwfile.Close(), o.chown(pwfile.Name()))
		if err != nil {
			return fmt.Errorf("password file: %w", err)
		}
		args = append(args, "--pwfile", pwfile.Name())
	}
	cmd := exec.Command("initdb", append(args, cfg.initdbArgs...)...)
	cmd.Dir = cfg.pgdata
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = o.procAttr()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	return nil
}

// tempServer is the server that runs while the database is set up.
type tempServer struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited and waitErr is set
	waitErr error
}

// startTempServer starts the server as o, reachable only on the Unix socket.
func startTempServer(serverArgs []string, o *owner) (*tempServer, error) {
	args := append(slices.Clone(serverArgs), "-c", "listen_addresses=", "-c", "unix_socket_directories="+socketDir)
	cmd := exec.Command("postgres", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = o.procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("temporary server: %w", err)
	}
	s := &tempServer{cmd: cmd, done: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

// stopTempServer asks the temporary server for a fast shutdown and waits for it.
func stopTempServer(s *tempServer) error {
	select {
	case <-s.done:
		return fmt.Errorf("temporary server exited early: %v", s.waitErr)
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		return fmt.Errorf("stop temporary server: %w", err)
	}
	<-s.done
	if s.waitErr != nil {
		return fmt.Errorf("temporary server: %w", s.waitErr)
	}
	return nil
}

// setUp waits for the temporary server, creates the configured database and runs the init scripts in it.
func setUp(ctx context.Context, cfg config, server *tempServer) error {
	admin, err := connectSocket(ctx, server, cfg.user, "postgres")
	if err != nil {
		return err
	}
	defer admin.Close(context.Background())
	if cfg.db != "postgres" {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+quoteIdent(cfg.db)); err != nil {
			return fmt.Errorf("create database %s: %w", cfg.db, err)
		}
	}
	return runInitScripts(ctx, cfg, server)
}

// connectSocket connects over the Unix socket, retrying until the temporary server accepts connections.
func connectSocket(ctx context.Context, server *tempServer, user, db string) (*pgx.Conn, error) {
	connString := fmt.Sprintf("host=%s user=%s dbname=%s sslmode=disable", socketDir, quoteValue(user), quoteValue(db))
	for {
		conn, err := pgx.Connect(ctx, connString)
		if err == nil {
			return conn, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("temporary server did not accept connections: %w", err)
		case <-server.done:
			return nil, fmt.Errorf("temporary server exited: %v", server.waitErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runInitScripts runs the *.sql and *.sql.gz files of initScriptsDir in name order in the configured
// database. A shell script fails the start: this image has no shell to run it.
func runInitScripts(ctx context.Context, cfg config, server *tempServer) error {
	entries, err := os.ReadDir(initScriptsDir)
	if errors.Is(err, os.ErrNotExist) || len(entries) == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	conn, err := connectSocket(ctx, server, cfg.user, cfg.db)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	for _, e := range entries { // ReadDir sorts by name
		path := filepath.Join(initScriptsDir, e.Name())
		var sql []byte
		switch {
		case strings.HasSuffix(e.Name(), ".sql"):
			sql, err = os.ReadFile(path)
		case strings.HasSuffix(e.Name(), ".sql.gz"):
			sql, err = readGzip(path)
		case strings.HasSuffix(e.Name(), ".sh"):
			return fmt.Errorf("%s: this image has no shell to run shell scripts; use .sql files", path)
		default:
			fmt.Printf("entrypoint: ignoring %s\n", path)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("entrypoint: running %s\n", path)
		// Without arguments pgx sends the simple query protocol, which runs several statements at once.
		if _, err := conn.Exec(ctx, string(sql)); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// readGzip returns the decompressed content of the gzip file at path.
func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return buf.Bytes(), nil
}

// appendFile appends text to the file at path.
func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(text)
	return errors.Join(err, f.Close())
}

// quoteValue quotes a keyword/value connection-string value.
func quoteValue(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
