package bench

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Impl is one data layer under test: the five operations of the workloads, done the way that layer does
// them. Implementations are safe for concurrent use (W2 calls UpdateTask from several goroutines).
type Impl interface {
	// Name returns a short name for output: "yapstore" or "floor".
	Name() string

	// Pool returns the connection pool the implementation sends its statements on, so that the runner can
	// open the clients' connections before timing starts.
	Pool() *pgxpool.Pool

	// Submit creates a DIRECT simulation (title "bench", sim_type shieldhit, input_type EDITOR, job_state
	// UNKNOWN) with one DIRECT task per celery id (numbered from 0, requested_primaries 1000) and its input
	// blob, then sets its job_state to PENDING: W1's operation.
	Submit(ctx context.Context, sub Submission) (SubmittedSimulation, error)

	// UpdateTask applies one progress update to one task with the platform's rules and reports whether it
	// was applied (false: the task was already in a terminal state): W2's operation.
	UpdateTask(ctx context.Context, u TaskProgress) (bool, error)

	// IngestResults stores a whole results payload (JSON text of the fixture's shape) for a simulation,
	// upserting estimators and pages, then marks the simulation COMPLETED: W3's operation.
	IngestResults(ctx context.Context, simulationID int32, payload []byte) error

	// ReadResults reads every estimator of the simulation with job id jobID with all its pages,
	// decompressed: W4's operation.
	ReadResults(ctx context.Context, jobID string) ([]EstimatorValues, error)

	// ListSimulations reads one page of a user's simulations with the total count: W5's operation.
	ListSimulations(ctx context.Context, q ListQuery) (ListPage, error)

	// Close releases the implementation's connections.
	Close()
}

// Opener opens an implementation on the database at target, with a pool of conns connections whose
// statements go through tracer (nil: none). It returns an error when the database cannot be reached.
type Opener func(ctx context.Context, target Target, conns int32, tracer pgx.QueryTracer) (Impl, error)

// Target is where an implementation connects: the database, and for the read workloads of a run with
// Config.Replica, a streaming replica of it that the reads go to.
type Target struct {
	// URL names the database on the primary (or through a pooler in front of it).
	URL string
	// ReplicaURL names the same database on a streaming replica, or is "". Only W4 and W5, which only read,
	// are opened with one.
	ReplicaURL string
}

// Submission is W1's input: the owner, the input JSON text and one celery id per task.
type Submission struct {
	UserID    int32
	Input     json.RawMessage
	CeleryIDs []string
}

// SubmittedSimulation identifies a simulation Submit created.
type SubmittedSimulation struct {
	ID    int32
	JobID string
}

// TaskProgress is one of W2's updates: the task (simulation and number) and the fields to set; nil and ""
// fields are left alone.
type TaskProgress struct {
	SimulationID       int32
	Number             int32
	State              string // "" leaves task_state alone
	SimulatedPrimaries *int32
	EstimatedTime      *int32
	StartTime          *time.Time
	EndTime            *time.Time
}

// ProgressRound returns the update W2 sends to a task in round (1 to ProgressRounds) at time now: round 1
// sets RUNNING and start_time, rounds 2 to 9 set simulated_primaries = 100 × round and estimated_time = 10 ×
// (10 − round), round 10 sets COMPLETED and end_time.
func ProgressRound(simulationID, number int32, round int, now time.Time) TaskProgress {
	u := TaskProgress{SimulationID: simulationID, Number: number}
	switch {
	case round <= 1:
		u.State = "RUNNING"
		u.StartTime = &now
	case round >= ProgressRounds:
		u.State = "COMPLETED"
		u.EndTime = &now
	default:
		simulated, estimated := int32(100*round), int32(10*(ProgressRounds-round))
		u.SimulatedPrimaries, u.EstimatedTime = &simulated, &estimated
	}
	return u
}

// EstimatorValues is one estimator as a results read hands it to a caller serving GET /results: its name,
// its metadata and its pages as JSON text.
type EstimatorValues struct {
	Name     string
	Metadata json.RawMessage
	Pages    []json.RawMessage
}

// ListQuery is W5's query: one page (1-based) of the user's simulations, page_size 6, newest start_time
// first, job_state COMPLETED or FAILED.
type ListQuery struct {
	UserID int32
	Page   int
}

// ListPage is what a W5 read returned: how many simulations were on the page, the total matching, and the
// id of the first one (to check the order).
type ListPage struct {
	Rows    int
	Total   int64
	FirstID int32
}
