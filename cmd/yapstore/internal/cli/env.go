package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Env is what a running command gets: its positional arguments, the shared flags' values, the program's
// standard streams and environment, and a list of secrets that nothing it prints through Env may contain.
type Env struct {
	// Args are the positional arguments, flags removed.
	Args []string

	// Verbosity counts -v flags: 0 prints results only, 1 also says what is done (on standard error), 2 and
	// more also log every SQL statement sent (its text, never its arguments).
	Verbosity int

	// JSON is set by --json: print data as JSON instead of a table.
	JSON bool

	// Yes is set by --yes: Confirm answers yes without asking.
	Yes bool

	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// Command is the command running, and Path its full name ("yapstore schema diagram").
	Command *Command
	Path    string

	getenv       func(string) string
	databaseFlag string

	mu      sync.Mutex // guards secrets and writes to Stderr (the SQL tracer logs from pool goroutines)
	secrets []string
}

// Getenv returns the value of the environment variable key, or "" when it is not set.
func (e *Env) Getenv(key string) string {
	if e.getenv == nil {
		return ""
	}
	return e.getenv(key)
}

// minSecretLen is the shortest secret Scrub hides: replacing every occurrence of a one- or two-letter
// password would garble messages without protecting anything.
const minSecretLen = 3

// AddSecret registers s (a password, a private key) so that Scrub, and therefore Logf, Debugf and the
// error Main prints, replace it with "xxxxx". Empty strings are ignored.
func (e *Env) AddSecret(s string) {
	if len(s) < minSecretLen {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.secrets = append(e.secrets, s)
}

// Scrub returns s with every registered secret replaced by "xxxxx".
func (e *Env) Scrub(s string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, secret := range e.secrets {
		s = strings.ReplaceAll(s, secret, "xxxxx")
	}
	return s
}

// Logf prints a progress line on standard error when the operator asked for -v. Secrets are scrubbed.
func (e *Env) Logf(format string, args ...any) { e.logAt(1, format, args...) }

// Debugf prints a line on standard error at -v -v. Secrets are scrubbed.
func (e *Env) Debugf(format string, args ...any) { e.logAt(2, format, args...) }

func (e *Env) logAt(level int, format string, args ...any) {
	if e.Verbosity < level {
		return
	}
	line := e.Scrub(fmt.Sprintf(format, args...))
	e.mu.Lock()
	defer e.mu.Unlock()
	fmt.Fprintln(e.Stderr, line)
}

// Warnf prints a warning line on standard error whatever the verbosity. Secrets are scrubbed.
func (e *Env) Warnf(format string, args ...any) {
	line := e.Scrub(fmt.Sprintf(format, args...))
	e.mu.Lock()
	defer e.mu.Unlock()
	fmt.Fprintln(e.Stderr, "warning: "+line)
}

// Printf writes to standard output, unscrubbed: it is for results, which never hold secrets.
func (e *Env) Printf(format string, args ...any) { fmt.Fprintf(e.Stdout, format, args...) }

// StdinTerminal returns standard input as a file when it is a terminal (a character device), for prompts;
// otherwise nil.
func (e *Env) StdinTerminal() *os.File {
	f, ok := e.Stdin.(*os.File)
	if !ok || f == nil {
		return nil
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}
