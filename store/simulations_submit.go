package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// MaxTasks is the largest number of tasks one simulation may be submitted with.
const MaxTasks = 100_000

// Submission holds what every new simulation needs, direct or batch.
type Submission struct {
	UserID    *int32 // the owner; nil records none
	Title     string
	InputType InputType
	SimType   SimType
	// State is the simulation's initial state; "" means StateUnknown, as on the platform, which moves a
	// simulation to Pending once its jobs are queued.
	State State
	// Input is the simulation's input as JSON text (the platform's shape: {"input_type", "input_json"?,
	// "number_of_all_primaries", "input_files"}), stored compressed; nil stores no input blob (read back as null).
	Input json.RawMessage
	// JobID is the simulation's job id; "" makes a new one. A given one, to import or replay a simulation or to
	// take over one that another instance of the platform started, must be in the platform's format for the
	// submission's platform (YYYYMMDD-HHMMSS-, a lower-case UUID, DIRECT or BATCH), else the submission fails
	// with ErrInvalid before anything is sent; one that is taken fails with ErrConflict.
	JobID string
}

// DirectSubmission describes a simulation for the platform's own workers. Its tasks are numbered from 0 in
// the order given.
type DirectSubmission struct {
	Submission
	MergeID *string            // the Celery id of the merging job, when already known
	Tasks   []DirectTaskParams // one per task
}

// DirectTaskParams describes one task of a DirectSubmission.
type DirectTaskParams struct {
	RequestedPrimaries int32
	CeleryID           string // the task's Celery id; "" when not yet known, as on the platform
}

// BatchSubmission describes a simulation for an HPC cluster. Its tasks are numbered from 1 in the order given.
type BatchSubmission struct {
	Submission
	ClusterID int32
	JobDir    *string
	ArrayID   *int32
	CollectID *int32
	Tasks     []BatchTaskParams // one per task
}

// BatchTaskParams describes one task of a BatchSubmission.
type BatchTaskParams struct {
	RequestedPrimaries int32
}

// SubmitDirect creates a direct simulation with a new job id, its CelerySimulation row, its tasks (Pending,
// nothing simulated yet, with their CeleryTask rows) and its input, all in one statement: either everything
// is written or nothing is. start_time and the tasks' last_update_time are the Store clock's now. It returns
// the simulation as stored. It returns ErrInvalid, before sending anything, for an unknown input type,
// simulator or state, a negative number of primaries, too many tasks, or an input that is not one JSON value;
// ErrNotFound (a *ConstraintError) when the owner does not exist.
func (s *Store) SubmitDirect(ctx context.Context, sub DirectSubmission) (Simulation, error) {
	params, err := s.directSubmitParams(sub)
	if err != nil {
		return Simulation{}, err
	}
	row, err := queries.SubmitDirect(ctx, s.exec(), params)
	return submittedDirect(row, err, len(sub.Tasks))
}

// directSubmitParams validates a direct submission and turns it into the statement's parameters, with a new
// job id.
func (s *Store) directSubmitParams(sub DirectSubmission) (dbsqlc.SubmitDirectParams, error) {
	var params dbsqlc.SubmitDirectParams
	if err := checkTextFields(sub.MergeID); err != nil {
		return params, err
	}
	n := len(sub.Tasks)
	numbers, primaries, celeryIDs := make([]int32, n), make([]int32, n), make([]string, n)
	for i, t := range sub.Tasks {
		numbers[i], primaries[i], celeryIDs[i] = int32(i), t.RequestedPrimaries, t.CeleryID
		if err := checkTextFields(&t.CeleryID); err != nil {
			return params, err
		}
	}
	common, err := s.prepareSubmission(sub.Submission, PlatformDirect, primaries)
	if err != nil {
		return params, err
	}
	return dbsqlc.SubmitDirectParams{
		JobID:              common.jobID,
		UserID:             sub.UserID,
		StartTime:          &common.now,
		Title:              sub.Title,
		InputType:          string(sub.InputType),
		SimType:            string(sub.SimType),
		JobState:           string(common.state),
		MergeID:            sub.MergeID,
		TaskIds:            numbers,
		RequestedPrimaries: primaries,
		CeleryIds:          celeryIDs,
		InputData:          common.input,
	}, nil
}

// submittedDirect turns the result of the direct submission statement of tasks tasks into the Simulation it
// stored.
func submittedDirect(row dbsqlc.SubmitDirectRow, err error, tasks int) (Simulation, error) {
	if err := checkSubmitted(err, row.TaskCount, tasks); err != nil {
		return Simulation{}, err
	}
	return simulationFromRow(simulationRow{Simulation: simulationFromSubmitDirectRow(row), MergeID: row.MergeID})
}

// SubmitBatch creates a batch simulation with a new job id, its BatchSimulation row, its tasks (Pending,
// nothing simulated yet, with their BatchTask rows) and its input, all in one statement: either everything
// is written or nothing is. It returns the simulation as stored. It returns ErrInvalid, before sending
// anything, for the values SubmitDirect refuses; ErrNotFound (a *ConstraintError naming
// BatchSimulation_cluster_id_fkey or Simulation_user_id_fkey) when the cluster or the owner does not exist.
func (s *Store) SubmitBatch(ctx context.Context, sub BatchSubmission) (Simulation, error) {
	params, err := s.batchSubmitParams(sub)
	if err != nil {
		return Simulation{}, err
	}
	row, err := queries.SubmitBatch(ctx, s.exec(), params)
	return submittedBatch(row, err, len(sub.Tasks))
}

// batchSubmitParams validates a batch submission and turns it into the statement's parameters, with a new
// job id.
func (s *Store) batchSubmitParams(sub BatchSubmission) (dbsqlc.SubmitBatchParams, error) {
	var params dbsqlc.SubmitBatchParams
	if err := checkTextFields(sub.JobDir); err != nil {
		return params, err
	}
	n := len(sub.Tasks)
	numbers, primaries := make([]int32, n), make([]int32, n)
	for i, t := range sub.Tasks {
		numbers[i], primaries[i] = int32(i+1), t.RequestedPrimaries
	}
	common, err := s.prepareSubmission(sub.Submission, PlatformBatch, primaries)
	if err != nil {
		return params, err
	}
	return dbsqlc.SubmitBatchParams{
		JobID:              common.jobID,
		UserID:             sub.UserID,
		StartTime:          &common.now,
		Title:              sub.Title,
		InputType:          string(sub.InputType),
		SimType:            string(sub.SimType),
		JobState:           string(common.state),
		ClusterID:          sub.ClusterID,
		JobDir:             sub.JobDir,
		ArrayID:            sub.ArrayID,
		CollectID:          sub.CollectID,
		TaskIds:            numbers,
		RequestedPrimaries: primaries,
		InputData:          common.input,
	}, nil
}

// submittedBatch turns the result of the batch submission statement of tasks tasks into the Simulation it
// stored.
func submittedBatch(row dbsqlc.SubmitBatchRow, err error, tasks int) (Simulation, error) {
	if err := checkSubmitted(err, row.TaskCount, tasks); err != nil {
		return Simulation{}, err
	}
	clusterID := row.ClusterID
	return simulationFromRow(simulationRow{Simulation: simulationFromSubmitBatchRow(row),
		ClusterID: &clusterID, JobDir: row.JobDir, ArrayID: row.ArrayID, CollectID: row.CollectID})
}

// checkSubmitted returns the error of a submission statement that failed or wrote other than tasks tasks.
func checkSubmitted(err error, wrote int32, tasks int) error {
	if err != nil {
		return mapError(err)
	}
	if int(wrote) != tasks {
		return fmt.Errorf("yapstore: submit wrote %d tasks of %d", wrote, tasks)
	}
	return nil
}

// preparedSubmission is what both submissions compute before sending.
type preparedSubmission struct {
	jobID string
	now   time.Time
	state State
	input []byte
}

// prepareSubmission validates the common fields and the tasks' primaries, compresses the input and makes the
// job id.
func (s *Store) prepareSubmission(sub Submission, platform Platform, primaries []int32) (preparedSubmission, error) {
	var p preparedSubmission
	if !sub.InputType.Valid() {
		return p, invalidf("unknown input type %q", sub.InputType)
	}
	if !sub.SimType.Valid() {
		return p, invalidf("unknown simulator %q", sub.SimType)
	}
	p.state = sub.State
	if p.state == "" {
		p.state = StateUnknown
	}
	if !p.state.Valid() {
		return p, invalidf("unknown state %q", sub.State)
	}
	if err := checkTextFields(&sub.Title); err != nil {
		return p, err
	}
	if len(primaries) > MaxTasks {
		return p, invalidf("%d tasks, more than %d", len(primaries), MaxTasks)
	}
	for i, n := range primaries {
		if n < 0 {
			return p, invalidf("task %d requests %d primaries", i, n)
		}
	}
	if sub.Input != nil {
		blob, err := s.compressText("input", sub.Input)
		if err != nil {
			return p, err
		}
		p.input = blob
	}
	p.now = s.now()
	if sub.JobID != "" {
		if err := checkJobID(sub.JobID, platform); err != nil {
			return p, err
		}
		p.jobID = sub.JobID
		return p, nil
	}
	id, err := newJobID(p.now, platform)
	if err != nil {
		return p, err
	}
	p.jobID = id
	return p, nil
}

// jobIDLayout is the time prefix of a job id, as the platform writes it with strftime('%Y%m%d-%H%M%S-').
const jobIDLayout = "20060102-150405-"

// newJobID returns a job id in the platform's format: the submission time as YYYYMMDD-HHMMSS-, a random
// (version 4) UUID in its canonical dashed form, and the platform, for example
// "20240611-101500-3f0c2d5e-8a1b-4c7d-9e2f-0a1b2c3d4e5fDIRECT". The platform formats its server's local time
// (Python's datetime.now()); the time is formatted in now's location, which for the default clock is the
// local time too. It fails only when the system's random source does.
func newJobID(now time.Time, platform Platform) (string, error) {
	id, err := uuid.NewRandom()
	if err != nil {
		return "", fmt.Errorf("yapstore: job id: %w", err)
	}
	return now.Format(jobIDLayout) + id.String() + string(platform), nil
}

// checkJobID returns nil when id is a job id as newJobID writes it for platform, and an ErrInvalid error
// saying what is wrong otherwise.
func checkJobID(id string, platform Platform) error {
	const uuidLen = 36
	prefix := len(jobIDLayout)
	if len(id) != prefix+uuidLen+len(platform) {
		return invalidf("job id %q: want YYYYMMDD-HHMMSS-, a UUID and %s", id, platform)
	}
	if _, err := time.Parse(jobIDLayout, id[:prefix]); err != nil {
		return invalidf("job id %q: %q is not a time as YYYYMMDD-HHMMSS-", id, id[:prefix])
	}
	u, err := uuid.Parse(id[prefix : prefix+uuidLen])
	if err != nil || u.String() != id[prefix:prefix+uuidLen] {
		return invalidf("job id %q: %q is not a UUID in lower-case dashed form", id, id[prefix:prefix+uuidLen])
	}
	if id[prefix+uuidLen:] != string(platform) {
		return invalidf("job id %q: ends in %q, not the submission's platform %s", id, id[prefix+uuidLen:], platform)
	}
	return nil
}
