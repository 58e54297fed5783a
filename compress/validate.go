package compress

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// The JSON this package reads and writes is the JSON of Python's json module,
// which the platform's blobs are written with: RFC 8259 plus three words for
// non-finite floats, NaN, Infinity and -Infinity, allowed wherever a value is
// (json.dumps writes them for float("nan") and float("inf"), json.loads reads
// them back). Inside strings they are plain text, and nothing else Python
// would refuse is accepted: not "nan", not "-NaN", not "+Infinity".

// validJSON returns nil when text is exactly one JSON value (as Python's json
// reads it, non-finite words included) in valid UTF-8, and otherwise an
// ErrInvalidJSON *Error that locates the problem. It asks isJSONText, which is
// about twice as fast as json.Valid and checks UTF-8 on the way; only on
// failure does encoding/json explain what is wrong.
func validJSON(op string, text []byte) error {
	if isJSONText(text) {
		return nil
	}
	// Unmarshalling into a RawMessage only checks syntax; it yields a
	// *json.SyntaxError with its offset. The non-finite words, which
	// encoding/json does not know, are stood in for by numbers of their
	// length, so that the offset is the real problem's.
	if err := json.Unmarshal(finiteStandIn(text), new(json.RawMessage)); err != nil {
		return invalidJSON(op, err)
	}
	if err := validUTF8(op, text); err != nil {
		return err
	}
	// isJSONText and encoding/json disagree: a bug here, reported rather
	// than let through (FuzzCompressJSON checks they agree).
	return newError(op, ErrInvalidJSON, "rejected by the validator but not by encoding/json", nil)
}

// invalidJSON returns an ErrInvalidJSON *Error for a syntax error of
// encoding/json, carrying its offset when it has one.
func invalidJSON(op string, err error) *Error {
	invalid := newError(op, ErrInvalidJSON, "", err)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		invalid.Offset = syntax.Offset
	}
	return invalid
}

// validUTF8 returns an ErrInvalidJSON *Error locating the first byte of text
// that is not UTF-8, or nil when text is valid UTF-8. Python decodes blob text
// as strict UTF-8, so text that Go would quietly repair must be refused.
func validUTF8(op string, text []byte) error {
	if utf8.Valid(text) {
		return nil
	}
	offset := 0
	for offset < len(text) {
		r, size := utf8.DecodeRune(text[offset:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		offset += size
	}
	return &Error{Op: op, Kind: ErrInvalidJSON, Detail: "text is not valid UTF-8", Offset: int64(offset)}
}

// maxJSONDepth is how deeply encoding/json lets arrays and objects nest;
// isJSONText refuses deeper text so that the two always agree.
const maxJSONDepth = 10000

// isJSONText reports whether text is exactly one JSON value (RFC 8259 and
// Python's non-finite words, optionally surrounded by whitespace, nested at
// most maxJSONDepth deep) in valid UTF-8: what json.Valid(finiteStandIn(text))
// && utf8.Valid(text) report, in one pass.
func isJSONText(text []byte) bool {
	var openedBuffer [64]byte
	opened := openedBuffer[:0] // '{' or '[' for each container not yet closed
	i := 0
	for {
		// A value starts at i.
		i = skipSpace(text, i)
		if i == len(text) {
			return false
		}
		ok := true
		switch c := text[i]; c {
		case '{', '[':
			if len(opened) == maxJSONDepth {
				return false
			}
			i = skipSpace(text, i+1)
			if i < len(text) && text[i] == c+2 { // '}' and ']' follow '{' and '[' by two
				i++
				break // an empty container is a whole value
			}
			opened = append(opened, c)
			if c == '{' {
				i, ok = scanKey(text, i)
				if !ok {
					return false
				}
			}
			continue
		case '"':
			i, ok = scanString(text, i)
		case 't':
			i, ok = scanLiteral(text, i, "true")
		case 'f':
			i, ok = scanLiteral(text, i, "false")
		case 'n':
			i, ok = scanLiteral(text, i, "null")
		case 'N':
			i, ok = scanLiteral(text, i, "NaN")
		case 'I':
			i, ok = scanLiteral(text, i, "Infinity")
		default:
			if c == '-' && i+1 < len(text) && text[i+1] == 'I' {
				i, ok = scanLiteral(text, i, "-Infinity")
				break
			}
			i, ok = scanNumber(text, i)
		}
		if !ok {
			return false
		}
		// A value ended before i: close containers until another value
		// is due.
		for {
			i = skipSpace(text, i)
			if len(opened) == 0 {
				return i == len(text)
			}
			if i == len(text) {
				return false
			}
			innermost := opened[len(opened)-1]
			if text[i] == ',' {
				i++
				if innermost == '{' {
					if i, ok = scanKey(text, i); !ok {
						return false
					}
				}
				break
			}
			if text[i] != innermost+2 {
				return false
			}
			opened = opened[:len(opened)-1]
			i++
		}
	}
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipSpace(text []byte, i int) int {
	for i < len(text) {
		switch text[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanKey scans an object key and its colon, with the whitespace around
// them, from i; it returns the index after the colon.
func scanKey(text []byte, i int) (int, bool) {
	i = skipSpace(text, i)
	if i == len(text) || text[i] != '"' {
		return i, false
	}
	i, ok := scanString(text, i)
	if !ok {
		return i, false
	}
	i = skipSpace(text, i)
	if i == len(text) || text[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// plainStringByte marks the bytes that stand for themselves inside a JSON
// string: printable ASCII other than the quote and the backslash.
var plainStringByte = func() (plain [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		plain[c] = c != '"' && c != '\\'
	}
	return plain
}()

// scanString scans the string whose opening quote is at i and returns the
// index after its closing quote.
func scanString(text []byte, i int) (int, bool) {
	i++
	for {
		for i < len(text) && plainStringByte[text[i]] {
			i++
		}
		if i == len(text) {
			return i, false
		}
		switch c := text[i]; {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 == len(text) {
				return i, false
			}
			switch text[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(text) || !isHex(text[i+2]) || !isHex(text[i+3]) || !isHex(text[i+4]) || !isHex(text[i+5]) {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		case c < 0x20:
			return i, false
		default:
			r, size := utf8.DecodeRune(text[i:])
			if r == utf8.RuneError && size == 1 {
				return i, false
			}
			i += size
		}
	}
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isDigit reports whether c is a decimal digit.
func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}

// scanLiteral scans the literal word (true, false or null) expected at i.
func scanLiteral(text []byte, i int, word string) (int, bool) {
	if !bytes.HasPrefix(text[i:], []byte(word)) {
		return i, false
	}
	return i + len(word), true
}

// scanNumber scans the number at i: an optional minus, an integer part
// without leading zeros, an optional fraction and an optional exponent.
func scanNumber(text []byte, i int) (int, bool) {
	if i < len(text) && text[i] == '-' {
		i++
	}
	switch {
	case i == len(text):
		return i, false
	case text[i] == '0':
		i++
	case isDigit(text[i]):
		i = skipDigits(text, i)
	default:
		return i, false
	}
	if i < len(text) && text[i] == '.' {
		if i++; i == len(text) || !isDigit(text[i]) {
			return i, false
		}
		i = skipDigits(text, i)
	}
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		i++
		if i < len(text) && (text[i] == '+' || text[i] == '-') {
			i++
		}
		if i == len(text) || !isDigit(text[i]) {
			return i, false
		}
		i = skipDigits(text, i)
	}
	return i, true
}

// skipDigits returns the index of the first byte at or after i that is not
// a decimal digit.
func skipDigits(text []byte, i int) int {
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	return i
}

// finiteStandIn returns text with each of Python's non-finite words that
// stands as a value replaced by a finite number of the same length (0e0 for
// NaN, 0.000000 for Infinity after its minus sign), so that encoding/json can
// check the rest at the same offsets. Text without them is returned as it is,
// not copied. The stand-ins serve checking and locating, never reading values.
func finiteStandIn(text []byte) []byte {
	out := text
	nonFiniteWords(text, func(i int, standIn string) bool {
		if len(out) > 0 && &out[0] == &text[0] {
			out = bytes.Clone(text)
		}
		copy(out[i:], standIn)
		return true
	})
	return out
}

// firstNonFinite returns the offset of the first non-finite word standing as a
// value in text, or -1.
func firstNonFinite(text []byte) int64 {
	first := int64(-1)
	nonFiniteWords(text, func(i int, _ string) bool {
		first = int64(i)
		if i > 0 && text[i-1] == '-' {
			first--
		}
		return false
	})
	return first
}

// nonFiniteWords calls found for each NaN or Infinity that stands as a value in
// text (outside strings, between delimiters; Infinity with or without its
// minus sign), with the offset of the word (after the minus) and the finite
// text of its length; it stops when found returns false.
func nonFiniteWords(text []byte, found func(i int, standIn string) bool) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '"' {
			i = stringEnd(text, i) - 1
			continue
		}
		if c != 'N' && c != 'I' {
			continue
		}
		word, standIn := "NaN", "0e0"
		if c == 'I' {
			word, standIn = "Infinity", "0.000000"
		}
		start := i
		if c == 'I' && i > 0 && text[i-1] == '-' {
			start--
		}
		end := i + len(word)
		if !bytes.HasPrefix(text[i:], []byte(word)) || !valueBefore(text, start) || !valueAfter(text, end) {
			continue
		}
		if !found(i, standIn) {
			return
		}
		i = end - 1
	}
}

// valueBefore reports whether a value may start at i: at the text's start or
// after [, {, : or , with only whitespace between.
func valueBefore(text []byte, i int) bool {
	for i--; i >= 0; i-- {
		switch text[i] {
		case ' ', '\t', '\n', '\r':
		case '[', ':', ',':
			return true
		default:
			return false
		}
	}
	return true
}

// valueAfter reports whether a value may end at i: at the text's end or
// before whitespace, a comma or a closing bracket.
func valueAfter(text []byte, i int) bool {
	if i == len(text) {
		return true
	}
	switch text[i] {
	case ' ', '\t', '\n', '\r', ',', ']', '}':
		return true
	}
	return false
}

// Valid reports whether text is exactly one JSON value in valid UTF-8 as the
// platform's Python json module reads it: RFC 8259 plus NaN, Infinity and
// -Infinity where a value stands. It is the check every encode and decode of
// this package applies.
func Valid(text []byte) bool { return isJSONText(text) }

// Compact appends to dst the JSON text src without insignificant whitespace,
// everything else (number spellings, string escapes, non-finite words) kept
// byte for byte, as json.Compact does for RFC 8259 text. Text that Valid
// refuses fails with an ErrInvalidJSON *Error locating the problem, and
// nothing is appended.
func Compact(dst *bytes.Buffer, src []byte) error {
	if err := validJSON(opEncode, src); err != nil {
		return err
	}
	// The runs between whitespace are appended to dst's own free space and
	// handed to one Write, which finds them in place. A Write for each run
	// cost a quarter of a results ingest's CPU, most of them empty runs
	// between the spaces of an indentation.
	dst.Grow(len(src))
	out := dst.AvailableBuffer()
	start := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			i = stringEnd(src, i) - 1
		case ' ', '\t', '\n', '\r':
			out = append(out, src[start:i]...)
			start = i + 1
		}
	}
	dst.Write(append(out, src[start:]...))
	return nil
}

// stringEnd returns the index just past the string whose opening quote is at i, skipping escaped characters
// and checking nothing else, or len(text) when the string is not closed.
func stringEnd(text []byte, i int) int {
	for i++; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(text)
}
