package pgserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNotLocal is returned by StartReplica for a primary that is not a local cluster Start started: a
// replica is made from the primary's own binaries and a base backup over its replication connection.
var ErrNotLocal = errors.New("pgserver: a streaming replica can only follow a local cluster started by Start")

// StartReplica starts a streaming replica of primary, a local cluster that Start started: pg_basebackup
// copies the primary's data directory (with the settings that make the copy a standby that streams from it)
// and the replica's postgres runs on a free loopback port, read-only, until Stop. It returns ErrNotLocal
// for another kind of server, and an error quoting the tools' output when the backup or the start fails.
// The primary's password reaches pg_basebackup through its environment, never its command line.
func StartReplica(ctx context.Context, primary *Server) (_ *Server, err error) {
	p := primary.local
	if p == nil {
		return nil, ErrNotLocal
	}
	dir, err := ownedTempDir(filepath.Dir(p.dir), localDirPattern, p.runAs)
	if err != nil {
		return nil, err
	}
	defer removeOnError(dir, &err)
	dataDir := filepath.Join(dir, "data")
	basebackup, err := toolBeside(p.binDir, "pg_basebackup")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, basebackup,
		"--pgdata", dataDir, "--host", "127.0.0.1", "--port", strconv.Itoa(p.port), "--username", "postgres",
		"--write-recovery-conf", "--wal-method", "stream", "--checkpoint", "fast", "--no-sync")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PGPASSWORD="+p.password)
	cmd.SysProcAttr = procAttr(p.runAs, false)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgserver: pg_basebackup: %w:\n%s", err, tail(strings.ReplaceAll(string(out), p.password, "xxxxx"), 2000))
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	proc, err := startPostgres(p.binDir, dir, dataDir, port, p.settings, p.runAs)
	if err != nil {
		return nil, err
	}
	url := localURL(p.password, port)
	if err := waitReady(ctx, url, proc.exited); err != nil {
		_ = proc.shutdown(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("%w; replica log:\n%s", err, readTail(filepath.Join(dir, "postgres.log"), 2000))
	}
	c := &cluster{dir: dir, port: port, url: url, runAs: p.runAs, proc: proc, binDir: p.binDir, password: p.password,
		settings: p.settings}
	return &Server{
		url:          url,
		kind:         KindLocal,
		source:       fmt.Sprintf("streaming replica of port %d, data in %s, port %d", p.port, dir, port),
		survivesExit: !canDieWithParent,
		stop:         c.stop,
	}, nil
}

// toolBeside finds a client tool of the server binaries in binDir: in binDir itself, beside what its initdb
// links to (a directory of symbolic links, as scripts/devdb.sh makes, holds only the server's), or on PATH.
func toolBeside(binDir, name string) (string, error) {
	candidates := []string{filepath.Join(binDir, exeName(name))}
	if initdb, err := filepath.EvalSymlinks(filepath.Join(binDir, exeName("initdb"))); err == nil {
		candidates = append(candidates, filepath.Join(filepath.Dir(initdb), exeName(name)))
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("pgserver: no %s beside the server binaries in %s or on PATH", name, binDir)
}
