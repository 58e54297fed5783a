package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/store"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2024, 6, 11, 10, 15, 0, 123456789, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// submitDirect submits directSubmission(userID, n).
func submitDirect(t testing.TB, s *store.Store, userID *int32, n int) store.Simulation {
	t.Helper()
	sim, err := s.SubmitDirect(context.Background(), directSubmission(userID, n))
	require.NoError(t, err)
	return sim
}

// directSubmission is a direct simulation with n tasks of 1000 primaries each, owned by userID.
func directSubmission(userID *int32, n int) store.DirectSubmission {
	tasks := make([]store.DirectTaskParams, n)
	for i := range tasks {
		tasks[i] = store.DirectTaskParams{RequestedPrimaries: 1000, CeleryID: fmt.Sprintf("celery-%d", i)}
	}
	return store.DirectSubmission{
		Submission: store.Submission{
			UserID: userID, Title: "direct", InputType: store.InputEditor, SimType: store.SimShieldhit,
			Input: json.RawMessage(`{"input_type":"EDITOR","number_of_all_primaries":1000}`),
		},
		Tasks: tasks,
	}
}

// submitBatch submits a batch simulation with n tasks on clusterID, owned by userID.
func submitBatch(t testing.TB, s *store.Store, userID *int32, clusterID int32, n int) store.Simulation {
	t.Helper()
	tasks := make([]store.BatchTaskParams, n)
	for i := range tasks {
		tasks[i] = store.BatchTaskParams{RequestedPrimaries: 500}
	}
	sim, err := s.SubmitBatch(context.Background(), store.BatchSubmission{
		Submission: store.Submission{UserID: userID, Title: "batch", InputType: store.InputFiles, SimType: store.SimFluka},
		ClusterID:  clusterID,
		Tasks:      tasks,
	})
	require.NoError(t, err)
	return sim
}

var jobIDPattern = regexp.MustCompile(`^(\d{8}-\d{6}-)([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})(DIRECT|BATCH)$`)

func TestSubmitDirect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	h := newHarness(t, store.WithClock(clock.Now))
	user, err := h.Store.CreatePasswordUser(ctx, "alice", "pw")
	require.NoError(t, err)
	merge := "merge-1"
	input := json.RawMessage(`{"input_type":"EDITOR","input_json":{"beam":{"energy":150}},"number_of_all_primaries":3000,"input_files":{"beam.dat":"x"}}`)

	var sim store.Simulation
	n := roundTrips(t, h.Counter, func() (err error) {
		sim, err = h.Store.SubmitDirect(ctx, store.DirectSubmission{
			Submission: store.Submission{UserID: &user.ID, Title: "proton beam", InputType: store.InputEditor,
				SimType: store.SimShieldhit, Input: input},
			MergeID: &merge,
			Tasks: []store.DirectTaskParams{
				{RequestedPrimaries: 1000, CeleryID: "c0"}, {RequestedPrimaries: 1000, CeleryID: "c1"}, {RequestedPrimaries: 1000},
			},
		})
		return err
	})
	assert.Equal(t, 1, n)

	m := jobIDPattern.FindStringSubmatch(sim.JobID)
	require.NotNil(t, m, "job id %q has the platform's format", sim.JobID)
	assert.Equal(t, "20240611-101500-", m[1], "the time prefix is the submission time")
	assert.Equal(t, "DIRECT", m[3])
	now := clock.Now().Truncate(time.Microsecond)
	assert.Equal(t, store.Simulation{
		ID: sim.ID, JobID: sim.JobID, UserID: &user.ID, StartTime: &now, Title: "proton beam",
		Platform: store.PlatformDirect, InputType: store.InputEditor, SimType: store.SimShieldhit,
		State: store.StateUnknown, Direct: &store.DirectSimulation{MergeID: &merge},
	}, normalize(sim))

	read, err := h.Store.GetSimulation(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, normalize(sim), normalize(read), "what Submit returns is what is stored")

	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	require.Len(t, tasks, 3)
	for i, task := range tasks {
		assert.Equal(t, int32(i), task.Number, "direct tasks are numbered from 0")
		assert.Equal(t, sim.ID, task.SimulationID)
		assert.Equal(t, store.StatePending, task.State)
		assert.Equal(t, int32(1000), task.RequestedPrimaries)
		assert.Zero(t, task.SimulatedPrimaries)
		assert.Equal(t, store.PlatformDirect, task.Platform)
		require.NotNil(t, task.Direct)
		assert.Nil(t, task.Batch)
		assert.Equal(t, now, task.LastUpdateTime.UTC())
		assert.Nil(t, task.StartTime)
		assert.Nil(t, task.EndTime)
		assert.Nil(t, task.EstimatedTime)
	}
	assert.Equal(t, []string{"c0", "c1", ""}, []string{tasks[0].Direct.CeleryID, tasks[1].Direct.CeleryID, tasks[2].Direct.CeleryID})

	var blob []byte
	require.NoError(t, h.Pool.QueryRow(ctx, `SELECT compressed_data FROM "Input" WHERE simulation_id = $1`, sim.ID).Scan(&blob))
	text, err := compress.Codec{}.DecompressJSON(blob)
	require.NoError(t, err)
	assert.JSONEq(t, string(input), string(text), "the input is stored compressed with the codec")
	assert.Equal(t, 1, h.count(t, "CelerySimulation"))
	assert.Equal(t, 0, h.count(t, "BatchSimulation"))
}

func TestSubmitBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	dir, array := "/net/jobs/1", int32(77)
	var sim store.Simulation
	n := roundTrips(t, h.Counter, func() (err error) {
		sim, err = h.Store.SubmitBatch(ctx, store.BatchSubmission{
			Submission: store.Submission{Title: "on ares", InputType: store.InputFiles, SimType: store.SimTopas,
				State: store.StatePending, Input: json.RawMessage(`{"input_type":"FILES"}`)},
			ClusterID: cluster.ID, JobDir: &dir, ArrayID: &array,
			Tasks: []store.BatchTaskParams{{RequestedPrimaries: 10}, {RequestedPrimaries: 20}},
		})
		return err
	})
	assert.Equal(t, 1, n)
	assert.Regexp(t, jobIDPattern, sim.JobID)
	assert.Regexp(t, `BATCH$`, sim.JobID)
	assert.Equal(t, store.PlatformBatch, sim.Platform)
	assert.Equal(t, store.StatePending, sim.State)
	assert.Nil(t, sim.UserID)
	assert.Nil(t, sim.Direct)
	assert.Equal(t, &store.BatchSimulation{ClusterID: cluster.ID, JobDir: &dir, ArrayID: &array}, sim.Batch)

	tasks, err := h.Store.ListTasks(ctx, sim.ID)
	require.NoError(t, err)
	require.Len(t, tasks, 2)
	assert.Equal(t, int32(1), tasks[0].Number, "batch tasks are numbered from 1")
	assert.Equal(t, int32(2), tasks[1].Number)
	assert.Equal(t, int32(20), tasks[1].RequestedPrimaries)
	assert.Equal(t, &store.BatchTask{}, tasks[0].Batch)
	assert.Nil(t, tasks[0].Direct)
	assert.Equal(t, 2, h.count(t, "BatchTask"))
	assert.Equal(t, 0, h.count(t, "CeleryTask"))
}

func TestSubmitHundredTasksInOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	direct := make([]store.DirectTaskParams, 100)
	batch := make([]store.BatchTaskParams, 100)
	for i := range direct {
		direct[i] = store.DirectTaskParams{RequestedPrimaries: int32(i)}
		batch[i] = store.BatchTaskParams{RequestedPrimaries: int32(i)}
	}
	sub := store.Submission{Title: "big", InputType: store.InputEditor, SimType: store.SimDummy, Input: json.RawMessage(`{}`)}
	n := roundTrips(t, h.Counter, func() error {
		_, err := h.Store.SubmitDirect(ctx, store.DirectSubmission{Submission: sub, Tasks: direct})
		return err
	})
	assert.Equal(t, 1, n, "direct submit with 100 tasks")
	n = roundTrips(t, h.Counter, func() error {
		_, err := h.Store.SubmitBatch(ctx, store.BatchSubmission{Submission: sub, ClusterID: cluster.ID, Tasks: batch})
		return err
	})
	assert.Equal(t, 1, n, "batch submit with 100 tasks")
	assert.Equal(t, 200, h.count(t, "Task"))
	assert.Equal(t, 2, h.count(t, "Input"))
}

// assertNothingSubmitted checks that no row of any simulation table exists.
func assertNothingSubmitted(t *testing.T, h *harness) {
	t.Helper()
	for _, table := range []string{"Simulation", "CelerySimulation", "BatchSimulation", "Task", "CeleryTask", "BatchTask", "Input"} {
		assert.Equal(t, 0, h.count(t, table), "no %s row is left behind", table)
	}
}

func TestSubmitIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)

	t.Run("missing cluster", func(t *testing.T) {
		_, err := h.Store.SubmitBatch(ctx, store.BatchSubmission{
			Submission: store.Submission{Title: "x", InputType: store.InputFiles, SimType: store.SimFluka, Input: json.RawMessage(`{}`)},
			ClusterID:  4242,
			Tasks:      []store.BatchTaskParams{{RequestedPrimaries: 1}, {RequestedPrimaries: 2}},
		})
		require.ErrorIs(t, err, store.ErrNotFound)
		var ce *store.ConstraintError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, store.ConstraintBatchSimulationCluster, ce.Constraint)
		assertNothingSubmitted(t, h)
	})
	t.Run("missing owner", func(t *testing.T) {
		missing := int32(4242)
		_, err := h.Store.SubmitDirect(ctx, store.DirectSubmission{
			Submission: store.Submission{UserID: &missing, Title: "x", InputType: store.InputFiles, SimType: store.SimFluka},
			Tasks:      []store.DirectTaskParams{{RequestedPrimaries: 1}},
		})
		require.ErrorIs(t, err, store.ErrNotFound)
		var ce *store.ConstraintError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, store.ConstraintSimulationUser, ce.Constraint)
		assertNothingSubmitted(t, h)
	})
	t.Run("duplicate task number", func(t *testing.T) {
		err := store.SubmitDirectArraysForTest(ctx, h.Store, nil, []int32{0, 1, 1}, []int32{5, 5, 5}, []string{"a", "b", "c"})
		require.ErrorIs(t, err, store.ErrConflict)
		var ce *store.ConstraintError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, store.ConstraintSimulationTask, ce.Constraint)
		assertNothingSubmitted(t, h)
	})
	t.Run("celery id array too short", func(t *testing.T) {
		err := store.SubmitDirectArraysForTest(ctx, h.Store, nil, []int32{0, 1, 2}, []int32{5, 5, 5}, []string{"a", "b"})
		require.ErrorIs(t, err, store.ErrInvalid, "the third CeleryTask row would have a NULL celery_id")
		assertNothingSubmitted(t, h)
	})
}

func TestSubmitRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	good := store.Submission{Title: "t", InputType: store.InputEditor, SimType: store.SimDummy}
	cases := map[string]store.DirectSubmission{}
	bad := good
	bad.InputType = "editor"
	cases["input type"] = store.DirectSubmission{Submission: bad}
	bad = good
	bad.SimType = "geant4"
	cases["simulator"] = store.DirectSubmission{Submission: bad}
	bad = good
	bad.State = "DONE"
	cases["state"] = store.DirectSubmission{Submission: bad}
	bad = good
	bad.Input = json.RawMessage(`{"open":`)
	cases["input JSON"] = store.DirectSubmission{Submission: bad}
	bad = good
	bad.Title = "a\x00b"
	cases["NUL in title"] = store.DirectSubmission{Submission: bad}
	cases["negative primaries"] = store.DirectSubmission{Submission: good, Tasks: []store.DirectTaskParams{{RequestedPrimaries: -1}}}
	cases["too many tasks"] = store.DirectSubmission{Submission: good, Tasks: make([]store.DirectTaskParams, store.MaxTasks+1)}
	for name, sub := range cases {
		before := h.Counter.Count()
		_, err := h.Store.SubmitDirect(ctx, sub)
		assert.ErrorIs(t, err, store.ErrInvalid, name)
		assert.Equal(t, before, h.Counter.Count(), "%s: refused before sending anything", name)
	}
	_, err := h.Store.SubmitBatch(ctx, store.BatchSubmission{Submission: good, Tasks: []store.BatchTaskParams{{RequestedPrimaries: -5}}})
	assert.ErrorIs(t, err, store.ErrInvalid)
	assertNothingSubmitted(t, h)
}

func TestGetSimulationOwnerScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	alice, err := h.Store.CreatePasswordUser(ctx, "alice", "pw")
	require.NoError(t, err)
	bob, err := h.Store.CreatePasswordUser(ctx, "bob", "pw")
	require.NoError(t, err)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	direct := submitDirect(t, h.Store, &alice.ID, 1)
	batch := submitBatch(t, h.Store, &alice.ID, cluster.ID, 1)
	ownerless := submitDirect(t, h.Store, nil, 1)

	for _, sim := range []store.Simulation{direct, batch} {
		var got store.Simulation
		n := roundTrips(t, h.Counter, func() (err error) {
			got, err = h.Store.GetSimulation(ctx, sim.ID, store.OwnedBy(alice.ID))
			return err
		})
		assert.Equal(t, 1, n, "a simulation with its variant is one query")
		assert.Equal(t, normalize(sim), normalize(got))
		got, err = h.Store.GetSimulationByJobID(ctx, sim.JobID, store.OwnedBy(alice.ID))
		require.NoError(t, err)
		assert.Equal(t, normalize(sim), normalize(got))
		got, err = h.Store.GetSimulationByJobID(ctx, sim.JobID)
		require.NoError(t, err, "unscoped reads see every simulation")
		assert.Equal(t, sim.ID, got.ID)

		_, err = h.Store.GetSimulation(ctx, sim.ID, store.OwnedBy(bob.ID))
		assert.ErrorIs(t, err, store.ErrNotFound, "another user's simulation is not found")
		_, err = h.Store.GetSimulationByJobID(ctx, sim.JobID, store.OwnedBy(bob.ID))
		assert.ErrorIs(t, err, store.ErrNotFound)
	}
	_, err = h.Store.GetSimulation(ctx, ownerless.ID, store.OwnedBy(alice.ID))
	assert.ErrorIs(t, err, store.ErrNotFound, "a simulation without owner is nobody's")
	_, err = h.Store.GetSimulation(ctx, 987654)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = h.Store.GetSimulationByJobID(ctx, "no-such-job")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestSimulationWithoutVariantRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	var id int32
	require.NoError(t, h.Pool.QueryRow(ctx, `INSERT INTO "Simulation" (job_id, title, platform, input_type, sim_type, job_state)
		VALUES ('j', 't', 'BATCH', 'FILES', 'dummy', 'UNKNOWN') RETURNING id`).Scan(&id))
	_, err := h.Store.GetSimulation(ctx, id)
	assert.ErrorIs(t, err, store.ErrMissingVariant)
}

// normalize puts a simulation's times in UTC so that values read back compare equal with what was written.
func normalize(s store.Simulation) store.Simulation {
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	s.StartTime, s.EndTime = utc(s.StartTime), utc(s.EndTime)
	return s
}

func BenchmarkSubmitDirect100Tasks(b *testing.B) {
	ctx := context.Background()
	h := newHarness(b)
	tasks := make([]store.DirectTaskParams, 100)
	for i := range tasks {
		tasks[i] = store.DirectTaskParams{RequestedPrimaries: 1000, CeleryID: fmt.Sprintf("celery-%d", i)}
	}
	sub := store.DirectSubmission{
		Submission: store.Submission{Title: "bench", InputType: store.InputEditor, SimType: store.SimShieldhit,
			Input: json.RawMessage(`{"input_type":"EDITOR","number_of_all_primaries":100000}`)},
		Tasks: tasks,
	}
	for b.Loop() { // b.Loop times only the loop
		if _, err := h.Store.SubmitDirect(ctx, sub); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSubmitWithJobID submits direct, batch and batched simulations under given job ids, as a service that
// imports or replays the platform's simulations does: each is stored under its id, a taken id is a conflict,
// and an id not in the platform's format is refused before anything is sent.
func TestSubmitWithJobID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	base := store.Submission{Title: "imported", InputType: store.InputEditor, SimType: store.SimShieldhit}
	direct := func(jobID string) store.DirectSubmission {
		sub := store.DirectSubmission{Submission: base, Tasks: []store.DirectTaskParams{{RequestedPrimaries: 10}}}
		sub.JobID = jobID
		return sub
	}
	batch := func(jobID string) store.BatchSubmission {
		sub := store.BatchSubmission{Submission: base, ClusterID: cluster.ID, Tasks: []store.BatchTaskParams{{RequestedPrimaries: 10}}}
		sub.JobID = jobID
		return sub
	}
	const directID = "20240611-101500-3f0c2d5e-8a1b-4c7d-9e2f-0a1b2c3d4e5fDIRECT"
	const batchID = "20240611-101501-0b8e2a44-1c3d-4e5f-8a9b-aabbccddeeffBATCH"
	const batchedID = "20231231-235959-00000000-0000-4000-8000-000000000001DIRECT"

	sim, err := h.Store.SubmitDirect(ctx, direct(directID))
	require.NoError(t, err)
	assert.Equal(t, directID, sim.JobID)
	got, err := h.Store.GetSimulationByJobID(ctx, directID)
	require.NoError(t, err)
	assert.Equal(t, sim.ID, got.ID)

	bsim, err := h.Store.SubmitBatch(ctx, batch(batchID))
	require.NoError(t, err)
	assert.Equal(t, batchID, bsim.JobID)

	b := h.Store.NewPipeline()
	queued := b.SubmitDirect(direct(batchedID))
	assert.Equal(t, batchedID, queued.JobID, "known as soon as it is queued")
	require.NoError(t, b.Send(ctx))
	qsim, err := queued.Get()
	require.NoError(t, err)
	assert.Equal(t, batchedID, qsim.JobID)

	simulations := h.count(t, "Simulation")
	_, err = h.Store.SubmitDirect(ctx, direct(directID))
	require.ErrorIs(t, err, store.ErrConflict, "the id is taken")
	_, err = h.Store.SubmitBatch(ctx, batch(directID[:len(directID)-len("DIRECT")]+"BATCH"))
	require.NoError(t, err, "the same UUID on the other platform is another id")

	for _, bad := range []string{
		"x", directID + "X", strings.ToUpper(directID), "20241311-101500-3f0c2d5e-8a1b-4c7d-9e2f-0a1b2c3d4e5fDIRECT",
		"20240611-101500-3f0c2d5e8a1b-4c7d-9e2f-0a1b2c3d4e5f-DIRECT", "20240611-101500-3f0c2d5e-8a1b-4c7d-9e2f-0a1b2c3d4e5fBATCH",
		"20240611-101500-3f0c2d5e-8a1b-4c7d-9e2f-0a1b2c3d4e5fDIRECT\x00",
	} {
		trips := h.Counter.Count()
		_, err := h.Store.SubmitDirect(ctx, direct(bad))
		assert.ErrorIs(t, err, store.ErrInvalid, "%q", bad)
		assert.Equal(t, trips, h.Counter.Count(), "%q refused before sending", bad)
	}
	assert.Equal(t, simulations+1, h.count(t, "Simulation"), "nothing else written")
}
