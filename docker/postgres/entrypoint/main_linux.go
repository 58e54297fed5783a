package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "entrypoint: %v\n", err)
		os.Exit(1)
	}
}

// run prepares the data directory when the command is the server, then replaces this process with the
// command. It returns only on failure.
func run(args []string) error {
	cmd := parseCommand(args)
	path, err := exec.LookPath(cmd.args[0])
	if err != nil {
		return err
	}
	if !cmd.server {
		return syscall.Exec(path, cmd.args, os.Environ())
	}

	owner, err := serverOwner()
	if err != nil {
		return err
	}
	if !cmd.help {
		cfg, err := loadConfig(os.Getenv, os.ReadFile)
		if err != nil {
			return err
		}
		if err := prepareDirs(cfg.pgdata, owner); err != nil {
			return err
		}
		if initialised(cfg.pgdata) {
			fmt.Println("PostgreSQL Database directory appears to contain a database; skipping initialization")
		} else if err := initialise(cfg, cmd.args[1:], owner); err != nil {
			return err
		}
	}
	if err := owner.become(); err != nil {
		return err
	}
	return syscall.Exec(path, cmd.args, os.Environ())
}

// owner is the account the server runs as; nil means this process's own account (it is not root).
type owner struct {
	uid, gid int
}

// serverOwner returns the postgres account when this process is root, nil otherwise.
func serverOwner() (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, the server needs a postgres user: %w", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("postgres user: %w", err)
	}
	return &owner{uid: uid, gid: gid}, nil
}

// procAttr returns process attributes that run a child as o.
func (o *owner) procAttr() *syscall.SysProcAttr {
	if o == nil {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid), Groups: []uint32{}}}
}

// chown gives path to o; it does nothing when o is nil.
func (o *owner) chown(path string) error {
	if o == nil {
		return nil
	}
	return os.Chown(path, o.uid, o.gid)
}

// become switches this process to o for good; it does nothing when o is nil.
func (o *owner) become() error {
	if o == nil {
		return nil
	}
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setgid(o.gid); err != nil {
		return fmt.Errorf("setgid: %w", err)
	}
	if err := syscall.Setuid(o.uid); err != nil {
		return fmt.Errorf("setuid: %w", err)
	}
	return nil
}

// prepareDirs creates the data and socket directories with the owner and modes the server insists on: the
// data directory private to the owner, the socket directory open to all (sticky, like /tmp).
func prepareDirs(pgdata string, o *owner) error {
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{pgdata, 0o700}, {socketDir, 0o777 | os.ModeSticky}} {
		if err := os.MkdirAll(d.path, 0o700); err != nil {
			return err
		}
		if err := o.chown(d.path); err != nil {
			return err
		}
		if err := os.Chmod(d.path, d.mode); err != nil && o != nil {
			return err // as root this must work; otherwise the directories may belong to someone else
		}
	}
	return nil
}

// initialised reports whether pgdata already holds a cluster.
func initialised(pgdata string) bool {
	_, err := os.Stat(pgdata + "/PG_VERSION")
	return err == nil
}
