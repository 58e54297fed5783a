package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/python"
	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// TestBinary runs the yapstore command as a process of its own, as operators do: exit codes, output
// streams, the environment variables, and the password prompt on a real terminal. The process is this test
// binary running the command's main (see runAsCommandEnv), which saves building and linking it once more.
func TestBinary(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	bin, err := os.Executable()
	require.NoError(t, err)

	// exe runs the command with exactly the environment given (plus PATH, for stty).
	exe := func(env []string, stdin string, args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), runAsCommandEnv + "=1"}, env...)
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

	// onTerminal runs the binary on a new pseudo-terminal, answering each prompt in turn, and returns what the
	// terminal showed and the exit code.
	onTerminal := func(t *testing.T, answers [][2]string, args ...string) (string, int) {
		t.Helper()
		interpreter, err := python.Path()
		require.NoError(t, err, "python3 drives the terminal in this test")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		steps, err := json.Marshal(answers)
		require.NoError(t, err)
		cmd := exec.CommandContext(ctx, interpreter, append([]string{"-c", ptyDriver, string(steps), bin}, args...)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), runAsCommandEnv + "=1"}
		var screen, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &screen, &stderr
		err = cmd.Run()
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) || cmd.ProcessState.ExitCode() == ptyDriverFailed {
			t.Fatalf("terminal session: %v\n%s\n%s", err, screen.String(), stderr.String())
		}
		return screen.String(), cmd.ProcessState.ExitCode()
	}

	t.Run("prompt without echo", func(t *testing.T) {
		screen, code := onTerminal(t, [][2]string{{"Password for pat: ", "Pty-Typed-Secret"}, {"Repeat the password: ", "Pty-Typed-Secret"}},
			"add-user", "pat", "--database-url", db.URL)
		require.Equal(t, 0, code, screen)
		require.Contains(t, screen, "Added user pat (YaptideUser)")
		require.NotContains(t, screen, "Pty-Typed-Secret", "the terminal must not echo the password")
		_, err = mustStore(t, db).Authenticate(context.Background(), "pat", "Pty-Typed-Secret")
		require.NoError(t, err)
	})

	t.Run("confirm a deletion", func(t *testing.T) {
		ctx := context.Background()
		s := mustStore(t, db)
		owner, err := s.CreatePasswordUser(ctx, "owner", "owner-password")
		require.NoError(t, err)
		_, err = s.SubmitDirect(ctx, store.DirectSubmission{
			Submission: store.Submission{UserID: &owner.ID, Title: "to delete", InputType: store.InputEditor,
				SimType: store.SimShieldhit, Input: []byte(`{}`)},
			Tasks: []store.DirectTaskParams{{RequestedPrimaries: 10}},
		})
		require.NoError(t, err)
		question := "Delete user owner (YaptideUser) and the 1 simulation it owns, with everything under them? [y/N] "

		screen, code := onTerminal(t, [][2]string{{question, "n"}}, "remove-user", "owner", "YaptideUser", "--cascade", "--database-url", db.URL)
		require.Equal(t, 1, code, screen)
		require.Contains(t, screen, "not confirmed: nothing was changed")
		_, err = s.GetUser(ctx, owner.ID)
		require.NoError(t, err, "a no keeps the user")

		screen, code = onTerminal(t, [][2]string{{question, "y"}}, "remove-user", "owner", "YaptideUser", "--cascade", "--database-url", db.URL)
		require.Equal(t, 0, code, screen)
		require.Contains(t, screen, "Deleted user owner (YaptideUser)")
		_, err = s.GetUser(ctx, owner.ID)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// ptyDriverFailed is ptyDriver's exit code when the session did not go as scripted.
const ptyDriverFailed = 99

// ptyDriver runs a command on a new pseudo-terminal: argv[1] is a JSON list of [prompt, answer] pairs, the
// rest the command. It waits for each prompt, types its answer, and prints everything the terminal showed;
// it exits with the command's exit code, or ptyDriverFailed when a prompt never came.
const ptyDriver = `
import json, os, pty, select, sys, time
steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
screen = b""
def read(until=None, timeout=30):
    global screen
    deadline = time.time() + timeout
    while until is None or until not in screen:
        if time.time() > deadline:
            sys.stdout.write(screen.decode(errors="replace"))
            sys.stderr.write("timed out waiting for %r" % until)
            sys.exit(99)
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
            sys.stderr.write("terminal closed before %r" % until)
            sys.exit(99)
        screen += data
for prompt, answer in steps:
    read(prompt.encode())
    os.write(fd, answer.encode() + b"\n")
read()
_, status = os.waitpid(pid, 0)
sys.stdout.write(screen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`
