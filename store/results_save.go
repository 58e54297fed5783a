package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// SavedResults says what SaveResults did.
type SavedResults struct {
	Estimators int  // estimators inserted or found again by their name
	Pages      int  // pages inserted or overwritten
	Completed  bool // whether the save moved the simulation to Completed (false when it was already terminal)
}

// SaveResultsOption changes how SaveResults stores a payload.
type SaveResultsOption func(*saveResultsOptions)

type saveResultsOptions struct {
	names map[string]string // estimator file name → name column
}

// EstimatorNames sets the name column of estimators that SaveResults creates, keyed by the estimator's name in
// the payload (which always goes to file_name). The platform does this for simulations made in its editor,
// where the payload's name is the simulator's output file ("z_profile_") and the name column holds the
// editor's name for it ("z_profile"), which is what GetEstimator is then asked for. Estimators not in the map
// get the payload's name in both columns. An empty name in the map makes SaveResults fail with ErrInvalid.
func EstimatorNames(names map[string]string) SaveResultsOption {
	return func(o *saveResultsOptions) { o.names = names }
}

// SaveResults stores a results payload for the simulation with id simulationID and marks the simulation
// Completed, all in one statement, whatever the number of estimators and pages. It mirrors the platform's
// upsert: an estimator is found again by (simulation, file name = the payload's name) and keeps its metadata
// and name when it exists; a page is found again by (estimator, page number from its metadata) and its blob,
// name (metadata.name) and dimension (dimensions) are always overwritten; a simulation already Completed,
// Failed or Canceled keeps its state. Saving a payload twice leaves the same rows as saving it once.
//
// Each page's JSON text is compacted and compressed as it is, never decoded into Go values and encoded again,
// on up to GOMAXPROCS goroutines, biggest first. The payload is checked before anything is sent: an empty or
// repeated estimator name, a metadata or page text that is not JSON, a page that is not an object, a missing
// or malformed metadata.page_number (a string of digits, as the platform writes it, or a whole number),
// metadata.name (a string) or dimensions (same as page_number), or a page number repeated within an
// estimator fail with ErrInvalid. A simulation that does not exist gives ErrNotFound.
func (s *Store) SaveResults(ctx context.Context, simulationID int32, results Results, opts ...SaveResultsOption) (SavedResults, error) {
	return s.saveResults(ctx, simulationID, results.Estimators, opts)
}

// SaveResultsJSON is SaveResults for a payload as JSON text, such as the body a worker posts: an object whose
// "estimators" member is an array of {"name", "metadata", "pages"} objects. Other members ("simulation_id",
// "update_key", "message") are checked to be JSON and otherwise ignored; keys match exactly, as the
// platform's Python reads them. The payload is never decoded as a whole: each estimator's metadata and pages
// are taken as sub-slices of payload (no copy) and compacted straight into the blobs, so memory stays near
// the size of the payload plus its compressed blobs, and numbers keep their exact digits. payload is only
// read. Text that is not such an object fails with ErrInvalid before anything is sent, as do the mistakes
// SaveResults refuses.
func (s *Store) SaveResultsJSON(ctx context.Context, simulationID int32, payload []byte, opts ...SaveResultsOption) (SavedResults, error) {
	estimators, err := splitResultsPayload(payload)
	if err != nil {
		return SavedResults{}, invalidf("results payload: %v", err)
	}
	return s.saveResults(ctx, simulationID, estimators, opts)
}

// blobJob is one JSON text of a payload to compress: an estimator's metadata or a page.
type blobJob struct {
	text      json.RawMessage
	estimator int  // index in the payload
	page      bool // a page (else the estimator's metadata)
	pageIndex int  // index in the estimator's pages, for messages
	number    int32
	name      string
	dimension int32
	blob      []byte
}

// saveResults validates, compresses and stores estimators. It never writes to estimators or the texts they
// refer to.
func (s *Store) saveResults(ctx context.Context, simulationID int32, estimators []EstimatorResults, opts []SaveResultsOption) (SavedResults, error) {
	var o saveResultsOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	names, err := estimatorNames(estimators, o.names)
	if err != nil {
		return SavedResults{}, err
	}
	jobs := make([]*blobJob, 0, len(estimators)*4)
	for e, est := range estimators {
		jobs = append(jobs, &blobJob{text: est.Metadata, estimator: e})
		for p, page := range est.Pages {
			jobs = append(jobs, &blobJob{text: page, estimator: e, page: true, pageIndex: p})
		}
	}
	// Biggest first, so the goroutines finish together. The sort is stable: ties keep payload order.
	order := slices.Clone(jobs)
	slices.SortStableFunc(order, func(a, b *blobJob) int { return len(b.text) - len(a.text) })

	codec := s.codec()
	workers := workersFor(len(order))
	buffers := make([]bytes.Buffer, workers)
	err = forEachParallel(ctx, len(order), workers, func(worker, i int) error {
		job := order[i]
		where := func() string {
			if job.page {
				return fmt.Sprintf("estimator %q page %d", estimators[job.estimator].Name, job.pageIndex)
			}
			return fmt.Sprintf("estimator %q metadata", estimators[job.estimator].Name)
		}
		buf := &buffers[worker]
		buf.Reset()
		text := job.text
		if len(text) == 0 {
			if job.page {
				return invalidf("%s: empty", where())
			}
			text = json.RawMessage("null") // no metadata: stored as null, as a NULL blob reads
		}
		if err := compress.Compact(buf, text); err != nil {
			return invalidf("%s: %v", where(), err)
		}
		if job.page {
			var err error
			if job.number, job.name, job.dimension, err = pageColumns(buf.Bytes()); err != nil {
				return invalidf("%s: %v", where(), err)
			}
			if err := checkTextFields(&job.name); err != nil {
				return fmt.Errorf("%s: metadata.name: %w", where(), err)
			}
		}
		blob, err := codec.CompressJSON(buf.Bytes())
		if err != nil {
			return fmt.Errorf("yapstore: compress %s: %w", where(), err)
		}
		job.blob = blob
		if buf.Cap() > 4<<20 {
			*buf = bytes.Buffer{} // do not keep a huge page's buffer alive for the rest of the call
		}
		return nil
	})
	if err != nil {
		return SavedResults{}, err
	}

	params := dbsqlc.SaveResultsParams{
		SimulationID:       simulationID,
		EstimatorNames:     names,
		EstimatorFileNames: make([]string, 0, len(estimators)),
		EstimatorData:      make([][]byte, 0, len(estimators)),
		Now:                s.now(),
	}
	pageCount := len(jobs) - len(estimators)
	params.PageFileNames = make([]string, 0, pageCount)
	params.PageNumbers = make([]int32, 0, pageCount)
	params.PageNames = make([]string, 0, pageCount)
	params.PageDimensions = make([]int32, 0, pageCount)
	params.PageData = make([][]byte, 0, pageCount)
	seen := make(map[int32]int)
	for _, job := range jobs {
		fileName := estimators[job.estimator].Name
		if !job.page {
			params.EstimatorFileNames = append(params.EstimatorFileNames, fileName)
			params.EstimatorData = append(params.EstimatorData, job.blob)
			clear(seen)
			continue
		}
		if first, dup := seen[job.number]; dup {
			return SavedResults{}, invalidf("estimator %q: pages %d and %d both have page_number %d",
				fileName, first, job.pageIndex, job.number)
		}
		seen[job.number] = job.pageIndex
		params.PageFileNames = append(params.PageFileNames, fileName)
		params.PageNumbers = append(params.PageNumbers, job.number)
		params.PageNames = append(params.PageNames, job.name)
		params.PageDimensions = append(params.PageDimensions, job.dimension)
		params.PageData = append(params.PageData, job.blob)
	}

	row, err := queries.SaveResults(ctx, s.exec(), params)
	if err != nil {
		return SavedResults{}, mapError(err)
	}
	if !row.Found {
		return SavedResults{}, notFoundf("simulation %d", simulationID)
	}
	return SavedResults{Estimators: int(row.Estimators), Pages: int(row.Pages), Completed: row.Completed}, nil
}

// estimatorNames checks the payload's estimator names (non-empty, distinct) and returns the name column of
// each: the payload's name, or its entry in byFileName.
func estimatorNames(estimators []EstimatorResults, byFileName map[string]string) ([]string, error) {
	names := make([]string, len(estimators))
	index := make(map[string]int, len(estimators))
	for i, est := range estimators {
		if err := checkName("name", est.Name); err != nil {
			return nil, fmt.Errorf("estimator %d: %w", i, err)
		}
		if j, dup := index[est.Name]; dup {
			return nil, invalidf("estimators %d and %d are both named %q", j, i, est.Name)
		}
		index[est.Name] = i
		names[i] = est.Name
		if name, ok := byFileName[est.Name]; ok {
			if err := checkName("name", name); err != nil {
				return nil, fmt.Errorf("EstimatorNames, estimator %q: %w", est.Name, err)
			}
			names[i] = name
		}
	}
	return names, nil
}
