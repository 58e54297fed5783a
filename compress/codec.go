package compress

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/klauspost/compress/gzip"
)

const (
	// DefaultLevel is the gzip level a Codec uses when its Level is 0. It was
	// chosen from the measurements in the package documentation.
	DefaultLevel = 2

	// DefaultMaxSize is the largest decompressed JSON text, in bytes, that a
	// Codec accepts when its MaxSize is 0: 64 MiB, room for pages of several
	// MB (the real results file of 21 pages is 2.5 MB) while keeping what a
	// hostile blob can cost to a bounded amount.
	DefaultMaxSize = 64 << 20
)

// Codec turns Go values and JSON text into blobs (gzip-compressed JSON, as
// the platform stores them) and back. The zero value is ready to use with
// DefaultLevel and DefaultMaxSize. A Codec is a small value with no state of
// its own: copy it freely and use it from any number of goroutines.
type Codec struct {
	// Level is the gzip compression level used to encode, from 1 (fastest)
	// to 9 (smallest, what Python writes); 0 means DefaultLevel. Decoding
	// reads any level.
	Level int

	// MaxSize is the largest decompressed JSON text, in bytes, that a decode
	// accepts; larger text fails with ErrTooLarge after reading at most one
	// byte past the limit. 0 means DefaultMaxSize. It also bounds the memory
	// a decode can take.
	MaxSize int64
}

// Marshal returns a blob holding v encoded as JSON by encoding/json (HTML
// characters left unescaped, as Python writes them). A v that JSON cannot
// represent, such as a channel or a NaN float, fails with ErrValue; a bad
// Level fails with ErrInvalidOption.
func (c Codec) Marshal(v any) ([]byte, error) {
	return encodeToBlob(func(w io.Writer) error { return c.NewEncoder(w).Encode(v) })
}

// CompressJSON returns a blob holding text unchanged. The text must be one
// JSON value in valid UTF-8, or CompressJSON fails with ErrInvalidJSON; as
// with json.RawMessage, a nil text stands for null. A bad Level fails with
// ErrInvalidOption.
func (c Codec) CompressJSON(text []byte) ([]byte, error) {
	return encodeToBlob(func(w io.Writer) error { return c.NewEncoder(w).EncodeJSON(text) })
}

// encodeToBlob runs encode on a pooled buffer and returns the blob it wrote
// there in a slice of its own, sized exactly.
func encodeToBlob(encode func(w io.Writer) error) ([]byte, error) {
	scratch := getBuffer()
	defer putBuffer(scratch)
	if err := encode(scratch); err != nil {
		return nil, err
	}
	return bytes.Clone(scratch.Bytes()), nil
}

// Unmarshal decodes blob into v the way json.Unmarshal does. A nil blob (a
// NULL column) is the JSON text null, which leaves most values unchanged and
// sets pointers, maps, slices and interfaces to nil. It fails with
// ErrCorrupt, ErrTrailingData, ErrTooLarge, ErrInvalidJSON or, when the JSON
// does not fit v, ErrValue; a negative MaxSize fails with ErrInvalidOption.
func (c Codec) Unmarshal(blob []byte, v any) error {
	if blob == nil {
		return unmarshalText(nullText, v)
	}
	return c.blobDecoder(blob).Decode(v)
}

// DecompressJSON returns the JSON text a blob holds, exactly as it was
// written, in a new slice of its own. A nil blob (a NULL column) returns the
// text null. It fails with ErrCorrupt, ErrTrailingData, ErrTooLarge or, when
// the text is not one JSON value in valid UTF-8, ErrInvalidJSON; a negative
// MaxSize fails with ErrInvalidOption.
func (c Codec) DecompressJSON(blob []byte) (json.RawMessage, error) {
	if blob == nil {
		return bytes.Clone(nullText), nil
	}
	return c.blobDecoder(blob).DecodeJSON()
}

// blobDecoder returns a Decoder over an in-memory blob that sizes its
// output from the blob's trailer.
func (c Codec) blobDecoder(blob []byte) *Decoder {
	return &Decoder{codec: c, r: bytes.NewReader(blob), declared: declaredSize(blob), compressed: int64(len(blob))}
}

// nullText is the JSON text a NULL blob stands for.
var nullText = []byte("null")

// level returns the gzip level to encode with, or an ErrInvalidOption
// *Error when Level is out of range.
func (c Codec) level() (int, error) {
	switch {
	case c.Level == 0:
		return DefaultLevel, nil
	case c.Level < gzip.BestSpeed || c.Level > gzip.BestCompression:
		return 0, newError(opEncode, ErrInvalidOption, "level "+strconv.Itoa(c.Level)+" is outside 1..9", nil)
	default:
		return c.Level, nil
	}
}

// maxSize returns the text size limit to decode with, or an
// ErrInvalidOption *Error when MaxSize is negative.
func (c Codec) maxSize() (int64, error) {
	switch {
	case c.MaxSize == 0:
		return DefaultMaxSize, nil
	case c.MaxSize < 0:
		return 0, newError(opDecode, ErrInvalidOption, "negative MaxSize "+strconv.FormatInt(c.MaxSize, 10), nil)
	default:
		return c.MaxSize, nil
	}
}

// unmarshalText decodes JSON text into v, classifying failures.
func unmarshalText(text []byte, v any) error {
	if err := validUTF8(opDecode, text); err != nil {
		return err
	}
	if err := json.Unmarshal(text, v); err != nil {
		if !isJSONText(text) {
			return validJSON(opDecode, text)
		}
		if at := firstNonFinite(text); at >= 0 {
			return &Error{Op: opDecode, Kind: ErrValue, Offset: at,
				Detail: "NaN and Infinity have no Go value through encoding/json; DecompressJSON returns the text"}
		}
		return unmarshalError(err)
	}
	return nil
}

// encodeValue writes v as compact JSON to w, without the newline
// json.Encoder appends. json.Encoder is used rather than json.Marshal because
// it encodes into a pooled buffer instead of returning a fresh copy.
func encodeValue(w io.Writer, v any) error {
	encoder := json.NewEncoder(newlineDropper{w})
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(v); err != nil {
		return marshalError(err)
	}
	return nil
}

// newlineDropper passes writes on to w without a final newline byte. In the
// compact JSON that json.Encoder writes, a newline byte can only be the one
// it appends after the value (newlines inside strings are escaped), so
// dropping it leaves exactly the JSON text.
type newlineDropper struct{ w io.Writer }

// Write writes p to the underlying writer, minus a final '\n', and reports
// the whole of p as written when that succeeds.
func (d newlineDropper) Write(p []byte) (int, error) {
	n, err := d.w.Write(bytes.TrimSuffix(p, []byte("\n")))
	if err != nil {
		return n, err
	}
	return len(p), nil
}
