package passhash

import (
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// keyDeriver is a parsed method field: it derives a key from a password and
// a salt, and knows how long that key is.
type keyDeriver interface {
	deriveKey(password string, salt []byte) ([]byte, error)
	keyLength() int
}

// storedHash is a stored hash taken apart: the method field as written, the
// key derivation it names, the salt text and the expected key.
type storedHash struct {
	method  string
	deriver keyDeriver
	salt    string
	key     []byte
}

// maxDecimalDigits bounds the parameters parsePositive accepts, so that every
// accepted value fits an int on any platform before the cost checks run.
const maxDecimalDigits = 9

// parseStoredHash splits encoded into its three "$"-separated parts (only the
// first two "$" separate, as in Werkzeug) and checks each one without
// deriving any key. It returns ErrMalformed, ErrUnknownMethod or
// ErrCostTooHigh, wrapped with a description of the offending part.
func parseStoredHash(encoded string) (storedHash, error) {
	method, rest, found := strings.Cut(encoded, "$")
	if !found {
		return storedHash{}, fmt.Errorf("%w: want method$salt$hex, found no \"$\"", ErrMalformed)
	}
	salt, hexKey, found := strings.Cut(rest, "$")
	if !found {
		return storedHash{}, fmt.Errorf("%w: want method$salt$hex, found one \"$\"", ErrMalformed)
	}
	deriver, err := parseMethod(method)
	if err != nil {
		return storedHash{}, err
	}
	if salt == "" {
		return storedHash{}, fmt.Errorf("%w: empty salt", ErrMalformed)
	}
	if !utf8.ValidString(salt) {
		return storedHash{}, fmt.Errorf("%w: salt is not valid UTF-8", ErrMalformed)
	}
	key, err := decodeLowerHex(hexKey, deriver.keyLength())
	if err != nil {
		return storedHash{}, err
	}
	return storedHash{method: method, deriver: deriver, salt: salt, key: key}, nil
}

// parseMethod reads a method field such as "scrypt:32768:8:1" or
// "pbkdf2:sha256:600000".
func parseMethod(method string) (keyDeriver, error) {
	name, paramText, hasParams := strings.Cut(method, ":")
	var params []string
	if hasParams {
		params = strings.Split(paramText, ":")
	}
	switch name {
	case "scrypt":
		return parseScryptParams(params)
	case "pbkdf2":
		return parsePBKDF2Params(params)
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownMethod, name)
	}
}

// decodeLowerHex decodes text, which must be exactly 2·keyLength lowercase
// hexadecimal digits: the only form Werkzeug writes, and the only form its
// string comparison can ever match.
func decodeLowerHex(text string, keyLength int) ([]byte, error) {
	if len(text) != 2*keyLength {
		return nil, fmt.Errorf("%w: key has %d characters, want %d hex digits", ErrMalformed, len(text), 2*keyLength)
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return nil, fmt.Errorf("%w: key has a character that is not a lowercase hex digit at offset %d", ErrMalformed, i)
		}
	}
	key, err := hex.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("%w: key: %v", ErrMalformed, err)
	}
	return key, nil
}

// parsePositive reads a positive integer written in ASCII digits, leading
// zeros allowed as Python's int() allows them. It returns ErrMalformed for an
// empty text, a zero, or any other character (signs, spaces and underscores,
// which int() would tolerate but Werkzeug never writes), and ErrCostTooHigh
// for a number with more than maxDecimalDigits significant digits, which
// would exceed every cost limit anyway.
func parsePositive(text, what string) (int, error) {
	if text == "" {
		return 0, fmt.Errorf("%w: %s is empty", ErrMalformed, what)
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %s %q is not a decimal integer", ErrMalformed, what, text)
		}
	}
	significant := strings.TrimLeft(text, "0")
	if significant == "" {
		return 0, fmt.Errorf("%w: %s is zero", ErrMalformed, what)
	}
	if len(significant) > maxDecimalDigits {
		return 0, fmt.Errorf("%w: %s %s is too large", ErrCostTooHigh, what, text)
	}
	value := 0
	for i := 0; i < len(significant); i++ {
		value = value*10 + int(significant[i]-'0')
	}
	return value, nil
}
