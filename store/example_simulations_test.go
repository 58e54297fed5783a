package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/yapstore/yapstore/store"
)

// A service submits a direct simulation with its tasks and input in one statement, then reads it back the way
// its owner would.
func ExampleStore_SubmitDirect() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	user, err := s.CreatePasswordUser(ctx, "alice", "pw")
	if err != nil {
		fmt.Println(err)
		return
	}
	sim, err := s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{
			UserID:    &user.ID,
			Title:     "proton beam",
			InputType: store.InputEditor,
			SimType:   store.SimShieldhit,
			State:     store.StatePending,
			Input:     json.RawMessage(`{"input_type":"EDITOR","number_of_all_primaries":2000}`),
		},
		Tasks: []store.DirectTaskParams{
			{RequestedPrimaries: 1000, CeleryID: "c-0"},
			{RequestedPrimaries: 1000, CeleryID: "c-1"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasSuffix(sim.JobID, "DIRECT"), sim.State, sim.Platform)

	mine, err := s.GetSimulationByJobID(ctx, sim.JobID, store.OwnedBy(user.ID))
	fmt.Println(mine.Title, err)
	_, err = s.GetSimulationByJobID(ctx, sim.JobID, store.OwnedBy(user.ID+1))
	fmt.Println(errors.Is(err, store.ErrNotFound))

	tasks, err := s.ListTasks(ctx, sim.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range tasks {
		fmt.Println(t.Number, t.State, t.Direct.CeleryID)
	}
	// Output:
	// true PENDING DIRECT
	// proton beam <nil>
	// true
	// 0 PENDING c-0
	// 1 PENDING c-1
}

// A worker reports progress on a batch simulation's tasks; the service derives and records the simulation's
// state from them, as the platform's status endpoint does.
func ExampleStore_UpdateTaskProgress() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	cluster, err := s.CreateCluster(ctx, "ares")
	if err != nil {
		fmt.Println(err)
		return
	}
	sim, err := s.SubmitBatch(ctx, store.BatchSubmission{
		Submission: store.Submission{Title: "on ares", InputType: store.InputFiles, SimType: store.SimFluka, State: store.StatePending},
		ClusterID:  cluster.ID,
		Tasks:      []store.BatchTaskParams{{RequestedPrimaries: 500}, {RequestedPrimaries: 500}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	running, completed := store.StateRunning, store.StateCompleted
	progress, eta := int32(120), int32(90)
	task, applied, err := s.UpdateTaskProgress(ctx, sim.ID, 1, store.TaskUpdate{State: &running, SimulatedPrimaries: &progress, EstimatedTime: &eta})
	fmt.Println(task.State, task.SimulatedPrimaries, *task.EstimatedTime, applied, err)
	state, _ := s.SimulationStateFromTasks(ctx, sim.ID)
	fmt.Println("simulation:", state)

	for _, number := range []int32{1, 2} {
		task, _, err = s.UpdateTaskProgress(ctx, sim.ID, number, store.TaskUpdate{State: &completed})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(task.Number, task.State, task.SimulatedPrimaries)
	}
	state, _ = s.SimulationStateFromTasks(ctx, sim.ID)
	updated, applied, err := s.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: &state})
	fmt.Println("simulation:", updated.State, applied, err)

	// A late report for a finished task changes nothing.
	_, applied, _ = s.UpdateTaskProgress(ctx, sim.ID, 2, store.TaskUpdate{State: &running})
	fmt.Println(applied)
	// Output:
	// RUNNING 120 90 true <nil>
	// simulation: RUNNING
	// 1 COMPLETED 500
	// 2 COMPLETED 500
	// simulation: MERGING_QUEUED true <nil>
	// false
}

// A user's simulation list, one page at a time, newest first, with the total for the pager.
func ExampleStore_ListSimulations() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	user, err := s.CreatePasswordUser(ctx, "alice", "pw")
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range 8 {
		_, err := s.SubmitDirect(ctx, store.DirectSubmission{Submission: store.Submission{
			UserID: &user.ID, Title: fmt.Sprintf("run %d", i), InputType: store.InputEditor, SimType: store.SimDummy,
		}})
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	for page := 1; page <= 2; page++ {
		p, err := s.ListSimulations(ctx, store.SimulationQuery{UserID: user.ID, Page: page, PageSize: 5, Descending: true})
		if err != nil {
			fmt.Println(err)
			return
		}
		titles := make([]string, len(p.Simulations))
		for i, sim := range p.Simulations {
			titles[i] = sim.Title
		}
		fmt.Printf("page %d of %d (%d in all): %s\n", p.Page, p.PageCount(), p.Total, strings.Join(titles, ", "))
	}
	// Output:
	// page 1 of 2 (8 in all): run 7, run 6, run 5, run 4, run 3
	// page 2 of 2 (8 in all): run 2, run 1, run 0
}

// Cancelling stops the simulation and its unfinished tasks at once; deleting a running simulation needs Force.
func ExampleStore_CancelSimulation() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	sim, err := s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{Title: "long", InputType: store.InputEditor, SimType: store.SimTopas, State: store.StateRunning},
		Tasks:      []store.DirectTaskParams{{RequestedPrimaries: 10}, {RequestedPrimaries: 10}, {RequestedPrimaries: 10}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = s.DeleteSimulation(ctx, sim.ID)
	fmt.Println(errors.Is(err, store.ErrStillRunning))

	completed := store.StateCompleted
	if _, _, err := s.UpdateTaskProgress(ctx, sim.ID, 0, store.TaskUpdate{State: &completed}); err != nil {
		fmt.Println(err)
		return
	}
	c, err := s.CancelSimulation(ctx, sim.ID)
	fmt.Printf("%+v %v\n", c, err)
	tasks, _ := s.ListTasks(ctx, sim.ID)
	for _, t := range tasks {
		fmt.Println(t.Number, t.State)
	}
	fmt.Println(s.DeleteSimulation(ctx, sim.ID))
	// Output:
	// true
	// {Applied:true TasksCanceled:2} <nil>
	// 0 COMPLETED
	// 1 CANCELED
	// 2 CANCELED
	// <nil>
}
