// Package python finds the Python 3 interpreter that tests run to play the platform's side (its json, gzip
// and hashlib modules, and a terminal driver).
package python

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
)

// ErrNotFound is returned by Path when no python3 is on PATH.
var ErrNotFound = errors.New("python3 is not installed (not found on PATH)")

// Path returns the python3 interpreter's own path, found once per process. On PATH python3 is often a
// launcher rather than the interpreter (pyenv's shims run a dozen shell scripts, about 0.4 s of CPU, on
// every start); Path asks it once for sys.executable, so that each later run starts the interpreter
// directly. It returns an error wrapping ErrNotFound when there is no python3, or the launcher's error.
func Path() (string, error) { return path() }

var path = sync.OnceValues(func() (string, error) {
	launcher, err := exec.LookPath("python3")
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(launcher, "-c", "import sys; print(sys.executable)")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("python3 (%s): %w: %s", launcher, err, strings.TrimSpace(stderr.String()))
	}
	if exe := strings.TrimSpace(string(out)); exe != "" {
		return exe, nil
	}
	return launcher, nil // an interpreter that cannot tell where it is: run it as found
})
