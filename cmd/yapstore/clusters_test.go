package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

func TestClusters(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)

	r := yapDB(t, db.URL, "list-clusters")
	requireOK(t, r)
	require.Equal(t, "0 clusters in DB:\nID  CLUSTER NAME\n", r.stdout)

	for _, name := range []string{"prometheus", "ares", "athena"} {
		r = yapDB(t, db.URL, "add-cluster", name)
		requireOK(t, r)
		require.Regexp(t, `^Added cluster `+name+`, id \d+\n$`, r.stdout)
	}
	r = yapDB(t, db.URL, "add-cluster", "ares")
	requireFailure(t, r, 1, `cluster "ares" already exists`)

	r = yapDB(t, db.URL, "list-clusters")
	requireOK(t, r)
	require.Contains(t, r.stdout, "3 clusters in DB:\n")
	var names []string
	for _, row := range tableRows(t, r.stdout) {
		names = append(names, row[1])
	}
	require.Equal(t, []string{"ares", "athena", "prometheus"}, names, "ordered by name")

	r = yapDB(t, db.URL, "list-clusters", "--json")
	requireOK(t, r)
	var clusters []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &clusters))
	require.Len(t, clusters, 3)
	require.Equal(t, "ares", clusters[0]["cluster_name"])

	r = yapDB(t, db.URL, "add-cluster")
	requireFailure(t, r, 2, "missing CLUSTER_NAME")
}

// TestRemoveCluster removes an unused cluster, refuses one a batch simulation runs on and one that does not
// exist, and a blank name.
func TestRemoveCluster(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := storetest.New(t)
	for _, name := range []string{"ares", "athena"} {
		requireOK(t, yapDB(t, db.URL, "add-cluster", name))
	}
	athena, err := db.Store.GetClusterByName(ctx, "athena")
	require.NoError(t, err)
	_, err = db.Store.SubmitBatch(ctx, store.BatchSubmission{Submission: store.Submission{Title: "t",
		InputType: store.InputFiles, SimType: store.SimDummy}, ClusterID: athena.ID})
	require.NoError(t, err)

	r := yapDB(t, db.URL, "remove-cluster", "ares")
	requireOK(t, r)
	require.Equal(t, "Removed cluster ares\n", r.stdout)
	requireFailure(t, yapDB(t, db.URL, "remove-cluster", "ares"), 1, `no cluster "ares"`)
	requireFailure(t, yapDB(t, db.URL, "remove-cluster", "athena"), 1, `cluster "athena" is used by batch simulations`)
	requireFailure(t, yapDB(t, db.URL, "add-cluster", "  "), 1, "blank cluster name")
	_, err = db.Store.GetClusterByName(ctx, "athena")
	require.NoError(t, err, "the used cluster is still there")
}
