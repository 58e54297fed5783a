// Package bench runs the five platform workloads of the shared bench/WORKLOADS.md (W1 submit, W2 task
// progress, W3 results ingest, W4 results read, W5 list) against yapstore and against a floor, on scratch
// databases of one PostgreSQL server, and prints the JSON lines WORKLOADS.md defines. The yapstore command's
// "bench" subcommand is a thin shell over Run.
//
// # How a run goes
//
// Run creates a template database beside the one the server URL names, migrates it with package migrate and
// adds the password user "bench" and the cluster "ares"; every measured run then gets a fresh clone of it
// (CREATE DATABASE … TEMPLATE), so each starts on a freshly migrated database as WORKLOADS.md asks. The
// starting rows a workload needs (simulations to update, to ingest into, to read, to list) are written
// untimed through a separate store; then the workload's operations are timed on the implementation under
// test, whose connections report to a RoundTripCounter; then what they left in the database is checked
// (W4's first read value by value against the results file, by CheckResults). Every database is dropped at
// the end, also when the run fails or is interrupted.
//
// With Compare, each workload is also run by the floor, and W2 is compared with the server's own
// single-row UPDATE rate at the same client count (pgbench with a one-row script when it is installed,
// else a Go loop on bare connections; beside pgbench, the Go loop too, which shows how much of a gap to
// pgbench any Go client pays on the machine). Repeat measures everything several times, taking turns, and
// reports the median run. W3 and W4 also measure the peak heap of one more operation (MeasurePeakHeap).
//
// # The implementations
//
//   - OpenStore: yapstore's store package, called as a service calls it, on a pool sized for the clients.
//     W1 queues the submission and the move to Pending on one store.Batch (one round trip, one commit). W2
//     uses ReportTaskProgress, the worker's hot path that reads nothing back, as the platform's POST /tasks
//     does.
//   - OpenFloor: the same operations hand-written on pgx with the fewest round trips: W1 as one pipelined
//     batch of two statements, one statement for each of the others, parallel compression like the store's.
//     Its blobs go through package compress, so that the comparison is about the data layer, not gzip. It
//     splits W3's payload with encoding/json.
//
// # Files
//
//   - runner.go: Config, Run, Report; scratch.go: the scratch databases.
//   - workloads.go: workload ids, sizes and client counts; run_workloads.go: setup, timed loop and checks.
//   - impl.go: the Impl interface; impl_store.go, floor.go, floor_results.go: the implementations.
//   - result.go: Result and its JSON line; compare.go: Comparison and the goals.
//   - tracer.go: RoundTripCounter; memory.go: MeasurePeakHeap; serverrate.go: pgbench and the Go loop.
//   - fixtures.go: finding and loading the fixtures; check.go: CheckResults; errors.go: the sentinels.
package bench
