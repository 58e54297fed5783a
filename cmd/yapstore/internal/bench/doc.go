// Package bench runs the five platform workloads that the repository's BENCHMARKS.md defines (W1 submit, W2
// task progress, W3 results ingest, W4 results read, W5 list) against yapstore and against a floor, on scratch
// databases of one PostgreSQL server, and prints the JSON lines BENCHMARKS.md defines. The yapstore command's
// "bench" subcommand is a thin shell over Run.
//
// # How a run goes
//
// Run creates a template database beside the one the server URL names, migrates it with package migrate and
// adds the password user "bench" and the cluster "ares"; every measured run then gets a fresh clone of it
// (CREATE DATABASE … TEMPLATE), so each starts on a freshly migrated database as BENCHMARKS.md asks. The
// starting rows a workload needs (simulations to update, to ingest into, to read, to list) are written
// untimed through a separate store; then the workload's operations are timed on the implementation under
// test, whose connections report to a roundtrip.Counter; then what they left in the database is checked
// (W4's first read value by value against the results file, by CheckResults). Every database is dropped at
// the end, also when the run fails or is interrupted.
//
// With Compare, each workload is also run by the floor, and W2 is compared with the server's own
// single-row UPDATE rate at the same client count (pgbench with a one-row script when it is installed,
// else a Go loop on bare connections; beside pgbench, the Go loop too, which shows how much of a gap to
// pgbench any Go client pays on the machine). Repeat measures everything several times, taking turns, and
// reports the median run. W3 and W4 also measure the peak heap of one more operation (heappeak.Measure).
//
// # The server's own time
//
// When the server loads pg_stat_statements with planning tracked (pgserver.Options.TrackStatements, which
// the command's throwaway server sets), Run creates the extension in the template, resets its statistics
// before each run's timed operations and reads them after, on a connection of its own to the run's database:
// Result.Server and the line's server_*_ms_per_op and client_share keys.
//
// # Behind a pooler, and on a replica
//
// Config.Through sends the implementations' connections through a pooler in front of the server (the
// command's --pooler starts PgBouncer). Config.Replica sends W4's and W5's reads to a streaming replica
// (Target.ReplicaURL: yapstore through store.WithReplicas, the floor connected to it) while
// Config.ReplicaWriters clients report task progress on the primary; their lines then carry ReplicaFigures.
//
// # The implementations
//
//   - OpenStore: yapstore's store package, called as a service calls it, on a pool sized for the clients.
//     W1 queues the submission and the move to Pending on one store.Pipeline (one round trip, one commit). W2
//     uses ReportTaskProgress, the worker's hot path that reads nothing back, as the platform's POST /tasks
//     does.
//   - OpenFloor: the same operations hand-written on pgx with the fewest round trips: W1 as one pipelined
//     batch of two statements, one statement for each of the others, parallel compression like the store's.
//     Its blobs go through package compress, so that the comparison is about the data layer, not gzip. It
//     splits W3's payload with encoding/json.
//
// # Payloads
//
// Config.Payloads are the editor input and the results file the workloads store and read: fixtures.Generate's
// by default in the command (--size scales the results file), or the platform's own files (fixtures.Load,
// --fixtures DIR). W3's and W4's mb_per_s count the results file as given.
package bench
