package passhash

import (
	"errors"
	"strings"
	"testing"
)

// hexDigits returns n lowercase hex digits, a well-formed but wrong key.
func hexDigits(n int) string { return strings.Repeat("ab", n/2) + strings.Repeat("a", n%2) }

// TestVerifyRejectsBadHashes feeds Verify every kind of hash it must refuse
// and expects the matching sentinel, false, and NeedsRehash true. Several
// cases would take minutes or terabytes if Verify derived a key before
// checking its limits, so the test's speed is itself the check that refusal
// comes first.
func TestVerifyRejectsBadHashes(t *testing.T) {
	t.Parallel()
	scryptKey := hexDigits(128)
	sha256Key := hexDigits(64)
	cases := []struct {
		name    string
		encoded string
		want    error
	}{
		{"empty", "", ErrMalformed},
		{"no separator", DefaultMethod, ErrMalformed},
		{"one separator", DefaultMethod + "$saltsaltsaltsalt", ErrMalformed},
		{"empty salt", DefaultMethod + "$$" + scryptKey, ErrMalformed},
		{"salt not UTF-8", DefaultMethod + "$salt\xffsalt$" + scryptKey, ErrMalformed},
		{"key too short", DefaultMethod + "$saltsaltsaltsalt$" + hexDigits(127), ErrMalformed},
		{"key too long", DefaultMethod + "$saltsaltsaltsalt$" + hexDigits(130), ErrMalformed},
		{"empty key", DefaultMethod + "$saltsaltsaltsalt$", ErrMalformed},
		{"upper-case key", DefaultMethod + "$saltsaltsaltsalt$" + strings.ToUpper(scryptKey), ErrMalformed},
		{"non-hex key", DefaultMethod + "$saltsaltsaltsalt$" + hexDigits(127) + "g", ErrMalformed},
		{"separator in key", DefaultMethod + "$saltsaltsaltsalt$" + hexDigits(127) + "$", ErrMalformed},
		{"key length of sha256 under sha512", "pbkdf2:sha512:1000$salt$" + sha256Key, ErrMalformed},
		{"scrypt two parameters", "scrypt:32768:8$salt$" + scryptKey, ErrMalformed},
		{"scrypt four parameters", "scrypt:32768:8:1:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt trailing colon", "scrypt:32768:8:1:$salt$" + scryptKey, ErrMalformed},
		{"scrypt empty parameter", "scrypt:$salt$" + scryptKey, ErrMalformed},
		{"scrypt N not a power of two", "scrypt:32767:8:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt N one", "scrypt:1:8:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt N zero", "scrypt:0:8:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt r zero", "scrypt:32768:0:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt p zero", "scrypt:32768:8:0$salt$" + scryptKey, ErrMalformed},
		{"scrypt negative N", "scrypt:-32768:8:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt plus sign", "scrypt:+32768:8:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt space", "scrypt: 32768:8:1$salt$" + scryptKey, ErrMalformed},
		{"scrypt underscore", "scrypt:32_768:8:1$salt$" + scryptKey, ErrMalformed},
		{"pbkdf2 three parameters", "pbkdf2:sha256:1000:1$salt$" + sha256Key, ErrMalformed},
		{"pbkdf2 empty iterations", "pbkdf2:sha256:$salt$" + sha256Key, ErrMalformed},
		{"pbkdf2 zero iterations", "pbkdf2:sha256:0$salt$" + sha256Key, ErrMalformed},
		{"pbkdf2 non-numeric iterations", "pbkdf2:sha256:lots$salt$" + sha256Key, ErrMalformed},
		{"pbkdf2 negative iterations", "pbkdf2:sha256:-1$salt$" + sha256Key, ErrMalformed},

		{"empty method", "$salt$" + sha256Key, ErrUnknownMethod},
		{"bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", ErrUnknownMethod},
		{"Werkzeug 2 plain", "plain$$secret", ErrUnknownMethod},
		{"Werkzeug 2 salted HMAC", "sha256$salt$" + sha256Key, ErrUnknownMethod},
		{"argon2", "argon2:t=3$salt$" + sha256Key, ErrUnknownMethod},
		{"upper-case method name", "SCRYPT:32768:8:1$salt$" + scryptKey, ErrUnknownMethod},
		{"pbkdf2 sm3", "pbkdf2:sm3:1000$salt$" + hexDigits(32), ErrUnknownMethod},
		{"pbkdf2 shake_128", "pbkdf2:shake_128:1000$salt$" + scryptKey, ErrUnknownMethod},
		{"pbkdf2 empty digest", "pbkdf2::1000$salt$" + sha256Key, ErrUnknownMethod},

		{"scrypt work", "scrypt:131072:8:1$salt$" + scryptKey, ErrCostTooHigh},
		{"scrypt work in p", "scrypt:32768:8:4$salt$" + scryptKey, ErrCostTooHigh},
		{"scrypt memory", "scrypt:1048576:4:1$salt$" + scryptKey, ErrCostTooHigh},
		{"scrypt parallelism", "scrypt:32768:8:1000$salt$" + scryptKey, ErrCostTooHigh},
		{"scrypt memory of p blocks", "scrypt:2:1:2097152$salt$" + scryptKey, ErrCostTooHigh},
		{"scrypt 2^30", "scrypt:1073741824:8:1$salt$" + scryptKey, ErrCostTooHigh},
		{"scrypt N with twenty digits", "scrypt:99999999999999999999:8:1$salt$" + scryptKey, ErrCostTooHigh},
		{"scrypt r huge", "scrypt:2:999999999:1$salt$" + scryptKey, ErrCostTooHigh},
		{"pbkdf2 iterations", "pbkdf2:sha256:1000001$salt$" + sha256Key, ErrCostTooHigh},
		{"pbkdf2 sha512 iterations", "pbkdf2:sha512:333334$salt$" + hexDigits(128), ErrCostTooHigh},
		{"pbkdf2 sha3 iterations", "pbkdf2:sha3_256:166667$salt$" + sha256Key, ErrCostTooHigh},
		{"pbkdf2 iterations with twenty digits", "pbkdf2:sha256:99999999999999999999$salt$" + sha256Key, ErrCostTooHigh},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, err := Verify("secret", tc.encoded)
			if ok {
				t.Errorf("Verify(%q) = true", tc.encoded)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("Verify(%q) error = %v, want %v", tc.encoded, err, tc.want)
			}
			if !NeedsRehash(tc.encoded) {
				t.Errorf("NeedsRehash(%q) = false for a hash Verify refuses", tc.encoded)
			}
		})
	}
}

// TestVerifyAcceptsLimits checks that the limits themselves are allowed: a
// hash exactly at MaxScryptWork and one with leading zeros in a count, as
// Python's int() reads them, parse and verify (as false, the key is made up).
func TestVerifyAcceptsLimits(t *testing.T) {
	t.Parallel()
	for _, encoded := range []string{
		"scrypt:65536:8:1$salt$" + hexDigits(128),       // N·r·p = 2^19, 64 MiB
		"scrypt:0000001024:01:1$salt$" + hexDigits(128), // leading zeros
		"pbkdf2:sha256:1000000$salt$" + hexDigits(64),   // MaxPBKDF2Work
		"pbkdf2:sha512:333333$salt$" + hexDigits(128),   // MaxPBKDF2Work at weight 3
		"pbkdf2:blake2b:166666$salt$" + hexDigits(128),  // MaxPBKDF2Work at weight 6
	} {
		if _, err := parseStoredHash(encoded); err != nil {
			t.Errorf("parseStoredHash(%q): %v", encoded, err)
		}
	}
	ok, err := Verify("secret", "pbkdf2:sha256:00001000$salt$"+hexDigits(64))
	if ok || err != nil {
		t.Errorf("Verify(made-up pbkdf2 key) = %v, %v; want false, nil", ok, err)
	}
}
