//go:build imagetest

// These tests run the image that docker/postgres/build.sh built (named by YAPSTORE_TEST_IMAGE) through
// testcontainers. build.sh runs them after each build; run them by hand with
//
//	YAPSTORE_TEST_IMAGE=$(docker/postgres/build.sh) go test -tags imagetest ./docker/postgres/entrypoint
package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/modules/postgres"
	"github.com/testcontainers/testcontainers-go/wait"
)

const readyLine = "database system is ready to accept connections"

func testImage(t *testing.T) string {
	t.Helper()
	img := os.Getenv("YAPSTORE_TEST_IMAGE")
	if img == "" {
		t.Fatal("YAPSTORE_TEST_IMAGE must name the image to test, e.g. YAPSTORE_TEST_IMAGE=$(docker/postgres/build.sh)")
	}
	return img
}

// TestImageLikeOfficial starts the image the way testcontainers' postgres module starts the official one,
// with a custom user, password and database and an init script, and checks the result.
func TestImageLikeOfficial(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	ctr, err := postgres.Run(ctx, testImage(t),
		postgres.WithUsername("alice"),
		postgres.WithPassword("s3cret"),
		postgres.WithDatabase("app"),
		postgres.WithInitScripts("testdata/001_tables.sql"),
		testcontainers.WithTmpfs(map[string]string{"/var/lib/postgresql/data": "rw"}),
		// The readiness line twice, then the port seen from inside the container: this is the check of
		// postgres.BasicWaitStrategies that runs /bin/sh in the container. Its other half, dialling the
		// published port from here, is done by connectContainer, which also tries the loopback address.
		testcontainers.WithWaitStrategy(
			wait.ForLog(readyLine).WithOccurrence(2),
			wait.ForListeningPort("5432/tcp").SkipExternalCheck(),
		),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("container ready in %s", time.Since(start).Round(time.Millisecond))

	logs := containerLogs(ctx, t, ctr)
	if n := strings.Count(logs, readyLine); n != 2 {
		t.Errorf("readiness line logged %d times, want 2 (init server, then real server); logs:\n%s", n, logs)
	}

	conn, url := connectContainer(ctx, t, ctr, "alice", "s3cret", "app")

	var user, db, listen, encoding, ctype, fsync, note string
	var super bool
	err = conn.QueryRow(ctx, `SELECT current_user, current_database(), current_setting('is_superuser') = 'on',
		current_setting('listen_addresses'), current_setting('server_encoding'), current_setting('lc_ctype'),
		current_setting('fsync'), (SELECT note FROM init_marker WHERE id = 1)`).
		Scan(&user, &db, &super, &listen, &encoding, &ctype, &fsync, &note)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{user, db, listen, encoding, ctype, fsync, note}
	want := []string{"alice", "app", "*", "UTF8", "C.UTF-8", "off", "created by an init script"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q (all: %q)", got[i], want[i], got)
		}
	}
	if !super {
		t.Error("POSTGRES_USER is not a superuser")
	}

	// Password authentication over TCP: a wrong password is refused.
	bad := strings.Replace(url, "s3cret", "wrong", 1)
	_, err = pgx.Connect(ctx, bad)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Fatalf("connect with a wrong password: %v, want SQLSTATE 28P01 (invalid_password)", err)
	}
}

// TestImageNeedsPassword checks that, like the official image, a new database without POSTGRES_PASSWORD is
// refused with a message saying why.
func TestImageNeedsPassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ctr, err := testcontainers.Run(ctx, testImage(t),
		testcontainers.WithEnv(map[string]string{"POSTGRES_USER": "alice"}),
		testcontainers.WithWaitStrategy(wait.ForExit().WithExitTimeout(30*time.Second)),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	state, err := ctr.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if state.ExitCode != 1 {
		t.Errorf("exit code %d, want 1", state.ExitCode)
	}
	if logs := containerLogs(ctx, t, ctr); !strings.Contains(logs, "POSTGRES_PASSWORD is not set") {
		t.Errorf("logs do not explain the missing password:\n%s", logs)
	}
}

// TestImageVersion checks that a command other than the server runs as given.
func TestImageVersion(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ctr, err := testcontainers.Run(ctx, testImage(t),
		testcontainers.WithCmd("postgres", "--version"),
		testcontainers.WithWaitStrategy(wait.ForExit().WithExitTimeout(30*time.Second)),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	if logs := containerLogs(ctx, t, ctr); !strings.Contains(logs, "postgres (PostgreSQL)") {
		t.Errorf("postgres --version printed:\n%s", logs)
	}
}

// connectContainer connects to the container's published port through the host testcontainers derives, or
// else the loopback address (on machines that carry /.dockerenv outside a container, testcontainers derives
// an unreachable gateway). It closes the connection at the end of the test and returns it with its URL.
func connectContainer(ctx context.Context, t *testing.T, ctr testcontainers.Container, user, password, db string) (*pgx.Conn, string) {
	t.Helper()
	host, err := ctr.Host(ctx)
	if err != nil {
		t.Fatal(err)
	}
	port, err := ctr.MappedPort(ctx, "5432/tcp")
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, h := range []string{host, "127.0.0.1"} {
		u := (&url.URL{
			Scheme: "postgres", User: url.UserPassword(user, password),
			Host: net.JoinHostPort(h, port.Port()), Path: "/" + db, RawQuery: "sslmode=disable&connect_timeout=3",
		}).String()
		conn, err := pgx.Connect(ctx, u)
		if err == nil {
			t.Cleanup(func() { conn.Close(context.Background()) })
			return conn, u
		}
		errs = append(errs, err)
	}
	t.Fatalf("cannot connect to the container: %v", errors.Join(errs...))
	return nil, ""
}

func containerLogs(ctx context.Context, t *testing.T, ctr testcontainers.Container) string {
	t.Helper()
	rc, err := ctr.Logs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
