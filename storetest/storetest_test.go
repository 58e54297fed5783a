package storetest_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/migrations"
	"github.com/yapstore/yapstore/pgserver"
	"github.com/yapstore/yapstore/storetest"
)

// databaseExists asks the server whether a database called name exists.
func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, storetest.Server(t).URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	return exists
}

// TestHarnessServer reports which server this process uses (CI runs it with -v to print the path taken),
// and checks it is the one the environment asks for.
func TestHarnessServer(t *testing.T) {
	srv := storetest.Server(t)
	t.Logf("server: %s", srv.Kind())
	t.Logf("source: %s", srv.Source())
	for _, s := range srv.Skipped() {
		t.Logf("skipped %s", s)
	}
	env := pgserver.EnvOptions(storetest.URLEnv)
	switch {
	case env.URL != "" && (env.Kinds == nil || slices.Contains(env.Kinds, pgserver.KindURL)):
		if srv.Kind() != pgserver.KindURL {
			t.Fatalf("%s is set, but the tests run on %s", storetest.URLEnv, srv)
		}
	case env.Kinds != nil && !slices.Contains(env.Kinds, srv.Kind()):
		t.Fatalf("%s=%s, but the tests run on %s", pgserver.KindsEnv, os.Getenv(pgserver.KindsEnv), srv)
	}
}

func TestNewIsMigrated(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := t.Context()
	var tables int
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN ('User', 'Simulation', 'Task', 'Page', 'Logfiles')`).Scan(&tables)
	if err != nil {
		t.Fatal(err)
	}
	if tables != 5 {
		t.Fatalf("found %d of 5 yapstore tables", tables)
	}
	var applied int
	if err := db.Pool.QueryRow(ctx, "SELECT count(*) FROM atlas_schema_revisions.atlas_schema_revisions").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if want := len(migrations.Versions()); applied != want {
		t.Fatalf("%d migrations recorded, want %d", applied, want)
	}
	var current string
	if err := db.Pool.QueryRow(ctx, "SELECT current_database()").Scan(&current); err != nil || current != db.Name {
		t.Fatalf("connected to %q (%v), want %q", current, err, db.Name)
	}
}

// TestParallelTestsHaveSeparateDatabases runs two parallel tests that each write to their database while
// the other one is alive, and checks that neither sees the other's data, and that both databases are
// dropped once the tests pass.
func TestParallelTestsHaveSeparateDatabases(t *testing.T) {
	var (
		mu    sync.Mutex
		names = map[string]string{} // test name → database name
		ready sync.WaitGroup
	)
	ready.Add(2)
	t.Run("group", func(t *testing.T) {
		for _, test := range []string{"a", "b"} {
			t.Run(test, func(t *testing.T) {
				t.Parallel()
				db := storetest.New(t)
				ctx := t.Context()
				if _, err := db.Pool.Exec(ctx, "CREATE TABLE marker (test text); INSERT INTO marker VALUES ('"+test+"')"); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				names[test] = db.Name
				mu.Unlock()
				ready.Done()
				// Wait for the other test to have written too, so both databases are alive at once. With
				// -parallel=1 the other never comes; the separation checks below still hold.
				waited := make(chan struct{})
				go func() { ready.Wait(); close(waited) }()
				select {
				case <-waited:
				case <-time.After(30 * time.Second):
					t.Log("the other test did not run alongside this one (-parallel=1?)")
				}
				var markers []string
				rows, err := db.Pool.Query(ctx, "SELECT test FROM marker")
				if err != nil {
					t.Fatal(err)
				}
				markers, err = pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(markers, []string{test}) {
					t.Fatalf("test %s sees markers %v, want only its own", test, markers)
				}
			})
		}
	})
	if names["a"] == "" || names["a"] == names["b"] {
		t.Fatalf("databases: %v, want two different ones", names)
	}
	for _, name := range names {
		if databaseExists(t, name) {
			t.Errorf("database %s of a passed test still exists", name)
		}
	}
}

// fakeTB stands in for a test whose outcome the test sets, and runs its cleanups when asked.
type fakeTB struct {
	testing.TB // the real test, for what fakeTB does not override
	failed     bool

	mu       sync.Mutex
	cleanups []func()
	logs     []string
}

func (f *fakeTB) Failed() bool { return f.failed }
func (f *fakeTB) Name() string { return f.TB.Name() + "/fake" }

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

// end runs the cleanups, last registered first, as the testing package does when a test ends.
func (f *fakeTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestFailedTestKeepsItsDatabase(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fake := &fakeTB{TB: t, failed: true}
	db := storetest.New(fake)
	if _, err := db.Pool.Exec(ctx, "CREATE TABLE evidence (note text); INSERT INTO evidence VALUES ('look here')"); err != nil {
		t.Fatal(err)
	}
	fake.end()

	logged := strings.Join(fake.logs, "\n")
	if !strings.Contains(logged, "kept the database of failed test "+fake.Name()) || !strings.Contains(logged, db.Name) {
		t.Fatalf("logs do not report the kept database %s:\n%s", db.Name, logged)
	}
	if password, ok := passwordOf(db.URL); ok && strings.Contains(logged, ":"+password+"@") {
		t.Fatalf("the database password was logged:\n%s", logged)
	}
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatalf("the kept database does not answer: %v", err)
	}
	var note string
	err = conn.QueryRow(ctx, "SELECT note FROM evidence").Scan(&note)
	conn.Close(ctx)
	if err != nil || note != "look here" {
		t.Fatalf("kept database lost its data: %q, %v", note, err)
	}

	// Clean up by hand what the harness rightly kept.
	admin, err := pgx.Connect(ctx, storetest.Server(t).URL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `DROP DATABASE "`+db.Name+`" WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
}

func TestPassedTestDropsItsDatabase(t *testing.T) {
	t.Parallel()
	fake := &fakeTB{TB: t}
	db := storetest.New(fake)
	if !databaseExists(t, db.Name) {
		t.Fatalf("database %s does not exist during the test", db.Name)
	}
	fake.end()
	if databaseExists(t, db.Name) {
		t.Fatalf("database %s still exists after the test passed", db.Name)
	}
	if err := db.Pool.Ping(t.Context()); err == nil {
		t.Fatal("the pool still works after the test ended")
	}
}

// runChild runs this test binary again, for TestHarnessServer only, with the environment changed: the
// variables in unset removed, then set added. It returns the output and the error of the run.
func runChild(t *testing.T, unset []string, set ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHarnessServer$", "-test.v", "-test.count=1")
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(unset, name) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, set...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestURLFromEnvironment runs this test binary again with TEST_DATABASE_URL naming this process's server:
// the child must use that server rather than find or start one.
func TestURLFromEnvironment(t *testing.T) {
	t.Parallel()
	srv := storetest.Server(t)
	out, err := runChild(t, []string{storetest.URLEnv, pgserver.KindsEnv}, storetest.URLEnv+"="+srv.URL())
	if err != nil {
		t.Fatalf("child test: %v\n%s", err, out)
	}
	for _, want := range []string{"server: url", "source: from " + storetest.URLEnv, "--- PASS: TestHarnessServer"} {
		if !strings.Contains(out, want) {
			t.Fatalf("child output lacks %q:\n%s", want, out)
		}
	}
}

// TestNoServerFailsWithInstructions runs this test binary again with every way to a server closed: its
// test must fail, not skip, and say how to get a server.
func TestNoServerFailsWithInstructions(t *testing.T) {
	t.Parallel()
	out, err := runChild(t, []string{storetest.URLEnv, pgserver.KindsEnv}, pgserver.KindsEnv+"=url")
	if err == nil {
		t.Fatalf("the child test passed without a server:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL: TestHarnessServer",
		"no PostgreSQL server available",
		"TEST_DATABASE_URL is not set",
		"Get a server in any one of these ways",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("child output lacks %q:\n%s", want, out)
		}
	}
}

// BenchmarkNew measures what a test pays for its database: New (clone, pool, first connection) and the
// drop when it passes.
func BenchmarkNew(b *testing.B) {
	storetest.Server(b) // the server and template, once, outside the timing
	b.ResetTimer()
	for range b.N {
		fake := &fakeTB{TB: b}
		storetest.New(fake)
		fake.end()
	}
}

func TestNewEmptyHasNoTables(t *testing.T) {
	t.Parallel()
	db := storetest.NewEmpty(t)
	var tables int
	if err := db.Pool.QueryRow(t.Context(),
		`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 || db.Store != nil {
		t.Fatalf("an empty database has %d tables and store %v; want none", tables, db.Store)
	}
}

func TestOpenAndCloseForExamples(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := storetest.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.CreateCluster(ctx, "ares"); err != nil {
		t.Fatalf("the Store of an opened database works: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, db.Name) {
		t.Fatalf("Close left database %s behind", db.Name)
	}
}

// passwordOf returns the password in a postgres:// URL, if it has one.
func passwordOf(rawURL string) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return "", false
	}
	return u.User.Password()
}
