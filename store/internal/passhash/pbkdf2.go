package passhash

import (
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"fmt"
	"hash"
	"strings"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/blake2s"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // verify-only, for hashes Werkzeug accepts
)

// defaultPBKDF2Digest and defaultPBKDF2Iterations are what the current
// Werkzeug (3.1) assumes when a pbkdf2 method field leaves them out. No
// Werkzeug release writes such a field (generate_password_hash always spells
// out the digest and the count), so these only matter for hand-made rows.
const (
	defaultPBKDF2Digest     = "sha256"
	defaultPBKDF2Iterations = 1_000_000
)

// MaxPBKDF2Work is the most PBKDF2 work Verify will do, counted in
// iterations of HMAC-SHA256: Werkzeug 3.1's pbkdf2 default of 1,000,000, the
// most any Werkzeug release writes (2.0-2.2 wrote 260,000, 2.3-3.0 600,000).
// An iteration of another digest counts as its cost relative to SHA-256 (see
// digestWeight), so that no accepted hash takes much longer than the default
// scrypt's work limit. A stored hash asking for more fails with
// ErrCostTooHigh.
const MaxPBKDF2Work = 1_000_000

// pbkdf2KDF holds the parameters of one pbkdf2 method field.
type pbkdf2KDF struct {
	newHash    func() hash.Hash
	digestSize int
	iterations int
}

// parsePBKDF2Params reads the parameters after "pbkdf2" in a method field:
// none (sha256 and the default count), a digest name (the default count), or
// a digest name and an iteration count. It returns ErrUnknownMethod for a
// digest it does not implement, ErrMalformed for anything Werkzeug would
// reject, and ErrCostTooHigh for a count beyond MaxPBKDF2Iterations.
func parsePBKDF2Params(params []string) (pbkdf2KDF, error) {
	if len(params) > 2 {
		return pbkdf2KDF{}, fmt.Errorf("%w: pbkdf2 takes at most 2 parameters, got %d", ErrMalformed, len(params))
	}
	digestName := defaultPBKDF2Digest
	if len(params) >= 1 {
		digestName = params[0]
	}
	newHash, digestSize, ok := lookupDigest(digestName)
	if !ok {
		return pbkdf2KDF{}, fmt.Errorf("%w: pbkdf2 digest %q", ErrUnknownMethod, digestName)
	}
	iterations := defaultPBKDF2Iterations
	if len(params) == 2 {
		var err error
		iterations, err = parsePositive(params[1], "pbkdf2 iteration count")
		if err != nil {
			return pbkdf2KDF{}, err
		}
		if weight := digestWeight(digestName); iterations > MaxPBKDF2Work/weight {
			return pbkdf2KDF{}, fmt.Errorf("%w: pbkdf2 %s with %d iterations exceeds %d (%d SHA-256 iterations at %d each)",
				ErrCostTooHigh, digestName, iterations, MaxPBKDF2Work/weight, MaxPBKDF2Work, weight)
		}
	}
	return pbkdf2KDF{newHash: newHash, digestSize: digestSize, iterations: iterations}, nil
}

// lookupDigest maps a hashlib digest name to its constructor and output size
// in bytes. Names are matched without regard to case, as OpenSSL does. It
// knows every digest Werkzeug 3.1's check_password_hash verifies through
// hashlib.pbkdf2_hmac on a stock OpenSSL 3 except SM3 (no Go implementation),
// the legacy ones (md5, ripemd160) included, since a stored hash in them must
// still let its user sign in (and be replaced by a fresh default hash); Hash
// never writes them. It reports false for a name it does not know.
func lookupDigest(name string) (newHash func() hash.Hash, size int, ok bool) {
	switch strings.ToLower(name) {
	case "md5":
		return md5.New, md5.Size, true
	case "ripemd160":
		return ripemd160.New, ripemd160.Size, true
	case "blake2b":
		return mustHash(blake2b.New512), blake2b.Size, true
	case "blake2s":
		return mustHash(blake2s.New256), blake2s.Size, true
	case "sha1":
		return sha1.New, sha1.Size, true
	case "sha224":
		return sha256.New224, sha256.Size224, true
	case "sha256":
		return sha256.New, sha256.Size, true
	case "sha384":
		return sha512.New384, sha512.Size384, true
	case "sha512":
		return sha512.New, sha512.Size, true
	case "sha512_224":
		return sha512.New512_224, sha512.Size224, true
	case "sha512_256":
		return sha512.New512_256, sha512.Size256, true
	case "sha3_224":
		return func() hash.Hash { return sha3.New224() }, 28, true
	case "sha3_256":
		return func() hash.Hash { return sha3.New256() }, 32, true
	case "sha3_384":
		return func() hash.Hash { return sha3.New384() }, 48, true
	case "sha3_512":
		return func() hash.Hash { return sha3.New512() }, 64, true
	default:
		return nil, 0, false
	}
}

// deriveKey computes the PBKDF2-HMAC key of password under salt; its length
// is the digest's size, as hashlib.pbkdf2_hmac does by default.
func (kdf pbkdf2KDF) deriveKey(password string, salt []byte) ([]byte, error) {
	key, err := pbkdf2.Key(kdf.newHash, password, salt, kdf.iterations, kdf.digestSize)
	if err != nil {
		return nil, fmt.Errorf("passhash: pbkdf2: %w", err)
	}
	return key, nil
}

// keyLength returns the length in bytes of the key deriveKey produces.
func (kdf pbkdf2KDF) keyLength() int { return kdf.digestSize }

// mustHash turns an unkeyed BLAKE2 constructor, which fails only for a key
// that is too long, into a plain one.
func mustHash(newKeyed func(key []byte) (hash.Hash, error)) func() hash.Hash {
	return func() hash.Hash {
		h, err := newKeyed(nil)
		if err != nil {
			panic(err) // a nil key is never too long
		}
		return h
	}
}

// digestWeight is what one PBKDF2 iteration of a digest costs relative to
// SHA-256, rounded up, as measured in Go on amd64 (SHA-256 runs on the CPU's
// SHA extensions, the others do not): 1 for SHA-256 and SHA-224; 3 for MD5,
// SHA-1, RIPEMD-160 and the SHA-512 family; 6 for SHA-3 and BLAKE2.
func digestWeight(name string) int {
	switch strings.ToLower(name) {
	case "sha256", "sha224":
		return 1
	case "sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s":
		return 6
	default:
		return 3
	}
}
