package pgserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// localDirPattern names the temporary directory of each local cluster; sweepLocalDirs finds leftovers
	// by it.
	localDirPattern = "yapstore-pgserver-*"

	// localPortAttempts bounds retries when another process takes the chosen port first.
	localPortAttempts = 3

	// localStopTimeout bounds a fast shutdown before the server is killed.
	localStopTimeout = 15 * time.Second
)

// startLocal creates and starts a throwaway cluster from the first server binaries findBinDir finds.
func startLocal(ctx context.Context, opts Options) (*Server, error) {
	binDir, err := findBinDir(opts.BinDirs)
	if err != nil {
		return nil, err
	}
	sweepLocalDirs(opts.Logf)

	ctx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	c, err := startCluster(ctx, binDir, opts.Durable, opts.TrackStatements, opts.Logf)
	if err != nil {
		return nil, skipErr(ErrLocalFailed, "%s: %v", describeBinDir(binDir), err)
	}
	return &Server{
		url:  c.url,
		kind: KindLocal,
		source: fmt.Sprintf("%s, data in %s, port %d, run as %s",
			describeBinDir(binDir), c.dir, c.port, c.runAs),
		survivesExit: !canDieWithParent,
		stop:         c.stop,
		local:        c,
	}, nil
}

// cluster is a running local cluster in its own temporary directory.
type cluster struct {
	dir      string
	port     int
	url      string
	runAs    *account
	proc     *serverProcess
	binDir   string
	password string
	settings []string // the server settings postgres runs with, which a replica copies
}

// startCluster runs initdb in a new temporary directory and starts postgres on a free loopback port with
// serverSettings(durable, track), track only when the binaries have pg_stat_statements; a durable cluster's
// directory is on disk, never in memory. On failure it removes everything it created.
func startCluster(ctx context.Context, binDir string, durable, track bool, logf func(string, ...any)) (_ *cluster, err error) {
	settings := serverSettings(durable, track && hasStatementsLibrary(binDir))
	runAs, err := serverAccount()
	if err != nil {
		return nil, err
	}
	parent := clusterParentDirs()[0]
	if durable {
		parent = os.TempDir()
	}
	dir, err := ownedTempDir(parent, localDirPattern, runAs)
	if err != nil {
		return nil, err
	}
	defer removeOnError(dir, &err)

	dataDir := filepath.Join(dir, "data")
	cache := openInitCache(binDir)
	password, fromCache := cache.restore(dataDir, runAs)
	if !fromCache {
		if password, err = randomHex(16); err != nil {
			return nil, err
		}
		if err := initCluster(ctx, binDir, dir, dataDir, password, runAs); err != nil {
			return nil, err
		}
		cache.store(dataDir, password, logf)
	}

	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		logf("pgserver: starting %s on port %d as %s", dataDir, port, runAs)
		proc, err := startPostgres(binDir, dir, dataDir, port, settings, runAs)
		if err != nil {
			return nil, err
		}
		url := localURL(password, port)
		err = waitReady(ctx, url, proc.exited)
		if err == nil && fromCache {
			// The cached copy's password is shared by every cluster made from it: give this one its own.
			fresh, rerr := randomHex(16)
			if err = errors.Join(rerr, setPassword(ctx, url, fresh)); err == nil {
				password = fresh
				url = localURL(password, port)
			}
		}
		if err == nil {
			c := &cluster{dir: dir, port: port, url: url, runAs: runAs, proc: proc, binDir: binDir, password: password,
				settings: settings}
			return c, nil
		}
		_ = proc.shutdown(context.WithoutCancel(ctx))
		logTail := readTail(filepath.Join(dir, "postgres.log"), 2000)
		if attempt < localPortAttempts && strings.Contains(logTail, "could not bind") {
			continue
		}
		return nil, fmt.Errorf("%w; server log:\n%s", err, logTail)
	}
}

// initCluster runs initdb: superuser postgres with password authentication over TCP, UTF-8.
func initCluster(ctx context.Context, binDir, dir, dataDir, password string, runAs *account) error {
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwfile)
	if err := runAs.chown(pwfile); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, exeName("initdb")),
		"--pgdata", dataDir,
		"--username", "postgres",
		"--pwfile", pwfile,
		"--auth-local", "trust",
		"--auth-host", "scram-sha-256",
		"--encoding", "UTF8",
		"--locale", "C",
		"--no-sync",
	)
	cmd.Dir = dir // the server account may not be allowed into this process's working directory
	cmd.SysProcAttr = procAttr(runAs, false)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w:\n%s", err, tail(string(out), 2000))
	}
	return nil
}

// startPostgres starts the server of dataDir on port with settings, logging to dir/postgres.log.
func startPostgres(binDir, dir, dataDir string, port int, settings []string, runAs *account) (*serverProcess, error) {
	logFile, err := os.OpenFile(filepath.Join(dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor
	args := []string{
		"-D", dataDir,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
	}
	cmd := exec.Command(filepath.Join(binDir, exeName("postgres")), append(args, settings...)...)
	cmd.Dir = dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = procAttr(runAs, true)
	return startProcess(cmd)
}

// serverSettings returns the options, as postgres command-line arguments, of a server Start starts: room for
// many parallel tests' connection pools and, unless durable, no durability work; with track, pg_stat_statements
// loaded with planning times tracked (Options.TrackStatements). A durable server states PostgreSQL's defaults
// explicitly, since the container module turns fsync off before these arguments.
func serverSettings(durable, track bool) []string {
	durability := "off"
	if durable {
		durability = "on"
	}
	settings := []string{
		"-c", "fsync=" + durability,
		"-c", "synchronous_commit=" + durability,
		"-c", "full_page_writes=" + durability,
		"-c", "max_connections=300",
	}
	if track {
		settings = append(settings, "-c", "shared_preload_libraries=pg_stat_statements",
			"-c", "pg_stat_statements.track_planning=on")
	}
	return settings
}

// hasStatementsLibrary reports whether the server binaries in binDir come with pg_stat_statements: the
// library in the lib directory beside the real bin directory of postgres (after its symbolic links, as
// Debian links /usr/local/bin/postgres to /usr/lib/postgresql/<version>/bin).
func hasStatementsLibrary(binDir string) bool {
	postgres, err := filepath.EvalSymlinks(filepath.Join(binDir, "postgres"))
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(filepath.Dir(filepath.Dir(postgres)), "lib", "pg_stat_statements.so"))
	return err == nil
}

// stop shuts the server down and removes the cluster's directory.
func (c *cluster) stop(ctx context.Context) error {
	err := c.proc.shutdown(ctx)
	return errors.Join(err, os.RemoveAll(c.dir))
}

// sweepLocalDirs removes the directories of local clusters whose server is gone, left behind by processes
// that were killed. A directory is only considered once it is ten minutes old, so that a cluster another
// process is still creating is never touched.
func sweepLocalDirs(logf func(string, ...any)) {
	const minAge = 10 * time.Minute
	var dirs []string
	for _, parent := range clusterParentDirs() {
		found, _ := filepath.Glob(filepath.Join(parent, localDirPattern)) // the pattern is valid
		dirs = append(dirs, found...)
	}
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < minAge {
			continue
		}
		pidText, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
		if err == nil {
			first, _, _ := strings.Cut(string(pidText), "\n")
			if pid, err := strconv.Atoi(strings.TrimSpace(first)); err == nil {
				if alive, ok := processAlive(pid); alive || !ok {
					continue
				}
			}
		}
		if err := os.RemoveAll(dir); err == nil {
			logf("pgserver: removed stale cluster directory %s", dir)
		}
	}
}

// ownedTempDir makes a new temporary directory in parent (the system's when "") named after pattern, and
// gives it to runAs, who runs the server or pooler that works in it. On failure nothing is left.
func ownedTempDir(parent, pattern string, runAs *account) (string, error) {
	dir, err := os.MkdirTemp(parent, pattern)
	if err != nil {
		return "", err
	}
	if err := runAs.chown(dir); err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removeOnError removes dir, with everything in it, when *err is set: deferred by the functions that make a
// server's or pooler's directory, so that a start that fails leaves nothing behind.
func removeOnError(dir string, err *error) {
	if *err != nil {
		_ = os.RemoveAll(dir)
	}
}

// localURL is the URL of a local cluster's superuser on its maintenance database.
func localURL(password string, port int) string {
	return fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/postgres?sslmode=disable", password, port)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// readTail returns at most the last n bytes of the file at path, or a note saying it cannot be read.
func readTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	return tail(string(b), n)
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
