package pgserver

import (
	"context"
	"fmt"
)

// Start returns a running PostgreSQL server, taking the first of these paths that works and that
// opts.Kinds allows:
//
//  1. url: opts.URL, when set. Start checks that the server answers; if it does not, Start returns an
//     error wrapping ErrUnreachable and tries nothing else.
//  2. container: a testcontainers PostgreSQL of opts.Image, when a Docker engine answers the health check
//     within opts.DockerTimeout. If the container cannot start (say its image cannot be pulled), Start
//     records why and goes on.
//  3. local: a throwaway cluster created with initdb in a temporary directory and started with the
//     postgres binary found in opts.BinDirs, on PATH, or in the usual Debian, RPM and Homebrew locations
//     (highest version first). When the process runs as root, the cluster runs as the "postgres" user (or
//     "nobody"), because PostgreSQL refuses to run as root. The first cluster of a set of binaries keeps a
//     copy of its fresh data directory in the user's cache directory (yapstore/pgserver-initdb), and later
//     ones start from a copy of that instead of running initdb again, each with a new random password.
//
// Started servers are tuned for throwaway use (fsync, synchronous_commit and full_page_writes off,
// max_connections 300): data does not survive a crash, which is what tests and demos want; with
// Options.Durable they keep PostgreSQL's durability settings instead. The returned
// Server says which path was taken and why earlier ones were skipped; the caller must call its Stop method
// when done.
//
// When no path works, Start returns a *NoServerError (errors.Is(err, ErrNoServer)) whose message says how
// to get a server. It returns ErrInvalidOptions for bad options, and the context's error when ctx ends.
func Start(ctx context.Context, opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}

	var skipped []Skip
	skip := func(k Kind, err error) {
		opts.Logf("pgserver: skipping %s: %v", k, err)
		skipped = append(skipped, Skip{Kind: k, Err: err})
	}

	switch {
	case !opts.allows(KindURL):
		skip(KindURL, ErrNotAllowed)
	case opts.URL == "":
		skip(KindURL, fmt.Errorf("%w: %s is not set", ErrNoURL, opts.URLVar))
	default:
		if err := ping(ctx, opts.URL, urlCheckTimeout); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, opts.URLVar, err)
		}
		return &Server{url: opts.URL, kind: KindURL, source: "from " + opts.URLVar, skipped: skipped}, nil
	}

	type path struct {
		kind  Kind
		start func(context.Context, Options) (*Server, error)
	}
	for _, p := range []path{{KindContainer, startContainer}, {KindLocal, startLocal}} {
		if !opts.allows(p.kind) {
			skip(p.kind, ErrNotAllowed)
			continue
		}
		srv, err := p.start(ctx, opts)
		if err == nil {
			srv.skipped = skipped
			opts.Logf("pgserver: using %s", srv)
			return srv, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pgserver: %w", ctx.Err())
		}
		skip(p.kind, err)
	}
	return nil, &NoServerError{Skipped: skipped, URLVar: opts.URLVar, Image: opts.Image}
}
