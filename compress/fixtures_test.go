package compress_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/yapstore/yapstore/internal/fixtures"
)

// resultPages returns every page of a set's results file as Python's json.dumps would write it (", " and
// ": " separators, the original number and string text), in file order.
func resultPages(tb testing.TB, set *fixtures.Set) [][]byte {
	tb.Helper()
	var results struct {
		Estimators []struct {
			Pages []json.RawMessage `json:"pages"`
		} `json:"estimators"`
	}
	if err := json.Unmarshal(set.Results, &results); err != nil {
		tb.Fatalf("parse %s results: %v", set.Name, err)
	}
	var pages [][]byte
	for _, estimator := range results.Estimators {
		for _, page := range estimator.Pages {
			pages = append(pages, pythonDumps(tb, page))
		}
	}
	if len(pages) == 0 {
		tb.Fatalf("%s results hold no pages under estimators[].pages[]", set.Name)
	}
	return pages
}

// largestPage returns the biggest page of a set's results file in Python's json.dumps form (about 300 KB
// at the default size).
func largestPage(tb testing.TB, set *fixtures.Set) []byte {
	tb.Helper()
	var largest []byte
	for _, page := range resultPages(tb, set) {
		if len(page) > len(largest) {
			largest = page
		}
	}
	return largest
}

// pythonDumps rewrites JSON text the way Python's json.dumps spaces it: no
// newlines or indentation, ", " between items and ": " after keys. Number and
// string text is kept verbatim, so text that Python wrote comes out byte for
// byte as json.dumps would write it again.
func pythonDumps(tb testing.TB, text []byte) []byte {
	tb.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, text); err != nil {
		tb.Fatalf("compact JSON: %v", err)
	}
	spaced := make([]byte, 0, compact.Len()+compact.Len()/4)
	inString, escaped := false, false
	for _, c := range compact.Bytes() {
		spaced = append(spaced, c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			spaced = append(spaced, ' ')
		}
	}
	return spaced
}
