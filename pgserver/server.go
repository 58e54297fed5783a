package pgserver

import (
	"context"
	"fmt"
	"sync"
)

// Kind names the way Start obtained a server.
type Kind string

const (
	// KindURL is a server the caller named by URL (for example TEST_DATABASE_URL or DATABASE_URL). Start
	// neither started it nor stops it.
	KindURL Kind = "url"

	// KindContainer is a PostgreSQL container that Start ran through testcontainers on a Docker engine.
	KindContainer Kind = "container"

	// KindLocal is a throwaway cluster that Start created with the PostgreSQL server binaries installed on
	// this machine (initdb and postgres), in a temporary directory.
	KindLocal Kind = "local"
)

// allKinds returns every kind in the order Start tries them.
func allKinds() []Kind { return []Kind{KindURL, KindContainer, KindLocal} }

// Skip records why Start did not take one of its paths: the path's kind and the reason, an error that
// wraps one of the package's sentinels (ErrNotAllowed, ErrNoURL, ErrDockerUnavailable, ErrContainerFailed,
// ErrBinariesNotFound, ErrLocalFailed).
type Skip struct {
	Kind Kind
	Err  error
}

// String returns the skip as "kind: reason".
func (s Skip) String() string { return fmt.Sprintf("%s: %v", s.Kind, s.Err) }

// Server is a running PostgreSQL server that Start found or started. Its methods are safe for concurrent
// use.
type Server struct {
	url          string
	kind         Kind
	source       string
	skipped      []Skip
	survivesExit bool
	local        *cluster // the cluster of a KindLocal server, for StartReplica

	stopOnce sync.Once
	stop     func(ctx context.Context) error
	stopErr  error
}

// URL returns a connection string for a superuser (or, for KindURL, whatever role the caller's URL names)
// on the server's maintenance database. It is a postgres:// URL except when the caller passed a
// keyword/value connection string, which is returned unchanged. Use DatabaseURL to reach another database.
func (s *Server) URL() string { return s.url }

// Kind returns the path Start took to obtain the server.
func (s *Server) Kind() Kind { return s.kind }

// Source returns a human-readable account of where the server comes from, for logs: the variable the URL
// came from, the container's image and id, or the binaries and data directory of a local cluster.
func (s *Server) Source() string { return s.source }

// Skipped returns, in order, the paths Start tried or was not allowed to try before the one it took, each
// with its reason. The caller must not modify the returned slice.
func (s *Server) Skipped() []Skip { return s.skipped }

// SurvivesExit reports whether the server would keep running if this process exited without calling Stop:
// true for a container when the testcontainers reaper (Ryuk) is disabled, and for a local cluster on
// systems where the kernel cannot stop it when its parent dies (everything but Linux). A server named by
// URL is not ours to stop, so it reports false.
func (s *Server) SurvivesExit() bool { return s.survivesExit }

// String returns the kind and source, for example "container (image postgres:16-alpine, id 3f2a9c01b7e4)".
func (s *Server) String() string { return fmt.Sprintf("%s (%s)", s.kind, s.source) }

// DatabaseURL returns the server's connection string with its database replaced by name. It fails only when
// the server's URL cannot be parsed, which cannot happen for a server that Start started.
func (s *Server) DatabaseURL(name string) (string, error) { return WithDatabase(s.url, name) }

// Stop stops and removes a server that Start started: it terminates the container or shuts the local
// cluster down and deletes its directory. For a KindURL server it does nothing. Stop is idempotent: later
// calls return the first call's result. It returns an error when the server could not be stopped cleanly.
func (s *Server) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() {
		if s.stop != nil {
			s.stopErr = s.stop(ctx)
		}
	})
	return s.stopErr
}
