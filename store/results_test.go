package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/store"
)

// estimatorNames returns the names of a results payload's estimators, in payload order. The tests below
// refer to estimators by position (the results files of every source have the same layout: a 2-D mesh, a
// slab, a depth profile and a second slab), and to their names through this.
func estimatorNames(t testing.TB, payload []byte) []string {
	t.Helper()
	var names []string
	for _, est := range fixtureEstimators(t, payload).([]any) {
		names = append(names, est.(map[string]any)["name"].(string))
	}
	require.Len(t, names, 4)
	return names
}

// decodeJSONValue decodes JSON text into generic values, numbers kept as their exact text (json.Number), so
// that two texts compare equal exactly when they hold the same values.
func decodeJSONValue(t testing.TB, text []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

// fixtureEstimators returns the "estimators" member of the results fixture as generic values.
func fixtureEstimators(t testing.TB, payload []byte) any {
	t.Helper()
	return decodeJSONValue(t, payload).(map[string]any)["estimators"]
}

// resultsAsValue returns estimators in the payload shape as generic values.
func resultsAsValue(t testing.TB, estimators []store.Estimator) any {
	t.Helper()
	text, err := json.Marshal(store.ResultsOf(estimators))
	require.NoError(t, err)
	return decodeJSONValue(t, text).(map[string]any)["estimators"]
}

// newResultsSimulation submits a direct simulation with one task, owned by owner (nil: no owner).
func newResultsSimulation(t testing.TB, s *store.Store, owner *int32) store.Simulation {
	t.Helper()
	sim, err := s.SubmitDirect(context.Background(), store.DirectSubmission{
		Submission: store.Submission{
			UserID: owner, Title: "results test", InputType: store.InputFiles, SimType: store.SimShieldhit,
			Input: json.RawMessage(`{"input_type":"FILES","number_of_all_primaries":1000,"input_files":{}}`),
		},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 1000}},
	})
	require.NoError(t, err)
	return sim
}

// newResultsUser creates a single-sign-on user (no password hashing, so it is cheap) and returns its id.
func newResultsUser(t testing.TB, s *store.Store, name string) int32 {
	t.Helper()
	u, _, err := s.UpsertSSOUser(context.Background(), name, nil, nil)
	require.NoError(t, err)
	return u.ID
}

// page builds a page's JSON text with the given number (as the platform writes it: a string), name,
// dimension and a value that tells versions apart.
func page(number, name string, dimension int, value float64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"metadata":{"page_number":%q,"name":%q,"unit":"MeV"},`+
		`"dimensions":%d,"data":{"name":%q,"unit":"MeV","values":[%g]}}`, number, name, dimension, name, value))
}

func TestSaveResultsFixtureRoundTrip(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testSaveResultsRoundTrip)
}

func testSaveResultsRoundTrip(t *testing.T, set *fixtures.Set) {
	ctx := context.Background()
	env := newHarness(t)
	payload := set.Results
	want := fixtureEstimators(t, payload)

	t.Run("json", func(t *testing.T) {
		sim := newResultsSimulation(t, env.Store, nil)
		saved, err := env.Store.SaveResultsJSON(ctx, sim.ID, payload)
		require.NoError(t, err)
		assert.Equal(t, store.SavedResults{Estimators: set.Estimators, Pages: set.Pages, Completed: true}, saved)

		got, err := env.Store.GetResults(ctx, sim.JobID)
		require.NoError(t, err)
		require.Len(t, got, set.Estimators)
		assert.Equal(t, want, resultsAsValue(t, got), "results read back differ from the payload")

		// Order: estimators in payload order, pages by page number; columns filled from each page.
		var names []string
		pages := 0
		for _, est := range got {
			names = append(names, est.Name)
			assert.Equal(t, est.Name, est.FileName)
			assert.Equal(t, sim.ID, est.SimulationID)
			assert.True(t, slices.IsSortedFunc(est.Pages, func(a, b store.Page) int { return int(a.Number - b.Number) }))
			for i, p := range est.Pages {
				assert.Equal(t, int32(i), p.Number)
				assert.Equal(t, est.ID, p.EstimatorID)
				head := decodeJSONValue(t, p.Data).(map[string]any)
				assert.Equal(t, head["metadata"].(map[string]any)["name"], p.Name)
				assert.Equal(t, head["dimensions"], json.Number(fmt.Sprint(p.Dimension)))
				pages++
			}
		}
		assert.Equal(t, estimatorNames(t, payload), names)
		assert.Equal(t, set.Pages, pages)

		after, err := env.Store.GetSimulation(ctx, sim.ID)
		require.NoError(t, err)
		assert.Equal(t, store.StateCompleted, after.State)
		assert.NotNil(t, after.EndTime)
	})

	t.Run("typed", func(t *testing.T) {
		sim := newResultsSimulation(t, env.Store, nil)
		var results store.Results
		require.NoError(t, json.Unmarshal(payload, &results))
		saved, err := env.Store.SaveResults(ctx, sim.ID, results)
		require.NoError(t, err)
		assert.Equal(t, store.SavedResults{Estimators: set.Estimators, Pages: set.Pages, Completed: true}, saved)
		got, err := env.Store.GetResults(ctx, sim.JobID)
		require.NoError(t, err)
		assert.Equal(t, want, resultsAsValue(t, got))
		// The caller's payload is left as it was.
		assert.NotEmpty(t, results.Estimators[0].Pages[0])
	})
}

func TestResultsRoundTrips(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testResultsRoundTrips)
}

func testResultsRoundTrips(t *testing.T, set *fixtures.Set) {
	ctx := context.Background()
	env := newHarness(t)
	payload := set.Results
	peak := estimatorNames(t, payload)[3]
	small := store.Results{Estimators: []store.EstimatorResults{{
		Name: "one_", Metadata: json.RawMessage(`{"k":"v"}`), Pages: []json.RawMessage{page("0", "DOSE", 0, 1)},
	}}}

	smallSim := newResultsSimulation(t, env.Store, nil)
	smallTrips := roundTrips(t, env.Counter, func() error {
		_, err := env.Store.SaveResults(ctx, smallSim.ID, small)
		return err
	})
	fullSim := newResultsSimulation(t, env.Store, nil)
	fullTrips := roundTrips(t, env.Counter, func() error {
		_, err := env.Store.SaveResultsJSON(ctx, fullSim.ID, payload)
		return err
	})
	assert.Equal(t, 1, smallTrips, "SaveResults of 1 estimator and 1 page")
	assert.Equal(t, smallTrips, fullTrips, "SaveResults must not depend on the number of estimators and pages")

	readTrips := roundTrips(t, env.Counter, func() error {
		got, err := env.Store.GetResults(ctx, fullSim.JobID)
		if err == nil && len(got) != set.Estimators {
			err = fmt.Errorf("got %d estimators", len(got))
		}
		return err
	})
	assert.LessOrEqual(t, readTrips, 2, "GetResults")
	assert.Equal(t, 1, readTrips, "GetResults reads estimators and pages in one statement")

	for name, op := range map[string]func() error{
		"GetEstimator": func() error { _, err := env.Store.GetEstimator(ctx, fullSim.JobID, peak); return err },
		"GetPage":      func() error { _, err := env.Store.GetPage(ctx, fullSim.JobID, peak, 3); return err },
		"GetPagesBySpec": func() error {
			_, err := env.Store.GetPagesBySpec(ctx, fullSim.JobID, peak, "0-2,6")
			return err
		},
		"ListPageInfo": func() error { _, err := env.Store.ListPageInfo(ctx, fullSim.JobID); return err },
	} {
		assert.Equal(t, 1, roundTrips(t, env.Counter, op), name)
	}
}

func TestSaveResultsReingest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)

	first := store.Results{Estimators: []store.EstimatorResults{
		{Name: "a_", Metadata: json.RawMessage(`{"v":1}`), Pages: []json.RawMessage{
			page("2", "LET", 1, 1), page("0", "DOSE", 1, 1), page("1", "FLUENCE", 1, 1)}},
		{Name: "b_", Metadata: json.RawMessage(`{"v":1}`), Pages: []json.RawMessage{page("0", "DOSE", 0, 1)}},
	}}
	saved, err := env.Store.SaveResults(ctx, sim.ID, first)
	require.NoError(t, err)
	assert.Equal(t, store.SavedResults{Estimators: 2, Pages: 4, Completed: true}, saved)

	// The second save sends pages in reverse order with new data, renames one, adds a page and an estimator,
	// and carries new metadata, which the platform ignores for an estimator that exists.
	second := store.Results{Estimators: []store.EstimatorResults{
		{Name: "c_", Metadata: json.RawMessage(`{"v":2}`), Pages: []json.RawMessage{page("0", "DOSE", 2, 2)}},
		{Name: "a_", Metadata: json.RawMessage(`{"v":2}`), Pages: []json.RawMessage{
			page("3", "NEW", 1, 2), page("2", "LET2", 2, 2), page("1", "FLUENCE", 1, 2), page("0", "DOSE", 1, 2)}},
	}}
	saved, err = env.Store.SaveResults(ctx, sim.ID, second)
	require.NoError(t, err)
	assert.Equal(t, store.SavedResults{Estimators: 2, Pages: 5, Completed: false}, saved,
		"the simulation was already completed")

	got, err := env.Store.GetResults(ctx, sim.JobID)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"a_", "b_", "c_"}, []string{got[0].Name, got[1].Name, got[2].Name},
		"estimators in the order they were first saved")
	assert.JSONEq(t, `{"v":1}`, string(got[0].Metadata), "an existing estimator keeps its metadata")
	assert.JSONEq(t, `{"v":2}`, string(got[2].Metadata))

	a := got[0]
	require.Len(t, a.Pages, 4, "no duplicate pages")
	for i, p := range a.Pages {
		assert.Equal(t, int32(i), p.Number, "pages in page number order")
		assert.Contains(t, string(p.Data), `"values":[2]`, "page %d overwritten", i)
	}
	assert.Equal(t, "LET2", a.Pages[2].Name, "page name overwritten")
	assert.Equal(t, int32(2), a.Pages[2].Dimension, "page dimension overwritten")
	assert.Contains(t, string(got[1].Pages[0].Data), `"values":[1]`, "pages not in the payload are kept")

	var estimators, pages int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM "Estimator"), (SELECT count(*) FROM "Page")`).
		Scan(&estimators, &pages))
	assert.Equal(t, 3, estimators)
	assert.Equal(t, 6, pages)

	// Saving the same payload again changes nothing.
	_, err = env.Store.SaveResults(ctx, sim.ID, second)
	require.NoError(t, err)
	again, err := env.Store.GetResults(ctx, sim.JobID)
	require.NoError(t, err)
	assert.Equal(t, resultsAsValue(t, got), resultsAsValue(t, again))
}

func TestSaveResultsFixtureTwice(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testSaveResultsTwice)
}

func testSaveResultsTwice(t *testing.T, set *fixtures.Set) {
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	payload := set.Results

	// Save every estimator's pages in reverse order first, then in order: page ids and physical row order are
	// now the reverse of page order, which is what scrambled the platform's reads.
	var reversed store.Results
	require.NoError(t, json.Unmarshal(payload, &reversed))
	for i := range reversed.Estimators {
		slices.Reverse(reversed.Estimators[i].Pages)
	}
	_, err := env.Store.SaveResults(ctx, sim.ID, reversed)
	require.NoError(t, err)
	_, err = env.Store.SaveResultsJSON(ctx, sim.ID, payload)
	require.NoError(t, err)

	got, err := env.Store.GetResults(ctx, sim.JobID)
	require.NoError(t, err)
	assert.Equal(t, fixtureEstimators(t, payload), resultsAsValue(t, got))
	var pages int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM "Page"`).Scan(&pages))
	assert.Equal(t, set.Pages, pages)
	for _, est := range got {
		est, err := env.Store.GetEstimator(ctx, sim.JobID, est.Name)
		require.NoError(t, err)
		for i, p := range est.Pages {
			assert.Equal(t, int32(i), p.Number, "GetEstimator reads pages in page number order")
		}
		spec, err := store.FormatPageSpec(pageNumbers(est.Pages))
		require.NoError(t, err)
		pages, err := env.Store.GetPagesBySpec(ctx, sim.JobID, est.Name, spec)
		require.NoError(t, err)
		assert.Equal(t, pageNumbers(est.Pages), pageNumbers(pages), "GetPages reads pages in page number order")
	}
	infos, err := env.Store.ListPageInfo(ctx, sim.JobID)
	require.NoError(t, err)
	for _, est := range infos {
		for i, p := range est.Pages {
			assert.Equal(t, int32(i), p.Number, "ListPageInfo lists pages in page number order")
		}
	}
}

func TestSaveResultsConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	results := store.Results{Estimators: []store.EstimatorResults{
		{Name: "a_", Pages: []json.RawMessage{page("0", "DOSE", 1, 1), page("1", "LET", 1, 1)}},
		{Name: "b_", Pages: []json.RawMessage{page("0", "DOSE", 1, 1)}},
	}}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = env.Store.SaveResults(ctx, sim.ID, results) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	var estimators, pages int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM "Estimator"), (SELECT count(*) FROM "Page")`).
		Scan(&estimators, &pages))
	assert.Equal(t, 2, estimators)
	assert.Equal(t, 3, pages)
}

func TestSaveResultsInvalid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	good := page("0", "DOSE", 1, 1)
	one := func(pages ...json.RawMessage) store.Results {
		return store.Results{Estimators: []store.EstimatorResults{{Name: "e_", Pages: pages}}}
	}
	withHead := func(metadata, dimensions string) json.RawMessage {
		return json.RawMessage(`{"metadata":` + metadata + `,"dimensions":` + dimensions + `,"data":{}}`)
	}
	typed := map[string]store.Results{
		"empty estimator name": {Estimators: []store.EstimatorResults{{Name: "", Pages: []json.RawMessage{good}}}},
		"repeated estimator name": {Estimators: []store.EstimatorResults{
			{Name: "e_", Pages: []json.RawMessage{good}}, {Name: "e_"}}},
		"repeated page number":          one(good, page("1", "X", 1, 1), page("0", "DOSE", 1, 2)),
		"repeated page number 0 and 00": one(good, page("00", "X", 1, 1)),
		"page not JSON":                 one(json.RawMessage(`{"metadata":`)),
		"page empty":                    one(json.RawMessage(``)),
		"page not an object":            one(json.RawMessage(`[1,2]`)),
		"no metadata":                   one(json.RawMessage(`{"dimensions":1,"data":{}}`)),
		"metadata not an object":        one(withHead(`"x"`, `1`)),
		"no page_number":                one(withHead(`{"name":"DOSE"}`, `1`)),
		"null page_number":              one(withHead(`{"page_number":null,"name":"DOSE"}`, `1`)),
		"negative page_number":          one(withHead(`{"page_number":"-1","name":"DOSE"}`, `1`)),
		"negative numeric page_number":  one(withHead(`{"page_number":-1,"name":"DOSE"}`, `1`)),
		"fractional page_number":        one(withHead(`{"page_number":"1.5","name":"DOSE"}`, `1`)),
		"exponent page_number":          one(withHead(`{"page_number":1e2,"name":"DOSE"}`, `1`)),
		"spaced page_number":            one(withHead(`{"page_number":" 1","name":"DOSE"}`, `1`)),
		"overflowing page_number":       one(withHead(`{"page_number":"2147483648","name":"DOSE"}`, `1`)),
		"no page name":                  one(withHead(`{"page_number":"0"}`, `1`)),
		"page name not a string":        one(withHead(`{"page_number":"0","name":7}`, `1`)),
		"no dimensions":                 one(json.RawMessage(`{"metadata":{"page_number":"0","name":"D"},"data":{}}`)),
		"dimensions not a number":       one(withHead(`{"page_number":"0","name":"DOSE"}`, `"two"`)),
		"estimator name with NUL":       {Estimators: []store.EstimatorResults{{Name: "e\x00", Pages: []json.RawMessage{good}}}},
		"estimator name not UTF-8":      {Estimators: []store.EstimatorResults{{Name: "e\xff", Pages: []json.RawMessage{good}}}},
		"page name with NUL":            one(withHead(`{"page_number":"0","name":"DO\u0000SE"}`, `1`)),
		"metadata not JSON": {Estimators: []store.EstimatorResults{
			{Name: "e_", Metadata: json.RawMessage(`{nope}`), Pages: []json.RawMessage{good}}}},
	}
	for name, results := range typed {
		trips := env.Counter.Count()
		_, err := env.Store.SaveResults(ctx, sim.ID, results)
		require.ErrorIs(t, err, store.ErrInvalid, name)
		assert.Equal(t, trips, env.Counter.Count(), "%s: nothing may be sent", name)
	}
	_, err := env.Store.SaveResults(ctx, sim.ID, store.Results{}, store.EstimatorNames(map[string]string{"x": ""}))
	require.NoError(t, err, "names of estimators not in the payload are not checked")
	_, err = env.Store.SaveResults(ctx, sim.ID, one(good), store.EstimatorNames(map[string]string{"e_": ""}))
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = env.Store.SaveResults(ctx, sim.ID, one(good), store.EstimatorNames(map[string]string{"e_": "\x00"}))
	require.ErrorIs(t, err, store.ErrInvalid)

	raw := map[string]string{
		"not JSON":            `{"estimators": [`,
		"no estimators":       `{"message": "done"}`,
		"null estimators":     `{"estimators": null}`,
		"estimators not list": `{"estimators": {}}`,
		"name not a string":   `{"estimators": [{"name": 1, "metadata": {}, "pages": []}]}`,
		"array payload":       `[]`,
		"trailing text":       `{"estimators": []} x`,
		"page not an object":  `{"estimators": [{"name": "e_", "metadata": {}, "pages": [3]}]}`,
	}
	for name, text := range raw {
		trips := env.Counter.Count()
		_, err := env.Store.SaveResultsJSON(ctx, sim.ID, []byte(text))
		require.ErrorIs(t, err, store.ErrInvalid, name)
		assert.Equal(t, trips, env.Counter.Count(), "%s: nothing may be sent", name)
	}

	var estimators int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM "Estimator"`).Scan(&estimators))
	assert.Zero(t, estimators)
}

func TestSaveResultsPageNumberForms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	// The platform writes page numbers as strings; whole JSON numbers and leading zeros (which Python's int()
	// accepts) are read too.
	_, err := env.Store.SaveResultsJSON(ctx, sim.ID, []byte(`{"estimators": [{"name": "e_", "metadata": null, "pages": [
		{"metadata": {"page_number": 0, "name": "A"}, "dimensions": 1, "data": {}},
		{"metadata": {"page_number": "07", "name": "B"}, "dimensions": "2", "data": {}}]}]}`))
	require.NoError(t, err)
	infos, err := env.Store.ListPageInfo(ctx, sim.JobID)
	require.NoError(t, err)
	require.Len(t, infos, 1)
	require.Len(t, infos[0].Pages, 2)
	assert.Equal(t, int32(0), infos[0].Pages[0].Number)
	assert.Equal(t, int32(1), infos[0].Pages[0].Dimension)
	assert.Equal(t, int32(7), infos[0].Pages[1].Number)
	assert.Equal(t, int32(2), infos[0].Pages[1].Dimension)
	est, err := env.Store.GetEstimator(ctx, sim.JobID, "e_")
	require.NoError(t, err)
	assert.Equal(t, "null", string(est.Metadata))
}

func TestSaveResultsMissingSimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	_, err := env.Store.SaveResults(ctx, 999999, store.Results{Estimators: []store.EstimatorResults{
		{Name: "e_", Pages: []json.RawMessage{page("0", "DOSE", 1, 1)}}}})
	require.ErrorIs(t, err, store.ErrNotFound)
	var ce *store.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "Estimator_simulation_id_fkey", ce.Constraint)

	_, err = env.Store.SaveResults(ctx, 999999, store.Results{})
	require.ErrorIs(t, err, store.ErrNotFound, "no estimators: the simulation is still checked")
}

func TestSaveResultsInTxRollsBack(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testSaveResultsInTxRollsBack)
}

func testSaveResultsInTxRollsBack(t *testing.T, set *fixtures.Set) {
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	errStop := fmt.Errorf("stop")
	err := env.Store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.SaveResultsJSON(ctx, sim.ID, set.Results); err != nil {
			return err
		}
		got, err := tx.GetResults(ctx, sim.JobID)
		if err != nil {
			return err
		}
		if len(got) != set.Estimators {
			return fmt.Errorf("inside the transaction: %d estimators", len(got))
		}
		return errStop
	})
	require.ErrorIs(t, err, errStop)
	got, err := env.Store.GetResults(ctx, sim.JobID)
	require.NoError(t, err)
	assert.Empty(t, got)
	after, err := env.Store.GetSimulation(ctx, sim.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StateUnknown, after.State)
}

func TestGetResultsScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newHarness(t)
	alice := newResultsUser(t, env.Store, "alice")
	bob := newResultsUser(t, env.Store, "bob")
	sim := newResultsSimulation(t, env.Store, &alice)
	orphan := newResultsSimulation(t, env.Store, nil)
	_, err := env.Store.SaveResults(ctx, sim.ID, store.Results{Estimators: []store.EstimatorResults{
		{Name: "e_", Metadata: json.RawMessage(`{}`), Pages: []json.RawMessage{page("0", "DOSE", 1, 1)}}}})
	require.NoError(t, err)

	got, err := env.Store.GetResults(ctx, sim.JobID, store.OwnedBy(alice))
	require.NoError(t, err)
	assert.Len(t, got, 1)

	notFound := map[string]func() error{
		"GetResults other owner": func() error { _, err := env.Store.GetResults(ctx, sim.JobID, store.OwnedBy(bob)); return err },
		"GetResults no owner": func() error {
			_, err := env.Store.GetResults(ctx, orphan.JobID, store.OwnedBy(alice))
			return err
		},
		"GetResults unknown job": func() error { _, err := env.Store.GetResults(ctx, "nope"); return err },
		"GetEstimator other owner": func() error {
			_, err := env.Store.GetEstimator(ctx, sim.JobID, "e_", store.OwnedBy(bob))
			return err
		},
		"GetEstimator unknown": func() error { _, err := env.Store.GetEstimator(ctx, sim.JobID, "x_"); return err },
		"GetEstimator of a simulation without results": func() error {
			_, err := env.Store.GetEstimator(ctx, orphan.JobID, "e_")
			return err
		},
		"GetPage other owner": func() error {
			_, err := env.Store.GetPage(ctx, sim.JobID, "e_", 0, store.OwnedBy(bob))
			return err
		},
		"GetPage unknown page": func() error { _, err := env.Store.GetPage(ctx, sim.JobID, "e_", 1); return err },
		"GetPages unknown estimator": func() error {
			_, err := env.Store.GetPages(ctx, sim.JobID, "x_", []int32{0})
			return err
		},
		"ListPageInfo other owner": func() error {
			_, err := env.Store.ListPageInfo(ctx, sim.JobID, store.OwnedBy(bob))
			return err
		},
		"ListPageInfo unknown job": func() error { _, err := env.Store.ListPageInfo(ctx, "nope"); return err },
	}
	for name, op := range notFound {
		assert.ErrorIs(t, op(), store.ErrNotFound, name)
	}

	empty, err := env.Store.GetResults(ctx, orphan.JobID)
	require.NoError(t, err, "a simulation without results")
	assert.NotNil(t, empty)
	assert.Empty(t, empty)
	infos, err := env.Store.ListPageInfo(ctx, orphan.JobID)
	require.NoError(t, err)
	assert.Empty(t, infos)

	trips := env.Counter.Count()
	invalid := map[string]func() error{
		"GetResults empty job":   func() error { _, err := env.Store.GetResults(ctx, ""); return err },
		"GetEstimator no name":   func() error { _, err := env.Store.GetEstimator(ctx, sim.JobID, ""); return err },
		"GetPage negative":       func() error { _, err := env.Store.GetPage(ctx, sim.JobID, "e_", -1); return err },
		"GetPages none":          func() error { _, err := env.Store.GetPages(ctx, sim.JobID, "e_", nil); return err },
		"GetPagesBySpec junk":    func() error { _, err := env.Store.GetPagesBySpec(ctx, sim.JobID, "e_", "1-x"); return err },
		"GetPagesBySpec reverse": func() error { _, err := env.Store.GetPagesBySpec(ctx, sim.JobID, "e_", "3-1"); return err },
		"ListPageInfo empty job": func() error { _, err := env.Store.ListPageInfo(ctx, ""); return err },
	}
	for name, op := range invalid {
		assert.ErrorIs(t, op(), store.ErrInvalid, name)
	}
	assert.Equal(t, trips, env.Counter.Count(), "invalid reads send nothing")
}

func TestGetEstimatorAndPages(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testGetEstimatorAndPages)
}

func testGetEstimatorAndPages(t *testing.T, set *fixtures.Set) {
	ctx := context.Background()
	env := newHarness(t)
	sim := newResultsSimulation(t, env.Store, nil)
	payload := set.Results
	names := estimatorNames(t, payload)
	// As the platform does for editor simulations: the name column holds the editor's name of the output.
	peakFile := names[3]
	_, err := env.Store.SaveResultsJSON(ctx, sim.ID, payload, store.EstimatorNames(map[string]string{peakFile: "peak"}))
	require.NoError(t, err)
	fixture := fixtureEstimators(t, payload).([]any)
	fixturePeak := fixture[3].(map[string]any)

	for _, name := range []string{"peak", peakFile} {
		est, err := env.Store.GetEstimator(ctx, sim.JobID, name)
		require.NoError(t, err, name)
		assert.Equal(t, "peak", est.Name)
		assert.Equal(t, peakFile, est.FileName)
		assert.Equal(t, fixturePeak["metadata"], decodeJSONValue(t, est.Metadata))
		require.Len(t, est.Pages, 7)
		for i, p := range est.Pages {
			assert.Equal(t, fixturePeak["pages"].([]any)[i], decodeJSONValue(t, p.Data))
		}
	}
	z, err := env.Store.GetEstimator(ctx, sim.JobID, names[2])
	require.NoError(t, err)
	assert.Equal(t, names[2], z.Name)
	assert.Len(t, z.Pages, 4)

	p, err := env.Store.GetPage(ctx, sim.JobID, "peak", 6)
	require.NoError(t, err)
	assert.Equal(t, int32(6), p.Number)
	assert.Equal(t, "FLUENCE", p.Name)
	assert.Equal(t, int32(1), p.Dimension)
	assert.Equal(t, fixturePeak["pages"].([]any)[6], decodeJSONValue(t, p.Data))

	pages, err := env.Store.GetPages(ctx, sim.JobID, peakFile, []int32{5, 0, 99, 5})
	require.NoError(t, err)
	assert.Equal(t, []int32{0, 5}, pageNumbers(pages), "in order, once each, missing ones left out")
	none, err := env.Store.GetPages(ctx, sim.JobID, peakFile, []int32{50})
	require.NoError(t, err)
	assert.Empty(t, none)

	pages, err = env.Store.GetPagesBySpec(ctx, sim.JobID, "peak", "5-6,0-1,3")
	require.NoError(t, err)
	assert.Equal(t, []int32{0, 1, 3, 5, 6}, pageNumbers(pages))
	for _, p := range pages {
		assert.Equal(t, fixturePeak["pages"].([]any)[p.Number], decodeJSONValue(t, p.Data))
	}

	// The estimator's metadata with some of its pages, in one statement.
	some, err := env.Store.GetEstimatorPages(ctx, sim.JobID, "peak", []int32{6, 1, 99, 1})
	require.NoError(t, err)
	assert.Equal(t, "peak", some.Name)
	assert.Equal(t, fixturePeak["metadata"], decodeJSONValue(t, some.Metadata))
	assert.Equal(t, []int32{1, 6}, pageNumbers(some.Pages))
	assert.Equal(t, fixturePeak["pages"].([]any)[6], decodeJSONValue(t, some.Pages[1].Data))
	calls := roundTrips(t, env.Counter, func() error {
		_, err := env.Store.GetEstimatorPages(ctx, sim.JobID, peakFile, []int32{0})
		return err
	})
	assert.Equal(t, 1, calls)
	_, err = env.Store.GetEstimatorPages(ctx, sim.JobID, "nothing", []int32{0})
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = env.Store.GetEstimatorPages(ctx, sim.JobID, "peak", []int32{0}, store.OwnedBy(sim.ID+1000))
	require.ErrorIs(t, err, store.ErrNotFound)
	for _, numbers := range [][]int32{nil, {-1}} {
		_, err = env.Store.GetEstimatorPages(ctx, sim.JobID, "peak", numbers)
		require.ErrorIs(t, err, store.ErrInvalid)
	}

	infos, err := env.Store.ListPageInfo(ctx, sim.JobID)
	require.NoError(t, err)
	require.Len(t, infos, 4)
	var infoNames []string
	for _, est := range infos {
		infoNames = append(infoNames, est.Name)
		for i, p := range est.Pages {
			assert.Equal(t, int32(i), p.Number)
			assert.Positive(t, p.CompressedSize)
			assert.NotEmpty(t, p.Name)
		}
	}
	assert.Equal(t, []string{names[0], names[1], names[2], "peak"}, infoNames)
	assert.Len(t, infos[1].Pages, 7)
	assert.Equal(t, "AVG-ENERGY", infos[1].Pages[1].Name)
	assert.Equal(t, int32(2), infos[0].Pages[0].Dimension)
}

func pageNumbers(pages []store.Page) []int32 {
	numbers := make([]int32, len(pages))
	for i, p := range pages {
		numbers[i] = p.Number
	}
	return numbers
}

// BenchmarkSaveResultsFixture measures saving a 2.5 MB results file (4 estimators, 21 pages).
func BenchmarkSaveResultsFixture(b *testing.B) {
	ctx := context.Background()
	env := newHarness(b)
	sim := newResultsSimulation(b, env.Store, nil)
	payload := fixturestest.Last(b).Results
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := env.Store.SaveResultsJSON(ctx, sim.ID, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetResultsFixture measures reading a 2.5 MB results file back, decompressed.
func BenchmarkGetResultsFixture(b *testing.B) {
	ctx := context.Background()
	env := newHarness(b)
	sim := newResultsSimulation(b, env.Store, nil)
	payload := fixturestest.Last(b).Results
	if _, err := env.Store.SaveResultsJSON(ctx, sim.ID, payload); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := env.Store.GetResults(ctx, sim.JobID); err != nil {
			b.Fatal(err)
		}
	}
}
