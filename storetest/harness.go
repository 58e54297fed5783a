package storetest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/internal/serverdb"
	"github.com/yapstore/yapstore/migrations"
	"github.com/yapstore/yapstore/pgserver"
)

// URLEnv is the environment variable that names an existing server for the tests. When it is set,
// storetest uses that server and starts nothing.
const URLEnv = "TEST_DATABASE_URL"

// PoolerEnv is the environment variable that puts a connection pooler between the tests and their
// databases: "pgbouncer" starts Debian's PgBouncer in transaction pooling mode in front of the server, and
// every DB's URL, Pool and Store then go through it, as a service behind a pooler connects (see the package
// documentation). Unset or empty: the tests connect to the server directly.
const PoolerEnv = "YAPSTORE_TEST_POOLER"

const (
	// setupTimeout bounds finding or starting the server and building the template.
	setupTimeout = 5 * time.Minute
	// perTestTimeout bounds creating or dropping one test's database.
	perTestTimeout = time.Minute
	// shutdownTimeout bounds stopping the server at the end of the process.
	shutdownTimeout = time.Minute
)

// errNoMain is returned when the server would outlive the test binary because nothing will stop it.
var errNoMain = errors.New("the test server would outlive this test binary, because testcontainers' reaper " +
	"is disabled (TESTCONTAINERS_RYUK_DISABLED=true) and nothing else stops it at exit: " +
	"add func TestMain(m *testing.M) { storetest.Main(m) } to the package's tests")

// process is this test binary's harness. A test harness is process-wide by nature: go test runs one
// binary per package, and every test in it shares one server and one template.
var process harness

// harness holds the server and template shared by the tests of one process. setUp fills it once; after
// that only mainActive changes.
type harness struct {
	once sync.Once
	err  error // why setUp failed; every New then fails with it

	server    *pgserver.Server
	admin     *pgxpool.Pool       // on the server's maintenance database, for CREATE and DROP DATABASE
	databases *serverdb.Server    // creates and drops databases through admin
	tag       string              // the migrations hash, shortened for identifiers
	template  string              // the template database's name
	bouncer   *pgserver.PgBouncer // with PoolerEnv: the pooler every DB connects through; nil: none

	mainActive atomic.Bool // Main runs this process's tests, and will stop the server at the end
}

// get returns the harness, setting it up on first use; logf receives the setup's log lines.
func (h *harness) get(logf func(format string, args ...any)) (*harness, error) {
	h.once.Do(func() { h.err = h.setUp(logf) })
	return h, h.err
}

// setUp finds or starts the server, sweeps stale leftovers and makes sure the template exists.
func (h *harness) setUp(logf func(format string, args ...any)) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()

	h.tag, err = hashTag(migrations.Hash())
	if err != nil {
		return err
	}
	h.template = templateName(h.tag)

	start := time.Now()
	h.server, err = pgserver.Start(ctx, pgserver.EnvOptions(URLEnv))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, h.shutdown())
		}
	}()
	if h.server.SurvivesExit() && !h.mainActive.Load() {
		return errNoMain
	}
	logf("storetest: server %s ready in %s", h.server, time.Since(start).Round(time.Millisecond))
	for _, s := range h.server.Skipped() {
		logf("storetest: skipped %s", s)
	}

	h.admin, err = pgxpool.New(ctx, h.server.URL())
	if err != nil {
		return fmt.Errorf("connect to the server: %w", err)
	}
	if h.databases, err = serverdb.Open(ctx, h.admin); err != nil {
		return fmt.Errorf("connect to the server: %w", err)
	}
	switch pooler := os.Getenv(PoolerEnv); pooler {
	case "":
	case "pgbouncer":
		if h.bouncer, err = pgserver.StartPgBouncer(ctx, h.server.URL(), pgserver.PgBouncerOptions{
			PoolSize: bouncerPoolSize, Logf: logf}); err != nil {
			return fmt.Errorf("%s=%s: %w", PoolerEnv, pooler, err)
		}
		logf("storetest: every database through PgBouncer (transaction pooling) on port %d", h.bouncer.Port())
	default:
		return fmt.Errorf("%s=%q: the one pooler storetest starts is \"pgbouncer\"", PoolerEnv, pooler)
	}
	if dropped, err := h.sweep(ctx, time.Now()); err != nil || len(dropped) > 0 {
		logf("storetest: swept stale databases %v (errors: %v)", dropped, err)
	}

	start = time.Now()
	built, err := h.ensureTemplate(ctx)
	if err != nil {
		return fmt.Errorf("template %s: %w", h.template, err)
	}
	if built {
		logf("storetest: built template %s in %s", h.template, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// bouncerPoolSize is the server connections PgBouncer keeps per database under PoolerEnv: fewer than a
// test's clients, so that they share them as a service's do, and enough for a test whose sessions wait on
// each other's locks.
const bouncerPoolSize = 6

// shutdown closes the admin pool and stops the pooler and the server, if setUp got that far.
func (h *harness) shutdown() error {
	if h.admin != nil {
		h.admin.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var errs []error
	if h.bouncer != nil {
		errs = append(errs, h.bouncer.Stop(ctx))
	}
	if h.server != nil {
		errs = append(errs, h.server.Stop(ctx))
	}
	return errors.Join(errs...)
}

// Main runs the package's tests and then stops the server storetest started for them. Call it from
// TestMain in every package that uses New:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
// Without it a container outlives the test binary whenever testcontainers' reaper is disabled
// (TESTCONTAINERS_RYUK_DISABLED=true), so New refuses to start one then. Main also stops the server when
// the process is interrupted (SIGINT, SIGTERM), then exits with status 1. It never returns: it exits with
// m.Run's status, or 1 if stopping the server failed. Options such as Parallel change how the tests run.
func Main(m *testing.M, opts ...MainOption) {
	process.mainActive.Store(true)
	if len(opts) > 0 {
		flag.Parse() // as m.Run would, so that the options can see what the command line set
		for _, opt := range opts {
			opt()
		}
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		fmt.Fprintf(os.Stderr, "storetest: %v: stopping the test server\n", sig)
		if err := process.shutdown(); err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
		}
		os.Exit(1)
	}()

	code := m.Run()
	signal.Stop(signals)
	if err := process.shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest: stop the test server:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// MainOption changes how Main runs the package's tests.
type MainOption func()

// Parallel makes Main run up to n parallel tests at once (t.Parallel) when the command line does not say
// otherwise with -parallel. The default is GOMAXPROCS, but tests on a database spend most of their time
// waiting for the server (or, in timing tests, sleeping), so more of them keep the processors busy. n below
// 1 leaves the default.
func Parallel(n int) MainOption {
	return func() {
		given := false
		flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
		if !given && n >= 1 {
			_ = flag.Set("test.parallel", strconv.Itoa(n))
		}
	}
}

// Server returns the server this process's tests run on, finding or starting it (and building the
// template) on first use. It fails tb, with a message that says how to get a server, when there is none.
func Server(tb testing.TB) *pgserver.Server {
	tb.Helper()
	h, err := process.get(tb.Logf)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	return h.server
}
