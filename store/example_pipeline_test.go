package store_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/yapstore/yapstore/store"
)

// A service submits a simulation and, once its jobs are queued, moves it to Pending together with its merge
// job's id: both sent in one round trip and committed together, the second addressed by the job id the
// submission will have.
func ExamplePipeline() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	b := s.NewPipeline()
	submitted := b.SubmitDirect(store.DirectSubmission{
		Submission: store.Submission{
			Title: "proton beam", InputType: store.InputEditor, SimType: store.SimShieldhit,
			Input: json.RawMessage(`{"input_type":"EDITOR","number_of_all_primaries":1000}`),
		},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 1000, CeleryID: "c-0"}},
	})
	pending := store.StatePending
	queued := b.UpdateSimulationByJobID(submitted.JobID, store.SimulationUpdate{State: &pending, MergeID: refTo("merge-0")})
	if err := b.Send(ctx); err != nil {
		fmt.Println(err)
		return
	}

	sim, err := submitted.Get()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("submitted as", sim.State)
	updated, err := queued.Get()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("now", updated.Simulation.State, *updated.Simulation.Direct.MergeID, updated.Applied)
	// Output:
	// submitted as UNKNOWN
	// now PENDING merge-0 true
}

// A worker that runs several tasks reports their progress at once: one round trip, each task's outcome on its
// own handle.
func ExamplePipeline_UpdateTaskProgress() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	sim, err := s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{Title: "two tasks", InputType: store.InputEditor, SimType: store.SimShieldhit},
		Tasks:      []store.DirectTaskParams{{RequestedPrimaries: 500}, {RequestedPrimaries: 500}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	running, completed := store.StateRunning, store.StateCompleted
	b := s.NewPipeline()
	reports := []*store.Queued[store.UpdatedTask]{
		b.UpdateTaskProgress(sim.ID, 0, store.TaskUpdate{State: &running, SimulatedPrimaries: refTo(int32(250))}),
		b.UpdateTaskProgress(sim.ID, 1, store.TaskUpdate{State: &completed}),
		b.UpdateTaskProgress(sim.ID, 2, store.TaskUpdate{State: &running}),
	}
	if err := b.Send(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for n, r := range reports {
		got, err := r.Get()
		if err != nil {
			fmt.Println(n, err)
			continue
		}
		fmt.Println(n, got.Task.State, got.Task.SimulatedPrimaries, got.Applied)
	}
	// Output:
	// 0 RUNNING 250 true
	// 1 COMPLETED 500 true
	// 2 yapstore: not found: task 2 of simulation 1
}
