package pgserver

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

const (
	// DefaultImage is the container image Start runs when Options.Image is empty: the PostgreSQL release
	// the platform runs in production.
	DefaultImage = "postgres:16-alpine"

	// ImageEnv is the environment variable EnvOptions reads the container image from.
	ImageEnv = "YAPSTORE_TEST_IMAGE"

	// KindsEnv is the environment variable EnvOptions reads the allowed paths from: a comma-separated list
	// of kinds ("url", "container", "local"). CI sets it to "container" so that a broken Docker setup fails
	// the run instead of quietly falling back to local binaries.
	KindsEnv = "YAPSTORE_TEST_SERVER"

	// ContainerLabel is set (to "true") on every container Start runs, so that containers left behind by a
	// killed process can be found: docker ps -aq --filter label=org.yapstore.pgserver.
	ContainerLabel = "org.yapstore.pgserver"

	defaultDockerTimeout = 5 * time.Second
	defaultStartTimeout  = 3 * time.Minute
	urlCheckTimeout      = 15 * time.Second
)

// Options tells Start where to look for a server. The zero value tries a container of DefaultImage, then
// local binaries.
type Options struct {
	// URL, when not empty, names the server to use; Start checks that it answers and returns it without
	// trying anything else. It may be a postgres:// URL or a keyword/value connection string.
	URL string

	// URLVar names the variable URL was read from, for messages; "TEST_DATABASE_URL" when empty.
	URLVar string

	// Kinds lists the paths Start may take. Start always considers them in the order url, container,
	// local; a path left out is skipped with ErrNotAllowed. Nil allows all three.
	Kinds []Kind

	// Image is the container image to run; DefaultImage when empty. It must behave like the official
	// postgres image: honour POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, listen on 5432 and log
	// "database system is ready to accept connections" twice (once for its init server, once for the real
	// one).
	Image string

	// DockerTimeout bounds the Docker engine health check; 5s when zero.
	DockerTimeout time.Duration

	// StartTimeout bounds starting a container (including any image pull) or a local cluster; 3m when
	// zero.
	StartTimeout time.Duration

	// BinDirs are directories searched for initdb and postgres before PATH and the usual install
	// locations.
	BinDirs []string

	// Logf, when not nil, receives progress messages (including testcontainers' own). Nil discards them.
	Logf func(format string, args ...any)

	// Durable makes a container or local server keep PostgreSQL's own durability settings (fsync,
	// synchronous_commit and full_page_writes on) and its data on disk, so that a commit waits for the disk
	// as on a production server, as benchmarks need. By default servers skip that work, which tests do not
	// need. A server given by URL runs as it is configured.
	Durable bool

	// TrackStatements loads pg_stat_statements, with planning times tracked, into a local or container
	// server, so that a benchmark can read the server's own time per statement: a local cluster when its
	// binaries come with the library (it is left out, and the server starts anyway, when they do not), a
	// container always (the images yapstore uses have it). A server given by URL runs as it is configured.
	TrackStatements bool
}

// EnvOptions returns Options filled from the environment: URL from the variable urlVar (the caller's
// choice, for example "TEST_DATABASE_URL" or "DATABASE_URL"), Image from YAPSTORE_TEST_IMAGE and Kinds
// from YAPSTORE_TEST_SERVER. Variables that are unset or empty leave the defaults. A bad
// YAPSTORE_TEST_SERVER value is kept as given and reported by Start as ErrInvalidOptions.
func EnvOptions(urlVar string) Options {
	opts := Options{
		URL:    os.Getenv(urlVar),
		URLVar: urlVar,
		Image:  os.Getenv(ImageEnv),
	}
	if v := strings.TrimSpace(os.Getenv(KindsEnv)); v != "" {
		for k := range strings.SplitSeq(v, ",") {
			opts.Kinds = append(opts.Kinds, Kind(strings.TrimSpace(k)))
		}
	}
	return opts
}

// withDefaults returns a copy of o with empty fields set to their defaults, or ErrInvalidOptions.
func (o Options) withDefaults() (Options, error) {
	if o.URLVar == "" {
		o.URLVar = "TEST_DATABASE_URL"
	}
	if o.Image == "" {
		o.Image = DefaultImage
	}
	if o.DockerTimeout < 0 || o.StartTimeout < 0 {
		return o, fmt.Errorf("%w: negative timeout", ErrInvalidOptions)
	}
	if o.DockerTimeout == 0 {
		o.DockerTimeout = defaultDockerTimeout
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = defaultStartTimeout
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Kinds == nil {
		o.Kinds = allKinds()
	}
	for _, k := range o.Kinds {
		switch k {
		case KindURL, KindContainer, KindLocal:
		default:
			return o, fmt.Errorf("%w: unknown kind %q (want %q, %q or %q; %s holds a comma-separated list)",
				ErrInvalidOptions, k, KindURL, KindContainer, KindLocal, KindsEnv)
		}
	}
	return o, nil
}

// allows reports whether the options let Start take the path k.
func (o Options) allows(k Kind) bool { return slices.Contains(o.Kinds, k) }
