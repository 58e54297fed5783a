package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/yapstore/yapstore/store"
)

// Identify returns the id of the user a request is made for, or an error when the request carries no valid
// credentials. Authentication is the service's concern, not the store's: the platform checks a session
// cookie; a service plugs in what it uses (a session, a JWT, mutual TLS) here. The handler answers 401 with
// the platform's message when it fails.
type Identify func(r *http.Request) (userID int32, err error)

// VerifyUpdateKey reports whether key is the update key the platform signed for the simulation with id
// simulationID (workers receive it with their job). The platform signs the simulation id; a service checks it
// with the same secret.
type VerifyUpdateKey func(simulationID int32, key string) bool

// service answers three of the platform's endpoints from a Store.
type service struct {
	store     *store.Store
	identify  Identify
	verifyKey VerifyUpdateKey
	log       *slog.Logger
}

// newHandler returns the service's routes: GET /results, GET /user/simulations and POST /tasks, in the
// platform's request and response shapes.
func newHandler(s *store.Store, identify Identify, verifyKey VerifyUpdateKey, log *slog.Logger) http.Handler {
	svc := &service{store: s, identify: identify, verifyKey: verifyKey, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /results", svc.user(svc.results))
	mux.HandleFunc("GET /user/simulations", svc.user(svc.simulations))
	mux.HandleFunc("POST /tasks", svc.tasks)
	return mux
}

// user wraps a handler of a signed-in user's request, answering 401 when identify refuses the request.
func (svc *service) user(h func(w http.ResponseWriter, r *http.Request, userID int32)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		userID, err := svc.identify(r)
		if err != nil {
			reply(w, http.StatusUnauthorized, "Unauthorized", nil)
			return
		}
		h(w, r, userID)
	}
}

// results answers GET /results?job_id=J, optionally narrowed to one estimator (estimator_name=N) and to some of
// its pages (page_number=K or page_numbers="1-3,5"). Only the simulation's owner sees it. The body is written
// as it is encoded (the whole results streamed by Store.WriteResults), the pages' texts as stored, NaN
// included.
func (svc *service) results(w http.ResponseWriter, r *http.Request, userID int32) {
	q := r.URL.Query()
	jobID, name := q.Get("job_id"), q.Get("estimator_name")
	if jobID == "" {
		reply(w, http.StatusBadRequest, "Missing keys in query: job_id", nil)
		return
	}
	owned := store.OwnedBy(userID)
	ctx := r.Context()
	if name == "" {
		// What there is, without a blob (one small statement): the platform answers 404 when there are no
		// results, and names the simulation in its message. Then the body is streamed: pages are inflated and
		// written one after another, so a large result never sits in memory whole.
		infos, err := svc.store.ListPageInfo(ctx, jobID, owned)
		if err == nil && len(infos) == 0 {
			err = store.ErrNotFound
		}
		if err != nil {
			svc.fail(w, r, err, "Results are unavailable")
			return
		}
		message := fmt.Sprintf("Results for simulation: %d", infos[0].SimulationID)
		svc.stream(w, r, message, func(out io.Writer) error { return svc.store.WriteResults(ctx, out, jobID, owned) })
		return
	}
	var (
		est store.Estimator
		err error
	)
	if spec := cmp.Or(q.Get("page_numbers"), q.Get("page_number")); spec == "" {
		est, err = svc.store.GetEstimator(ctx, jobID, name, owned)
	} else {
		var numbers []int32
		if numbers, err = store.ParsePageSpec(spec); err == nil {
			est, err = svc.store.GetEstimatorPages(ctx, jobID, name, numbers, owned)
		}
	}
	if err != nil {
		svc.fail(w, r, err, "Results are unavailable")
		return
	}
	svc.stream(w, r, "Results for estimator: "+name, store.ResultsOf([]store.Estimator{est}).Estimators[0].WriteJSON)
}

// simulations answers GET /user/simulations with the signed-in user's simulations, a page at a time.
func (svc *service) simulations(w http.ResponseWriter, r *http.Request, userID int32) {
	q := r.URL.Query()
	query := store.SimulationQuery{UserID: userID, Descending: true}
	var problems []string
	intParam := func(key string, into *int) {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				problems = append(problems, key+" is not an integer")
			}
			*into = n
		}
	}
	intParam("page_size", &query.PageSize)
	intParam("page_idx", &query.Page)
	switch q.Get("order_by") {
	case "", "start_time":
	case "end_time":
		query.OrderBy = store.OrderByEndTime
	default:
		problems = append(problems, "order_by must be start_time or end_time")
	}
	switch q.Get("order_type") {
	case "", "descend":
	case "ascend":
		query.Descending = false
	default:
		problems = append(problems, "order_type must be ascend or descend")
	}
	if states := q.Get("job_state"); states != "" {
		for _, s := range strings.Split(states, ",") {
			state, err := store.ParseState(strings.TrimSpace(s))
			if err != nil {
				problems = append(problems, fmt.Sprintf("unknown job_state %q", s))
			}
			query.States = append(query.States, state)
		}
	}
	if len(problems) > 0 {
		reply(w, http.StatusBadRequest, "Wrong parameters: "+strings.Join(problems, "; "), nil)
		return
	}
	page, err := svc.store.ListSimulations(r.Context(), query)
	if err != nil {
		svc.fail(w, r, err, "Simulations are unavailable")
		return
	}
	reply(w, http.StatusOK, "User Simulations", page)
}

// taskUpdate is the body of POST /tasks.
type taskUpdate struct {
	SimulationID *int32            `json:"simulation_id"`
	TaskID       *int32            `json:"task_id"`
	UpdateKey    *string           `json:"update_key"`
	UpdateDict   *store.TaskUpdate `json:"update_dict"`
}

// maxTaskUpdateBytes bounds the body of POST /tasks: an update is a few hundred bytes.
const maxTaskUpdateBytes = 64 << 10

// tasks answers POST /tasks: a worker reports a task's progress with the simulation's update key.
func (svc *service) tasks(w http.ResponseWriter, r *http.Request) {
	var body taskUpdate
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTaskUpdateBytes))
	if err := dec.Decode(&body); err != nil {
		reply(w, http.StatusBadRequest, "Invalid JSON payload: "+err.Error(), nil)
		return
	}
	var missing []string
	for key, present := range map[string]bool{"simulation_id": body.SimulationID != nil, "task_id": body.TaskID != nil,
		"update_key": body.UpdateKey != nil, "update_dict": body.UpdateDict != nil} {
		if !present {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		reply(w, http.StatusBadRequest, "Missing keys in JSON payload: "+strings.Join(missing, ", "), nil)
		return
	}
	simID, taskID := *body.SimulationID, *body.TaskID
	if !svc.verifyKey(simID, *body.UpdateKey) {
		reply(w, http.StatusBadRequest, "Invalid update key", nil)
		return
	}
	ctx := r.Context()
	// ReportTaskProgress is the worker's hot path: concurrent requests are committed together.
	_, err := svc.store.ReportTaskProgress(ctx, simID, taskID, *body.UpdateDict)
	if errors.Is(err, store.ErrNotFound) {
		// Which is missing, the simulation or its task? Asked only on this path, so an update costs one
		// statement.
		if _, simErr := svc.store.GetSimulation(ctx, simID); errors.Is(simErr, store.ErrNotFound) {
			reply(w, http.StatusBadRequest, fmt.Sprintf("Simulation %d does not exist", simID), nil)
			return
		}
		reply(w, http.StatusBadRequest, fmt.Sprintf("Task %d does not exist", taskID), nil)
		return
	}
	if err != nil {
		svc.fail(w, r, err, "Task update failed")
		return
	}
	reply(w, http.StatusAccepted, "Task updated", nil)
}

// fail answers a store error: ErrNotFound as 404 with notFound (the platform's message for the endpoint),
// ErrInvalid as 400 with the error's text (it names the value, never a secret), an interrupted request as 503,
// anything else as 500 without its text, which goes to the log.
func (svc *service) fail(w http.ResponseWriter, r *http.Request, err error, notFound string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		reply(w, http.StatusNotFound, notFound, nil)
	case errors.Is(err, store.ErrInvalid):
		reply(w, http.StatusBadRequest, err.Error(), nil)
	case errors.Is(err, store.ErrTimeout), errors.Is(err, store.ErrCanceled), errors.Is(err, store.ErrConnectionLost),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		reply(w, http.StatusServiceUnavailable, "Service unavailable, try again", nil)
	default:
		svc.log.ErrorContext(r.Context(), "request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
		reply(w, http.StatusInternalServerError, "Internal server error", nil)
	}
}

// stream answers 200 with the platform's {"message": …, <the object write writes>}: write's object is sent as
// it is encoded. An error once the body has begun can only cut the response short; it is logged.
func (svc *service) stream(w http.ResponseWriter, r *http.Request, message string, write func(io.Writer) error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if err := write(withMessage(w, message)); err != nil {
		svc.log.ErrorContext(r.Context(), "response cut short", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
}

// reply answers status with the platform's {"message": …} and the keys of body, a value that marshals to a
// JSON object with at least one key (nil for none).
func reply(w http.ResponseWriter, status int, message string, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if body == nil {
		_ = json.NewEncoder(w).Encode(map[string]string{"message": message}) // the client went away: nothing to do
		return
	}
	_ = json.NewEncoder(withMessage(w, message)).Encode(body)
}

// withMessage returns a writer that sends a JSON object to w with "message" as its first key: it writes
// {"message":<message>, and then what it is given with that object's opening brace left out. The object must
// have at least one key. Every response of the platform carries a message beside its content, and this lets
// a body be encoded straight to the client without a type of its own to hold the message.
func withMessage(w io.Writer, message string) io.Writer {
	quoted, _ := json.Marshal(message) // a string always marshals
	return &messageWriter{w: w, prefix: append(append([]byte(`{"message":`), quoted...), ',')}
}

// messageWriter is withMessage's writer.
type messageWriter struct {
	w      io.Writer
	prefix []byte // written in place of the object's opening brace; nil once written
}

func (m *messageWriter) Write(p []byte) (int, error) {
	n := len(p)
	if m.prefix != nil {
		i := bytes.IndexByte(p, '{')
		if i < 0 {
			return n, nil // whitespace before the object
		}
		if _, err := m.w.Write(m.prefix); err != nil {
			return 0, err
		}
		m.prefix, p = nil, p[i+1:]
	}
	if _, err := m.w.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}
