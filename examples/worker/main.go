// Command worker shows the worker side of a simulation: tasks report their progress while they run, the
// service derives the simulation's state from them as the platform's status endpoint does, and when every
// task is done the results and log files are posted.
//
//	go run ./examples/worker
//
// Like the quickstart it runs on a scratch database (DATABASE_URL's server, or a throwaway one) that it
// removes before it exits.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/yapstore/yapstore/examples/internal/demo"
	"github.com/yapstore/yapstore/store"
)

const (
	tasks          = 4
	primaries      = 40_000 // per task
	reportsPerTask = 5
)

func main() { demo.Main("worker", run) }

func run(ctx context.Context) (err error) {
	s, cleanup, err := demo.OpenStore(ctx, "worker")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, cleanup()) }()

	// The service accepts a simulation and queues its tasks.
	params := make([]store.DirectTaskParams, tasks)
	for i := range params {
		params[i] = store.DirectTaskParams{RequestedPrimaries: primaries, CeleryID: fmt.Sprintf("celery-%d", i)}
	}
	sim, err := s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{Title: "worker demo", InputType: store.InputFiles, SimType: store.SimDummy,
			Input: json.RawMessage(`{"input_type": "files", "input_files": {}, "number_of_all_primaries": 160000}`)},
		Tasks: params,
	})
	if err != nil {
		return err
	}
	pending := store.StatePending
	if _, _, err := s.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: &pending}); err != nil {
		return err
	}
	fmt.Printf("simulation %s queued with %d tasks\n", sim.JobID, tasks)

	// Each task runs on a worker of its own and reports progress; each report is one statement.
	// The first worker that fails stops the others.
	workersCtx, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	var workers sync.WaitGroup
	failures := make([]error, tasks)
	for number := range int32(tasks) {
		workers.Go(func() {
			if err := runTask(workersCtx, s, sim.ID, number); err != nil {
				failures[number] = err
				stopWorkers()
			}
		})
	}

	// Meanwhile the service answers status requests: it derives the simulation's state from its tasks and
	// records it, until the tasks are done.
	done := make(chan error, 1)
	go func() {
		workers.Wait()
		done <- errors.Join(failures...)
	}()
	ticker := time.NewTicker(40 * time.Millisecond)
	defer ticker.Stop()
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			running = false
		case <-ticker.C:
		}
		if err := reportStatus(ctx, s, sim.ID); err != nil {
			return err
		}
	}

	// With every task done, the worker posts the results (which complete the simulation) and its logs.
	payload, _, err := demo.ResultsPayload()
	if err != nil {
		return err
	}
	saved, err := s.SaveResultsJSON(ctx, sim.ID, payload)
	if err != nil {
		return err
	}
	logs := map[string]string{"dummy_0.log": "simulation finished\n"}
	if err := s.SaveLogfiles(ctx, sim.ID, logs); err != nil {
		return err
	}
	final, err := s.GetSimulation(ctx, sim.ID)
	if err != nil {
		return err
	}
	fmt.Printf("results posted (%d estimators, %d pages); simulation %s\n", saved.Estimators, saved.Pages, final.State)
	return nil
}

// runTask plays one task: it starts, reports its simulated primaries and the time it expects to need a few
// times, and completes, which sets the simulated primaries to the requested ones.
func runTask(ctx context.Context, s *store.Store, simulationID, number int32) error {
	running, completed := store.StateRunning, store.StateCompleted
	started := time.Now()
	for report := range int32(reportsPerTask) {
		done := primaries / reportsPerTask * report
		left := int32(reportsPerTask - report) // seconds, as a worker would estimate them
		update := store.TaskUpdate{State: &running, SimulatedPrimaries: &done, EstimatedTime: &left}
		if report == 0 {
			update.StartTime = &started // taken once; later reports could repeat it harmlessly
		}
		if _, _, err := s.UpdateTaskProgress(ctx, simulationID, number, update); err != nil {
			return fmt.Errorf("task %d: %w", number, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(20+10*number) * time.Millisecond):
		}
	}
	ended := time.Now()
	task, applied, err := s.UpdateTaskProgress(ctx, simulationID, number, store.TaskUpdate{State: &completed, EndTime: &ended})
	if err != nil {
		return fmt.Errorf("task %d: %w", number, err)
	}
	if applied {
		fmt.Printf("  task %d completed: %d of %d primaries in %v\n", number, task.SimulatedPrimaries,
			task.RequestedPrimaries, task.EndTime.Sub(*task.StartTime).Round(time.Millisecond))
	}
	// A report that arrives after the end (a retried message, say) changes nothing: the task is terminal.
	late := int32(1)
	_, applied, err = s.UpdateTaskProgress(ctx, simulationID, number, store.TaskUpdate{State: &running, SimulatedPrimaries: &late})
	if err != nil {
		return fmt.Errorf("task %d: %w", number, err)
	}
	if applied {
		return fmt.Errorf("task %d: a report after the end was applied", number)
	}
	return nil
}

// reportStatus derives the simulation's state from its tasks and records it when it changed.
func reportStatus(ctx context.Context, s *store.Store, simulationID int32) error {
	state, err := s.SimulationStateFromTasks(ctx, simulationID)
	if err != nil {
		return err
	}
	sim, err := s.GetSimulation(ctx, simulationID)
	if err != nil {
		return err
	}
	if state == sim.State {
		return nil
	}
	if _, _, err := s.UpdateSimulation(ctx, simulationID, store.SimulationUpdate{State: &state}); err != nil {
		return err
	}
	running, err := s.ListTasks(ctx, simulationID, store.StateRunning)
	if err != nil {
		return err
	}
	fmt.Printf("  simulation %s -> %s (%d tasks running)\n", sim.State, state, len(running))
	return nil
}
