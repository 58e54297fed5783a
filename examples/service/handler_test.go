package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

// env is the service over a fresh test database, with two users and one simulation of the first with results.
type env struct {
	store  *store.Store
	server *httptest.Server
	keys   updateKeys
	owner  store.User
	other  store.User
	sim    store.Simulation
}

func newEnv(t *testing.T, results []byte) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.New(t)
	e := &env{store: db.Store, keys: newUpdateKeys()}
	var err error
	e.owner, err = e.store.CreatePasswordUser(ctx, "owner", "a password of the owner")
	require.NoError(t, err)
	e.other, err = e.store.CreatePasswordUser(ctx, "other", "a password of another")
	require.NoError(t, err)
	e.sim = e.submit(t, "with results")
	_, err = e.store.SaveResultsJSON(ctx, e.sim.ID, results)
	require.NoError(t, err)
	e.server = httptest.NewServer(newHandler(e.store, demoIdentify, e.keys.verify, slog.New(slog.DiscardHandler)))
	t.Cleanup(e.server.Close)
	return e
}

// submit adds a direct simulation of the owner with two tasks.
func (e *env) submit(t *testing.T, title string) store.Simulation {
	t.Helper()
	sim, err := e.store.SubmitDirect(context.Background(), store.DirectSubmission{
		Submission: store.Submission{UserID: &e.owner.ID, Title: title, InputType: store.InputEditor,
			SimType: store.SimShieldhit, Input: json.RawMessage(`{"input_type": "EDITOR"}`)},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 1000}, {RequestedPrimaries: 1000}},
	})
	require.NoError(t, err)
	return sim
}

// do sends a request as user (nil: no user) and returns the status and body.
func (e *env) do(t *testing.T, method, path string, user *store.User, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.server.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if user != nil {
		req.Header.Set("X-Demo-User", strconv.Itoa(int(user.ID)))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	return resp.StatusCode, string(text)
}

// message returns the "message" of a JSON response.
func message(t *testing.T, body string) string {
	t.Helper()
	var v struct{ Message string }
	require.NoError(t, json.Unmarshal([]byte(body), &v), body)
	return v.Message
}

func TestResults(t *testing.T) {
	t.Parallel()
	set := fixtures.Generate(fixtures.Options{Scale: 0.1})
	e := newEnv(t, set.Results)
	stored, err := e.store.GetResults(context.Background(), e.sim.JobID)
	require.NoError(t, err)

	status, body := e.do(t, "GET", "/results?job_id="+e.sim.JobID, &e.owner, "")
	require.Equal(t, http.StatusOK, status, body)
	var got struct {
		Message    string
		Estimators []store.EstimatorResults
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	assert.Equal(t, fmt.Sprintf("Results for simulation: %d", e.sim.ID), got.Message)
	assert.True(t, strings.HasPrefix(body, `{"message":`), "the message comes first, as the platform writes it")
	want := store.ResultsOf(stored).Estimators
	require.Len(t, got.Estimators, set.Estimators)
	for i := range want {
		assert.Equal(t, want[i].Name, got.Estimators[i].Name)
		assert.JSONEq(t, string(want[i].Metadata), string(got.Estimators[i].Metadata))
		require.Len(t, got.Estimators[i].Pages, len(want[i].Pages))
		for j := range want[i].Pages {
			assert.Equal(t, string(want[i].Pages[j]), string(got.Estimators[i].Pages[j]), "pages as stored")
		}
	}

	// One estimator, and some of its pages.
	name := stored[1].Name
	status, body = e.do(t, "GET", "/results?job_id="+e.sim.JobID+"&estimator_name="+name+"&page_numbers=1-2,9", &e.owner, "")
	require.Equal(t, http.StatusOK, status, body)
	var one struct {
		Message  string
		Name     string
		Metadata json.RawMessage
		Pages    []struct {
			Metadata struct {
				PageNumber json.Number `json:"page_number"`
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &one))
	assert.Equal(t, "Results for estimator: "+name, one.Message)
	assert.Equal(t, name, one.Name)
	assert.JSONEq(t, string(stored[1].Metadata), string(one.Metadata), "the estimator's metadata comes with its pages")
	var numbers []string
	for _, p := range one.Pages {
		numbers = append(numbers, p.Metadata.PageNumber.String())
	}
	assert.Equal(t, []string{"1", "2"}, numbers, "the pages asked for that exist")

	status, body = e.do(t, "GET", "/results?job_id="+e.sim.JobID+"&estimator_name="+name+"&page_number=1", &e.owner, "")
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, 1, strings.Count(body, `"page_number"`))

	// What others see, and what is refused.
	for _, c := range []struct {
		path    string
		user    *store.User
		status  int
		message string
	}{
		{"/results?job_id=" + e.sim.JobID, &e.other, http.StatusNotFound, "Results are unavailable"},
		{"/results?job_id=" + e.sim.JobID, nil, http.StatusUnauthorized, "Unauthorized"},
		{"/results?job_id=no-such-job", &e.owner, http.StatusNotFound, "Results are unavailable"},
		{"/results?job_id=" + e.submit(t, "no results yet").JobID, &e.owner, http.StatusNotFound, "Results are unavailable"},
		{"/results", &e.owner, http.StatusBadRequest, "Missing keys in query: job_id"},
		{"/results?job_id=" + e.sim.JobID + "&estimator_name=nothing", &e.owner, http.StatusNotFound, "Results are unavailable"},
	} {
		status, body := e.do(t, "GET", c.path, c.user, "")
		assert.Equal(t, c.status, status, c.path)
		assert.Equal(t, c.message, message(t, body), c.path)
	}
	status, body = e.do(t, "GET", "/results?job_id="+e.sim.JobID+"&estimator_name="+name+"&page_numbers=3-1", &e.owner, "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, message(t, body), "3-1", "the malformed spec is named")
}

// TestResultsWithNonFiniteValues: pages holding NaN and Infinity, which encoding/json cannot write, go out as
// stored, and the body is JSON as the platform's Python writes it.
func TestResultsWithNonFiniteValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fixtures.Generate(fixtures.Options{Scale: 0.05, NonFinite: true}).Results)
	status, body := e.do(t, "GET", "/results?job_id="+e.sim.JobID, &e.owner, "")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "NaN")
	assert.Contains(t, body, "-Infinity")
	assert.True(t, compress.Valid([]byte(body)), "the body is JSON with the platform's non-finite words")
}

func TestUserSimulations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fixtures.Generate(fixtures.Options{Scale: 0.05}).Results)
	for i := range 6 {
		e.submit(t, fmt.Sprintf("run %d", i))
	}
	status, body := e.do(t, "GET", "/user/simulations?page_size=3&page_idx=3&order_by=start_time&order_type=ascend", &e.owner, "")
	require.Equal(t, http.StatusOK, status, body)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(body), &keys))
	assert.ElementsMatch(t, []string{"message", "simulations", "page_count", "simulations_count"}, mapKeys(keys))
	var page store.SimulationPage
	require.NoError(t, json.Unmarshal([]byte(body), &page))
	assert.Equal(t, "User Simulations", message(t, body))
	assert.Equal(t, int64(7), page.Total)
	assert.Equal(t, 3, page.PageCount())
	require.Len(t, page.Simulations, 1)
	assert.Equal(t, "run 5", page.Simulations[0].Title, "ascending: the last page holds the newest")
	assert.Contains(t, body, `"server":"Yaptide"`)

	status, body = e.do(t, "GET", "/user/simulations?job_state=UNKNOWN,RUNNING", &e.owner, "")
	require.Equal(t, http.StatusOK, status, body)
	require.NoError(t, json.Unmarshal([]byte(body), &page))
	assert.Len(t, page.Simulations, 6, "the default page size")
	assert.Equal(t, "run 5", page.Simulations[0].Title, "newest first by default")

	status, body = e.do(t, "GET", "/user/simulations", &e.other, "")
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"message": "User Simulations", "simulations": [], "page_count": 0, "simulations_count": 0}`, body)

	for _, query := range []string{"job_state=BOGUS", "order_by=title", "order_type=up", "page_size=x", "page_size=100000", "page_idx=-1"} {
		status, body := e.do(t, "GET", "/user/simulations?"+query, &e.owner, "")
		assert.Equal(t, http.StatusBadRequest, status, "%s: %s", query, body)
	}
	status, _ = e.do(t, "GET", "/user/simulations", nil, "")
	assert.Equal(t, http.StatusUnauthorized, status)
}

func mapKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func TestTaskUpdates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, fixtures.Generate(fixtures.Options{Scale: 0.05}).Results)
	sim := e.submit(t, "running")
	post := func(body string) (int, string) { return e.do(t, "POST", "/tasks", nil, body) }
	key := e.keys.issue(sim.ID)

	status, body := post(fmt.Sprintf(`{"simulation_id": %d, "task_id": 1, "update_key": %q, "update_dict":
		{"task_state": "RUNNING", "simulated_primaries": 250, "estimated_time": 90, "start_time": "2024-06-11 10:15:00.123456"}}`,
		sim.ID, key))
	require.Equal(t, http.StatusAccepted, status, body)
	assert.Equal(t, "Task updated", message(t, body))
	task, err := e.store.GetTask(ctx, sim.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, store.StateRunning, task.State)
	assert.Equal(t, int32(250), task.SimulatedPrimaries)
	require.NotNil(t, task.StartTime)
	assert.Equal(t, "2024-06-11 10:15:00.123456", task.StartTime.UTC().Format("2006-01-02 15:04:05.000000"))

	for _, c := range []struct{ body, message string }{
		{fmt.Sprintf(`{"simulation_id": %d, "update_dict": {}}`, sim.ID), "Missing keys in JSON payload: task_id, update_key"},
		{fmt.Sprintf(`{"simulation_id": %d, "task_id": 1, "update_key": "forged", "update_dict": {}}`, sim.ID), "Invalid update key"},
		{fmt.Sprintf(`{"simulation_id": 999999, "task_id": 1, "update_key": %q, "update_dict": {"simulated_primaries": 1}}`,
			e.keys.issue(999999)), "Simulation 999999 does not exist"},
		{fmt.Sprintf(`{"simulation_id": %d, "task_id": 7, "update_key": %q, "update_dict": {"simulated_primaries": 1}}`,
			sim.ID, key), "Task 7 does not exist"},
	} {
		status, body := post(c.body)
		assert.Equal(t, http.StatusBadRequest, status, c.body)
		assert.Equal(t, c.message, message(t, body), c.body)
	}
	for _, bad := range []string{
		`not json`,
		fmt.Sprintf(`{"simulation_id": %d, "task_id": 1, "update_key": %q, "update_dict": {"task_state": "SLEEPING"}}`, sim.ID, key),
		fmt.Sprintf(`{"simulation_id": %d, "task_id": 1, "update_key": %q, "update_dict": {"start_time": "noon"}}`, sim.ID, key),
		`{"simulation_id": 1, "task_id": 1, "update_key": "` + strings.Repeat("k", maxTaskUpdateBytes) + `", "update_dict": {}}`,
	} {
		status, body := post(bad)
		assert.Equal(t, http.StatusBadRequest, status, "%.80s: %s", bad, body)
	}
	after, err := e.store.GetTask(ctx, sim.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, task, after, "a refused update changes nothing")
}
