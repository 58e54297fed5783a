package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/store"
)

// clusterJSON is a cluster as --json prints it.
type clusterJSON struct {
	ID   int32  `json:"id"`
	Name string `json:"cluster_name"`
}

func listClustersCommand() *cli.Command {
	return &cli.Command{
		Name:     "list-clusters",
		Section:  sectionClusters,
		Summary:  "List HPC clusters, ordered by name",
		Database: true,
		JSON:     true,
		Examples: []string{"yapstore list-clusters"},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			clusters, err := s.ListClusters(ctx)
			if err != nil {
				return err
			}
			return cli.PrintList(env, clusters, "cluster",
				func(c store.Cluster) any { return clusterJSON{c.ID, c.Name} },
				[]string{"ID", "CLUSTER NAME"}, func(c store.Cluster) []any { return []any{c.ID, c.Name} })
		}),
	}
}

func addClusterCommand() *cli.Command {
	return &cli.Command{
		Name:     "add-cluster",
		Section:  sectionClusters,
		Usage:    "CLUSTER_NAME",
		MinArgs:  1,
		MaxArgs:  1,
		Summary:  "Add the HPC cluster CLUSTER_NAME that batch simulations can run on",
		Database: true,
		JSON:     true,
		Description: `Adds a cluster by the name the platform's configuration uses for it. A name that already exists is
refused (exit code 1).`,
		Examples: []string{"yapstore add-cluster ares"},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			name := env.Args[0]
			env.Logf("Adding cluster: %s", name)
			// A database at the baseline schema has no unique key on the name: look first.
			if _, err := s.GetClusterByName(ctx, name); err == nil {
				return fmt.Errorf("cluster %q already exists", name)
			}
			c, err := s.CreateCluster(ctx, name)
			switch {
			case errors.Is(err, store.ErrConflict):
				return fmt.Errorf("cluster %q already exists", name)
			case errors.Is(err, store.ErrInvalid):
				return fmt.Errorf("cannot add cluster %q: %w", name, err)
			case err != nil:
				return err
			}
			return env.Report(clusterJSON{c.ID, c.Name}, "Added cluster %s, id %d\n", c.Name, c.ID)
		}),
	}
}

func removeClusterCommand() *cli.Command {
	return &cli.Command{
		Name:     "remove-cluster",
		Section:  sectionClusters,
		Usage:    "CLUSTER_NAME",
		MinArgs:  1,
		MaxArgs:  1,
		Summary:  "Remove the HPC cluster CLUSTER_NAME, which no batch simulation may use",
		Database: true,
		JSON:     true,
		Description: `Removes a cluster. While batch simulations refer to it, it is refused (exit code 1) and the
message says how many: remove those simulations first.`,
		Examples: []string{"yapstore remove-cluster ares"},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			name := env.Args[0]
			env.Logf("Removing cluster: %s", name)
			err := s.DeleteCluster(ctx, name)
			switch {
			case errors.Is(err, store.ErrNotFound):
				return fmt.Errorf("no cluster %q", name)
			case errors.Is(err, store.ErrStillReferenced):
				return fmt.Errorf("cluster %q is used by batch simulations; remove them first", name)
			case err != nil:
				return err
			}
			return env.Report(map[string]string{"removed": name}, "Removed cluster %s\n", name)
		}),
	}
}
