package compress

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// validJSON returns nil when text is exactly one JSON value in valid UTF-8,
// and otherwise an ErrInvalidJSON *Error that locates the problem. It asks
// isJSONText, which is about twice as fast as json.Valid and checks UTF-8 on
// the way; only on failure does encoding/json explain what is wrong.
func validJSON(op string, text []byte) error {
	if isJSONText(text) {
		return nil
	}
	// Unmarshalling into a RawMessage only checks syntax; it yields a
	// *json.SyntaxError with its offset.
	if err := json.Unmarshal(text, new(json.RawMessage)); err != nil {
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

// isJSONText reports whether text is exactly one JSON value (RFC 8259,
// optionally surrounded by whitespace, nested at most maxJSONDepth deep) in
// valid UTF-8: what json.Valid(text) && utf8.Valid(text) report, in one pass.
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
		default:
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
