package pgserver

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/modules/postgres"
	"github.com/testcontainers/testcontainers-go/wait"
)

// readyLine is what PostgreSQL logs when it accepts connections; images like the official one log it twice,
// once for the server that runs the init scripts and once for the real one.
const readyLine = "database system is ready to accept connections"

// The superuser and database of a container; the password only guards a throwaway server on a published
// port.
const (
	containerUser     = "postgres"
	containerPassword = "postgres"
	containerDB       = "postgres"
)

// logfLogger adapts Options.Logf to testcontainers' logger interface.
type logfLogger func(format string, args ...any)

func (l logfLogger) Printf(format string, args ...any) { l(format, args...) }

// startContainer runs opts.Image through testcontainers after checking that a Docker engine answers.
func startContainer(ctx context.Context, opts Options) (*Server, error) {
	logger := testcontainers.WithLogger(logfLogger(opts.Logf))

	provider, err := testcontainers.NewDockerProvider(logger)
	if err != nil {
		return nil, skipErr(ErrDockerUnavailable, "%v", err)
	}
	defer provider.Close()
	healthCtx, cancel := context.WithTimeout(ctx, opts.DockerTimeout)
	err = provider.Health(healthCtx)
	cancel()
	if err != nil {
		return nil, skipErr(ErrDockerUnavailable, "within %s: %v", opts.DockerTimeout, err)
	}
	ryukDisabled := provider.Config().RyukDisabled

	startCtx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	customizers := []testcontainers.ContainerCustomizer{
		logger,
		testcontainers.WithLabels(map[string]string{ContainerLabel: "true"}),
		postgres.WithUsername(containerUser),
		postgres.WithPassword(containerPassword),
		postgres.WithDatabase(containerDB),
		testcontainers.WithCmdArgs(serverSettings(opts.Durable, opts.TrackStatements)...),
		// The port is checked below, from this side, by connecting.
		testcontainers.WithWaitStrategyAndDeadline(opts.StartTimeout, wait.ForLog(readyLine).WithOccurrence(2)),
	}
	if !opts.Durable {
		// A throwaway server keeps its data in memory; a durable one on the container's disk.
		customizers = append(customizers, testcontainers.WithTmpfs(map[string]string{"/var/lib/postgresql/data": "rw"}))
	}
	ctr, err := postgres.Run(startCtx, opts.Image, customizers...)
	terminate := func(ctx context.Context) error {
		if ctr == nil {
			return nil
		}
		return ctr.Terminate(ctx, testcontainers.StopTimeout(0))
	}
	if err != nil {
		_ = terminate(context.WithoutCancel(ctx))
		return nil, skipErr(ErrContainerFailed, "image %s: %v%s", opts.Image, err, containerHint(err, ryukDisabled))
	}

	connString, err := reachContainer(startCtx, ctr)
	if err != nil {
		_ = terminate(context.WithoutCancel(ctx))
		return nil, skipErr(ErrContainerFailed, "image %s: %v", opts.Image, err)
	}

	id := ctr.GetContainerID()
	if len(id) > 12 {
		id = id[:12]
	}
	return &Server{
		url:          connString,
		kind:         KindContainer,
		source:       fmt.Sprintf("image %s, container %s", opts.Image, id),
		survivesExit: ryukDisabled,
		stop: func(ctx context.Context) error {
			if err := terminate(ctx); err != nil {
				return fmt.Errorf("pgserver: terminate container %s: %w", id, err)
			}
			return nil
		},
	}, nil
}

// containerHint returns advice for container errors whose cause is easy to mistake.
func containerHint(err error, ryukDisabled bool) string {
	msg := err.Error()
	switch {
	case !ryukDisabled && (strings.Contains(msg, "ryuk") || strings.Contains(msg, "reaper")):
		return " (the reaper container did not start; set TESTCONTAINERS_RYUK_DISABLED=true where its image cannot be pulled)"
	case strings.Contains(msg, "registry") || strings.Contains(msg, "pull") || strings.Contains(msg, "No such image"):
		return fmt.Sprintf(" (the image is not present locally and could not be pulled; build or load it, or set %s)", ImageEnv)
	}
	return ""
}

// reachContainer returns a connection string for the container's server through the first address that
// answers: the host testcontainers derives (the Docker host, or the bridge gateway when this process seems
// to run in a container), then the loopback address. The second matters where a sandbox carries
// /.dockerenv without being a container, so that the gateway testcontainers picks is unreachable.
// TESTCONTAINERS_HOST_OVERRIDE, when set, is the only address tried.
func reachContainer(ctx context.Context, ctr *postgres.PostgresContainer) (string, error) {
	host, err := ctr.Host(ctx)
	if err != nil {
		return "", err
	}
	port, err := ctr.MappedPort(ctx, "5432/tcp")
	if err != nil {
		return "", err
	}
	hosts := []string{host}
	if _, overridden := os.LookupEnv("TESTCONTAINERS_HOST_OVERRIDE"); !overridden && host != "localhost" && host != "127.0.0.1" {
		hosts = append(hosts, "127.0.0.1")
	}
	urls := make([]string, len(hosts))
	for i, h := range hosts {
		u := url.URL{
			Scheme:   "postgres",
			User:     url.UserPassword(containerUser, containerPassword),
			Host:     net.JoinHostPort(h, port.Port()),
			Path:     "/" + containerDB,
			RawQuery: "sslmode=disable",
		}
		urls[i] = u.String()
	}
	return waitReadyAny(ctx, urls)
}
