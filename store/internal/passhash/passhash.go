package passhash

import (
	"crypto/subtle"
	"encoding/hex"
	"unicode/utf8"
)

// Hash returns a new stored hash of password in Werkzeug's current default
// form, "scrypt:32768:8:1$<salt>$<128 hex digits>", with a fresh
// SaltLength-character alphanumeric salt from crypto/rand. The password is
// hashed as its bytes, which for a valid Go string are its UTF-8 encoding,
// exactly as Werkzeug encodes a Python str. It costs one scrypt run: about
// 0.1 to 0.3 s of one core and 32 MiB of memory. It returns an error only if
// the system's random source fails.
func Hash(password string) (string, error) {
	salt, err := newSalt(SaltLength)
	if err != nil {
		return "", err
	}
	return encodeDefault(password, salt)
}

// encodeDefault hashes password with DefaultMethod under the given salt and
// returns the stored form. It is split from Hash so tests can reproduce
// Werkzeug's output byte for byte from a known salt.
func encodeDefault(password, salt string) (string, error) {
	deriver := scryptKDF{n: defaultScryptN, r: defaultScryptR, p: defaultScryptP}
	key, err := deriver.deriveKey(password, []byte(salt))
	if err != nil {
		return "", err
	}
	return DefaultMethod + "$" + salt + "$" + hex.EncodeToString(key), nil
}

// Verify reports whether password matches encoded, a hash written by Werkzeug
// or by Hash. It accepts the scrypt and pbkdf2 forms Werkzeug's
// check_password_hash accepts ("scrypt:N:r:p", "pbkdf2:<digest>:<iterations>",
// and the parameterless "scrypt", "pbkdf2" and "pbkdf2:<digest>", which mean
// Werkzeug 3.1's defaults), and compares the derived key with the stored one
// in constant time.
//
// Like Werkzeug, Verify inherits HMAC's padding of short keys with zero
// bytes: a password followed by NUL bytes matches the password without them.
// Callers that accept passwords from users may want to refuse NUL bytes.
//
// A wrong password gives false and a nil error. A hash that cannot be checked
// gives false and an error matching ErrMalformed, ErrUnknownMethod or
// ErrCostTooHigh with errors.Is; such a hash is refused before any key is
// derived.
func Verify(password, encoded string) (bool, error) {
	stored, err := parseStoredHash(encoded)
	if err != nil {
		return false, err
	}
	key, err := stored.deriver.deriveKey(password, []byte(stored.salt))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(key, stored.key) == 1, nil
}

// NeedsRehash reports whether encoded should be replaced by a fresh Hash of
// the same password, which a caller does right after Verify succeeds. It
// returns false only for a well-formed hash whose method field is exactly
// DefaultMethod and whose salt has at least SaltLength characters; anything
// else, including a hash Verify would reject, gives true.
func NeedsRehash(encoded string) bool {
	stored, err := parseStoredHash(encoded)
	if err != nil {
		return true
	}
	return stored.method != DefaultMethod || utf8.RuneCountInString(stored.salt) < SaltLength
}
