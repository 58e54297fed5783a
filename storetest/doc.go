// Package storetest gives each test a real, isolated, migrated PostgreSQL database, for yapstore's own
// tests and for services that import yapstore.
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		db := storetest.New(t) // db.Store, db.Pool, db.URL: a database of its own, dropped when the test passes
//		...
//	}
//
// NewEmpty gives a test an empty database instead (no tables, no history), for tests that apply migrations
// themselves or need a dev database for Atlas. Open and Close serve code with no testing.TB, such as
// runnable Examples.
//
// # Where the server comes from
//
// The first New (or Server) in a test binary finds a server once, through package pgserver:
// TEST_DATABASE_URL when set; else a testcontainers PostgreSQL when a Docker engine answers (image from
// YAPSTORE_TEST_IMAGE, default postgres:16-alpine); else a throwaway cluster from the PostgreSQL server
// binaries installed locally; else every test fails with a message saying how to get a server. Tests never
// skip. YAPSTORE_TEST_SERVER restricts the paths (for example "container", so that CI fails instead of
// falling back). The server is stopped by Main when the tests end; TEST_DATABASE_URL's server is never
// touched beyond the databases storetest creates.
//
// YAPSTORE_TEST_POOLER=pgbouncer puts Debian's PgBouncer, in transaction pooling mode, between the tests and
// the server: every DB's URL, Pool and Store then reach the database through it (with pgx describing
// statements instead of preparing them, as store.Open does behind a pooler), while DB.DirectURL still names
// the database on the server, for migrations and session settings. .ci/run runs the store's tests once
// more that way.
//
// # Template and clones
//
// On that server storetest keeps one template database per version of the embedded migrations, named
// storetest_tpl_<first 16 hex digits of the atlas.sum hash>. The first process to need it builds it under
// a PostgreSQL advisory lock (go test runs packages as separate processes, possibly against one server):
// it creates storetest_build_<hash>_<time>, applies the migrations with package migrate, and publishes it
// by renaming, so no process ever clones a half-built template. Each test then gets
// CREATE DATABASE storetest_db_<time>_<random> TEMPLATE …, with STRATEGY FILE_COPY when the server runs
// with fsync off and WAL_LOG otherwise (PostgreSQL 15 and later), and the database is dropped when the test
// passes. A failed test's database is kept and its URL logged. Each process sweeps, by prefix, databases
// nobody is connected to that are stale: test databases older than eight hours, builds older than one,
// templates of other migrations built more than a day ago.
//
// # The pieces
//
// [New] and [NewEmpty] give a test its own database ([DB]), [Open] does the same for an Example, and
// [Main] wraps a package's TestMain. [Server] returns the server the process found or started. Behind them,
// one template database per migration-directory hash is built once (under an advisory lock, since
// `go test ./...` runs packages in parallel processes) and cloned per test; leftovers of killed runs are
// swept once they are old.
package storetest
