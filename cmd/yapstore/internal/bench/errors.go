package bench

import "errors"

// The package's sentinel errors. Each error Run and the workloads return wraps at most one of them, so callers
// can tell a bad command line from a failed check or a database failure.
var (
	// ErrConfig is returned, before anything is run, for a configuration that cannot be run: an unknown
	// workload id, a client count out of range, an empty server URL.
	ErrConfig = errors.New("bench: invalid configuration")

	// ErrCheck is returned when an implementation's answer is wrong: a results read that differs from the
	// payload, a list page of the wrong size, a task update that was not applied, rows missing after a run.
	ErrCheck = errors.New("bench: check failed")

	// ErrServerRate is returned when the server's single-row update rate cannot be measured (pgbench failed
	// and the fallback loop too).
	ErrServerRate = errors.New("bench: server update rate not measured")
)
