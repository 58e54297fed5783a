package compress_test

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
)

// smallPageBlob returns a small blob Python wrote (a 1-D page) and
// its text.
func smallPageBlob(t *testing.T) (blob, text []byte) {
	t.Helper()
	return readGolden(t, "page_1d")
}

// TestTruncatedBlob cuts a blob at every length short of whole: every cut
// must fail with ErrCorrupt, on every path.
func TestTruncatedBlob(t *testing.T) {
	t.Parallel()
	blob, _ := smallPageBlob(t)
	for length := range len(blob) {
		for path, err := range decodeErrors(compress.Codec{}, blob[:length]) {
			if !errors.Is(err, compress.ErrCorrupt) {
				t.Fatalf("blob cut to %d of %d bytes: %s: error %v, want ErrCorrupt", length, len(blob), path, err)
			}
		}
	}
}

// TestCorruptedBlob flips every bit of a blob in turn. A flip may land on a
// bit that carries no meaning for the text (FTEXT, mtime, extra flags, OS,
// padding after the last deflate block) and still decode to the same text, or
// change a deflate code into another that writes the same bytes; every other
// flip, and any flip in the trailer, must fail with ErrCorrupt.
// No flip may ever yield different text.
func TestCorruptedBlob(t *testing.T) {
	t.Parallel()
	blob, text := smallPageBlob(t)
	var codec compress.Codec
	harmless := 0
	for i := range blob {
		for bit := range 8 {
			damaged := bytes.Clone(blob)
			damaged[i] ^= 1 << bit
			got, err := codec.DecompressJSON(damaged)
			switch {
			case err == nil && i >= len(blob)-8:
				t.Fatalf("flipping bit %d of trailer byte %d decoded without error", bit, i)
			case err == nil && !bytes.Equal(got, text):
				t.Fatalf("flipping bit %d of byte %d decoded to different text", bit, i)
			case err == nil && i >= 10 && inflatesTo(damaged[10:len(damaged)-8], text):
				// The flip turned one deflate code into another that writes the same bytes (a
				// back-reference to an equal run elsewhere): the stream still means the text, so
				// there is nothing to detect. The standard library's inflate agrees.
			case err == nil:
				harmless++
			case !errors.Is(err, compress.ErrCorrupt):
				t.Fatalf("flipping bit %d of byte %d: error %v, want ErrCorrupt", bit, i, err)
			}
		}
	}
	// FTEXT, 32 mtime bits, 8 XFL bits, 8 OS bits and at most 7 padding bits.
	if harmless > 1+32+8+8+7 {
		t.Errorf("%d of %d bit flips went unnoticed, want at most 56", harmless, 8*len(blob))
	}
}

// TestCorruptionDetails checks that each kind of damage is named in the
// error's Detail.
func TestCorruptionDetails(t *testing.T) {
	t.Parallel()
	blob, _ := smallPageBlob(t)
	badCRC := bytes.Clone(blob)
	badCRC[len(badCRC)-8] ^= 0xff
	badLength := bytes.Clone(blob)
	binary.LittleEndian.PutUint32(badLength[len(badLength)-4:], 7)
	badDeflate := bytes.Clone(blob)
	badDeflate[10] = 0xff // block type 3 does not exist

	cases := []struct {
		name   string
		blob   []byte
		detail string
	}{
		{"not gzip", []byte(`{"page_number": 1}`), "not a gzip header"},
		{"gzip magic, wrong method", []byte{0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 0xff, 0, 0}, "not a gzip header"},
		{"empty", []byte{}, "empty blob"},
		{"reserved flag bits", concat(blob[:3], []byte{blob[3] | 0x20}, blob[4:]), "not a gzip header"},
		{"cut short", blob[:len(blob)/2], "cut short"},
		{"checksum", badCRC, "checksum"},
		{"length", badLength, "checksum or length"},
		{"deflate", badDeflate, "damaged deflate data"},
	}
	for _, tc := range cases {
		_, err := compress.Codec{}.DecompressJSON(tc.blob)
		var codecErr *compress.Error
		if !errors.As(err, &codecErr) || codecErr.Kind != compress.ErrCorrupt || codecErr.Op != "decode" {
			t.Errorf("%s: error %v, want a decode *Error of kind ErrCorrupt", tc.name, err)
			continue
		}
		if !strings.Contains(codecErr.Detail, tc.detail) {
			t.Errorf("%s: detail %q, want it to mention %q", tc.name, codecErr.Detail, tc.detail)
		}
	}
}

// TestTrailingData checks what may follow the last gzip member: zero padding
// and further members are read as Python's gzip.decompress reads them;
// anything else fails with ErrTrailingData.
func TestTrailingData(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	blob, text := smallPageBlob(t)

	for name, trailing := range map[string][]byte{
		"garbage":                      []byte("garbage"),
		"one byte":                     {0x01},
		"zeros then garbage":           concat(make([]byte, 5), []byte("x")),
		"second gzip magic byte wrong": {0x1f, 0x8c, 8, 0, 0, 0, 0, 0, 0, 0xff},
		"JSON":                         []byte(`{"more": 1}`),
	} {
		t.Run(name, func(t *testing.T) {
			requireDecodeKind(t, codec, concat(blob, trailing), compress.ErrTrailingData)
		})
	}

	for name, padded := range map[string][]byte{
		"zero padding":            concat(blob, make([]byte, 100)),
		"members split the text":  concat(gzipMember(t, text[:100]), gzipMember(t, text[100:])),
		"padding between members": concat(gzipMember(t, text[:100]), make([]byte, 3), gzipMember(t, text[100:]), []byte{0}),
		"empty member after":      concat(blob, gzipMember(t, nil)),
	} {
		got, err := codec.DecompressJSON(padded)
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("%s: DecompressJSON = %d bytes, %v; want the page", name, len(got), err)
		}
		for path, err := range decodeErrors(codec, padded) {
			if err != nil {
				t.Errorf("%s: %s: %v", name, path, err)
			}
		}
	}

	// A second member that starts well but is cut short is damage, not
	// trailing data.
	second := gzipMember(t, []byte(" "))
	requireDecodeKind(t, codec, concat(blob, second[:len(second)-3]), compress.ErrCorrupt)
}

// TestNonJSONText checks blobs that are sound gzip around text that is not
// one JSON value in UTF-8.
func TestNonJSONText(t *testing.T) {
	t.Parallel()
	for name, text := range map[string]string{
		"empty text":      "",
		"plain text":      "hello",
		"lower-case nan":  `{"values": [nan]}`,
		"NaN in a number": `{"values": [1NaN]}`,
		"two values":      `{"a": 1} {"b": 2}`,
		"unclosed":        `{"a": [1, 2`,
		"invalid UTF-8":   "\"caf\xe9\"",
		"only whitespace": " \n\t",
		"binary zeros":    "\x00\x00\x00\x00",
		"comment":         `{"a": 1} // note`,
		"single quotes":   `{'a': 1}`,
		"trailing comma":  `[1, 2,]`,
	} {
		t.Run(name, func(t *testing.T) {
			blob := gzipMember(t, []byte(text))
			requireDecodeKind(t, compress.Codec{}, blob, compress.ErrInvalidJSON)
			_, err := compress.Codec{}.DecompressJSON(blob)
			var codecErr *compress.Error
			if errors.As(err, &codecErr) && codecErr.Offset < 0 {
				t.Errorf("error %v has no offset", err)
			}
		})
	}

	// Surrounding whitespace is part of valid JSON text and is kept.
	text := []byte(" {\"a\": 1}\n")
	got, err := compress.Codec{}.DecompressJSON(gzipMember(t, text))
	if err != nil || !bytes.Equal(got, text) {
		t.Errorf("whitespace around a value: %q, %v", got, err)
	}

	// A syntax error keeps encoding/json's error reachable.
	_, err = compress.Codec{}.DecompressJSON(gzipMember(t, []byte("[1,")))
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		t.Errorf("error %v does not wrap *json.SyntaxError", err)
	}
}

// TestReaderAndWriterErrors checks that failures of the caller's own reader
// and writer come back as themselves, not as a blob fault.
func TestReaderAndWriterErrors(t *testing.T) {
	t.Parallel()
	var codec compress.Codec
	blob, _ := smallPageBlob(t)
	failure := errors.New("connection reset")

	failingReader := io.MultiReader(bytes.NewReader(blob[:50]), iotest.ErrReader(failure))
	err := codec.NewDecoder(failingReader).Decode(new(any))
	if !errors.Is(err, failure) || errors.Is(err, compress.ErrCorrupt) {
		t.Errorf("Decode from a failing reader = %v, want the reader's error and not ErrCorrupt", err)
	}

	for name, encode := range map[string]func(*compress.Encoder) error{
		"Encode":     func(e *compress.Encoder) error { return e.Encode(map[string]int{"a": 1}) },
		"EncodeJSON": func(e *compress.Encoder) error { return e.EncodeJSON([]byte(`{"a": 1}`)) },
	} {
		err := encode(codec.NewEncoder(failingWriter{failure}))
		if !errors.Is(err, failure) {
			t.Errorf("%s to a failing writer = %v, want the writer's error", name, err)
		}
		var codecErr *compress.Error
		if errors.As(err, &codecErr) {
			t.Errorf("%s to a failing writer = %v, an *Error with kind %v; want no blob fault", name, err, codecErr.Kind)
		}
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestHostileInputMemory checks that each kind of bad input fails with its
// typed error under a few MB of allocation.
func TestHostileInputMemory(t *testing.T) {
	fixturestest.ForEach(t, testHostileInputMemory)
}

func testHostileInputMemory(t *testing.T, set *fixtures.Set) {
	page := largestPage(t, set)
	blob := gzipMember(t, page)
	cases := []struct {
		name string
		blob []byte
		kind error
	}{
		{"truncated", blob[:len(blob)*2/3], compress.ErrCorrupt},
		{"corrupted", corruptMiddle(blob), compress.ErrCorrupt},
		{"trailing garbage", concat(blob, []byte("garbage")), compress.ErrTrailingData},
		{"not JSON", gzipMember(t, bytes.Repeat([]byte("not json "), 100_000)), compress.ErrInvalidJSON},
	}
	for _, tc := range cases {
		var err error
		allocated := bytesAllocated(func() { _, err = compress.Codec{}.DecompressJSON(tc.blob) })
		if !errors.Is(err, tc.kind) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.kind)
		}
		if allocated > 4<<20 {
			t.Errorf("%s: decoding allocated %d bytes, want under 4 MiB", tc.name, allocated)
		}
		t.Logf("%s: %v after allocating %d KiB", tc.name, tc.kind, allocated>>10)
	}
}

// corruptMiddle returns blob with a run of bytes in its deflate data
// overwritten.
func corruptMiddle(blob []byte) []byte {
	damaged := bytes.Clone(blob)
	for i := len(damaged) / 2; i < len(damaged)/2+16; i++ {
		damaged[i] = ^damaged[i]
	}
	return damaged
}

// inflatesTo reports whether raw deflate data decodes, with the standard
// library's inflate, to exactly text.
func inflatesTo(deflated, text []byte) bool {
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(deflated)))
	return err == nil && bytes.Equal(got, text)
}
