package demo

import (
	"os"

	"github.com/yapstore/yapstore/internal/fixtures"
)

// ResultsPayload returns a results payload as a worker posts it, and where it came from: the platform's own
// results file when $YAPSTORE_FIXTURES names a directory of its payloads, else one generated in the same
// shape and size (4 estimators, 21 pages, about 2.5 MB), so that the examples run on a fresh clone. It fails
// only when that directory is named but cannot be read.
func ResultsPayload() ([]byte, string, error) {
	sets, err := fixtures.Sources(os.Getenv)
	if err != nil {
		return nil, "", err
	}
	set := sets[len(sets)-1]
	if set.Dir != "" {
		return set.Results, set.Dir, nil
	}
	return set.Results, "generated payload; set " + fixtures.Env + " for the platform's own", nil
}
