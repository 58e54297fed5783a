package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/store"
)

// taskJSON is a task as --json prints it, with the owner of its simulation.
type taskJSON struct {
	SimulationID       int32      `json:"simulation_id"`
	TaskID             int32      `json:"task_id"`
	ID                 int32      `json:"id"`
	State              string     `json:"state"`
	Platform           string     `json:"platform"`
	RequestedPrimaries int32      `json:"requested_primaries"`
	SimulatedPrimaries int32      `json:"simulated_primaries"`
	EstimatedTime      *int32     `json:"estimated_time_seconds"`
	StartTime          *time.Time `json:"start_time"`
	EndTime            *time.Time `json:"end_time"`
	LastUpdateTime     *time.Time `json:"last_update_time"`
	CeleryID           *string    `json:"celery_id,omitempty"`
	ownerJSON
}

func newTaskJSON(t store.Task, owner *int32, o owners) taskJSON {
	out := taskJSON{
		SimulationID: t.SimulationID, TaskID: t.Number, ID: t.ID, State: string(t.State), Platform: string(t.Platform),
		RequestedPrimaries: t.RequestedPrimaries, SimulatedPrimaries: t.SimulatedPrimaries, EstimatedTime: t.EstimatedTime,
		StartTime: t.StartTime, EndTime: t.EndTime, LastUpdateTime: t.LastUpdateTime, ownerJSON: o.ownerJSON(owner),
	}
	if t.Direct != nil {
		out.CeleryID = &t.Direct.CeleryID
	}
	return out
}

func listTasksCommand() *cli.Command {
	var (
		filter ownerFilter
		simID  *int32
	)
	return &cli.Command{
		Name:     "list-tasks",
		Section:  sectionSimulations,
		Summary:  "List tasks by simulation and task id",
		Database: true,
		JSON:     true,
		Description: `Lists the tasks of simulations, ordered by simulation id and then task id, with their state,
progress (simulated of requested primaries) and the owner of their simulation. Filters combine: the
tasks of one simulation, of one user's simulations, of the users of one auth provider.`,
		Flags: func(fs *cli.FlagSet) {
			fs.OptionalInt32Var(&simID, "sim_id", "ID", "only the tasks of the simulation with id ID")
			filter.register(fs, "tasks of simulations")
		},
		Examples: []string{
			"yapstore list-tasks",
			"yapstore list-tasks --sim_id 42",
			"yapstore list-tasks --user alice --auth-provider YaptideUser --json",
		},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			o, err := filter.load(ctx, s)
			if err != nil {
				return err
			}
			var sims []store.Simulation
			if simID != nil {
				sim, err := s.GetSimulation(ctx, *simID)
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("simulation %d does not exist", *simID)
				}
				if err != nil {
					return err
				}
				if o.owns(sim.UserID) {
					sims = append(sims, sim)
				}
			} else if sims, err = o.simulations(ctx, s); err != nil {
				return err
			}
			ownerOf := make(map[int32]*int32, len(sims))
			ids := make([]int32, len(sims))
			for i, sim := range sims {
				ids[i] = sim.ID
				ownerOf[sim.ID] = sim.UserID
			}
			tasks, err := s.ListTasksOfSimulations(ctx, ids)
			if err != nil {
				return err
			}
			return cli.PrintList(env, tasks, "task",
				func(t store.Task) any { return newTaskJSON(t, ownerOf[t.SimulationID], o) },
				[]string{"SIMULATION", "TASK", "STATE", "PLATFORM", "PRIMARIES", "LAST UPDATE (UTC)", "USER", "AUTH PROVIDER"},
				func(t store.Task) []any {
					user, provider := o.ownerCells(ownerOf[t.SimulationID])
					return []any{t.SimulationID, t.Number, string(t.State), string(t.Platform),
						fmt.Sprintf("%d/%d", t.SimulatedPrimaries, t.RequestedPrimaries), t.LastUpdateTime, user, provider}
				})
		}),
	}
}

func removeTaskCommand() *cli.Command {
	return &cli.Command{
		Name:     "remove-task",
		Section:  sectionSimulations,
		Usage:    "SIMULATION_ID TASK_ID",
		MinArgs:  2,
		MaxArgs:  2,
		Summary:  "Delete task TASK_ID of simulation SIMULATION_ID, and only that one",
		Database: true,
		JSON:     true,
		Description: `Deletes one task: the one numbered TASK_ID (the TASK column of list-tasks) in the simulation with id
SIMULATION_ID. Tasks with the same number in other simulations are left alone. The simulation's state
is not changed.`,
		Examples: []string{
			"yapstore remove-task 42 3",
		},
		Run: func(ctx context.Context, env *cli.Env) error {
			simID, err := parseID(env.Args[0], "SIMULATION_ID")
			if err != nil {
				return err
			}
			number, err := parseID(env.Args[1], "TASK_ID")
			if err != nil {
				return err
			}
			return withStore(ctx, env, func(s *store.Store) error {
				env.Logf("Deleting task: %d from simulation: %d", number, simID)
				err := s.DeleteTask(ctx, simID, number)
				if errors.Is(err, store.ErrNotFound) {
					if _, simErr := s.GetSimulation(ctx, simID); errors.Is(simErr, store.ErrNotFound) {
						return fmt.Errorf("simulation %d does not exist", simID)
					}
					return fmt.Errorf("simulation %d has no task %d", simID, number)
				}
				if err != nil {
					return err
				}
				return env.Report(struct {
					SimulationID int32 `json:"simulation_id"`
					TaskID       int32 `json:"task_id"`
				}{simID, number}, "Deleted task %d of simulation %d\n", number, simID)
			})
		},
	}
}
