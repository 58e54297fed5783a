package pgserver_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/pgserver"
)

// query runs a one-value query on the server at url.
func query[T any](t *testing.T, url, sql string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var v T
	if err := conn.QueryRow(ctx, sql).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// stopAtEnd stops srv when the test ends, failing it if that goes wrong.
func stopAtEnd(t *testing.T, srv *pgserver.Server) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
}

// requireGone fails the test unless nothing answers at url any more.
func requireGone(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, url); err == nil {
		conn.Close(ctx)
		t.Fatalf("a server still answers at %s after Stop", url)
	}
}

func TestStartNoServerSaysHowToGetOne(t *testing.T) {
	t.Parallel()
	_, err := pgserver.Start(t.Context(), pgserver.Options{
		Kinds:  []pgserver.Kind{pgserver.KindURL},
		URLVar: "MY_DATABASE_URL",
		Image:  "example/postgres:1",
	})
	if !errors.Is(err, pgserver.ErrNoServer) {
		t.Fatalf("err = %v, want ErrNoServer", err)
	}
	var noServer *pgserver.NoServerError
	if !errors.As(err, &noServer) {
		t.Fatalf("err is %T, want *NoServerError", err)
	}
	kinds := make([]pgserver.Kind, len(noServer.Skipped))
	for i, s := range noServer.Skipped {
		kinds[i] = s.Kind
	}
	if want := []pgserver.Kind{pgserver.KindURL, pgserver.KindContainer, pgserver.KindLocal}; !slices.Equal(kinds, want) {
		t.Fatalf("skipped %v, want %v", kinds, want)
	}
	if !errors.Is(noServer.Skipped[0].Err, pgserver.ErrNoURL) ||
		!errors.Is(noServer.Skipped[1].Err, pgserver.ErrNotAllowed) ||
		!errors.Is(noServer.Skipped[2].Err, pgserver.ErrNotAllowed) {
		t.Fatalf("reasons: %v", noServer.Skipped)
	}
	msg := err.Error()
	for _, want := range []string{
		"url: no URL given: MY_DATABASE_URL is not set",
		"container: not allowed by Options.Kinds",
		"MY_DATABASE_URL='postgres://",
		"docker pull example/postgres:1",
		pgserver.ImageEnv,
		"TESTCONTAINERS_RYUK_DISABLED=true",
		"apt-get install postgresql",
		"brew install postgresql",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, opts := range []pgserver.Options{
		{Kinds: []pgserver.Kind{"docker"}},
		{DockerTimeout: -time.Second},
	} {
		if _, err := pgserver.Start(t.Context(), opts); !errors.Is(err, pgserver.ErrInvalidOptions) {
			t.Errorf("Start(%+v) = %v, want ErrInvalidOptions", opts, err)
		}
	}
}

func TestStartUnreachableURLDoesNotFallBack(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, err = pgserver.Start(t.Context(), pgserver.Options{URL: "postgres://postgres@" + addr + "/postgres"})
	if !errors.Is(err, pgserver.ErrUnreachable) || !strings.Contains(err.Error(), "TEST_DATABASE_URL") {
		t.Fatalf("err = %v, want ErrUnreachable naming TEST_DATABASE_URL", err)
	}
}

// TestStartLocal starts a throwaway cluster from the local binaries, then checks the URL path against it.
// On a machine without PostgreSQL's server binaries it checks that Start says so.
func TestStartLocal(t *testing.T) {
	t.Parallel()
	srv, err := pgserver.Start(t.Context(), pgserver.Options{Kinds: []pgserver.Kind{pgserver.KindLocal}})
	if err != nil {
		var noServer *pgserver.NoServerError
		if !errors.As(err, &noServer) || !errors.Is(noServer.Skipped[2].Err, pgserver.ErrBinariesNotFound) {
			t.Fatalf("Start(local) = %v, want a server or ErrBinariesNotFound", err)
		}
		t.Logf("no local binaries on this machine, as Start reports: %v", noServer.Skipped[2])
		return
	}
	stopAtEnd(t, srv)
	t.Logf("started %s", srv)
	if srv.Kind() != pgserver.KindLocal {
		t.Fatalf("Kind = %s, want local", srv.Kind())
	}
	if got := query[string](t, srv.URL(), "SELECT current_setting('fsync') || ' ' || current_user || ' ' || current_setting('server_encoding')"); got != "off postgres UTF8" {
		t.Fatalf("fsync, user, encoding = %q, want %q", got, "off postgres UTF8")
	}

	t.Run("URL", func(t *testing.T) {
		byURL, err := pgserver.Start(t.Context(), pgserver.Options{URL: srv.URL(), URLVar: "SOME_URL"})
		if err != nil {
			t.Fatal(err)
		}
		if byURL.Kind() != pgserver.KindURL || byURL.URL() != srv.URL() || byURL.Source() != "from SOME_URL" ||
			len(byURL.Skipped()) != 0 || byURL.SurvivesExit() {
			t.Fatalf("got %s %q %q %v %v", byURL.Kind(), byURL.URL(), byURL.Source(), byURL.Skipped(), byURL.SurvivesExit())
		}
		if err := byURL.Stop(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := query[int](t, srv.URL(), "SELECT 1"); got != 1 {
			t.Fatal("the server stopped with its URL-path Server")
		}
	})

	t.Run("Stop", func(t *testing.T) {
		if err := srv.Stop(t.Context()); err != nil {
			t.Fatal(err)
		}
		requireGone(t, srv.URL())
		if err := srv.Stop(t.Context()); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
	})
}

// TestStartContainer runs the configured image (YAPSTORE_TEST_IMAGE, default postgres:16-alpine). When
// YAPSTORE_TEST_SERVER asks for containers (as CI does) it must work; otherwise a machine without a Docker
// engine or the image passes as long as Start says which of the two is missing.
func TestStartContainer(t *testing.T) {
	t.Parallel()
	opts := pgserver.EnvOptions("UNUSED_URL")
	required := slices.Contains(opts.Kinds, pgserver.KindContainer)
	opts.URL = ""
	opts.Kinds = []pgserver.Kind{pgserver.KindContainer}
	start := time.Now()
	srv, err := pgserver.Start(t.Context(), opts)
	if err != nil {
		var noServer *pgserver.NoServerError
		reason := error(nil)
		if errors.As(err, &noServer) {
			reason = noServer.Skipped[1].Err
		}
		if required || !(errors.Is(reason, pgserver.ErrDockerUnavailable) || errors.Is(reason, pgserver.ErrContainerFailed)) {
			t.Fatalf("Start(container) = %v", err)
		}
		t.Logf("no container on this machine, as Start reports: %v", reason)
		return
	}
	stopAtEnd(t, srv)
	t.Logf("started %s in %s", srv, time.Since(start).Round(time.Millisecond))
	if srv.Kind() != pgserver.KindContainer {
		t.Fatalf("Kind = %s, want container", srv.Kind())
	}
	if got := query[string](t, srv.URL(), "SELECT current_setting('fsync') || ' ' || current_user"); got != "off postgres" {
		t.Fatalf("fsync, user = %q, want %q", got, "off postgres")
	}
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "true" && !srv.SurvivesExit() {
		t.Error("SurvivesExit = false with the reaper disabled")
	}
	if err := srv.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	requireGone(t, srv.URL())
}

// TestStartDurable starts a local and a container server with Options.Durable and TrackStatements, as the
// bench does: both keep PostgreSQL's durability settings and load pg_stat_statements with planning times
// tracked (the Debian binaries and images here have the library). A path this machine cannot take passes when Start says why, as in the tests above,
// unless YAPSTORE_TEST_SERVER asks for it.
func TestStartDurable(t *testing.T) {
	t.Parallel()
	env := pgserver.EnvOptions("UNUSED_URL")
	for _, kind := range []pgserver.Kind{pgserver.KindLocal, pgserver.KindContainer} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			opts := pgserver.Options{Kinds: []pgserver.Kind{kind}, Image: env.Image, Durable: true, TrackStatements: true}
			srv, err := pgserver.Start(t.Context(), opts)
			if err != nil {
				var noServer *pgserver.NoServerError
				if slices.Contains(env.Kinds, kind) || !errors.As(err, &noServer) {
					t.Fatalf("Start(%s, durable) = %v", kind, err)
				}
				t.Logf("no %s server on this machine, as Start reports: %v", kind, noServer)
				return
			}
			stopAtEnd(t, srv)
			got := query[string](t, srv.URL(), `SELECT current_setting('fsync') || ' ' ||
				current_setting('synchronous_commit') || ' ' || current_setting('full_page_writes')`)
			if got != "on on on" {
				t.Fatalf("fsync, synchronous_commit, full_page_writes = %q, want %q", got, "on on on")
			}
			if dir := query[string](t, srv.URL(), "SHOW data_directory"); kind == pgserver.KindLocal &&
				!strings.HasPrefix(dir, os.TempDir()) {
				t.Fatalf("data_directory = %q, want it on disk under %s", dir, os.TempDir())
			}
			tracking := query[string](t, srv.URL(), `SELECT current_setting('shared_preload_libraries') || ' ' ||
				current_setting('pg_stat_statements.track_planning')`)
			if tracking != "pg_stat_statements on" {
				t.Fatalf("shared_preload_libraries, pg_stat_statements.track_planning = %q, want %q", tracking, "pg_stat_statements on")
			}
		})
	}
}

// TestStartFallsThroughMissingImage asks for an image that exists nowhere: Start must go on to the local
// binaries and say why it skipped the container.
func TestStartFallsThroughMissingImage(t *testing.T) {
	t.Parallel()
	const image = "yapstore/no-such-image:never"
	srv, err := pgserver.Start(t.Context(), pgserver.Options{
		Kinds: []pgserver.Kind{pgserver.KindContainer, pgserver.KindLocal},
		Image: image,
	})
	var skipped []pgserver.Skip
	switch {
	case err == nil:
		stopAtEnd(t, srv)
		if srv.Kind() != pgserver.KindLocal {
			t.Fatalf("Kind = %s, want local", srv.Kind())
		}
		skipped = srv.Skipped()
	case errors.Is(err, pgserver.ErrNoServer):
		var noServer *pgserver.NoServerError
		errors.As(err, &noServer)
		skipped = noServer.Skipped
		if !errors.Is(skipped[2].Err, pgserver.ErrBinariesNotFound) {
			t.Fatalf("local path failed: %v", skipped[2])
		}
	default:
		t.Fatal(err)
	}
	container := skipped[1]
	if container.Kind != pgserver.KindContainer {
		t.Fatalf("skipped = %v", skipped)
	}
	switch {
	case errors.Is(container.Err, pgserver.ErrContainerFailed):
		if !strings.Contains(container.Err.Error(), image) {
			t.Errorf("reason does not name the image: %v", container.Err)
		}
	case errors.Is(container.Err, pgserver.ErrDockerUnavailable):
	default:
		t.Errorf("container skipped for %v, want ErrContainerFailed or ErrDockerUnavailable", container.Err)
	}
	t.Logf("container path skipped: %v", container)
}

func TestEnvOptions(t *testing.T) {
	t.Setenv("MY_URL", "postgres://example/db")
	t.Setenv(pgserver.ImageEnv, "example/pg:1")
	t.Setenv(pgserver.KindsEnv, "container, local")
	got := pgserver.EnvOptions("MY_URL")
	if got.URL != "postgres://example/db" || got.URLVar != "MY_URL" || got.Image != "example/pg:1" ||
		!slices.Equal(got.Kinds, []pgserver.Kind{pgserver.KindContainer, pgserver.KindLocal}) {
		t.Fatalf("EnvOptions = %+v", got)
	}
}

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://u:p@h:5432/postgres?sslmode=disable", "postgres://u:p@h:5432/test_1?sslmode=disable"},
		{"postgresql://h/", "postgresql://h/test_1"},
		{"postgres://h/a?dbname=a", "postgres://h/test_1?dbname=test_1"},
		{"host=h user=u dbname=postgres", "host=h user=u dbname=postgres dbname='test_1'"},
	}
	for _, tt := range tests {
		got, err := pgserver.WithDatabase(tt.in, "test_1")
		if err != nil || got != tt.want {
			t.Errorf("WithDatabase(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := pgserver.WithDatabase("postgres://h:port:x/", "d"); !errors.Is(err, pgserver.ErrBadConnString) {
		t.Errorf("bad URL: err = %v, want ErrBadConnString", err)
	}
}

func ExampleStart() {
	ctx := context.Background()
	// DATABASE_URL when set; else a container or a throwaway local cluster.
	srv, err := pgserver.Start(ctx, pgserver.EnvOptions("DATABASE_URL"))
	if err != nil {
		fmt.Println(err) // says how to get a server
		return
	}
	defer srv.Stop(ctx)

	conn, err := pgx.Connect(ctx, srv.URL())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	var sum int
	if err := conn.QueryRow(ctx, "SELECT 1 + 1").Scan(&sum); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("1 + 1 =", sum)
	// Output: 1 + 1 = 2
}
