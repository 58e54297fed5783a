package compress_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
	"github.com/yapstore/yapstore/internal/python"
)

// requirePythonEnv, when set to 1, turns a missing python3 into a failure
// (for CI machines that are meant to have it).
const requirePythonEnv = "YAPSTORE_REQUIRE_PYTHON"

// pythonCase is one blob our encoder wrote and the JSON text of the value
// Python must read from it.
type pythonCase struct {
	name string
	blob []byte
	want []byte
}

// TestPythonDecodesOurBlobs writes blobs with every encode path and level,
// and has Python's gzip and json modules (testdata/check_blobs.py) decode
// them to the values we meant, as the platform's backend would.
func TestPythonDecodesOurBlobs(t *testing.T) {
	t.Parallel()
	interpreter, err := python.Path()
	if err != nil {
		if os.Getenv(requirePythonEnv) == "1" {
			t.Fatalf("python3 not found in PATH and %s=1: cannot check that Python decodes our blobs", requirePythonEnv)
		}
		t.Skipf("python3 not found in PATH: our blobs were NOT checked with Python's gzip and json modules "+
			"(install python3, or set %s=1 to make this a failure)", requirePythonEnv)
	}

	cases := pythonCases(t)
	dir := t.TempDir()
	for _, c := range cases {
		if err := os.WriteFile(filepath.Join(dir, c.name+".gz"), c.blob, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.name+".want"), c.want, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	output, err := exec.Command(interpreter, filepath.Join("testdata", "check_blobs.py"), dir).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(output)), "\n")
	passed := 0
	for _, line := range lines {
		if strings.HasPrefix(line, "ok ") {
			passed++
		} else {
			t.Errorf("python: %s", line)
		}
	}
	if err != nil || passed != len(cases) {
		t.Fatalf("python decoded %d of %d blobs (exit: %v)", passed, len(cases), err)
	}
	t.Logf("%s decoded all %d blobs to the expected values", interpreter, len(cases))
}

// pythonCases returns the blobs for Python to check.
func pythonCases(t *testing.T) []pythonCase {
	t.Helper()
	var cases []pythonCase
	add := func(name string, blob []byte, err error, want []byte) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cases = append(cases, pythonCase{name: name, blob: blob, want: want})
	}
	var codec compress.Codec

	for _, set := range fixturestest.Sources(t) {
		addSet(t, set, add)
	}

	// Python's non-finite words, as the platform writes them in pages, stored
	// byte for byte by CompressJSON and by EncodeJSON.
	nonFinite := fixtures.Generate(fixtures.Options{NonFinite: true, Scale: 0.1}).Results
	blob, err := codec.CompressJSON(nonFinite)
	add("nonfinite-results", blob, err, nonFinite)
	var stream bytes.Buffer
	err = codec.NewEncoder(&stream).EncodeJSON(nonFinite)
	add("nonfinite-results-encoder", stream.Bytes(), err, nonFinite)

	// Text Go writes as UTF-8 and Python writes ASCII-escaped: the values
	// must still match.
	unicode := map[string]string{
		"text":     "Z\u00fcrich \u00b5m \u2192 \u03b1\u03b2 \U0001F600 <&> \"q\" back\\slash",
		"controls": "\x00\x01\x1f\x7f\n\r\t\u2028\u2029",
	}
	blob, err = codec.Marshal(unicode)
	add("unicode", blob, err, []byte(`{"text": "Z\u00fcrich \u00b5m \u2192 \u03b1\u03b2 \ud83d\ude00 <&> \"q\" back\\slash", `+
		`"controls": "\u0000\u0001\u001f\u007f\n\r\t\u2028\u2029"}`))

	// Numbers carried as text keep every digit.
	blob, err = codec.Marshal([]json.Number{"18446744073709551616", "-0.0", "1e-07", "5e-324"})
	add("numbers", blob, err, []byte(`[18446744073709551616, -0.0, 1e-07, 5e-324]`))

	// A typed page, as the store might hold one.
	type pageData struct {
		Name   string    `json:"name"`
		Unit   string    `json:"unit"`
		Values []float64 `json:"values"`
	}
	typed := struct {
		Metadata   map[string]any `json:"metadata"`
		Dimensions int            `json:"dimensions"`
		Data       pageData       `json:"data"`
	}{
		Metadata:   map[string]any{"page_number": 1, "name": "DOSE"},
		Dimensions: 0,
		Data:       pageData{Name: "DOSE", Unit: "MeV/g", Values: []float64{1.2345678901234567e-12}},
	}
	blob, err = codec.Marshal(typed)
	add("typed-page", blob, err, []byte(`{"metadata": {"page_number": 1, "name": "DOSE"}, "dimensions": 0, `+
		`"data": {"name": "DOSE", "unit": "MeV/g", "values": [1.2345678901234567e-12]}}`))

	blob, err = codec.Marshal(nil)
	add("marshal-null", blob, err, []byte("null"))
	blob, err = codec.CompressJSON(nil)
	add("compressjson-null", blob, err, []byte("null"))
	return cases
}

// addSet adds the cases of one payload set: each file through CompressJSON,
// Marshal and the Encoder, each page of the results as the store writes it,
// and the largest page at every level.
func addSet(t *testing.T, set *fixtures.Set, add func(name string, blob []byte, err error, want []byte)) {
	t.Helper()
	var codec compress.Codec
	for _, file := range set.Files() {
		name, text := set.Name+"-"+file.Name, file.Data
		blob, err := codec.CompressJSON(text)
		add("compressjson-"+name, blob, err, text)

		// json.Number keeps integers past 2^53 exact, as Python's int does.
		var value any
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		if err := dec.Decode(&value); err != nil {
			t.Fatal(err)
		}
		blob, err = codec.Marshal(value)
		add("marshal-"+name, blob, err, text)

		var stream bytes.Buffer
		err = codec.NewEncoder(&stream).Encode(value)
		add("encoder-"+name, stream.Bytes(), err, text)
	}

	for i, page := range resultPages(t, set) {
		blob, err := codec.CompressJSON(page)
		add(fmt.Sprintf("%s-page-%02d", set.Name, i), blob, err, page)
	}
	page := largestPage(t, set)
	for level := 1; level <= 9; level++ {
		blob, err := compress.Codec{Level: level}.CompressJSON(page)
		add(fmt.Sprintf("%s-largest-page-level-%d", set.Name, level), blob, err, page)
	}
}
