package passhash

import (
	"fmt"

	"golang.org/x/crypto/scrypt"
)

// DefaultMethod is the method field Hash writes and the only one NeedsRehash
// accepts as current: scrypt with N=32768, r=8 and p=1, which is what
// Werkzeug's generate_password_hash has written by default since 2.3.
const DefaultMethod = "scrypt:32768:8:1"

// The parameters behind DefaultMethod, and the key length Werkzeug uses for
// every scrypt hash (hashlib.scrypt's default of 64 bytes).
const (
	defaultScryptN      = 1 << 15
	defaultScryptR      = 8
	defaultScryptP      = 1
	scryptKeyLength     = 64
	scryptBytesPerBlock = 128
)

// MaxScryptWork is the largest N·r·p Verify will compute: twice the work of
// DefaultMethod, near the platform's default as a login's cost should be. A
// stored hash asking for more fails with ErrCostTooHigh.
const MaxScryptWork = 1 << 19

// MaxScryptMemory is the most memory, in bytes, one scrypt verification may
// allocate: 128·r·(N+p), the working array plus the p blocks it mixes.
// 80 MiB is a little more than the 64 MiB of N=65536 r=8 p=1, the costliest
// hash within MaxScryptWork at the default r, and 2.5 times DefaultMethod's.
// A stored hash asking for more fails with ErrCostTooHigh.
const MaxScryptMemory = 80 << 20

// scryptKDF holds the parameters of one scrypt method field.
type scryptKDF struct {
	n, r, p int
}

// parseScryptParams reads the parameters after "scrypt" in a method field.
// No parameters mean Werkzeug's defaults; otherwise exactly three decimal
// integers N, r and p are required. It returns ErrMalformed for anything
// Werkzeug would reject and ErrCostTooHigh for parameters beyond the limits.
func parseScryptParams(params []string) (scryptKDF, error) {
	if len(params) == 0 {
		return scryptKDF{n: defaultScryptN, r: defaultScryptR, p: defaultScryptP}, nil
	}
	if len(params) != 3 {
		return scryptKDF{}, fmt.Errorf("%w: scrypt takes 3 parameters, got %d", ErrMalformed, len(params))
	}
	var values [3]int
	for i, name := range [3]string{"scrypt N", "scrypt r", "scrypt p"} {
		value, err := parsePositive(params[i], name)
		if err != nil {
			return scryptKDF{}, err
		}
		values[i] = value
	}
	kdf := scryptKDF{n: values[0], r: values[1], p: values[2]}
	if kdf.n < 2 || kdf.n&(kdf.n-1) != 0 {
		return scryptKDF{}, fmt.Errorf("%w: scrypt N=%d is not a power of two greater than 1", ErrMalformed, kdf.n)
	}
	// Checked factor by factor so that no product can overflow.
	if kdf.n > MaxScryptWork || kdf.r > MaxScryptWork/kdf.n || kdf.p > MaxScryptWork/(kdf.n*kdf.r) {
		return scryptKDF{}, fmt.Errorf("%w: scrypt N=%d r=%d p=%d exceeds N·r·p ≤ %d", ErrCostTooHigh, kdf.n, kdf.r, kdf.p, MaxScryptWork)
	}
	// The work check above bounds n·r and r·p by MaxScryptWork, so this
	// product cannot overflow either.
	if memory := scryptBytesPerBlock * kdf.r * (kdf.n + kdf.p); memory > MaxScryptMemory {
		return scryptKDF{}, fmt.Errorf("%w: scrypt N=%d r=%d p=%d needs %d bytes, more than %d", ErrCostTooHigh, kdf.n, kdf.r, kdf.p, memory, MaxScryptMemory)
	}
	return kdf, nil
}

// deriveKey computes the 64-byte scrypt key of password under salt.
func (kdf scryptKDF) deriveKey(password string, salt []byte) ([]byte, error) {
	key, err := scrypt.Key([]byte(password), salt, kdf.n, kdf.r, kdf.p, scryptKeyLength)
	if err != nil {
		return nil, fmt.Errorf("passhash: scrypt: %w", err)
	}
	return key, nil
}

// keyLength returns the length in bytes of the key deriveKey produces.
func (scryptKDF) keyLength() int { return scryptKeyLength }
