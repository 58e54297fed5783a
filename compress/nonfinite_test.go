package compress_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
)

// TestNonFiniteWords checks that NaN, Infinity and -Infinity are read and
// written exactly where Python's json module reads and writes them, kept byte
// for byte by every text path, and refused in every other spelling.
func TestNonFiniteWords(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	accepted := []string{
		`NaN`, `Infinity`, `-Infinity`, ` [NaN, Infinity, -Infinity] `,
		`{"error": NaN, "ratio": -Infinity, "values": [1.5, NaN]}`,
		"[\n  NaN,\n  -Infinity\n]", `{"a":[NaN],"b":{"c":Infinity}}`,
		`"NaN"`, `["Infinity", "-Infinity NaN"]`, // strings are text, never numbers
	}
	for _, text := range accepted {
		if !compress.Valid([]byte(text)) {
			t.Errorf("Valid(%s) = false", text)
		}
		blob, err := codec.CompressJSON([]byte(text))
		if err != nil {
			t.Errorf("CompressJSON(%s): %v", text, err)
			continue
		}
		if got, err := codec.DecompressJSON(blob); err != nil || string(got) != text {
			t.Errorf("DecompressJSON(CompressJSON(%s)) = %s, %v", text, got, err)
		}
		var stream bytes.Buffer
		if err := codec.NewEncoder(&stream).EncodeJSON([]byte(text)); err != nil {
			t.Errorf("EncodeJSON(%s): %v", text, err)
		}
		if got, err := codec.NewDecoder(onlyReader{&stream}).DecodeJSON(); err != nil || string(got) != text {
			t.Errorf("streamed %s back as %s, %v", text, got, err)
		}
	}

	refused := []string{
		`nan`, `NAN`, `-NaN`, `+Infinity`, `inf`, `Infinite`, `NaN1`, `[1NaN]`, `Infinityx`, `[--Infinity]`,
		`[- Infinity]`, `{NaN: 1}`, `NaN NaN`, `[NaN,]`,
	}
	for _, text := range refused {
		if compress.Valid([]byte(text)) {
			t.Errorf("Valid(%s) = true", text)
		}
		if _, err := codec.CompressJSON([]byte(text)); !errors.Is(err, compress.ErrInvalidJSON) {
			t.Errorf("CompressJSON(%s) = %v, want ErrInvalidJSON", text, err)
		}
	}

	// A Go value has no NaN through encoding/json: decoding one fails with
	// ErrValue naming where it is, and text that is broken as well is
	// reported as broken.
	blob, err := codec.CompressJSON([]byte(`{"ok": 1, "bad": -Infinity}`))
	if err != nil {
		t.Fatal(err)
	}
	var value any
	var codecErr *compress.Error
	if err := codec.Unmarshal(blob, &value); !errors.As(err, &codecErr) || codecErr.Kind != compress.ErrValue ||
		codecErr.Offset != 17 {
		t.Errorf("Unmarshal of -Infinity = %v, want ErrValue at byte 17 (its minus sign)", err)
	}
}

// TestCompact checks Compact against json.Compact on RFC 8259 text, and that
// it keeps Python's non-finite words and every spelling byte for byte.
func TestCompact(t *testing.T) {
	t.Parallel()
	for _, set := range []*fixtures.Set{fixtures.Generate(fixtures.Options{Scale: 0.1})} {
		for _, file := range set.Files() {
			var want, got bytes.Buffer
			if err := json.Compact(&want, file.Data); err != nil {
				t.Fatal(err)
			}
			if err := compress.Compact(&got, file.Data); err != nil || !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s: Compact differs from json.Compact (%v)", file.Name, err)
			}
		}
	}
	var got bytes.Buffer
	text := "{ \"a\" : [ NaN ,\n\t-Infinity , 1.50E+3, \"x  y\\\"  z\" ] }\n"
	if err := compress.Compact(&got, []byte(text)); err != nil || got.String() != `{"a":[NaN,-Infinity,1.50E+3,"x  y\"  z"]}` {
		t.Errorf("Compact = %s, %v", got.String(), err)
	}
	got.Reset()
	got.WriteString("kept")
	if err := compress.Compact(&got, []byte(" [1,\n    2 ] ")); err != nil || got.String() != "kept[1,2]" {
		t.Errorf("Compact after kept text = %q, %v", got.String(), err)
	}
	got.Reset()
	got.WriteString("kept")
	if err := compress.Compact(&got, []byte(`[1, nan]`)); !errors.Is(err, compress.ErrInvalidJSON) || got.String() != "kept" {
		t.Errorf("Compact of invalid text = %v, buffer %q", err, got.String())
	}
}
