package bench

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/yapstore/yapstore/store"
)

// storeImpl runs the workloads through yapstore's store package, the way a service would call it.
type storeImpl struct{ s *store.Store }

// OpenStore is the Opener of yapstore itself: a store.Store opened on the target's database with a pool of
// conns connections (what a service with conns concurrent workers configures) and tracer installed, and
// with the target's replica (store.WithReplicas) when it names one.
func OpenStore(ctx context.Context, target Target, conns int32, tracer pgx.QueryTracer) (Impl, error) {
	return OpenStoreWith()(ctx, target, conns, tracer)
}

// OpenStoreWith returns the Opener of yapstore with options of the caller's: OpenStore's Store, opened with
// extra after its own options (store.WithGroupCommit, for one).
func OpenStoreWith(extra ...store.Option) Opener {
	return func(ctx context.Context, target Target, conns int32, tracer pgx.QueryTracer) (Impl, error) {
		opts := []store.Option{store.WithMaxConns(conns)}
		if tracer != nil {
			opts = append(opts, store.WithTracer(tracer))
		}
		if target.ReplicaURL != "" {
			opts = append(opts, store.WithReplicas(target.ReplicaURL))
		}
		s, err := store.Open(ctx, target.URL, append(opts, extra...)...)
		if err != nil {
			return nil, err
		}
		return &storeImpl{s: s}, nil
	}
}

func (i *storeImpl) Name() string        { return "yapstore" }
func (i *storeImpl) Pool() *pgxpool.Pool { return i.s.Pool() }
func (i *storeImpl) Close()              { i.s.Close() }

// Submit queues the submission and the move to Pending (addressed by the job id the submission will have) on
// one store.Pipeline: one round trip and one commit, as a service submitting a job does.
func (i *storeImpl) Submit(ctx context.Context, sub Submission) (SubmittedSimulation, error) {
	tasks := make([]store.DirectTaskParams, len(sub.CeleryIDs))
	for n, id := range sub.CeleryIDs {
		tasks[n] = store.DirectTaskParams{RequestedPrimaries: 1000, CeleryID: id}
	}
	owner := sub.UserID
	b := i.s.NewPipeline()
	submitted := b.SubmitDirect(store.DirectSubmission{
		Submission: store.Submission{
			UserID: &owner, Title: "bench", InputType: store.InputEditor, SimType: store.SimShieldhit,
			State: store.StateUnknown, Input: sub.Input,
		},
		Tasks: tasks,
	})
	state := store.StatePending
	pending := b.UpdateSimulationByJobID(submitted.JobID, store.SimulationUpdate{State: &state})
	if err := b.Send(ctx); err != nil {
		return SubmittedSimulation{}, err
	}
	sim, err := submitted.Get()
	if err != nil {
		return SubmittedSimulation{}, err
	}
	if updated, err := pending.Get(); err != nil {
		return SubmittedSimulation{}, err
	} else if !updated.Applied {
		return SubmittedSimulation{}, fmt.Errorf("%w: simulation %s was not moved to PENDING", ErrCheck, sim.JobID)
	}
	return SubmittedSimulation{ID: sim.ID, JobID: sim.JobID}, nil
}

func (i *storeImpl) UpdateTask(ctx context.Context, u TaskProgress) (bool, error) {
	update := store.TaskUpdate{
		SimulatedPrimaries: u.SimulatedPrimaries, EstimatedTime: u.EstimatedTime,
		StartTime: u.StartTime, EndTime: u.EndTime,
	}
	if u.State != "" {
		state := store.State(u.State)
		update.State = &state
	}
	return i.s.ReportTaskProgress(ctx, u.SimulationID, u.Number, update)
}

func (i *storeImpl) IngestResults(ctx context.Context, simulationID int32, payload []byte) error {
	saved, err := i.s.SaveResultsJSON(ctx, simulationID, payload)
	if err != nil {
		return err
	}
	if saved.Pages == 0 {
		return fmt.Errorf("%w: yapstore saved no pages for simulation %d", ErrCheck, simulationID)
	}
	return nil
}

func (i *storeImpl) ReadResults(ctx context.Context, jobID string) ([]EstimatorValues, error) {
	estimators, err := i.s.GetResults(ctx, jobID)
	if err != nil {
		return nil, err
	}
	out := make([]EstimatorValues, len(estimators))
	for n, est := range estimators {
		pages := make([]json.RawMessage, len(est.Pages))
		for p, page := range est.Pages {
			pages[p] = page.Data
		}
		out[n] = EstimatorValues{Name: est.Name, Metadata: est.Metadata, Pages: pages}
	}
	return out, nil
}

func (i *storeImpl) ListSimulations(ctx context.Context, q ListQuery) (ListPage, error) {
	states := make([]store.State, 0, 2)
	for _, st := range listStates() {
		states = append(states, store.State(st))
	}
	page, err := i.s.ListSimulations(ctx, store.SimulationQuery{
		UserID: q.UserID, PageSize: listPageSize, Page: q.Page, OrderBy: store.OrderByStartTime,
		Descending: true, States: states,
	})
	if err != nil {
		return ListPage{}, err
	}
	out := ListPage{Rows: len(page.Simulations), Total: page.Total}
	if len(page.Simulations) > 0 {
		out.FirstID = page.Simulations[0].ID
	}
	return out, nil
}
