package bench

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
)

// fixtureRead returns the results file's estimators as a results read hands them over, each text compacted
// (as yapstore stores them).
func fixtureRead(t testing.TB, results []byte) []EstimatorValues {
	t.Helper()
	var doc floorPayload
	require.NoError(t, json.Unmarshal(results, &doc))
	compact := func(text json.RawMessage) json.RawMessage {
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, text))
		return buf.Bytes()
	}
	out := make([]EstimatorValues, len(doc.Estimators))
	for i, est := range doc.Estimators {
		out[i] = EstimatorValues{Name: est.Name, Metadata: compact(est.Metadata)}
		for _, page := range est.Pages {
			out[i].Pages = append(out[i].Pages, compact(page))
		}
	}
	return out
}

func TestCheckResultsAcceptsTheFixture(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testCheckResultsAccepts)
}

func testCheckResultsAccepts(t *testing.T, f *fixtures.Set) {
	read := fixtureRead(t, f.Results)
	require.NoError(t, CheckResults(f.Results, read))

	// Equal values written differently are equal: key order, spacing, number spelling.
	read[1].Metadata = reorderKeys(t, read[1].Metadata)
	page := string(read[1].Pages[0])
	read[1].Pages[0] = json.RawMessage(" \n" + page)
	assert.NoError(t, CheckResults(f.Results, read))
	assert.NoError(t, CheckResults([]byte(`{"estimators":[{"name":"a","metadata":{"x":1.50},"pages":[{"v":[1e2]}]}]}`),
		[]EstimatorValues{{Name: "a", Metadata: json.RawMessage(`{"x":1.5}`), Pages: []json.RawMessage{json.RawMessage(`{"v":[100]}`)}}}))
}

func TestCheckResultsFindsEveryDifference(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testCheckResultsFindsEveryDifference)
}

func testCheckResultsFindsEveryDifference(t *testing.T, f *fixtures.Set) {
	cases := map[string]struct {
		change func(read []EstimatorValues) []EstimatorValues
		path   string
	}{
		"one value deep in a 2-D page": {func(read []EstimatorValues) []EstimatorValues {
			read[0].Pages[1] = changeFirstValue(t, read[0].Pages[1])
			return read
		}, "estimators[0].pages[1].data.values[0]"},
		"a page missing": {func(read []EstimatorValues) []EstimatorValues {
			read[2].Pages = read[2].Pages[:len(read[2].Pages)-1]
			return read
		}, "estimators[2].pages has 3 elements"},
		"pages swapped": {func(read []EstimatorValues) []EstimatorValues {
			read[3].Pages[0], read[3].Pages[1] = read[3].Pages[1], read[3].Pages[0]
			return read
		}, "estimators[3].pages[0]"},
		"an estimator renamed": {func(read []EstimatorValues) []EstimatorValues {
			read[1].Name = "other_"
			return read
		}, "estimators[1].name"},
		"metadata lost": {func(read []EstimatorValues) []EstimatorValues {
			read[0].Metadata = json.RawMessage("null")
			return read
		}, "estimators[0].metadata"},
		"an estimator missing": {func(read []EstimatorValues) []EstimatorValues { return read[1:] },
			"estimators has 3 elements"},
		"an extra key": {func(read []EstimatorValues) []EstimatorValues {
			read[0].Pages[0] = json.RawMessage(`{"extra":1,` + string(read[0].Pages[0][1:]))
			return read
		}, "estimators[0].pages[0].extra"},
	}
	for name, c := range cases {
		got := c.change(fixtureRead(t, f.Results))
		err := CheckResults(f.Results, got)
		assert.ErrorIs(t, err, ErrCheck, name)
		assert.ErrorContains(t, err, c.path, name)
	}
}

// changeFirstValue returns page with data.values[0] (or its first element, for a 2-D page) changed.
func changeFirstValue(t testing.TB, page json.RawMessage) json.RawMessage {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(page))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&v))
	values := v["data"].(map[string]any)["values"].([]any)
	values[0] = json.Number("123456.789")
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return out
}

// reorderKeys returns an object's text with its keys in Go's (sorted) order.
func reorderKeys(t testing.TB, text json.RawMessage) json.RawMessage {
	t.Helper()
	var v map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(text, &v))
	out, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return out
}
