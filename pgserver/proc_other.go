//go:build !unix

package pgserver

import (
	"os"
	"syscall"
)

// canDieWithParent is false: this system has no parent-death signal.
const canDieWithParent = false

// account is never set on this system: processes run as the current user.
type account struct{}

// serverAccount returns nil: the cluster runs as the current user.
func serverAccount() (*account, error) { return nil, nil }

// procAttr returns no special attributes on this system.
func procAttr(*account, bool) *syscall.SysProcAttr { return nil }

// chown does nothing on this system.
func (a *account) chown(string) error { return nil }

// String returns "the current user".
func (a *account) String() string { return "the current user" }

// processAlive cannot tell on this system.
func processAlive(int) (alive, ok bool) { return false, false }

// interrupt stops the process; this system has no fast-shutdown signal.
func interrupt(p *os.Process) error { return p.Kill() }

// clusterParentDirs returns where local clusters live: the temporary directory.
func clusterParentDirs() []string { return []string{os.TempDir()} }
