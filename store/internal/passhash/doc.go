// Package passhash creates and checks password hashes in the format the
// platform's Python backend stores in YaptideUser.password_hash: Werkzeug's
// "method$salt$hex".
//
// New hashes use Werkzeug's current default, DefaultMethod
// ("scrypt:32768:8:1"): scrypt with N=32768, r=8, p=1 and a 64-byte key over
// the UTF-8 password, salted with SaltLength random alphanumeric characters
// used as their UTF-8 text. Older rows carry "pbkdf2:<digest>:<iterations>",
// most often pbkdf2:sha256 with Werkzeug's historical defaults (150000,
// 260000, 600000, 1000000 iterations). Verify accepts both families and
// compares keys in constant time; NeedsRehash tells a caller, after a
// successful login, that the stored hash should be upgraded with Hash.
//
// Stored hashes are data, so Verify never panics on them: a hash it cannot
// check yields ErrMalformed or ErrUnknownMethod, and one whose parameters
// would cost more than MaxPBKDF2Work, MaxScryptWork or MaxScryptMemory
// yields ErrCostTooHigh before any work is done.
//
// Files:
//   - passhash.go: Hash, Verify and NeedsRehash.
//   - encoded.go: splitting and checking a stored hash.
//   - scrypt.go and pbkdf2.go: the two key derivations and their limits.
//   - salt.go: random salts from crypto/rand.
//   - errors.go: the sentinel errors.
//   - testdata/gen_vectors.py: generates testdata/vectors.json, golden
//     vectors computed as Werkzeug does and checked with Werkzeug itself.
package passhash
