//go:build unix

package pgserver

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// account is the unprivileged user a local cluster runs as when this process is root.
type account struct {
	name     string
	uid, gid int
}

// serverAccount returns the account to run initdb and postgres as: nil when this process is not root
// (they run as the current user), else the "postgres" user, or "nobody" when there is none. PostgreSQL
// refuses to run as root.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &account{name: name, uid: uid, gid: gid}, nil
	}
	return nil, errors.New("running as root and neither a postgres nor a nobody user exists to run the server as")
}

// procAttr returns the process attributes for a child run as a (the current user when a is nil); when
// dieWithParent is set the child is also asked to stop when this process dies, where the system allows it.
func procAttr(a *account, dieWithParent bool) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{}
	if a != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid), Groups: []uint32{}}
	}
	if dieWithParent {
		setParentDeathSignal(attr)
	}
	return attr
}

// chown gives path to a; it does nothing when a is nil.
func (a *account) chown(path string) error {
	if a == nil {
		return nil
	}
	if err := os.Chown(path, a.uid, a.gid); err != nil {
		return fmt.Errorf("give %s to user %s: %w", path, a.name, err)
	}
	return nil
}

// String returns the account's user name, or "the current user" for nil.
func (a *account) String() string {
	if a == nil {
		return "the current user"
	}
	return "user " + a.name
}

// processAlive reports whether a process with this pid exists; ok is false when that cannot be told.
func processAlive(pid int) (alive, ok bool) {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM), true
}

// interrupt asks a PostgreSQL server process for a fast shutdown.
func interrupt(p *os.Process) error { return p.Signal(syscall.SIGINT) }
