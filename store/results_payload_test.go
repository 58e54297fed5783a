package store_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/store"
)

// referenceSplit reads a results payload with encoding/json, with the splitter's rules: exact keys, the last
// of a repeated key wins, "estimators" an array of objects, "name" a string or null, "pages" an array or
// null. It reports false for anything it refuses, including a metadata or page text that is not valid JSON.
func referenceSplit(payload []byte) ([]store.EstimatorResults, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(payload, &top) != nil || top == nil {
		return nil, false
	}
	raw, ok := top["estimators"]
	if !ok || string(raw) == "null" {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	estimators := make([]store.EstimatorResults, 0, len(items))
	for _, item := range items {
		var members map[string]json.RawMessage
		if item[0] != '{' || json.Unmarshal(item, &members) != nil {
			return nil, false
		}
		var est store.EstimatorResults
		if name, ok := members["name"]; ok && string(name) != "null" {
			if name[0] != '"' || json.Unmarshal(name, &est.Name) != nil {
				return nil, false
			}
		}
		est.Metadata = members["metadata"]
		if pages, ok := members["pages"]; ok && string(pages) != "null" {
			if pages[0] != '[' || json.Unmarshal(pages, &est.Pages) != nil {
				return nil, false
			}
		}
		estimators = append(estimators, est)
	}
	return estimators, true
}

// partsValid reports whether every metadata and page text the splitter returned is valid JSON, as the
// compaction that follows it checks.
func partsValid(estimators []store.EstimatorResults) bool {
	for _, est := range estimators {
		if est.Metadata != nil && !json.Valid(est.Metadata) {
			return false
		}
		for _, page := range est.Pages {
			if !json.Valid(page) {
				return false
			}
		}
	}
	return true
}

func checkSplitAgainstReference(t *testing.T, payload []byte) {
	got, err := store.SplitResultsPayloadForTest(payload)
	want, ok := referenceSplit(payload)
	if err != nil {
		if ok {
			t.Fatalf("%q: refused (%v), encoding/json reads it", payload, err)
		}
		return
	}
	if !partsValid(got) {
		if ok {
			t.Fatalf("%q: the splitter returned invalid parts that encoding/json reads", payload)
		}
		return
	}
	if !ok {
		t.Fatalf("%q: accepted with valid parts, encoding/json refuses it: %+v", payload, got)
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d estimators, encoding/json %d", payload, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Name != w.Name || string(g.Metadata) != string(w.Metadata) || len(g.Pages) != len(w.Pages) {
			t.Fatalf("%q: estimator %d is %+v, encoding/json %+v", payload, i, g, w)
		}
		for j := range g.Pages {
			if string(g.Pages[j]) != string(w.Pages[j]) {
				t.Fatalf("%q: estimator %d page %d is %s, encoding/json %s", payload, i, j, g.Pages[j], w.Pages[j])
			}
		}
	}
}

var splitSeeds = []string{
	`{"estimators": []}`,
	`{"estimators": [{"name": "a_", "metadata": {"x": [1, "]}"]}, "pages": [{"metadata": {"page_number": "0"}}]}]}`,
	` { "message" : "ok" , "estimators" : [ { "pages" : null , "name" : null } ] , "n" : 1e5 } `,
	`{"estimators": [{"name": "a\"b\\", "pages": [[], {}, "s", 1, true, null]}], "estimators": [{"name": "z"}]}`,
	`{"estimators": [{"name": "\u00e9\ud83d\ude00", "metadata": "\"}]"}]}`,
	`{"estimators": null}`,
	`{"estimators": {}}`,
	`{"estimators": [1]}`,
	`{"estimators": [{"name": 1}]}`,
	`{"estimators": [{"pages": {}}]}`,
	`{"estimators": [],}`,
	`{"estimators": [] } x`,
	`{"estimators": [{"metadata": tru}]}`,
	`{"estimators": [{"metadata": [}]}]}`,
	`{"estimators": [{"pages": [1 2]}]}`,
	`{"estimators": [{"metadata": {"a":1}}}]}`,
	`{"Estimators": []}`,
	`{"x": nul, "estimators": []}`,
	`{"estimators": [{"name": "a", "pages": [nullx]}]}`,
	`[]`, ``, `{`, `{"estimators"`, `{"estimators":`, `{"estimators": [`, `{"estimators": ["`,
}

func TestSplitResultsPayload(t *testing.T) {
	t.Parallel()
	for _, seed := range splitSeeds {
		checkSplitAgainstReference(t, []byte(seed))
	}
	fixturestest.ForEach(t, func(t *testing.T, set *fixtures.Set) {
		got, err := store.SplitResultsPayloadForTest(set.Results)
		require.NoError(t, err)
		require.Len(t, got, set.Estimators)
		pages := 0
		for _, est := range got {
			pages += len(est.Pages)
		}
		assert.Equal(t, set.Pages, pages)
		checkSplitAgainstReference(t, set.Results)
	})
}

// FuzzSplitResultsPayload checks the payload splitter against encoding/json on arbitrary text: it never
// refuses what encoding/json reads, and whenever the parts it returns are valid JSON it agrees with
// encoding/json on every name, metadata text and page text.
func FuzzSplitResultsPayload(f *testing.F) {
	for _, seed := range splitSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkSplitAgainstReference(t, payload)
	})
}
