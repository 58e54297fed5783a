package passhash

import (
	"errors"
	"testing"
)

// FuzzVerify checks that Verify never panics and answers every input with
// either a nil error or one of the package's sentinels, never true together
// with an error, and that NeedsRehash agrees with a refusal. Seeds are cheap
// golden vectors and malformed forms; run it with
//
//	go test ./internal/passhash -run '^$' -fuzz FuzzVerify -fuzztime 30s
func FuzzVerify(f *testing.F) {
	for _, vector := range loadGoldenVectors(f) {
		if stored, err := parseStoredHash(vector.Encoded); err == nil {
			if s, isScrypt := stored.deriver.(scryptKDF); isScrypt && s.n*s.r > 8192 {
				continue // keep each fuzz run fast
			}
			if p, isPBKDF2 := stored.deriver.(pbkdf2KDF); isPBKDF2 && p.iterations > 1000 {
				continue
			}
		}
		f.Add(vector.Password, vector.Encoded)
	}
	f.Add("secret", "scrypt:16:1:1$s$"+hexDigits(128))
	f.Add("secret", "pbkdf2:sha1:1$s$"+hexDigits(40))
	f.Add("secret", "scrypt:32767:8:1$salt$")
	f.Add("", "$$")
	f.Add("x", "pbkdf2:sha256:99999999999999999999$salt$00")
	f.Fuzz(func(t *testing.T, password, encoded string) {
		ok, err := Verify(password, encoded)
		if err == nil {
			return
		}
		if ok {
			t.Fatalf("Verify(%q, %q) = true with error %v", password, encoded, err)
		}
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownMethod) && !errors.Is(err, ErrCostTooHigh) {
			t.Fatalf("Verify(%q, %q) error %v matches no sentinel", password, encoded, err)
		}
		if !NeedsRehash(encoded) {
			t.Fatalf("NeedsRehash(%q) = false for a hash Verify refuses", encoded)
		}
	})
}
