package compress_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
)

// TestRoundTripFixtures sends every payload of every source through every
// encode and decode path and requires it back unchanged: the text byte for
// byte, the value deeply equal.
func TestRoundTripFixtures(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	fixturestest.ForEach(t, func(t *testing.T, set *fixtures.Set) {
		for _, file := range set.Files() {
			t.Run(file.Name, func(t *testing.T) {
				t.Parallel()
				text := file.Data
				var want any
				if err := json.Unmarshal(text, &want); err != nil {
					t.Fatal(err)
				}

				blob, err := codec.CompressJSON(text)
				if err != nil {
					t.Fatalf("CompressJSON: %v", err)
				}
				got, err := codec.DecompressJSON(blob)
				if err != nil {
					t.Fatalf("DecompressJSON: %v", err)
				}
				if !bytes.Equal(got, text) {
					t.Fatalf("DecompressJSON(CompressJSON(text)) differs from the text")
				}

				blob, err = codec.Marshal(want)
				if err != nil {
					t.Fatalf("Marshal: %v", err)
				}
				var value any
				if err := codec.Unmarshal(blob, &value); err != nil {
					t.Fatalf("Unmarshal: %v", err)
				}
				assertSameJSONValue(t, value, want)

				var stream bytes.Buffer
				if err := codec.NewEncoder(&stream).Encode(want); err != nil {
					t.Fatalf("Encoder.Encode: %v", err)
				}
				if !bytes.Equal(stream.Bytes(), blob) {
					t.Errorf("Encoder.Encode wrote a different blob from Marshal")
				}
				var streamed any
				if err := codec.NewDecoder(onlyReader{&stream}).Decode(&streamed); err != nil {
					t.Fatalf("Decoder.Decode: %v", err)
				}
				assertSameJSONValue(t, streamed, want)
			})
		}
	})
}

// TestRoundTripPages round-trips each of the 21 pages, as the store
// writes and reads them, at the default level and at Python's level 9.
func TestRoundTripPages(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testRoundTripPages)
}

func testRoundTripPages(t *testing.T, set *fixtures.Set) {
	for _, codec := range []compress.Codec{{}, {Level: 9}} {
		for i, page := range resultPages(t, set) {
			blob, err := codec.CompressJSON(page)
			if err != nil {
				t.Fatalf("level %d, page %d: CompressJSON: %v", codec.Level, i, err)
			}
			text, err := codec.DecompressJSON(blob)
			if err != nil || !bytes.Equal(text, page) {
				t.Fatalf("level %d, page %d: DecompressJSON = %d bytes, %v; want the page's %d bytes",
					codec.Level, i, len(text), err, len(page))
			}
			streamed, err := codec.NewDecoder(onlyReader{bytes.NewReader(blob)}).DecodeJSON()
			if err != nil || !bytes.Equal(streamed, page) {
				t.Fatalf("level %d, page %d: Decoder.DecodeJSON = %d bytes, %v", codec.Level, i, len(streamed), err)
			}
		}
	}
}

// TestMarshalWritesCompactJSON checks the text Marshal puts in a blob: the
// compact encoding/json text, HTML characters unescaped and no trailing
// newline, so that it reads back byte for byte.
func TestMarshalWritesCompactJSON(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	value := map[string]any{"name": "<b>&</b>", "lines": "a\nb", "values": []float64{1.5, 2e-7}}
	blob, err := codec.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	text, err := codec.DecompressJSON(blob)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"lines":"a\nb","name":"<b>&</b>","values":[1.5,2e-7]}`
	if string(text) != want {
		t.Errorf("Marshal wrote %s, want %s", text, want)
	}
}

// TestNullBlob checks the platform's NULL semantics: a nil blob reads as the
// JSON text null everywhere.
func TestNullBlob(t *testing.T) {
	t.Parallel()
	var codec compress.Codec

	text, err := codec.DecompressJSON(nil)
	if err != nil || string(text) != "null" {
		t.Errorf("DecompressJSON(nil) = %q, %v; want null", text, err)
	}
	text[0] = 'X' // the returned slice is the caller's own
	if again, _ := codec.DecompressJSON(nil); string(again) != "null" {
		t.Errorf("changing a returned null changed the next one: %q", again)
	}

	object := map[string]any{"kept": true}
	if err := codec.Unmarshal(nil, &object); err != nil || object != nil {
		t.Errorf("Unmarshal(nil, &map) = %v, map %v; want nil error and a nil map", err, object)
	}
	page := struct{ Name string }{Name: "unchanged"}
	if err := codec.Unmarshal(nil, &page); err != nil || page.Name != "unchanged" {
		t.Errorf("Unmarshal(nil, &struct) = %v, %+v; want the struct untouched", err, page)
	}
	var notPointer map[string]any
	if err := codec.Unmarshal(nil, notPointer); !errors.Is(err, compress.ErrValue) {
		t.Errorf("Unmarshal(nil, non-pointer) = %v, want ErrValue", err)
	}

	// Encoding: a nil text stands for null, as json.RawMessage does.
	blob, err := codec.CompressJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if text, err := codec.DecompressJSON(blob); err != nil || string(text) != "null" {
		t.Errorf("DecompressJSON(CompressJSON(nil)) = %q, %v; want null", text, err)
	}
	blob, err = codec.Marshal(nil)
	if err != nil {
		t.Fatal(err)
	}
	if text, err := codec.DecompressJSON(blob); err != nil || string(text) != "null" {
		t.Errorf("DecompressJSON(Marshal(nil)) = %q, %v; want null", text, err)
	}
}

// TestEmptyBlob checks that an empty, non-NULL blob and an empty stream are
// not blobs: unlike NULL they fail with ErrCorrupt.
func TestEmptyBlob(t *testing.T) {
	t.Parallel()
	requireDecodeKind(t, compress.Codec{}, []byte{}, compress.ErrCorrupt)
}

// TestEncodeRefusesInvalidJSON checks that raw text that is not one JSON
// value in UTF-8 is never compressed, and that the error locates the fault.
func TestEncodeRefusesInvalidJSON(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	cases := []struct {
		name   string
		text   string
		offset int64
	}{
		{"empty", "", 0},
		{"unclosed", `{"a": [1, 2`, 11},
		{"two values", `{} {}`, 4},
		{"lower-case nan", `[nan]`, 3},
		{"minus NaN", `[-NaN]`, 3},
		{"Infinity run on", `[Infinity1]`, 2},
		{"bad UTF-8", "[\"ok\", \"\xff\"]", 8},
		{"UTF-16 surrogate in UTF-8", "\"\xed\xa0\x80\"", 1},
	}
	encoders := map[string]func([]byte) error{
		"CompressJSON": func(text []byte) error { _, err := codec.CompressJSON(text); return err },
		"Encoder.EncodeJSON": func(text []byte) error {
			var out bytes.Buffer
			err := codec.NewEncoder(&out).EncodeJSON(text)
			if out.Len() != 0 {
				t.Errorf("EncodeJSON(%q) wrote %d bytes before failing", text, out.Len())
			}
			return err
		},
	}
	for _, tc := range cases {
		for path, encode := range encoders {
			err := encode([]byte(tc.text))
			var codecErr *compress.Error
			if !errors.As(err, &codecErr) || codecErr.Kind != compress.ErrInvalidJSON || codecErr.Op != "encode" {
				t.Errorf("%s(%s) = %v, want an encode *Error of kind ErrInvalidJSON", path, tc.name, err)
				continue
			}
			if codecErr.Offset != tc.offset {
				t.Errorf("%s(%s): offset %d, want %d (%v)", path, tc.name, codecErr.Offset, tc.offset, err)
			}
		}
	}
}

// TestMarshalUnsupportedValue checks that values JSON cannot represent fail
// with ErrValue and keep encoding/json's own error reachable.
func TestMarshalUnsupportedValue(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	for name, value := range map[string]any{
		"channel":   make(chan int),
		"NaN":       []float64{math.NaN()},
		"Infinity":  map[string]float64{"x": math.Inf(1)},
		"marshaler": failingMarshaler{},
	} {
		_, err := codec.Marshal(value)
		if !errors.Is(err, compress.ErrValue) {
			t.Errorf("Marshal(%s) = %v, want ErrValue", name, err)
		}
	}
	_, err := codec.Marshal([]float64{math.NaN()})
	var unsupported *json.UnsupportedValueError
	if !errors.As(err, &unsupported) {
		t.Errorf("Marshal(NaN) = %v, want it to wrap *json.UnsupportedValueError", err)
	}
}

type failingMarshaler struct{}

func (failingMarshaler) MarshalJSON() ([]byte, error) { return nil, errors.New("no JSON for you") }

// TestUnmarshalTypeMismatch checks that valid JSON of the wrong shape fails
// with ErrValue, keeping *json.UnmarshalTypeError reachable.
func TestUnmarshalTypeMismatch(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	blob, err := codec.CompressJSON([]byte(`{"page_number": "one"}`))
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		PageNumber int `json:"page_number"`
	}
	err = codec.Unmarshal(blob, &page)
	var typeErr *json.UnmarshalTypeError
	if !errors.Is(err, compress.ErrValue) || !errors.As(err, &typeErr) {
		t.Errorf("Unmarshal string into int = %v, want ErrValue wrapping *json.UnmarshalTypeError", err)
	}
}

// TestInvalidOptions checks that a Codec out of range refuses to work
// instead of guessing.
func TestInvalidOptions(t *testing.T) {
	t.Parallel()
	for _, level := range []int{-3, -2, -1, 10, 100} {
		codec := compress.Codec{Level: level}
		if _, err := codec.Marshal("x"); !errors.Is(err, compress.ErrInvalidOption) {
			t.Errorf("Marshal with level %d = %v, want ErrInvalidOption", level, err)
		}
		if _, err := codec.CompressJSON([]byte(`"x"`)); !errors.Is(err, compress.ErrInvalidOption) {
			t.Errorf("CompressJSON with level %d = %v, want ErrInvalidOption", level, err)
		}
	}
	blob, err := compress.Codec{}.Marshal("x")
	if err != nil {
		t.Fatal(err)
	}
	requireDecodeKind(t, compress.Codec{MaxSize: -1}, blob, compress.ErrInvalidOption)
}

// TestLevels checks that every level writes a blob that every other Codec
// reads, and that higher levels do not write bigger blobs of a page.
func TestLevels(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testLevels)
}

func testLevels(t *testing.T, set *fixtures.Set) {
	page := largestPage(t, set)
	sizes := map[int]int{}
	for level := 1; level <= 9; level++ {
		blob, err := compress.Codec{Level: level}.CompressJSON(page)
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		sizes[level] = len(blob)
		text, err := compress.Codec{Level: 9 - level + 1}.DecompressJSON(blob)
		if err != nil || !bytes.Equal(text, page) {
			t.Fatalf("level %d: decode = %d bytes, %v", level, len(text), err)
		}
	}
	if sizes[9] > sizes[1] {
		t.Errorf("level 9 wrote %d bytes, more than level 1's %d", sizes[9], sizes[1])
	}
	t.Logf("blob bytes of the %d-byte page by level: %v", len(page), sizes)
}

// TestSizeLimitBoundary checks that MaxSize is inclusive: text of exactly
// MaxSize bytes decodes, one byte more fails with ErrTooLarge, counting the
// text of every member.
func TestSizeLimitBoundary(t *testing.T) {
	t.Parallel()
	text := []byte(`"` + strings.Repeat("a", 998) + `"`) // 1000 bytes
	codec := compress.Codec{MaxSize: 1000}
	blob := gzipMember(t, text)
	if got, err := codec.DecompressJSON(blob); err != nil || !bytes.Equal(got, text) {
		t.Errorf("text of exactly MaxSize: %d bytes, %v", len(got), err)
	}
	requireDecodeKind(t, compress.Codec{MaxSize: 999}, blob, compress.ErrTooLarge)

	split := concat(gzipMember(t, text[:600]), gzipMember(t, text[600:]))
	if got, err := codec.DecompressJSON(split); err != nil || !bytes.Equal(got, text) {
		t.Errorf("two members of exactly MaxSize together: %d bytes, %v", len(got), err)
	}
	requireDecodeKind(t, compress.Codec{MaxSize: 999}, split, compress.ErrTooLarge)

	// The largest possible limit must not overflow anywhere.
	huge := compress.Codec{MaxSize: math.MaxInt64}
	for path, err := range decodeErrors(huge, split) {
		if err != nil {
			t.Errorf("MaxSize math.MaxInt64, %s: %v", path, err)
		}
	}
	fixturestest.ForEach(t, func(t *testing.T, set *fixtures.Set) {
		page := largestPage(t, set)
		if got, err := huge.NewDecoder(onlyReader{bytes.NewReader(gzipMember(t, page))}).DecodeJSON(); err != nil ||
			!bytes.Equal(got, page) {
			t.Errorf("MaxSize math.MaxInt64, streamed page: %d bytes, %v", len(got), err)
		}
	})
}

// TestConcurrentUse hammers one Codec from many goroutines at different
// levels, so that the race detector sees the pools shared.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	fixturestest.ForEach(t, testConcurrentUse)
}

func testConcurrentUse(t *testing.T, set *fixtures.Set) {
	pages := resultPages(t, set)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for worker := range 8 {
		wg.Go(func() {
			codec := compress.Codec{Level: worker%9 + 1}
			for i, page := range pages {
				blob, err := codec.CompressJSON(page)
				if err != nil {
					errs <- err
					return
				}
				text, err := codec.DecompressJSON(blob)
				if err != nil || !bytes.Equal(text, page) {
					errs <- fmt.Errorf("worker %d, page %d: %d bytes, %v", worker, i, len(text), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
