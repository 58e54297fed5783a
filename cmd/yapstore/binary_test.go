package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/storetest"
)

// TestBinary builds the yapstore binary and runs it as operators do: exit codes, output streams, the
// environment variables, and the password prompt on a real terminal.
func TestBinary(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	bin := filepath.Join(t.TempDir(), "yapstore")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	// exe runs the binary with exactly the environment given (plus PATH, for stty).
	exe := func(env []string, stdin string, args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}
	withDB := []string{"DATABASE_URL=" + db.URL}

	r := exe(nil, "", "--help")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Usage: yapstore COMMAND")

	r = exe(nil, "", "list-users")
	requireFailure(t, r, 1, "no database configured")

	r = exe(nil, "", "list-users", "--database-url", unreachableURL)
	requireFailure(t, r, 1, "cannot connect to the database")
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")

	r = exe(withDB, "", "list-users", "--bogus")
	requireFailure(t, r, 2, "unknown flag -bogus")

	r = exe(withDB, "s3cret-from-pipe\n", "add-user", "pipe", "--password-stdin")
	requireOK(t, r)
	r = exe(withDB, "", "add-cluster", "ares", "-v")
	require.Equal(t, 0, r.code)
	require.Equal(t, "Added cluster ares, id 1\n", r.stdout)
	require.Contains(t, r.stderr, "Adding cluster: ares")

	scheme, rest, _ := strings.Cut(db.URL, "://")
	require.NotEmpty(t, scheme)
	r = exe([]string{"FLASK_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://" + rest}, "", "list-users")
	requireOK(t, r)
	require.Equal(t, "1 user in DB:", strings.SplitN(r.stdout, "\n", 2)[0])

	_, err = mustStore(t, db).Authenticate(context.Background(), "pipe", "s3cret-from-pipe")
	require.NoError(t, err)

	t.Run("prompt without echo", func(t *testing.T) {
		python, err := exec.LookPath("python3")
		require.NoError(t, err, "python3 drives the terminal in this test")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, python, "-c", ptyDriver, bin, "add-user", "pat", "--database-url", db.URL)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		var screen, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &screen, &stderr
		require.NoError(t, cmd.Run(), "terminal session:\n%s\n%s", screen.String(), stderr.String())
		require.Contains(t, screen.String(), "Password for pat: ")
		require.Contains(t, screen.String(), "Repeat the password: ")
		require.Contains(t, screen.String(), "Added user pat (YaptideUser)")
		require.NotContains(t, screen.String(), "Pty-Typed-Secret", "the terminal must not echo the password")
		_, err = mustStore(t, db).Authenticate(context.Background(), "pat", "Pty-Typed-Secret")
		require.NoError(t, err)
	})
}

// ptyDriver runs the command given as arguments on a new pseudo-terminal, types the password at each
// prompt, and prints everything the terminal showed; it exits with the command's exit code.
const ptyDriver = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
screen = b""
def read(until=None, timeout=30):
    global screen
    deadline = time.time() + timeout
    while until is None or until not in screen:
        if time.time() > deadline:
            sys.stdout.write(screen.decode(errors="replace"))
            sys.exit("timed out waiting for %r" % until)
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            if until is None:
                return
            sys.stdout.write(screen.decode(errors="replace"))
            sys.exit("terminal closed before %r" % until)
        screen += data
read(b"Password for pat: ")
os.write(fd, b"Pty-Typed-Secret\n")
read(b"Repeat the password: ")
os.write(fd, b"Pty-Typed-Secret\n")
read()
_, status = os.waitpid(pid, 0)
sys.stdout.write(screen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`
