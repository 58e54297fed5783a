package pgserver

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNoServer is returned, wrapped in a *NoServerError, when every path Start was allowed to take
	// failed. Test with errors.Is; use errors.As with *NoServerError for the reasons.
	ErrNoServer = errors.New("pgserver: no PostgreSQL server available")

	// ErrInvalidOptions is returned by Start when Options names an unknown Kind or a negative timeout.
	ErrInvalidOptions = errors.New("pgserver: invalid options")

	// ErrUnreachable is returned by Start when the caller gave a URL and the server there does not accept a
	// connection. Start does not fall back to another path then: a URL the caller chose is never ignored.
	ErrUnreachable = errors.New("pgserver: server at the given URL does not answer")

	// ErrNotAllowed is the reason recorded in a Skip for a path that Options.Kinds leaves out.
	ErrNotAllowed = errors.New("not allowed by Options.Kinds")

	// ErrNoURL is the reason recorded in a Skip for the URL path when Options.URL is empty.
	ErrNoURL = errors.New("no URL given")

	// ErrDockerUnavailable is the reason recorded in a Skip for the container path when no Docker engine
	// answered the health check in time.
	ErrDockerUnavailable = errors.New("no Docker engine answered")

	// ErrContainerFailed is the reason recorded in a Skip for the container path when the engine answered
	// but the container could not be started, for example because its image can neither be found locally nor
	// pulled.
	ErrContainerFailed = errors.New("the PostgreSQL container did not start")

	// ErrBinariesNotFound is the reason recorded in a Skip for the local path when no directory holds both
	// initdb and postgres.
	ErrBinariesNotFound = errors.New("no PostgreSQL server binaries (initdb, postgres) found")

	// ErrLocalFailed is the reason recorded in a Skip for the local path when the binaries were found but the
	// cluster could not be created or started.
	ErrLocalFailed = errors.New("the local PostgreSQL cluster did not start")
)

// NoServerError is the error Start returns when no path produced a server. It lists why each path was
// skipped, and its message ends with what to do to get a server. It matches ErrNoServer with errors.Is.
type NoServerError struct {
	// Skipped holds one entry per path, in the order Start considered them.
	Skipped []Skip
	// URLVar is the variable the caller reads its URL from, as given in Options.URLVar.
	URLVar string
	// Image is the container image Start tried (or would have tried).
	Image string
}

// Error returns the reasons, one per line, followed by the ways to get a server.
func (e *NoServerError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoServer.Error())
	b.WriteString(":\n")
	for _, s := range e.Skipped {
		fmt.Fprintf(&b, "  - %s\n", s)
	}
	b.WriteString("Get a server in any one of these ways:\n")
	fmt.Fprintf(&b, "  1. point %s at a server you own, e.g. %s='postgres://user:password@localhost:5432/postgres'\n",
		e.URLVar, e.URLVar)
	fmt.Fprintf(&b, "  2. start a Docker engine that can run the image %s (docker pull %s, or build one: docker/postgres/build.sh,\n"+
		"     then set %s to its tag; with no reaper image available also set TESTCONTAINERS_RYUK_DISABLED=true)\n",
		e.Image, e.Image, ImageEnv)
	b.WriteString("  3. install the PostgreSQL server binaries: apt-get install postgresql (Debian/Ubuntu),\n" +
		"     dnf install postgresql-server (Fedora), brew install postgresql@16 (macOS)")
	return b.String()
}

// Is reports whether target is ErrNoServer.
func (e *NoServerError) Is(target error) bool { return target == ErrNoServer }

// skipErr wraps a sentinel reason with detail for a Skip.
func skipErr(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
