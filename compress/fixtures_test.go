package compress_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fixturesEnv names the environment variable that overrides where the shared
// fixtures live.
const fixturesEnv = "YAPSTORE_FIXTURES"

// resultsFixture is the results file of one SHIELD-HIT12A run (2.5 MB of
// indented JSON, 21 pages under estimators[].pages[]).
const resultsFixture = "json_with_results.json"

// allFixtures lists every JSON fixture the round-trip tests read.
var allFixtures = []string{
	"fluka_json_payload_files.json",
	"json_payload_editor.json",
	resultsFixture,
	"shieldhit_json_payload_files.json",
}

// fixtureDir returns the directory holding the shared fixtures: $YAPSTORE_FIXTURES
// when set, else ../../shared/fixtures (the shared directory beside the
// repository). A missing directory fails the test: the fixtures are the real
// payloads and the tests are meaningless without them.
func fixtureDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv(fixturesEnv)
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "fixtures")
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		tb.Fatalf("fixtures directory %q not found (%v): put the shared fixtures beside the repository "+
			"or set %s to their directory", dir, err, fixturesEnv)
	}
	return dir
}

// readFixture returns the bytes of one fixture file, failing the test when it
// cannot be read.
func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir(tb), name))
	if err != nil {
		tb.Fatalf("read fixture %s: %v (set %s to the fixtures directory)", name, err, fixturesEnv)
	}
	return data
}

// resultPages returns every page of the results fixture as Python's
// json.dumps would write it (", " and ": " separators, the original number
// and string text), in file order.
func resultPages(tb testing.TB) [][]byte {
	tb.Helper()
	var results struct {
		Estimators []struct {
			Pages []json.RawMessage `json:"pages"`
		} `json:"estimators"`
	}
	if err := json.Unmarshal(readFixture(tb, resultsFixture), &results); err != nil {
		tb.Fatalf("parse %s: %v", resultsFixture, err)
	}
	var pages [][]byte
	for _, estimator := range results.Estimators {
		for _, page := range estimator.Pages {
			pages = append(pages, pythonDumps(tb, page))
		}
	}
	if len(pages) == 0 {
		tb.Fatalf("%s holds no pages under estimators[].pages[]", resultsFixture)
	}
	return pages
}

// largestPage returns the biggest page of the results fixture in Python's
// json.dumps form (about 300 KB).
func largestPage(tb testing.TB) []byte {
	tb.Helper()
	var largest []byte
	for _, page := range resultPages(tb) {
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
