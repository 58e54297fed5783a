// Package migrate applies yapstore's embedded Atlas migrations to a PostgreSQL database, reports where a
// database stands, rolls it back, and takes over databases that the platform's Python backend built.
//
// It runs on the Atlas runtime library (ariga.io/atlas/sql/migrate) and stays interchangeable with the
// Atlas CLI: the history lives in the table the CLI uses (atlas_schema_revisions in schema
// atlas_schema_revisions, same columns, same row format), and every run that changes the schema holds the
// session-level advisory lock of `atlas migrate apply` (LockKey) on one dedicated connection for the whole
// run. A database migrated by the CLI is continued by this package and the other way round, and two
// processes starting at once never apply concurrently: the second waits, then finds nothing to do. This
// package waits for the lock by polling; the CLI waits inside a statement, which a file's CREATE INDEX
// CONCURRENTLY then waits for in turn, so a CLI started while this package builds such an index gets
// "deadlock detected" from PostgreSQL, and the index is built all the same.
//
// # Operations
//
// Open connects and loads the migration directory (the embedded one unless WithDirectory), checking it
// against atlas.sum. Then:
//
//   - Up applies the pending files, each in its own transaction together with its history row, so a failing
//     file leaves the database at the previous version. UpTo stops early, CollectStats measures the
//     database before and after (row count per table, sizes), and each applied file is timed.
//   - Status says where the database stands without changing anything: current version, pending files,
//     a partly applied or failed file, changed or unknown files.
//   - Stats measures the database on its own, and Backup runs pg_dump first when it is installed.
//   - Adopt takes over a database built by the platform's Alembic migrations or its create_all: it compares
//     the live schema with the baseline replayed on a scratch database, reports every difference, adds the
//     defaults create_all leaves out, checks that the later migrations apply to the rows there, and marks
//     the baseline applied.
//   - Down rolls back to an earlier version by planning, with Atlas, the change from the live schema to that
//     version's schema (replayed on a scratch database), in one transaction, refusing to drop data unless
//     Force.
//
// The scratch database is WithScratchURL's, else a temporary database on the same server, else, for a role
// without CREATEDB, a schema made inside a transaction on the live database and rolled back with it.
//
// Every failure is typed: sentinels (ErrLockTimeout, ErrChecksumMismatch, ErrMigrationFailed, ...) work
// with errors.Is, and error types (*LockTimeoutError, *MigrationError, *SchemaMismatchError, ...) carry the
// details with errors.As.
//
// # The API by task
//
//   - Opening: [Open] over a URL, [New] over a *sql.DB, and the [Option]s ([WithDirectory],
//     [WithLockTimeout], [WithScratchURL], ...); [Apply] is Open, [Migrator.Up] and Close in one call.
//   - Moving: [Migrator.Up] and its [UpResult]; [Migrator.Down] back to a version; [Migrator.Adopt] to mark a
//     database the platform built; [Migrator.Backup] with pg_dump first.
//   - Looking: [Migrator.Status], [Migrator.Stats] (row counts and sizes around a run), [Difference] (how
//     a schema change is reported).
//   - Failing: the sentinels ([ErrChecksumMismatch], [ErrLockTimeout], [ErrPartial], [ErrNotClean],
//     [ErrPooler], ...) and their typed errors ([*LockTimeoutError], [*MigrationError], ...).
//   - Sharing with the Atlas CLI: the history table ([DefaultRevisionSchema]) and the lock ([LockKey]).
package migrate
