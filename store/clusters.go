package store

import (
	"context"
	"strings"
)

// Cluster is an HPC cluster that batch simulations run on.
type Cluster struct {
	ID   int32
	Name string
}

// CreateCluster adds the cluster named name and returns it. It returns ErrInvalid for a name that is empty,
// blank, longer than MaxNameBytes, or has a NUL byte or invalid UTF-8, and ErrConflict (a *ConstraintError
// naming _cluster_name_uc) when a cluster with that name exists.
func (s *Store) CreateCluster(ctx context.Context, name string) (Cluster, error) {
	if err := checkName("cluster name", name); err != nil {
		return Cluster{}, err
	}
	if strings.TrimSpace(name) == "" {
		return Cluster{}, invalidf("blank cluster name")
	}
	row, err := queries.CreateCluster(ctx, s.exec(), name)
	if err != nil {
		return Cluster{}, mapError(err)
	}
	return Cluster{ID: row.ID, Name: row.ClusterName}, nil
}

// GetCluster returns the cluster with id id, or ErrNotFound.
func (s *Store) GetCluster(ctx context.Context, id int32) (Cluster, error) {
	row, err := queries.GetCluster(ctx, s.exec(), id)
	if err != nil {
		return Cluster{}, notFoundOr(mapError(err), "cluster %d", id)
	}
	return Cluster{ID: row.ID, Name: row.ClusterName}, nil
}

// GetClusterByName returns the cluster named name, or ErrNotFound. A name no cluster can have (see
// CreateCluster) gives ErrInvalid without a round trip.
func (s *Store) GetClusterByName(ctx context.Context, name string) (Cluster, error) {
	if err := checkName("cluster name", name); err != nil {
		return Cluster{}, err
	}
	row, err := queries.GetClusterByName(ctx, s.exec(), name)
	if err != nil {
		return Cluster{}, notFoundOr(mapError(err), "cluster %q", name)
	}
	return Cluster{ID: row.ID, Name: row.ClusterName}, nil
}

// ListClusters returns every cluster ordered by name. An empty database gives an empty slice.
func (s *Store) ListClusters(ctx context.Context) ([]Cluster, error) {
	rows, err := queries.ListClusters(ctx, s.exec())
	if err != nil {
		return nil, mapError(err)
	}
	clusters := make([]Cluster, len(rows))
	for i, r := range rows {
		clusters[i] = Cluster{ID: r.ID, Name: r.ClusterName}
	}
	return clusters, nil
}

// DeleteCluster deletes the cluster named name. It returns ErrNotFound when there is none, ErrStillReferenced
// (a *ConstraintError naming BatchSimulation_cluster_id_fkey) while batch simulations use it, and ErrInvalid
// without a round trip for a name no cluster can have.
func (s *Store) DeleteCluster(ctx context.Context, name string) error {
	if err := checkName("cluster name", name); err != nil {
		return err
	}
	n, err := queries.DeleteCluster(ctx, s.exec(), name)
	if err != nil {
		return mapDeleteError(err)
	}
	if n == 0 {
		return notFoundf("cluster %q", name)
	}
	return nil
}
