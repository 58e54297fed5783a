// Package migrate applies yapstore's embedded Atlas migrations to a PostgreSQL database, reports where a
// database stands, rolls it back, and takes over databases that the platform's Python backend built.
//
// It runs on the Atlas runtime library (ariga.io/atlas/sql/migrate) and stays interchangeable with the
// Atlas CLI: the history lives in the table the CLI uses (atlas_schema_revisions in schema
// atlas_schema_revisions, same columns, same row format), and every run that changes the schema holds the
// session-level advisory lock of `atlas migrate apply` (LockKey) on one dedicated connection for the whole
// run. A database migrated by the CLI is continued by this package and the other way round, and two
// processes starting at once never apply concurrently: the second waits, then finds nothing to do.
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
// Every failure is typed: sentinels (ErrLockTimeout, ErrChecksumMismatch, ErrMigrationFailed, ...) work
// with errors.Is, and error types (*LockTimeoutError, *MigrationError, *SchemaMismatchError, ...) carry the
// details with errors.As.
//
// # Files
//
//   - migrator.go: Migrator, Open, New, Close, Files.
//   - options.go: Option and the Migrator options.
//   - up.go: Up, its options and result.
//   - status.go: Status.
//   - stats.go: Stats, the row counts and sizes reported around a run.
//   - backup.go: Backup with pg_dump.
//   - adopt.go: Adopt and its errors.
//   - down.go: Down and its errors.
//   - difference.go: Difference, how Atlas's schema changes are reported.
//   - scratch.go: scratch databases, replaying a version, comparing and planning with Atlas.
//   - errors.go: the sentinel errors and error types shared by the operations.
//   - directory.go: loading and validating the migration directory.
//   - revisions.go: the history table, in the Atlas CLI's format.
//   - lock.go: the advisory lock shared with the Atlas CLI.
//   - quote.go: identifier quoting.
package migrate
