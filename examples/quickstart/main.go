// Command quickstart walks through yapstore's main flow on a scratch database: migrate, create a user, submit
// a simulation with its tasks, report the tasks' progress, save results, read them back, and clean up.
//
//	go run ./examples/quickstart
//
// It needs nothing set up: with DATABASE_URL set it makes its scratch database on that server, otherwise it
// finds or starts a throwaway PostgreSQL (see package pgserver). It drops the database, and stops a server it
// started, before it exits.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/yapstore/yapstore/examples/internal/demo"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/store"
)

func main() { demo.Main("quickstart", run) }

func run(ctx context.Context) (err error) {
	logf := demo.Printf
	db, err := demo.OpenDatabase(ctx, "quickstart", logf)
	if err != nil {
		return err
	}
	defer func() {
		// Clean up even after Ctrl-C. The Store, deferred later, is closed by then.
		if closeErr := db.Close(context.WithoutCancel(ctx)); closeErr != nil {
			err = errors.Join(err, fmt.Errorf("clean up: %w", closeErr))
			return
		}
		if db.Throwaway {
			logf("cleaned up: scratch database dropped, throwaway server stopped")
		} else {
			logf("cleaned up: scratch database dropped")
		}
	}()
	logf("PostgreSQL: %s", db.Server)

	// Apply the embedded migrations (under the same lock as the Atlas CLI), then connect.
	if _, err := migrate.Apply(ctx, db.URL); err != nil {
		return err
	}
	s, err := store.Open(ctx, db.URL)
	if err != nil {
		return err
	}
	defer s.Close()

	// A user who signs in with a password (stored as a Werkzeug-compatible scrypt hash).
	user, err := s.CreatePasswordUser(ctx, "alice", "correct horse battery staple")
	if err != nil {
		return err
	}
	if _, err := s.Authenticate(ctx, "alice", "correct horse battery staple"); err != nil {
		return err
	}
	logf("user %q (id %d) created and authenticated", user.Username, user.ID)

	// Submit a simulation: the simulation, its 4 tasks and its input are written in one statement.
	sim, err := s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{
			UserID: &user.ID, Title: "proton beam in water", InputType: store.InputFiles, SimType: store.SimShieldhit,
			Input: json.RawMessage(`{"input_type": "files", "number_of_all_primaries": 10000,
				"input_files": {"beam.dat": "JPART0 2\nTMAX0 150.0\n", "geo.dat": "...", "mat.dat": "...", "detect.dat": "..."}}`),
		},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 2500}, {RequestedPrimaries: 2500},
			{RequestedPrimaries: 2500}, {RequestedPrimaries: 2500}},
	})
	if err != nil {
		return err
	}
	logf("submitted %s (4 tasks), state %s", sim.JobID, sim.State)
	pending := store.StatePending
	if _, _, err := s.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: &pending}); err != nil {
		return err
	}

	// Workers report progress, task by task: running, halfway, done. Each report is one statement.
	for number := range int32(4) {
		started, running, completed := time.Now(), store.StateRunning, store.StateCompleted
		half, left := int32(1250), int32(30)
		if _, _, err := s.UpdateTaskProgress(ctx, sim.ID, number, store.TaskUpdate{
			State: &running, StartTime: &started, SimulatedPrimaries: &half, EstimatedTime: &left,
		}); err != nil {
			return err
		}
		if number == 0 {
			state, err := s.SimulationStateFromTasks(ctx, sim.ID)
			if err != nil {
				return err
			}
			if _, _, err := s.UpdateSimulation(ctx, sim.ID, store.SimulationUpdate{State: &state}); err != nil {
				return err
			}
			logf("task 0 running: the simulation is now %s", state)
		}
		ended := time.Now()
		if _, _, err := s.UpdateTaskProgress(ctx, sim.ID, number, store.TaskUpdate{State: &completed, EndTime: &ended}); err != nil {
			return err
		}
	}
	tasks, err := s.ListTasks(ctx, sim.ID, store.StateCompleted)
	if err != nil {
		return err
	}
	logf("tasks completed: %d of 4", len(tasks))

	// The worker posts the results: every estimator and page is upserted in one statement, and the
	// simulation becomes Completed.
	payload, source, err := demo.ResultsPayload()
	if err != nil {
		return err
	}
	start := time.Now()
	saved, err := s.SaveResultsJSON(ctx, sim.ID, payload)
	if err != nil {
		return err
	}
	logf("results saved in %v: %d estimators, %d pages (%d kB from %s)", time.Since(start).Round(time.Millisecond),
		saved.Estimators, saved.Pages, len(payload)/1000, source)

	// Alice reads them back: one statement, every blob decompressed in parallel.
	start = time.Now()
	estimators, err := s.GetResults(ctx, sim.JobID, store.OwnedBy(user.ID))
	if err != nil {
		return err
	}
	logf("results read back in %v:", time.Since(start).Round(time.Millisecond))
	for _, est := range estimators {
		var pages []string
		for _, p := range est.Pages {
			pages = append(pages, fmt.Sprintf("%d %s (%d-D)", p.Number, p.Name, p.Dimension))
		}
		logf("  %-12s %s", est.Name, strings.Join(pages, ", "))
	}
	same, err := sameResults(payload, estimators)
	if err != nil {
		return err
	}
	if !same {
		return errors.New("the results read back differ from the payload")
	}
	logf("read back equal to the payload, value by value")

	// A few pages by the platform's page-spec text, and what another user sees.
	pages, err := s.GetPagesBySpec(ctx, sim.JobID, estimators[0].Name, "0-1", store.OwnedBy(user.ID))
	if err != nil {
		return err
	}
	logf("pages 0-1 of %s: %d pages, %d bytes of JSON", estimators[0].Name, len(pages), len(pages[0].Data)+len(pages[1].Data))
	if _, err := s.GetResults(ctx, sim.JobID, store.OwnedBy(user.ID+1)); errors.Is(err, store.ErrNotFound) {
		logf("another user asking for %s: not found", sim.JobID)
	}
	final, err := s.GetSimulation(ctx, sim.ID)
	if err != nil {
		return err
	}
	logf("simulation %q is %s", final.Title, final.State)
	return nil
}

// sameResults reports whether the estimators read back hold the same values as the payload's "estimators".
func sameResults(payload []byte, estimators []store.Estimator) (bool, error) {
	var sent struct{ Estimators any }
	if err := decode(payload, &sent); err != nil {
		return false, err
	}
	text, err := json.Marshal(store.ResultsOf(estimators))
	if err != nil {
		return false, err
	}
	var read struct{ Estimators any }
	if err := decode(text, &read); err != nil {
		return false, err
	}
	return reflect.DeepEqual(sent.Estimators, read.Estimators), nil
}

// decode decodes JSON keeping numbers as their text, so that equal values compare equal exactly.
func decode(text []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	return dec.Decode(v)
}
