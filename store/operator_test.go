package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// operatorStore gives the test a Store on a fresh database that counts its statements, with a clock that
// advances a minute per call so that simulations have distinct start times in submission order.
func operatorStore(t *testing.T) (*store.Store, *statementCounter) {
	t.Helper()
	db := storetest.New(t)
	counter := &statementCounter{}
	now := time.Date(2024, 6, 11, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Minute); return now }
	s, err := store.Open(context.Background(), db.URL, store.WithTracer(counter), store.WithClock(clock))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, counter
}

func operatorSubmit(t *testing.T, s *store.Store, owner *int32, tasks int) store.Simulation {
	t.Helper()
	sub := store.DirectSubmission{Submission: store.Submission{UserID: owner, Title: "t", InputType: store.InputEditor, SimType: store.SimDummy}}
	for range tasks {
		sub.Tasks = append(sub.Tasks, store.DirectTaskParams{RequestedPrimaries: 10})
	}
	sim, err := s.SubmitDirect(context.Background(), sub)
	require.NoError(t, err)
	return sim
}

func TestListAllSimulations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, counter := operatorStore(t)

	var none []store.Simulation
	require.Equal(t, 1, roundTrips(t, counter, func() (err error) { none, err = s.ListAllSimulations(ctx, nil); return err }))
	require.Empty(t, none)

	alice, err := s.CreatePasswordUser(ctx, "alice", "pw-alice")
	require.NoError(t, err)
	bob, err := s.CreatePasswordUser(ctx, "bob", "pw-bob")
	require.NoError(t, err)
	cluster, err := s.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	first := operatorSubmit(t, s, &alice.ID, 1)
	second := operatorSubmit(t, s, &bob.ID, 1)
	third, err := s.SubmitBatch(ctx, store.BatchSubmission{
		Submission: store.Submission{UserID: &alice.ID, Title: "b", InputType: store.InputFiles, SimType: store.SimFluka},
		ClusterID:  cluster.ID, Tasks: []store.BatchTaskParams{{RequestedPrimaries: 5}},
	})
	require.NoError(t, err)
	orphan := operatorSubmit(t, s, nil, 0)

	var all []store.Simulation
	require.Equal(t, 1, roundTrips(t, counter, func() (err error) { all, err = s.ListAllSimulations(ctx, nil); return err }))
	require.Equal(t, []int32{orphan.ID, third.ID, second.ID, first.ID}, operatorSimIDs(all), "newest first")
	require.NotNil(t, all[1].Batch, "variants are read")
	require.Equal(t, cluster.ID, all[1].Batch.ClusterID)
	require.NotNil(t, all[3].Direct)

	of, err := s.ListAllSimulations(ctx, &alice.ID)
	require.NoError(t, err)
	require.Equal(t, []int32{third.ID, first.ID}, operatorSimIDs(of))

	missing := int32(999999)
	of, err = s.ListAllSimulations(ctx, &missing)
	require.NoError(t, err)
	require.Empty(t, of)
}

func operatorSimIDs(sims []store.Simulation) []int32 {
	out := make([]int32, len(sims))
	for i, s := range sims {
		out[i] = s.ID
	}
	return out
}

func TestListTasksOfSimulations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, counter := operatorStore(t)
	a := operatorSubmit(t, s, nil, 3)
	b := operatorSubmit(t, s, nil, 2)
	c := operatorSubmit(t, s, nil, 1)

	var tasks []store.Task
	require.Equal(t, 0, roundTrips(t, counter, func() (err error) { tasks, err = s.ListTasksOfSimulations(ctx, nil); return err }))
	require.Empty(t, tasks)

	require.Equal(t, 1, roundTrips(t, counter, func() (err error) {
		tasks, err = s.ListTasksOfSimulations(ctx, []int32{c.ID, a.ID, 999999})
		return err
	}))
	type key struct{ sim, number int32 }
	var got []key
	for _, task := range tasks {
		got = append(got, key{task.SimulationID, task.Number})
		require.NotNil(t, task.Direct)
	}
	require.Equal(t, []key{{a.ID, 0}, {a.ID, 1}, {a.ID, 2}, {c.ID, 0}}, got,
		"by simulation id, then task number; simulation %d was not asked for", b.ID)
}

func TestDeleteTaskOnlyThatSimulations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, counter := operatorStore(t)
	a := operatorSubmit(t, s, nil, 2)
	b := operatorSubmit(t, s, nil, 2)

	require.Equal(t, 1, roundTrips(t, counter, func() error { return s.DeleteTask(ctx, a.ID, 1) }))
	_, err := s.GetTask(ctx, a.ID, 1)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetTask(ctx, b.ID, 1)
	require.NoError(t, err, "the same number in another simulation stays")
	_, err = s.GetTask(ctx, a.ID, 0)
	require.NoError(t, err)

	err = s.DeleteTask(ctx, a.ID, 1)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorContains(t, err, "task 1 of simulation")
}
