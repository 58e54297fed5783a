package store

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// Results is a results payload in the platform's shape: what a worker posts when a simulation ends and what
// the platform's results endpoint returns. Its JSON form is {"estimators": [...]}.
type Results struct {
	Estimators []EstimatorResults `json:"estimators"`
}

// EstimatorResults is one estimator of a results payload: its name (the simulator's output file, e.g.
// "z_profile_"), its metadata object and its pages. Each page is a JSON object with at least
// {"metadata": {"page_number": "0", "name": "DOSE", ...}, "dimensions": 1, "data": {...}}; pages are kept as
// JSON text so that their numbers keep their exact digits and MB-sized pages are never decoded.
type EstimatorResults struct {
	Name     string            `json:"name"`
	Metadata json.RawMessage   `json:"metadata"`
	Pages    []json.RawMessage `json:"pages"`
}

// Estimator is a stored estimator of a simulation with its pages.
type Estimator struct {
	ID           int32
	SimulationID int32
	Name         string          // the name column: the payload's name unless EstimatorNames set another
	FileName     string          // the payload's name, unique within the simulation
	Metadata     json.RawMessage // the estimator's metadata object (null when none was stored)
	Pages        []Page          // in page number order
}

// Page is a stored page of an estimator.
type Page struct {
	ID          int32
	EstimatorID int32
	Number      int32           // page_number, from metadata.page_number
	Name        string          // page_name, from metadata.name
	Dimension   int32           // page_dimension, from dimensions
	Data        json.RawMessage // the whole page as the payload held it (compacted)
}

// EstimatorInfo describes a stored estimator and its pages without their blobs.
type EstimatorInfo struct {
	ID           int32
	SimulationID int32
	Name         string
	FileName     string
	Pages        []PageInfo // in page number order
}

// PageInfo describes a stored page without its blob.
type PageInfo struct {
	ID             int32
	EstimatorID    int32
	Number         int32
	Name           string
	Dimension      int32
	CompressedSize int // bytes of the stored blob
}

// ResultsOf returns estimators in the platform's payload shape, as its results endpoint answers: each
// estimator's name column, metadata and page texts, in the order given. Saving the Results of a payload and
// reading them back gives a payload equal to the original value by value. Pages may hold NaN and Infinity,
// as the platform's do; encoding/json refuses those in a json.RawMessage, so write Results with WriteJSON.
func ResultsOf(estimators []Estimator) Results {
	out := Results{Estimators: make([]EstimatorResults, len(estimators))}
	for i, est := range estimators {
		pages := make([]json.RawMessage, len(est.Pages))
		for j, page := range est.Pages {
			pages[j] = page.Data
		}
		out.Estimators[i] = EstimatorResults{Name: est.Name, Metadata: est.Metadata, Pages: pages}
	}
	return out
}

// WriteJSON writes r to w as the JSON object {"estimators": [{"name", "metadata", "pages"}, ...]}, the texts of
// the metadata and pages as they are (so NaN and Infinity stay as the platform's Python wrote them, where
// json.Marshal would fail), a nil text as null. It returns w's error, or ErrInvalid, with nothing written,
// when a metadata or page text is not JSON (compress.Valid).
func (r Results) WriteJSON(w io.Writer) error {
	for _, est := range r.Estimators {
		if err := est.check(); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"estimators":[`)
	for i, est := range r.Estimators {
		if i > 0 {
			bw.WriteByte(',')
		}
		est.write(bw)
	}
	bw.WriteString(`]}`)
	return bw.Flush()
}

// WriteJSON writes e to w as the JSON object {"name", "metadata", "pages"} (the platform's GET /results for one
// estimator), the texts as they are, as Results.WriteJSON writes each estimator. It returns w's error, or
// ErrInvalid, with nothing written, when a metadata or page text is not JSON.
func (e EstimatorResults) WriteJSON(w io.Writer) error {
	if err := e.check(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	e.write(bw)
	return bw.Flush()
}

// check returns an ErrInvalid error when the metadata or a page is not JSON.
func (e EstimatorResults) check() error {
	if err := checkRawJSON("estimator metadata", e.Metadata); err != nil {
		return err
	}
	for _, page := range e.Pages {
		if err := checkRawJSON("page", page); err != nil {
			return err
		}
	}
	return nil
}

// write writes e as a JSON object, its texts as they are.
func (e EstimatorResults) write(bw *bufio.Writer) {
	name, _ := json.Marshal(e.Name) // a string always marshals
	bw.WriteString(`{"name":`)
	bw.Write(name)
	bw.WriteString(`,"metadata":`)
	writeRawJSON(bw, e.Metadata)
	bw.WriteString(`,"pages":[`)
	for j, page := range e.Pages {
		if j > 0 {
			bw.WriteByte(',')
		}
		writeRawJSON(bw, page)
	}
	bw.WriteString(`]}`)
}

// checkRawJSON returns an ErrInvalid error when text is neither nil nor JSON as the platform writes it.
func checkRawJSON(what string, text json.RawMessage) error {
	if text != nil && !compress.Valid(text) {
		return invalidf("%s is not JSON", what)
	}
	return nil
}

// writeRawJSON writes text, or null for nil.
func writeRawJSON(w *bufio.Writer, text json.RawMessage) {
	if text == nil {
		w.WriteString("null")
		return
	}
	w.Write(text)
}

// GetResults returns every estimator of the simulation with job id jobID, in id order (the order they were
// first saved in), each with its pages in page number order and every blob decompressed (in parallel, on up
// to GOMAXPROCS goroutines). It reads everything in one statement, so estimators and pages come from one
// snapshot even while a save runs. A simulation without results gives an empty slice; a simulation that does
// not exist, or that OwnedBy hides, gives ErrNotFound; an empty jobID gives ErrInvalid without a round trip.
func (s *Store) GetResults(ctx context.Context, jobID string, opts ...ReadOption) ([]Estimator, error) {
	return s.getResults(ctx, jobID, nil, nil, opts)
}

// GetEstimator returns one estimator of the simulation with job id jobID with all its pages, decompressed,
// in one statement. The estimator is the one whose name column is name (the platform looks estimators up by
// it) or, when none is, whose file name is. It returns ErrNotFound when the simulation (as OwnedBy scopes
// it) or the estimator does not exist, and ErrInvalid for an empty jobID or name.
func (s *Store) GetEstimator(ctx context.Context, jobID, name string, opts ...ReadOption) (Estimator, error) {
	return s.getEstimator(ctx, jobID, name, nil, opts)
}

// getEstimator reads one estimator of a job with its pages (those numbered, when numbers is not nil).
func (s *Store) getEstimator(ctx context.Context, jobID, name string, numbers []int32, opts []ReadOption) (Estimator, error) {
	if err := checkName("estimator name", name); err != nil {
		return Estimator{}, err
	}
	estimators, err := s.getResults(ctx, jobID, &name, numbers, opts)
	if err != nil {
		return Estimator{}, err
	}
	if len(estimators) == 0 {
		return Estimator{}, notFoundf("estimator %q of simulation %q", name, jobID)
	}
	return estimators[0], nil
}

// getResults reads the estimators of a job (one, when name is not nil) with their pages (those numbered, when
// numbers is not nil).
func (s *Store) getResults(ctx context.Context, jobID string, name *string, numbers []int32, opts []ReadOption) ([]Estimator, error) {
	ro := newReadOptions(opts)
	rows, err := s.resultRows(ctx, jobID, name, numbers, ro)
	if err != nil {
		return nil, err
	}
	// Rows come as: estimator, its pages in page number order, next estimator, ... Blobs are remembered by
	// position and pointed at once the slices no longer grow.
	type blobAt struct {
		blob      []byte
		est, page int // page -1: the estimator's metadata
		where     BlobError
	}
	estimators := make([]Estimator, 0, len(rows))
	pending := make([]blobAt, 0, len(rows))
	for _, row := range rows {
		switch {
		case row.EstimatorID == nil:
			// The simulation exists but has no estimators (that match).
		case row.PageID == nil:
			estimators = append(estimators, Estimator{
				ID: *row.EstimatorID, SimulationID: row.SimulationID,
				Name: orZero(row.EstimatorName), FileName: orZero(row.EstimatorFileName),
			})
			pending = append(pending, blobAt{row.CompressedData, len(estimators) - 1, -1,
				BlobError{Estimator: orZero(row.EstimatorFileName), EstimatorID: *row.EstimatorID, Page: -1}})
		default:
			e := len(estimators) - 1
			if e < 0 || estimators[e].ID != *row.EstimatorID {
				return nil, fmt.Errorf("yapstore: results of %q: page %d came before its estimator %d",
					jobID, *row.PageID, *row.EstimatorID)
			}
			estimators[e].Pages = append(estimators[e].Pages, Page{
				ID: *row.PageID, EstimatorID: *row.EstimatorID, Number: orZero(row.PageNumber),
				Name: orZero(row.PageName), Dimension: orZero(row.PageDimension),
			})
			pending = append(pending, blobAt{row.CompressedData, e, len(estimators[e].Pages) - 1,
				BlobError{Estimator: estimators[e].FileName, EstimatorID: *row.EstimatorID,
					Page: orZero(row.PageNumber), PageID: *row.PageID}})
		}
	}
	blobs := make([]blobTarget, len(pending))
	for i, b := range pending {
		into := &estimators[b.est].Metadata
		if b.page >= 0 {
			into = &estimators[b.est].Pages[b.page].Data
		}
		blobs[i] = blobTarget{blob: b.blob, into: into, where: b.where}
	}
	unreadable, err := s.decompressAll(ctx, blobs, ro)
	if err != nil {
		return nil, err
	}
	if len(unreadable) > 0 {
		// Leave out the pages that could not be read (metadata that could not be read stays null).
		for e := range estimators {
			estimators[e].Pages = slices.DeleteFunc(estimators[e].Pages, func(p Page) bool { return p.Data == nil })
		}
	}
	return estimators, nil
}

// resultRows runs the results statement: one row per estimator followed by one per page of it, or
// ErrNotFound when there is no such simulation (as ro scopes it).
func (s *Store) resultRows(ctx context.Context, jobID string, name *string, numbers []int32, ro readOptions) ([]dbsqlc.GetResultsRow, error) {
	if err := checkName("job id", jobID); err != nil {
		return nil, err
	}
	rows, err := queries.GetResults(ctx, s.reader(ro), dbsqlc.GetResultsParams{
		JobID: jobID, OwnerID: ro.ownerID, EstimatorName: name, PageNumbers: numbers,
	})
	if err != nil {
		return nil, mapError(err)
	}
	if len(rows) == 0 {
		return nil, notFoundf("simulation %q", jobID)
	}
	return rows, nil
}

// GetPage returns page number of the estimator name (chosen as GetEstimator chooses it) of the simulation
// with job id jobID, decompressed, in one statement. It returns ErrNotFound when the simulation (as OwnedBy
// scopes it), the estimator or the page does not exist, and ErrInvalid for an empty jobID or name or a
// negative number.
func (s *Store) GetPage(ctx context.Context, jobID, name string, number int32, opts ...ReadOption) (Page, error) {
	pages, err := s.GetPages(ctx, jobID, name, []int32{number}, opts...)
	if err != nil {
		return Page{}, err
	}
	if len(pages) == 0 {
		return Page{}, notFoundf("page %d of estimator %q of simulation %q", number, name, jobID)
	}
	return pages[0], nil
}

// GetPages returns the pages with the given numbers of the estimator name (chosen as GetEstimator chooses
// it) of the simulation with job id jobID, in page number order, decompressed, in one statement. Numbers that
// name no page are left out, as the platform does; repeated numbers give the page once. It returns ErrNotFound
// when the simulation (as OwnedBy scopes it) or the estimator does not exist, and ErrInvalid without a round
// trip for an empty jobID or name, no numbers, a negative number or more than MaxPageSpecPages numbers.
func (s *Store) GetPages(ctx context.Context, jobID, name string, numbers []int32, opts ...ReadOption) ([]Page, error) {
	if err := cmp.Or(checkName("job id", jobID), checkName("estimator name", name), checkPageNumbers(numbers)); err != nil {
		return nil, err
	}
	ro := newReadOptions(opts)
	rows, err := queries.GetPages(ctx, s.reader(ro), dbsqlc.GetPagesParams{
		JobID: jobID, OwnerID: ro.ownerID, EstimatorName: name, PageNumbers: numbers,
	})
	if err != nil {
		return nil, mapError(err)
	}
	if len(rows) == 0 {
		return nil, notFoundf("estimator %q of simulation %q", name, jobID)
	}
	// pages never outgrows its capacity, so pointers into it stay valid.
	pages := make([]Page, 0, len(rows))
	blobs := make([]blobTarget, 0, len(rows))
	for _, row := range rows {
		if row.PageID == nil {
			continue // the estimator has none of the pages asked for
		}
		pages = append(pages, Page{
			ID: *row.PageID, EstimatorID: row.EstimatorID, Number: orZero(row.PageNumber),
			Name: orZero(row.PageName), Dimension: orZero(row.PageDimension),
		})
		blobs = append(blobs, blobTarget{blob: row.CompressedData, into: &pages[len(pages)-1].Data,
			where: BlobError{Estimator: name, EstimatorID: row.EstimatorID, Page: orZero(row.PageNumber),
				PageID: *row.PageID}})
	}
	unreadable, err := s.decompressAll(ctx, blobs, ro)
	if err != nil {
		return nil, err
	}
	if len(unreadable) > 0 {
		pages = slices.DeleteFunc(pages, func(p Page) bool { return p.Data == nil })
	}
	return pages, nil
}

// checkPageNumbers returns an ErrInvalid error for no numbers, a negative number or more than MaxPageSpecPages
// numbers.
func checkPageNumbers(numbers []int32) error {
	switch {
	case len(numbers) == 0:
		return invalidf("no page numbers")
	case len(numbers) > MaxPageSpecPages:
		return invalidf("%d page numbers asked for, more than %d", len(numbers), MaxPageSpecPages)
	}
	for _, n := range numbers {
		if n < 0 {
			return invalidf("negative page number %d", n)
		}
	}
	return nil
}

// GetEstimatorPages returns the estimator name (chosen as GetEstimator chooses it) of the simulation with job
// id jobID, with its metadata and only the pages with the given numbers, in page number order, decompressed,
// in one statement: the platform's GET /results with estimator_name and page_numbers. Numbers that name no
// page are left out; repeated numbers give the page once. It returns ErrNotFound when the simulation (as
// OwnedBy scopes it) or the estimator does not exist, and ErrInvalid as GetPages does.
func (s *Store) GetEstimatorPages(ctx context.Context, jobID, name string, numbers []int32, opts ...ReadOption) (Estimator, error) {
	if err := checkPageNumbers(numbers); err != nil {
		return Estimator{}, err
	}
	return s.getEstimator(ctx, jobID, name, numbers, opts)
}

// GetPagesBySpec is GetPages for the platform's page-spec text, such as "1-3,5", parsed by ParsePageSpec. A
// malformed spec fails with a *PageSpecError (ErrInvalid) before anything is sent.
func (s *Store) GetPagesBySpec(ctx context.Context, jobID, name, spec string, opts ...ReadOption) ([]Page, error) {
	numbers, err := ParsePageSpec(spec)
	if err != nil {
		return nil, err
	}
	return s.GetPages(ctx, jobID, name, numbers, opts...)
}

// ListPageInfo returns every estimator of the simulation with job id jobID with the number, name, dimension
// and blob size of its pages, but no blobs, in one statement: what a client needs to choose pages to fetch
// (the platform's estimators metadata). Estimators come in id order, pages in page number order; a simulation
// without results gives an empty slice. It returns ErrNotFound when the simulation does not exist or OwnedBy
// hides it, and ErrInvalid for an empty jobID.
func (s *Store) ListPageInfo(ctx context.Context, jobID string, opts ...ReadOption) ([]EstimatorInfo, error) {
	if err := checkName("job id", jobID); err != nil {
		return nil, err
	}
	ro := newReadOptions(opts)
	rows, err := queries.ListPageInfo(ctx, s.reader(ro), dbsqlc.ListPageInfoParams{JobID: jobID, OwnerID: ro.ownerID})
	if err != nil {
		return nil, mapError(err)
	}
	if len(rows) == 0 {
		return nil, notFoundf("simulation %q", jobID)
	}
	var estimators []EstimatorInfo
	for _, row := range rows {
		if row.EstimatorID == nil {
			continue
		}
		if n := len(estimators); n == 0 || estimators[n-1].ID != *row.EstimatorID {
			estimators = append(estimators, EstimatorInfo{
				ID: *row.EstimatorID, SimulationID: row.SimulationID,
				Name: orZero(row.EstimatorName), FileName: orZero(row.EstimatorFileName),
			})
		}
		if row.PageID == nil {
			continue
		}
		est := &estimators[len(estimators)-1]
		est.Pages = append(est.Pages, PageInfo{
			ID: *row.PageID, EstimatorID: est.ID, Number: orZero(row.PageNumber), Name: orZero(row.PageName),
			Dimension: orZero(row.PageDimension), CompressedSize: int(row.CompressedSize),
		})
	}
	if estimators == nil {
		estimators = []EstimatorInfo{}
	}
	return estimators, nil
}

// blobTarget is a blob to decompress and where its JSON text goes.
type blobTarget struct {
	blob  []byte
	into  *json.RawMessage
	where BlobError // which blob it is, for the error; Err unset
}

// decompressAll decompresses blobs into their targets on up to GOMAXPROCS goroutines, biggest first. A blob
// the codec refuses fails the whole read with a *BlobError naming it; with ro's ReportUnreadable, it is
// appended to the caller's list (by estimator id, metadata first, then page number) and to the returned slice
// instead, and its target is left nil.
func (s *Store) decompressAll(ctx context.Context, blobs []blobTarget, ro readOptions) ([]*BlobError, error) {
	slices.SortStableFunc(blobs, func(a, b blobTarget) int { return len(b.blob) - len(a.blob) })
	var declared int64
	for _, b := range blobs {
		declared += compress.DeclaredSize(b.blob)
	}
	budget, err := newReadBudget(ro, declared)
	if err != nil {
		return nil, err
	}
	codec := s.codec()
	failed := make([]*BlobError, len(blobs))
	err = forEachParallel(ctx, len(blobs), workersFor(len(blobs)), func(_, i int) error {
		text, err := codec.DecompressJSON(blobs[i].blob)
		if err == nil {
			if err := budget.charge(text, blobs[i].blob); err != nil {
				return err
			}
		}
		if err != nil {
			blobErr := blobs[i].where
			blobErr.Err = err
			if ro.unreadable == nil {
				return &blobErr
			}
			failed[i] = &blobErr
			return nil
		}
		*blobs[i].into = text
		return nil
	})
	if err != nil {
		return nil, err
	}
	failed = slices.DeleteFunc(failed, func(e *BlobError) bool { return e == nil })
	slices.SortFunc(failed, func(a, b *BlobError) int {
		return cmp.Or(cmp.Compare(a.EstimatorID, b.EstimatorID), cmp.Compare(a.Page, b.Page))
	})
	if ro.unreadable != nil {
		s.leaveOut(ctx, ro, failed...)
	}
	return failed, nil
}

// leaveOut records blobs that ReportUnreadable lets a read go on without: in the caller's list, and in the
// Store's log.
func (s *Store) leaveOut(ctx context.Context, ro readOptions, problems ...*BlobError) {
	*ro.unreadable = append(*ro.unreadable, problems...)
	for _, problem := range problems {
		s.config().logger.LogAttrs(ctx, slog.LevelWarn, "yapstore: unreadable blob left out of a read (ReportUnreadable)",
			slog.String("error", problem.Error()))
	}
}

// readBudget is one read's MaxReadBytes: what its blobs declare is reserved before anything is decompressed,
// and what each turns out to hold beyond its claim is charged as it is read. It is safe for concurrent use.
type readBudget struct {
	limit int64
	used  atomic.Int64
}

// newReadBudget reserves declared bytes of ro's limit, or returns compress.ErrTooLarge when they exceed it.
func newReadBudget(ro readOptions, declared int64) (*readBudget, error) {
	b := &readBudget{limit: ro.maxBytes}
	if b.limit <= 0 {
		b.limit = DefaultMaxReadBytes
	}
	if declared > b.limit {
		return nil, fmt.Errorf("%w: the blobs of this read declare %d bytes of text, more than the read's limit of %d (MaxReadBytes)",
			compress.ErrTooLarge, declared, b.limit)
	}
	b.used.Store(declared)
	return b, nil
}

// charge adds what text, inflated from blob, holds beyond blob's claim, and returns compress.ErrTooLarge once
// the read has gone past its limit.
func (b *readBudget) charge(text []byte, blob []byte) error {
	if total := b.used.Add(int64(len(text)) - compress.DeclaredSize(blob)); total > b.limit {
		return fmt.Errorf("%w: this read's text went past its limit of %d bytes (MaxReadBytes)", compress.ErrTooLarge, b.limit)
	}
	return nil
}

// orZero returns the value p points at, or the zero value for nil.
func orZero[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
