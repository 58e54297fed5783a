package store

import (
	"context"
	"time"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// SubmitDirectArraysForTest sends the submit statement with task arrays the test makes up, so that tests in
// package store_test can make the statement fail half-way (a duplicate task number, a short celery id array)
// and check that nothing was written. It returns the error as SubmitDirect would.
func SubmitDirectArraysForTest(ctx context.Context, s *Store, userID *int32, numbers, primaries []int32, celeryIDs []string) error {
	now := s.now()
	jobID, err := newJobID(now, PlatformDirect)
	if err != nil {
		return err
	}
	_, err = queries.SubmitDirect(ctx, s.exec(), dbsqlc.SubmitDirectParams{
		JobID: jobID, UserID: userID, StartTime: &now, Title: "raw", InputType: string(InputEditor),
		SimType: string(SimDummy), JobState: string(StateUnknown), TaskIds: numbers,
		RequestedPrimaries: primaries, CeleryIds: celeryIDs, InputData: []byte("not gzip but bytea is fine"),
	})
	return mapError(err)
}

// ExecForTest runs sql as a method's single statement runs: on the Store's executor (retried on a
// serialization failure or deadlock outside a transaction), its error mapped.
func ExecForTest(ctx context.Context, s *Store, sql string, args ...any) error {
	_, err := s.exec().Exec(ctx, sql, args...)
	return mapError(err)
}

// SplitResultsPayloadForTest exposes the payload splitter to the fuzz test in package store_test, which
// compares it with encoding/json.
var SplitResultsPayloadForTest = splitResultsPayload

// WithGatherWaitForTest sets how long a progress group's leader waits for the callers of the group before
// (200µs unless set), so that a test can make that wait long enough to be certain under any load.
func WithGatherWaitForTest(d time.Duration) Option { return func(cfg *config) { cfg.gatherWait = d } }

// PendingProgressForTest returns how many ReportTaskProgress calls of s wait for a group, so that a test can
// tell when the calls it started have queued.
func PendingProgressForTest(s *Store) int {
	s.progress.mu.Lock()
	defer s.progress.mu.Unlock()
	return len(s.progress.pending)
}

// WithoutAuthPaddingForTest makes Authenticate answer as soon as it knows, neither padded to a floor nor
// to the Store's slowest call lately, for tests about what it answers rather than when.
func WithoutAuthPaddingForTest() Option {
	return func(cfg *config) {
		cfg.authFloor.fixed = time.Nanosecond
		cfg.authFloor.slowest = nil
	}
}
