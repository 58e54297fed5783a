package compress_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/yapstore/yapstore/compress"
)

// onlyReader hides every method of its reader but Read, so the Decoder takes
// its buffered path as it would on a network stream.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// decodeErrors decodes blob through every decode path and returns the error
// of each, keyed by path. The paths must agree on every input.
func decodeErrors(codec compress.Codec, blob []byte) map[string]error {
	var fromBlob, fromStream any
	_, decompressErr := codec.DecompressJSON(blob)
	_, streamJSONErr := codec.NewDecoder(onlyReader{bytes.NewReader(blob)}).DecodeJSON()
	return map[string]error{
		"Codec.DecompressJSON":          decompressErr,
		"Codec.Unmarshal":               codec.Unmarshal(blob, &fromBlob),
		"Decoder.DecodeJSON (stream)":   streamJSONErr,
		"Decoder.Decode (stream)":       codec.NewDecoder(onlyReader{bytes.NewReader(blob)}).Decode(&fromStream),
		"Decoder.Decode (bytes.Reader)": codec.NewDecoder(bytes.NewReader(blob)).Decode(&fromStream),
	}
}

// requireDecodeKind decodes blob through every path and requires each to
// fail with kind, as an *compress.Error.
func requireDecodeKind(t *testing.T, codec compress.Codec, blob []byte, kind error) {
	t.Helper()
	for path, err := range decodeErrors(codec, blob) {
		var codecErr *compress.Error
		if !errors.Is(err, kind) || !errors.As(err, &codecErr) || codecErr.Kind != kind {
			t.Errorf("%s: error %v, want an *Error of kind %v", path, err, kind)
		}
	}
}

// gzipMember returns text compressed as one gzip member, independently of
// the package under test.
func gzipMember(t testing.TB, text []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	writer, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Write(text); err != nil {
		t.Fatal(err)
	}
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// assertSameJSONValue fails the test when two decoded JSON values differ.
func assertSameJSONValue(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded values differ:\ngot  %.300v\nwant %.300v", got, want)
	}
}

// concat returns the concatenation of its arguments in a new slice.
func concat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}
