package compress_test

import (
	"bytes"
	stdgzip "compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yapstore/yapstore/compress"
)

// fuzzLimit keeps fuzzed decodes small and fast.
const fuzzLimit = 1 << 20

// blobKinds are the only failures a decode of an in-memory blob may report.
var blobKinds = []error{compress.ErrCorrupt, compress.ErrTrailingData, compress.ErrTooLarge, compress.ErrInvalidJSON}

// kindOf returns the Kind of a decode error, or nil.
func kindOf(err error) error {
	var codecErr *compress.Error
	if errors.As(err, &codecErr) {
		return codecErr.Kind
	}
	return err
}

// FuzzDecode feeds arbitrary bytes to every decode path. None may panic;
// all must agree; a failure must be one of the four blob faults; a success
// must be valid JSON within the limit that round-trips; and whatever the
// standard library's gzip reader reads whole, as valid JSON within the
// limit, must decode to the same text.
//
//	go test ./compress -run '^$' -fuzz FuzzDecode -fuzztime 60s
func FuzzDecode(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.json.gz"))
	for _, path := range paths {
		blob, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob)
		f.Add(blob[:len(blob)/2])
		f.Add(concat(blob, []byte{0, 0, 'x'}))
		f.Add(concat(blob, blob))
	}
	for _, seed := range []string{"", "{}", "\x1f\x8b", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"} {
		f.Add([]byte(seed))
	}
	for _, text := range []string{`{"a": [1, 2.5e-3, "\u00e9"]}`, "[NaN]", "\"\xff\"", ""} {
		f.Add(gzipMember(f, []byte(text)))
	}

	codec := compress.Codec{MaxSize: fuzzLimit}
	f.Fuzz(func(t *testing.T, blob []byte) {
		text, err := codec.DecompressJSON(blob)
		kind := kindOf(err)
		for path, pathErr := range decodeErrors(codec, blob) {
			if kindOf(pathErr) != kind && !(err == nil && kindOf(pathErr) == compress.ErrValue &&
				!strings.Contains(path, "JSON") && !json.Valid(text)) {
				// The one allowed difference: text with NaN or Infinity decodes as text but has
				// no Go value (Unmarshal and Decode fail with ErrValue).
				t.Fatalf("%s failed with %v, DecompressJSON with %v", path, pathErr, err)
			}
		}

		if want, ok := stdlibText(blob); ok && pythonValid(want) && len(want) <= fuzzLimit {
			if err != nil || !bytes.Equal(text, want) {
				t.Fatalf("the standard library reads %q; DecompressJSON gives %q, %v", want, text, err)
			}
		}

		if err != nil {
			if !isOneOf(kind, blobKinds) {
				t.Fatalf("error %v is not one of the blob faults", err)
			}
			return
		}
		if !pythonValid(text) || len(text) > fuzzLimit {
			t.Fatalf("DecompressJSON returned %d bytes that are not valid JSON within the limit: %q", len(text), text)
		}
		again, err := codec.CompressJSON(text)
		if err != nil {
			t.Fatalf("CompressJSON of decoded text: %v", err)
		}
		if roundTrip, err := codec.DecompressJSON(again); err != nil || !bytes.Equal(roundTrip, text) {
			t.Fatalf("round trip gave %q, %v; want %q", roundTrip, err, text)
		}
	})
}

// stdlibText decompresses blob with the standard library's gzip reader,
// member by member, reading at most one byte past fuzzLimit; ok is false
// when it fails. A member whose header sets reserved flag bits counts as a
// failure: RFC 1952 says to refuse them and this package does, while the
// standard library (and Python) ignore them.
func stdlibText(blob []byte) (text []byte, ok bool) {
	src := bytes.NewReader(blob)
	var reader stdgzip.Reader
	for members := 0; ; members++ {
		start := len(blob) - src.Len()
		if err := reader.Reset(src); err != nil {
			return text, err == io.EOF && members > 0
		}
		if blob[start+3]&0xe0 != 0 {
			return nil, false
		}
		reader.Multistream(false)
		member, err := io.ReadAll(io.LimitReader(&reader, int64(fuzzLimit+1-len(text))))
		if err != nil {
			return nil, false
		}
		text = append(text, member...)
		if len(text) > fuzzLimit {
			return text, true
		}
	}
}

// isOneOf reports whether err is one of kinds.
func isOneOf(err error, kinds []error) bool {
	for _, kind := range kinds {
		if err == kind {
			return true
		}
	}
	return false
}

// FuzzCompressJSON checks that the encoder accepts exactly the texts that
// Python's json module reads (pythonValid) and that are UTF-8, and that what
// it accepts comes back unchanged.
//
//	go test ./compress -run '^$' -fuzz FuzzCompressJSON -fuzztime 60s
func FuzzCompressJSON(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `null`, ` true `, `-0.5e+10`, `01`, `1.`, `.5`, `-`, `[1,]`, `{"a":1,}`, `{"a" 1}`,
		`"\u00e9\ud83d\ude00"`, `"\uZZZZ"`, `"\x"`, "\"\x01\"", "\"\xed\xa0\x80\"", "\"\xc3\xa9\"",
		`[[[[[]]]]]`, `{"a":{"b":[1,{"c":null}]}}`, `{} {}`, "\ufeff{}", `[1e400]`, `nul`, `truex`,
		`NaN`, `[NaN, Infinity, -Infinity]`, `{"a": -Infinity}`, `"NaN"`, `nan`, `-NaN`, `+Infinity`, `NaN1`,
		`[1NaN]`, `Infinityx`, `--Infinity`, `{NaN: 1}`, `[- Infinity]`, `["\NaN"]`,
	} {
		f.Add([]byte(seed))
	}
	f.Add(bytes.Repeat([]byte("["), 10001))
	f.Add(concat(bytes.Repeat([]byte("["), 10000), bytes.Repeat([]byte("]"), 10000)))
	f.Add(concat(bytes.Repeat([]byte("["), 10001), bytes.Repeat([]byte("]"), 10001)))

	var codec compress.Codec
	f.Fuzz(func(t *testing.T, text []byte) {
		blob, err := codec.CompressJSON(text)
		valid := pythonValid(text)
		if (err == nil) != valid {
			t.Fatalf("CompressJSON(%q) error %v; pythonValid says %v", text, err, valid)
		}
		if compress.Valid(text) != valid {
			t.Fatalf("Valid(%q) = %v; pythonValid says %v", text, !valid, valid)
		}
		if err != nil {
			if !errors.Is(err, compress.ErrInvalidJSON) {
				t.Fatalf("CompressJSON(%q) = %v, want ErrInvalidJSON", text, err)
			}
			return
		}
		got, err := codec.DecompressJSON(blob)
		if err != nil || !bytes.Equal(got, text) {
			t.Fatalf("round trip of %q gave %q, %v", text, got, err)
		}
	})
}

// pythonValid reports whether text is one JSON value in UTF-8 as Python's json
// module reads it, built apart from the package's own scanner: each NaN,
// Infinity and -Infinity is replaced by a 0 padded with spaces to the same
// length, and encoding/json judges the result. The spaces keep a word that
// touches another token invalid (1NaN, NaN1, -NaN, Infinityx), and a
// replacement inside a string leaves a valid string valid.
func pythonValid(text []byte) bool {
	if !utf8.Valid(text) {
		return false
	}
	finite := bytes.ReplaceAll(text, []byte("-Infinity"), []byte(" -0      "))
	finite = bytes.ReplaceAll(finite, []byte("Infinity"), []byte(" 0      "))
	finite = bytes.ReplaceAll(finite, []byte("NaN"), []byte(" 0 "))
	return json.Valid(finite)
}
