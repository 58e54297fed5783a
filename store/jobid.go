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
