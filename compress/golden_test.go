package compress_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/yapstore/yapstore/compress"
)

// goldenBlobs returns the names of the Python-written blobs in testdata
// (see testdata/gen_golden.py), without the .json.gz suffix.
func goldenBlobs(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, path := range paths {
		names = append(names, strings.TrimSuffix(filepath.Base(path), ".json.gz"))
	}
	sort.Strings(names)
	if len(names) < 11 {
		t.Fatalf("found %d golden blobs in testdata, want 11: run testdata/gen_golden.py", len(names))
	}
	return names
}

// readGolden returns a golden blob and the exact text Python put in it.
func readGolden(t *testing.T, name string) (blob, text []byte) {
	t.Helper()
	blob, err := os.ReadFile(filepath.Join("testdata", name+".json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	text, err = os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return blob, text
}

// TestGoldenPythonBlobs decodes every blob Python wrote, through every decode
// path, and requires the exact text Python compressed. For nan, whose NaN and
// Infinity encoding/json cannot represent, decoding into Go values fails with
// ErrValue at the first of them, and the text paths return Python's text.
func TestGoldenPythonBlobs(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	for _, name := range goldenBlobs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			blob, text := readGolden(t, name)
			if name == "nan" {
				for path, err := range decodeErrors(codec, blob) {
					var codecErr *compress.Error
					switch {
					case strings.Contains(path, "JSON"):
						if err != nil {
							t.Errorf("%s: %v", path, err)
						}
					case !errors.As(err, &codecErr) || codecErr.Kind != compress.ErrValue ||
						codecErr.Offset != int64(bytes.Index(text, []byte("NaN"))):
						t.Errorf("%s: error %v, want ErrValue at the first NaN", path, err)
					}
				}
				if got, err := codec.DecompressJSON(blob); err != nil || !bytes.Equal(got, text) {
					t.Fatalf("DecompressJSON = %s, %v; want Python's text %s", got, err, text)
				}
				return
			}
			got, err := codec.DecompressJSON(blob)
			if err != nil {
				t.Fatalf("DecompressJSON: %v", err)
			}
			if !bytes.Equal(got, text) {
				t.Fatalf("DecompressJSON text differs from Python's:\ngot  %.200s\nwant %.200s", got, text)
			}
			streamed, err := codec.NewDecoder(onlyReader{bytes.NewReader(blob)}).DecodeJSON()
			if err != nil || !bytes.Equal(streamed, text) {
				t.Fatalf("Decoder.DecodeJSON = %.100s, %v; want Python's text", streamed, err)
			}
			var fromBlob, fromText any
			if err := codec.Unmarshal(blob, &fromBlob); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if err := json.Unmarshal(text, &fromText); err != nil {
				t.Fatalf("json.Unmarshal of Python's text: %v", err)
			}
			assertSameJSONValue(t, fromBlob, fromText)
		})
	}
}

// TestGoldenValues checks the values of the golden blobs where Go's reading
// of Python's text is the point: escapes, big numbers, null and empties.
func TestGoldenValues(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	decode := func(t *testing.T, name string, v any) {
		t.Helper()
		blob, _ := readGolden(t, name)
		if err := codec.Unmarshal(blob, v); err != nil {
			t.Fatalf("Unmarshal %s: %v", name, err)
		}
	}

	t.Run("logfiles", func(t *testing.T) {
		var logfiles map[string]string
		decode(t, "logfiles", &logfiles)
		want := map[string]string{
			"simulation.log": "line 1\nline 2\r\n\ttab \"quoted\" back\\slash /slash\x00nul\x1fus\x7fdel",
			"unicode.log":    "Z\u00fcrich \u00b5m \u2192 \u03b1\u03b2 \U0001F600 \u2028\u2029 <&> \ufeff",
		}
		for file, text := range want {
			if logfiles[file] != text {
				t.Errorf("%s = %q, want %q", file, logfiles[file], text)
			}
		}
	})

	t.Run("numbers", func(t *testing.T) {
		// Decoding into json.Number keeps Python's literal text, so big
		// integers survive exactly.
		var numbers []json.Number
		decode(t, "numbers", &numbers)
		want := []string{"0", "-1", "9007199254740993", "18446744073709551616",
			"1000000000000000000000000000000", "-0.0", "0.1", "1e-07", "1e+16", "1e+22",
			"3.141592653589793", "1.7976931348623157e+308", "5e-324", "2.5e-05"}
		if len(numbers) != len(want) {
			t.Fatalf("got %d numbers, want %d", len(numbers), len(want))
		}
		for i, number := range numbers {
			if number.String() != want[i] {
				t.Errorf("number %d = %s, want %s", i, number, want[i])
			}
		}
	})

	t.Run("null", func(t *testing.T) {
		value := map[string]any{"left": "alone"}
		decode(t, "null", &value)
		if value != nil {
			t.Errorf("null decoded into a map gives %v, want nil", value)
		}
	})

	t.Run("empty", func(t *testing.T) {
		var input struct {
			InputFiles map[string]string `json:"input_files"`
			Values     []float64         `json:"values"`
			Name       *string           `json:"name"`
		}
		decode(t, "empty", &input)
		if input.InputFiles == nil || len(input.InputFiles) != 0 || input.Values == nil || len(input.Values) != 0 ||
			input.Name == nil || *input.Name != "" {
			t.Errorf("empty containers decoded as %+v, want empty non-nil values", input)
		}
	})

	t.Run("page_0d", func(t *testing.T) {
		var page struct {
			Metadata struct {
				PageNumber json.Number `json:"page_number"`
				Name       string      `json:"name"`
			} `json:"metadata"`
			Dimensions int `json:"dimensions"`
			Data       struct {
				Name   string    `json:"name"`
				Unit   string    `json:"unit"`
				Values []float64 `json:"values"`
			} `json:"data"`
		}
		decode(t, "page_0d", &page)
		if page.Dimensions != 0 || page.Metadata.Name == "" || page.Data.Name == "" || len(page.Data.Values) != 1 {
			t.Errorf("page_0d decoded as %+v, want a named 0-D page with one value", page)
		}
	})
}

// TestGoldenHeaders checks that the golden blobs really are what they
// claim: Python's level-9 members (XFL 2) with assorted mtimes, so the test
// above exercises the platform's own header bytes.
func TestGoldenHeaders(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"page_0d", "page_1d", "input_files", "logfiles", "numbers", "null", "empty", "nan"} {
		blob, _ := readGolden(t, name)
		if len(blob) < 10 || blob[0] != 0x1f || blob[1] != 0x8b || blob[2] != 8 || blob[8] != 2 {
			t.Errorf("%s: header % x is not a level-9 gzip member", name, blob[:min(len(blob), 10)])
		}
	}
}
