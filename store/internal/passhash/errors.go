package passhash

import "errors"

// ErrMalformed is returned by Verify when the stored hash is not in Werkzeug's
// "method$salt$hex" form: a missing part, an empty salt, a hex digest of the
// wrong length or with characters other than lowercase hex, or method
// parameters Werkzeug itself would reject (a scrypt N that is not a power of
// two, zero iterations, the wrong number of parameters).
var ErrMalformed = errors.New("passhash: malformed password hash")

// ErrUnknownMethod is returned by Verify when the stored hash names a key
// derivation function or a digest this package does not implement, for
// example the unsalted "plain" method or the salted-HMAC methods that Werkzeug
// 3 no longer accepts either.
var ErrUnknownMethod = errors.New("passhash: unknown password hash method")

// ErrCostTooHigh is returned by Verify when the stored hash is well formed but
// asks for more work or memory than the limits MaxPBKDF2Work,
// MaxScryptWork and MaxScryptMemory allow. Verify refuses such a hash instead
// of spending seconds of CPU or gigabytes of memory on it.
var ErrCostTooHigh = errors.New("passhash: password hash parameters exceed the cost limits")
