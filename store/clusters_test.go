package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

func TestClusters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)

	var ares store.Cluster
	n := roundTrips(t, h.Counter, func() (err error) {
		ares, err = h.Store.CreateCluster(ctx, "ares")
		return err
	})
	assert.Equal(t, 1, n)
	assert.NotZero(t, ares.ID)
	assert.Equal(t, "ares", ares.Name)
	prometheus, err := h.Store.CreateCluster(ctx, "prometheus")
	require.NoError(t, err)
	athena, err := h.Store.CreateCluster(ctx, "athena")
	require.NoError(t, err)

	_, err = h.Store.CreateCluster(ctx, "ares")
	require.ErrorIs(t, err, store.ErrConflict)
	var ce *store.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, store.ConstraintClusterName, ce.Constraint)
	assert.Equal(t, "Cluster", ce.Table)

	for _, name := range []string{"", "a\x00b", "\xff"} {
		before := h.Counter.Count()
		_, err = h.Store.CreateCluster(ctx, name)
		assert.ErrorIs(t, err, store.ErrInvalid, "%q", name)
		assert.Equal(t, before, h.Counter.Count(), "%q is refused before sending anything", name)
	}

	got, err := h.Store.GetCluster(ctx, athena.ID)
	require.NoError(t, err)
	assert.Equal(t, athena, got)
	got, err = h.Store.GetClusterByName(ctx, "prometheus")
	require.NoError(t, err)
	assert.Equal(t, prometheus, got)
	_, err = h.Store.GetCluster(ctx, 9999)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = h.Store.GetClusterByName(ctx, "Prometheus")
	assert.ErrorIs(t, err, store.ErrNotFound, "names are compared exactly")

	all, err := h.Store.ListClusters(ctx)
	require.NoError(t, err)
	assert.Len(t, all, 3)
	assert.Equal(t, []store.Cluster{ares, athena, prometheus}, all, "ordered by name")
}

func TestListClustersEmpty(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	all, err := h.Store.ListClusters(context.Background())
	require.NoError(t, err)
	assert.NotNil(t, all)
	assert.Empty(t, all)
}

func TestDeleteCluster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	used, err := h.Store.CreateCluster(ctx, "used")
	require.NoError(t, err)
	_, err = h.Store.CreateCluster(ctx, "free")
	require.NoError(t, err)
	_, err = h.Store.SubmitBatch(ctx, store.BatchSubmission{Submission: store.Submission{Title: "t",
		InputType: store.InputFiles, SimType: store.SimDummy}, ClusterID: used.ID})
	require.NoError(t, err)

	require.NoError(t, h.Store.DeleteCluster(ctx, "free"))
	assert.ErrorIs(t, h.Store.DeleteCluster(ctx, "free"), store.ErrNotFound)
	err = h.Store.DeleteCluster(ctx, "used")
	assert.ErrorIs(t, err, store.ErrStillReferenced)
	var ce *store.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, store.ConstraintBatchSimulationCluster, ce.Constraint)
	assert.ErrorIs(t, h.Store.DeleteCluster(ctx, "a\x00"), store.ErrInvalid)
	assert.Equal(t, 1, h.count(t, "Cluster"))
}
