package store

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/yapstore/yapstore/store/internal/passhash"
)

// authFloor is how long every Authenticate of a Store takes at least: the longer of a base (a fixed duration
// set by WithAuthFloor or, by default, the time this machine takes to verify the costliest hashes the limits
// accept, estimated once per process) and the slowest Authenticate of the Store lately, which covers a
// machine slowed by load.
type authFloor struct {
	fixed   time.Duration // > 0: set by WithAuthFloor
	slowest *slowest      // shared by the Store and the Stores InTx hands out; nil: nothing recorded
}

// WithAuthFloor sets the base of how long every Authenticate call takes at least, instead of the default: the
// time to verify the costliest stored hash the limits accept, estimated once per process on first use (about
// 0.3 s on a current server core, and about as much once to estimate it). Either way a call also waits as long
// as the Store's slowest call lately took, so a loaded machine does not let slow hashes show. A base below the
// time the slowest hash in the database takes lets a clock tell its users apart until such a hash has been
// verified once (an unknown user is answered as soon as the floor allows); tests and deployments that know
// their hashes set it. A duration of 0 or less restores the default.
func WithAuthFloor(d time.Duration) Option {
	return func(cfg *config) { cfg.authFloor.fixed = d }
}

// pad records how long the call took so far, then sleeps until start plus the floor, or until ctx ends.
func (f authFloor) pad(ctx context.Context, start time.Time) {
	floor := f.fixed
	if floor <= 0 {
		floor = calibratedAuthFloor()
	}
	if f.slowest != nil {
		floor = max(floor, f.slowest.observe(time.Since(start)))
	}
	wait := time.Until(start.Add(floor))
	if wait <= 0 {
		return
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// calibratedAuthFloor estimates, once per process, how long verifying a hash at each cost limit takes (scrypt
// at N·r·p = 2^19, pbkdf2 at 1,000,000 SHA-256 iterations), and returns the longer with a fifth added for the
// variation between calls. Both costs grow linearly with N and the iteration count, so it times an eighth of
// each, takes the fastest of five tries (a busy machine makes a try slower, never faster) and multiplies by
// eight: about 0.3 s of work in all. The keys are made up: only the time of the derivation matters.
var calibratedAuthFloor = sync.OnceValue(func() time.Duration {
	const scale, tries = 8, 5
	var longest time.Duration
	for _, hash := range []string{
		"scrypt:8192:8:1$calibration$" + strings.Repeat("00", 64),
		"pbkdf2:sha256:125000$calibration$" + strings.Repeat("00", 32),
	} {
		fastest := time.Duration(1<<63 - 1)
		for range tries {
			start := time.Now()
			_, _ = passhash.Verify("calibration", hash)
			fastest = min(fastest, time.Since(start))
		}
		longest = max(longest, scale*fastest)
	}
	return longest + longest/5
})

// authSlowestHalfLife is how fast a slow Authenticate is forgotten.
const authSlowestHalfLife = time.Minute

// slowest is the slowest Authenticate of a Store lately, before padding: on a machine slowed by load every
// verification takes longer than the calibrated floor, and padding to the slowest one seen keeps the calls
// alike. It decays by half every authSlowestHalfLife, so the floor comes back down when the load goes.
type slowest struct {
	mu  sync.Mutex
	max time.Duration
	at  time.Time
}

// observe records d and returns the current decayed maximum, d included.
func (s *slowest) observe(d time.Duration) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	decayed := time.Duration(float64(s.max) * math.Exp2(-float64(now.Sub(s.at))/float64(authSlowestHalfLife)))
	if d >= decayed {
		s.max, s.at = d, now
		return d
	}
	return decayed
}
