//go:build unix

package pgserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// A shared local server serves every process of one user that asks for one with Options.Shared, such as the
// test binaries of one `go test ./...`, which run as separate processes: the first starts it, the others
// reuse it, and the last to stop it shuts it down. Its directory holds:
//
//   - lock: held exclusively while a process starts, joins, leaves or shuts down the server;
//   - lease: held shared by every process using the server, so that the one leaving can tell whether it is
//     the last (an exclusive lock on it succeeds only then); the kernel drops a crashed process's lease;
//   - state: the running server's URL and process id, readable by this user only;
//   - data and postgres.log: the cluster.
//
// A process killed before it stops the server leaves it to the next one, which reuses it.

// canShare is true where Options.Shared is honoured.
const canShare = true

// sharedState is what the state file records of the running shared server.
type sharedState struct {
	URL string `json:"url"`
	PID int    `json:"pid"`
}

// startShared joins the shared local server of binDir, starting it when none runs.
func startShared(ctx context.Context, binDir string, opts Options) (*Server, error) {
	runAs, err := serverAccount()
	if err != nil {
		return nil, err
	}
	// One shared server per user and server binaries (their directory and version), and per sharedKey.
	key := fnv.New32a()
	key.Write([]byte(describeBinDir(binDir) + opts.sharedKey))
	dir := filepath.Join(clusterParentDirs()[0], fmt.Sprintf("yapstore-pgshared-%d-%08x", os.Getuid(), key.Sum32()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	lock, err := lockFile(ctx, filepath.Join(dir, "lock"), syscall.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer lock.Close() // releases the lock

	state, err := readSharedState(dir)
	if err != nil || ping(ctx, state.URL, urlCheckTimeout) != nil {
		// None runs (or a crashed one left its files): start one, afresh.
		for _, stale := range []string{"data", "postgres.log"} {
			if err := os.RemoveAll(filepath.Join(dir, stale)); err != nil {
				return nil, err
			}
		}
		c, err := startClusterIn(ctx, binDir, dir, runAs, false, false, opts.Logf)
		if err != nil {
			return nil, skipErr(ErrLocalFailed, "%s: %v", describeBinDir(binDir), err)
		}
		state = sharedState{URL: c.url, PID: c.proc.cmd.Process.Pid}
		if err := writeSharedState(dir, state); err != nil {
			_ = c.proc.shutdown(ctx)
			return nil, err
		}
		opts.Logf("pgserver: started the shared server in %s", dir)
	}
	lease, err := lockFile(ctx, filepath.Join(dir, "lease"), syscall.LOCK_SH)
	if err != nil {
		return nil, err
	}
	return &Server{
		url:  state.URL,
		kind: KindLocal,
		source: fmt.Sprintf("%s, shared by this user's processes, data in %s, run as %s",
			describeBinDir(binDir), dir, runAs),
		survivesExit: true,
		stop:         func(ctx context.Context) error { return leaveShared(ctx, dir, lease) },
	}, nil
}

// leaveShared gives up this process's lease and, when no other process holds one, shuts the server down.
func leaveShared(ctx context.Context, dir string, lease *os.File) error {
	lock, err := lockFile(ctx, filepath.Join(dir, "lock"), syscall.LOCK_EX)
	if err != nil {
		_ = lease.Close()
		return err
	}
	defer lock.Close()
	if err := lease.Close(); err != nil {
		return err
	}
	probe, err := os.OpenFile(filepath.Join(dir, "lease"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer probe.Close()
	if err := syscall.Flock(int(probe.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil // another process still uses the server
	}
	state, err := readSharedState(dir)
	if err != nil {
		return nil // nothing recorded runs
	}
	err = stopPID(ctx, state.PID)
	return errors.Join(err, os.Remove(filepath.Join(dir, "state")), os.RemoveAll(filepath.Join(dir, "data")))
}

// stopPID asks the server with process id pid for a fast shutdown and waits until it is gone, killing it
// when that takes longer than localStopTimeout.
func stopPID(ctx context.Context, pid int) error {
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return fmt.Errorf("pgserver: stop the shared server: %w", err)
	}
	deadline := time.Now().Add(localStopTimeout)
	for {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			return errors.New("pgserver: the shared server did not shut down in time and was killed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockFile opens path (creating it) and takes a flock of kind on it, waiting as long as ctx allows. Closing
// the file releases the lock.
func lockFile(ctx context.Context, path string, kind int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), kind|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("pgserver: lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("pgserver: lock %s: %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func readSharedState(dir string) (sharedState, error) {
	var s sharedState
	b, err := os.ReadFile(filepath.Join(dir, "state"))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil || s.URL == "" || s.PID <= 0 {
		return s, fmt.Errorf("pgserver: unreadable shared state %s", strconv.Quote(string(b)))
	}
	return s, nil
}

func writeSharedState(dir string, s sharedState) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "state.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "state"))
}
