package pgserver

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"time"
)

// serverProcess is a started postgres process and the outcome of waiting for it.
type serverProcess struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed once the process has exited and waitErr is set
	waitErr error
}

// startProcess starts cmd from a goroutine locked to its OS thread, which stays alive until the process
// exits: on Linux the parent-death signal fires when the starting thread ends, not the whole process, so
// an ordinary goroutine could let the runtime retire that thread and stop the server by surprise.
func startProcess(cmd *exec.Cmd) (*serverProcess, error) {
	p := &serverProcess{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine, after the child
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// exited returns an error once the process has exited, nil while it runs.
func (p *serverProcess) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("postgres exited: %v", p.waitErr)
	default:
		return nil
	}
}

// shutdown asks for a fast shutdown and waits for the process to exit; it kills the process when that
// takes longer than localStopTimeout or ctx ends first.
func (p *serverProcess) shutdown(ctx context.Context) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	if err := interrupt(p.cmd.Process); err != nil {
		_ = p.cmd.Process.Kill()
	}
	timer := time.NewTimer(localStopTimeout)
	defer timer.Stop()
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
	case <-timer.C:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("pgserver: postgres did not shut down in time and was killed")
}
