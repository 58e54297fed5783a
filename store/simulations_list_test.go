package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// jobIDs returns the job ids of sims, in order.
func jobIDs(sims []store.Simulation) []string {
	ids := make([]string, len(sims))
	for i, s := range sims {
		ids[i] = s.JobID
	}
	return ids
}

func TestListSimulations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	h := newHarness(t, store.WithClock(clock.Now))
	alice, err := h.Store.CreatePasswordUser(ctx, "alice", "pw")
	require.NoError(t, err)
	bob, err := h.Store.CreatePasswordUser(ctx, "bob", "pw")
	require.NoError(t, err)
	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)

	// Eight simulations of alice, one minute apart, alternating direct and batch; one of bob's in between.
	var sims []store.Simulation
	for i := range 8 {
		clock.Advance(time.Minute)
		if i%2 == 0 {
			sims = append(sims, submitDirect(t, h.Store, &alice.ID, 1))
		} else {
			sims = append(sims, submitBatch(t, h.Store, &alice.ID, cluster.ID, 1))
		}
		if i == 3 {
			submitDirect(t, h.Store, &bob.ID, 1)
		}
	}
	// End times in the reverse order of start times for the first four; the rest are still running.
	running, completed := store.StateRunning, store.StateCompleted
	for i := range 4 {
		end := clock.Now().Add(time.Duration(10-i) * time.Hour)
		_, _, err := h.Store.UpdateSimulation(ctx, sims[i].ID, store.SimulationUpdate{State: &completed, EndTime: &end})
		require.NoError(t, err)
	}
	for i := 4; i < 8; i++ {
		_, _, err := h.Store.UpdateSimulation(ctx, sims[i].ID, store.SimulationUpdate{State: &running})
		require.NoError(t, err)
	}

	var page store.SimulationPage
	n := roundTrips(t, h.Counter, func() (err error) {
		page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID})
		return err
	})
	assert.Equal(t, 1, n, "a page with its total is one query")
	assert.Equal(t, int64(8), page.Total)
	assert.Equal(t, 1, page.Page)
	assert.Equal(t, store.DefaultPageSize, page.PageSize)
	assert.Equal(t, 2, page.PageCount())
	assert.Equal(t, jobIDs(sims[:6]), jobIDs(page.Simulations), "oldest first by default")
	assert.NotNil(t, page.Simulations[0].Direct)
	assert.NotNil(t, page.Simulations[1].Batch, "each simulation comes with its variant")

	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID, Page: 2})
	require.NoError(t, err)
	assert.Equal(t, jobIDs(sims[6:]), jobIDs(page.Simulations))
	assert.Equal(t, int64(8), page.Total)

	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID, PageSize: 3, Descending: true})
	require.NoError(t, err)
	assert.Equal(t, []string{sims[7].JobID, sims[6].JobID, sims[5].JobID}, jobIDs(page.Simulations))
	assert.Equal(t, 3, page.PageCount())

	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID, PageSize: 8, OrderBy: store.OrderByEndTime})
	require.NoError(t, err)
	assert.Equal(t, jobIDs([]store.Simulation{sims[3], sims[2], sims[1], sims[0], sims[4], sims[5], sims[6], sims[7]}),
		jobIDs(page.Simulations), "by end time, running ones last, ties by id")
	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID, PageSize: 8, OrderBy: store.OrderByEndTime, Descending: true})
	require.NoError(t, err)
	assert.Equal(t, jobIDs([]store.Simulation{sims[0], sims[1], sims[2], sims[3], sims[7], sims[6], sims[5], sims[4]}),
		jobIDs(page.Simulations), "by end time descending, running ones still last, ties by id descending")

	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID, States: []store.State{store.StateRunning}, PageSize: 3})
	require.NoError(t, err)
	assert.Equal(t, int64(4), page.Total, "the total counts only the filtered states")
	assert.Equal(t, jobIDs(sims[4:7]), jobIDs(page.Simulations))
	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID, States: []store.State{store.StateFailed, store.StateCompleted}})
	require.NoError(t, err)
	assert.Equal(t, int64(4), page.Total)

	n = roundTrips(t, h.Counter, func() (err error) {
		page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: alice.ID, Page: 5})
		return err
	})
	assert.Equal(t, 2, n, "a page past the end needs the count separately")
	assert.Empty(t, page.Simulations)
	assert.Equal(t, int64(8), page.Total)

	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: bob.ID})
	require.NoError(t, err)
	assert.Len(t, page.Simulations, 1, "only the owner's simulations")
	assert.Equal(t, int64(1), page.Total)

	page, err = h.Store.ListSimulations(ctx, store.SimulationQuery{UserID: 9999})
	require.NoError(t, err)
	assert.Empty(t, page.Simulations)
	assert.Zero(t, page.Total)
	assert.Zero(t, page.PageCount())
}

func TestListSimulationsRefusesBadQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	for name, q := range map[string]store.SimulationQuery{
		"negative page size": {PageSize: -1},
		"huge page size":     {PageSize: store.MaxPageSize + 1},
		"negative page":      {Page: -2},
		"page out of range":  {Page: 1 << 30, PageSize: 1000},
		"unknown sort key":   {OrderBy: store.SimulationOrder(7)},
		"unknown state":      {States: []store.State{"DONE"}},
	} {
		before := h.Counter.Count()
		_, err := h.Store.ListSimulations(ctx, q)
		assert.ErrorIs(t, err, store.ErrInvalid, name)
		assert.Equal(t, before, h.Counter.Count(), "%s: refused before sending anything", name)
	}
}
