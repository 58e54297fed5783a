package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/store"
)

// simulationJSON is a simulation as --json prints it, with its owner and its platform's fields.
type simulationJSON struct {
	ID        int32      `json:"id"`
	JobID     string     `json:"job_id"`
	Title     string     `json:"title"`
	State     string     `json:"state"`
	Platform  string     `json:"platform"`
	InputType string     `json:"input_type"`
	SimType   string     `json:"sim_type"`
	StartTime *time.Time `json:"start_time"`
	EndTime   *time.Time `json:"end_time"`
	ownerJSON
	MergeID   *string `json:"merge_id,omitempty"`
	ClusterID *int32  `json:"cluster_id,omitempty"`
	JobDir    *string `json:"job_dir,omitempty"`
	ArrayID   *int32  `json:"array_id,omitempty"`
	CollectID *int32  `json:"collect_id,omitempty"`
}

func newSimulationJSON(sim store.Simulation, o owners) simulationJSON {
	out := simulationJSON{
		ID: sim.ID, JobID: sim.JobID, Title: sim.Title, State: string(sim.State), Platform: string(sim.Platform),
		InputType: string(sim.InputType), SimType: string(sim.SimType), StartTime: sim.StartTime, EndTime: sim.EndTime,
		ownerJSON: o.ownerJSON(sim.UserID),
	}
	if sim.Direct != nil {
		out.MergeID = sim.Direct.MergeID
	}
	if sim.Batch != nil {
		out.ClusterID, out.JobDir, out.ArrayID, out.CollectID = &sim.Batch.ClusterID, sim.Batch.JobDir, sim.Batch.ArrayID, sim.Batch.CollectID
	}
	return out
}

// maxTitleWidth keeps long titles from stretching the table; --json prints them whole.
const maxTitleWidth = 40

func shorten(s string, width int) string {
	r := []rune(s)
	if len(r) <= width {
		return s
	}
	return string(r[:width-3]) + "..."
}

func listSimulationsCommand() *cli.Command {
	var filter ownerFilter
	return &cli.Command{
		Name:     "list-simulations",
		Section:  sectionSimulations,
		Usage:    "",
		Summary:  "List simulations, newest first",
		Database: true,
		JSON:     true,
		Description: `Lists simulations with their owner, newest first (by start time, then id). Simulations whose owner
was never recorded are listed too (their user shows as "-") unless a filter is given.`,
		Flags: func(fs *cli.FlagSet) { filter.register(fs, "simulations") },
		Examples: []string{
			"yapstore list-simulations",
			"yapstore list-simulations --user alice --auth-provider KeycloakUser",
			"yapstore list-simulations --json | jq '.[] | select(.state == \"RUNNING\") | .id'",
		},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			o, err := filter.load(ctx, s)
			if err != nil {
				return err
			}
			sims, err := o.simulations(ctx, s)
			if err != nil {
				return err
			}
			return cli.PrintList(env, sims, "simulation",
				func(sim store.Simulation) any { return newSimulationJSON(sim, o) },
				[]string{"ID", "JOB ID", "STATE", "PLATFORM", "SIM TYPE", "START (UTC)", "END (UTC)", "USER", "AUTH PROVIDER", "TITLE"},
				func(sim store.Simulation) []any {
					user, provider := o.ownerCells(sim.UserID)
					return []any{sim.ID, sim.JobID, string(sim.State), string(sim.Platform), string(sim.SimType),
						sim.StartTime, sim.EndTime, user, provider, shorten(sim.Title, maxTitleWidth)}
				})
		}),
	}
}

func removeSimulationCommand() *cli.Command {
	var force bool
	return &cli.Command{
		Name:     "remove-simulation",
		Section:  sectionSimulations,
		Usage:    "SIMULATION_ID",
		MinArgs:  1,
		MaxArgs:  1,
		Summary:  "Delete a simulation with its tasks, input, results and logs",
		Database: true,
		JSON:     true,
		Confirm:  true,
		Description: `Deletes the simulation with id SIMULATION_ID (the ID column of list-simulations) and everything under
it, in one statement, after a confirmation on the terminal (--yes instead, which is required when standard
input is not a terminal). A simulation still pending, running or merging is not deleted unless --force is
given: its workers would keep reporting to a simulation that no longer exists.`,
		Flags: func(fs *cli.FlagSet) {
			fs.BoolVar(&force, "force", "delete the simulation even while it is pending, running or merging")
		},
		Examples: []string{
			"yapstore remove-simulation 42",
			"yapstore remove-simulation 42 --force --yes",
		},
		Run: func(ctx context.Context, env *cli.Env) error {
			id, err := parseID(env.Args[0], "SIMULATION_ID")
			if err != nil {
				return err
			}
			return withStore(ctx, env, func(s *store.Store) error {
				env.Logf("Deleting simulation: %d", id)
				sim, err := s.GetSimulation(ctx, id)
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("simulation %d does not exist", id)
				}
				if err != nil {
					return err
				}
				var opts []store.DeleteSimulationOption
				if force {
					opts = append(opts, store.Force())
				} else if sim.State.Active() {
					return fmt.Errorf("simulation %d (%s) is still %s; pass --force to delete it anyway", id, sim.JobID, sim.State)
				}
				question := fmt.Sprintf("Delete simulation %d (%s, %s) with its tasks, input, results and logs?", id, sim.JobID, sim.State)
				if err := env.Confirm(ctx, question); err != nil {
					return err
				}
				err = s.DeleteSimulation(ctx, id, opts...)
				switch {
				case errors.Is(err, store.ErrStillRunning):
					return fmt.Errorf("simulation %d (%s) is still %s; pass --force to delete it anyway", id, sim.JobID, sim.State)
				case errors.Is(err, store.ErrNotFound):
					return fmt.Errorf("simulation %d does not exist", id)
				case err != nil:
					return err
				}
				return env.Report(struct {
					ID    int32  `json:"id"`
					JobID string `json:"job_id"`
					State string `json:"state"`
				}{sim.ID, sim.JobID, string(sim.State)},
					"Deleted simulation %d (%s) with its tasks, input, results and logs\n", id, sim.JobID)
			})
		},
	}
}

// parseID parses a row id given as an argument, or returns a usage error naming the argument.
func parseID(s, name string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, cli.Usagef("%s must be a whole number, not %q", name, s)
	}
	return int32(n), nil
}
