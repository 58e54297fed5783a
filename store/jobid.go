package store

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// jobIDLayout is the time prefix of a job id, as the platform writes it with strftime('%Y%m%d-%H%M%S-').
const jobIDLayout = "20060102-150405-"

// newJobID returns a job id in the platform's format: the submission time as YYYYMMDD-HHMMSS-, a random
// (version 4) UUID in its canonical dashed form, and the platform, for example
// "20240611-101500-3f0c2d5e-8a1b-4c7d-9e2f-0a1b2c3d4e5fDIRECT". The platform formats its server's local time
// (Python's datetime.now()); the time is formatted in now's location, which for the default clock is the
// local time too. It fails only when the system's random source does.
func newJobID(now time.Time, platform Platform) (string, error) {
	id, err := uuid.NewRandom()
	if err != nil {
		return "", fmt.Errorf("yapstore: job id: %w", err)
	}
	return now.Format(jobIDLayout) + id.String() + string(platform), nil
}

// checkJobID returns nil when id is a job id as newJobID writes it for platform, and an ErrInvalid error
// saying what is wrong otherwise.
func checkJobID(id string, platform Platform) error {
	const uuidLen = 36
	prefix := len(jobIDLayout)
	if len(id) != prefix+uuidLen+len(platform) {
		return invalidf("job id %q: want YYYYMMDD-HHMMSS-, a UUID and %s", id, platform)
	}
	if _, err := time.Parse(jobIDLayout, id[:prefix]); err != nil {
		return invalidf("job id %q: %q is not a time as YYYYMMDD-HHMMSS-", id, id[:prefix])
	}
	u, err := uuid.Parse(id[prefix : prefix+uuidLen])
	if err != nil || u.String() != id[prefix:prefix+uuidLen] {
		return invalidf("job id %q: %q is not a UUID in lower-case dashed form", id, id[prefix:prefix+uuidLen])
	}
	if id[prefix+uuidLen:] != string(platform) {
		return invalidf("job id %q: ends in %q, not the submission's platform %s", id, id[prefix+uuidLen:], platform)
	}
	return nil
}
