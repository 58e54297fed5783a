package passhash

import (
	"crypto/rand"
	"fmt"
)

// SaltLength is the number of characters in the salt Hash generates: the same
// sixteen characters Werkzeug's generate_password_hash uses by default.
const SaltLength = 16

// saltAlphabet holds the characters a generated salt is drawn from, the same
// alphabet as Werkzeug's SALT_CHARS.
const saltAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// saltByteLimit is the largest multiple of len(saltAlphabet) that fits in a
// byte; random bytes at or above it are discarded so that every character of
// the alphabet is equally likely.
const saltByteLimit = 256 - 256%len(saltAlphabet)

// newSalt returns length characters drawn uniformly from saltAlphabet using
// crypto/rand. It returns an error only if the system's random source fails.
func newSalt(length int) (string, error) {
	salt := make([]byte, 0, length)
	random := make([]byte, length+length/2)
	for len(salt) < length {
		if _, err := rand.Read(random); err != nil {
			return "", fmt.Errorf("passhash: reading random salt: %w", err)
		}
		for _, b := range random {
			if int(b) >= saltByteLimit {
				continue
			}
			salt = append(salt, saltAlphabet[int(b)%len(saltAlphabet)])
			if len(salt) == length {
				break
			}
		}
	}
	return string(salt), nil
}
