package compress

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// The sentinels below name every way a blob or a Codec can be wrong. Each
// failure comes back as an *Error whose Kind is one of them, so both
// errors.Is(err, ErrCorrupt) and errors.As(err, &target) work. Failures of the
// caller's own io.Reader or io.Writer are not among them: those come back
// wrapped as they are, so errors.Is still finds the original error.
var (
	// ErrTooLarge is returned when the decompressed JSON text would exceed
	// the Codec's MaxSize. Decoding stops one byte past the limit, so what
	// a gzip bomb costs depends on MaxSize (at most about twice it in
	// memory), never on how much the bomb would expand to.
	ErrTooLarge = errors.New("decompressed JSON exceeds the size limit")

	// ErrCorrupt is returned when the blob is not a valid gzip stream: an
	// empty or non-gzip header, damaged deflate data, a checksum or length
	// that does not match, or a stream cut short.
	ErrCorrupt = errors.New("corrupt gzip stream")

	// ErrTrailingData is returned when bytes follow the last gzip member that
	// are neither another member nor zero padding (which Python's gzip module
	// also skips).
	ErrTrailingData = errors.New("trailing data after gzip stream")

	// ErrInvalidJSON is returned when the decompressed text, or the raw JSON
	// given to an encoder, is not exactly one JSON value in valid UTF-8, as
	// Python's json module reads it (Valid): its NaN, Infinity and -Infinity
	// are accepted, other spellings (nan, -NaN) are not.
	ErrInvalidJSON = errors.New("invalid JSON")

	// ErrValue is returned when the JSON and the Go value do not fit each
	// other: encoding a value JSON cannot represent (a channel, a NaN float, a
	// failing MarshalJSON) or decoding JSON into a destination of another
	// shape (a string into an int, a non-pointer destination), or decoding
	// Python's NaN or Infinity, which encoding/json has no value for.
	ErrValue = errors.New("JSON does not fit the Go value")

	// ErrInvalidOption is returned when a Codec carries a Level or MaxSize
	// outside the documented range; nothing is read or written.
	ErrInvalidOption = errors.New("invalid codec option")
)

// Error describes one failure to encode or decode a blob. It unwraps to both
// its Kind and its cause, so errors.Is(err, ErrCorrupt) and, for example,
// errors.As(err, new(*json.SyntaxError)) both see through it.
type Error struct {
	// Op is the operation that failed: "encode" or "decode".
	Op string
	// Kind is the sentinel that classifies the failure, such as ErrCorrupt.
	Kind error
	// Detail says what exactly was wrong, in words (may be empty).
	Detail string
	// Offset is the byte offset where the problem was found, or -1 when it
	// is not known. For ErrInvalidJSON it counts bytes of JSON text; for
	// ErrTrailingData, bytes of the blob.
	Offset int64
	// Err is the underlying error, such as a *json.SyntaxError or
	// gzip.ErrChecksum, or nil when there is none.
	Err error
}

// Error returns a one-line description: the operation, the kind, the detail,
// the offset when known and the underlying error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("compress: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Offset >= 0 {
		b.WriteString(" (at byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the Kind and, when there is one, the underlying error.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

const (
	opEncode = "encode"
	opDecode = "decode"
)

// newError returns an *Error with an unknown offset.
func newError(op string, kind error, detail string, cause error) *Error {
	return &Error{Op: op, Kind: kind, Detail: detail, Offset: -1, Err: cause}
}

// corruptError names a fault the gzip or flate reader found in the data as
// precisely as their errors allow. Every error they report that did not come
// from the caller's reader is a fault in the data, whatever its type (flate
// even reports some damage as an "internal error").
func corruptError(err error) error {
	var corruptInput flate.CorruptInputError
	switch {
	case errors.Is(err, gzip.ErrHeader):
		return newError(opDecode, ErrCorrupt, "not a gzip header", err)
	case errors.Is(err, gzip.ErrChecksum):
		return newError(opDecode, ErrCorrupt, "checksum or length mismatch", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newError(opDecode, ErrCorrupt, "stream cut short", err)
	case errors.As(err, &corruptInput):
		return newError(opDecode, ErrCorrupt, "damaged deflate data", err)
	default:
		return newError(opDecode, ErrCorrupt, "undecodable deflate data", err)
	}
}

// readError wraps an error of the caller's io.Reader.
func readError(err error) error {
	return &ioError{op: opDecode, what: "read blob", err: err}
}

// writeError wraps an error of the caller's io.Writer.
func writeError(err error) error {
	return &ioError{op: opEncode, what: "write blob", err: err}
}

// ioError carries a failure of the caller's reader or writer; it unwraps to
// that failure unchanged.
type ioError struct {
	op   string
	what string
	err  error
}

func (e *ioError) Error() string { return "compress: " + e.op + ": " + e.what + ": " + e.err.Error() }
func (e *ioError) Unwrap() error { return e.err }

// marshalError classifies an error of json.Encoder: a value JSON cannot hold
// becomes ErrValue, anything else is a failure of the writer underneath.
func marshalError(err error) error {
	var (
		unsupportedType  *json.UnsupportedTypeError
		unsupportedValue *json.UnsupportedValueError
		marshaler        *json.MarshalerError
	)
	if errors.As(err, &unsupportedType) || errors.As(err, &unsupportedValue) || errors.As(err, &marshaler) {
		return newError(opEncode, ErrValue, "", err)
	}
	return writeError(err)
}

// unmarshalError classifies an error of json.Unmarshal on text already known
// to be valid UTF-8: a syntax error is ErrInvalidJSON, everything else
// (wrong types, a bad destination, a failing UnmarshalJSON) is ErrValue.
func unmarshalError(err error) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return invalidJSON(opDecode, err)
	}
	return newError(opDecode, ErrValue, "", err)
}
