package store

import (
	"bufio"
	"context"
	"encoding/json"
	"io"

	"github.com/yapstore/yapstore/compress"
)

// WriteResults writes every result of the simulation with job id jobID to w as the platform's GET /results body,
// {"estimators": [{"name", "metadata", "pages"}, ...]}: the bytes Results.WriteJSON writes for
// ResultsOf(GetResults(...)), NaN and Infinity included. It does not hold the decompressed results whole: after one
// statement fetches the compressed blobs, they are inflated on up to GOMAXPROCS goroutines a window ahead of the
// writer and written in order as each is ready, so memory holds a few pages' text at a time. It returns ErrNotFound
// (OwnedBy scoping) or ErrInvalid, and compress.ErrTooLarge when the blobs declare more than MaxReadBytes, before
// writing anything; blobs that turn out to hold more than they declared fail it with compress.ErrTooLarge as soon as
// the read goes past the limit, as for GetResults. An unreadable blob fails the call with a *BlobError once what
// comes before it has been written, unless ReportUnreadable leaves it out (a page left out, metadata written as
// null); w's error is returned as it comes. A caller serving HTTP should treat an error after the first byte as a
// response cut short.
func (s *Store) WriteResults(ctx context.Context, w io.Writer, jobID string, opts ...ReadOption) error {
	ro := newReadOptions(opts)
	rows, err := s.resultRows(ctx, jobID, nil, nil, ro)
	if err != nil {
		return err
	}
	// The blobs in the order they are written; a metadata blob opens its estimator.
	type item struct {
		blob  []byte
		name  string // the estimator's name, for a metadata blob
		meta  bool
		where BlobError
	}
	items := make([]item, 0, len(rows))
	var declared int64
	for _, row := range rows {
		switch {
		case row.EstimatorID == nil:
		case row.PageID == nil:
			items = append(items, item{blob: row.CompressedData, name: orZero(row.EstimatorName), meta: true,
				where: BlobError{Estimator: orZero(row.EstimatorFileName), EstimatorID: *row.EstimatorID, Page: -1}})
		default:
			items = append(items, item{blob: row.CompressedData, where: BlobError{EstimatorID: *row.EstimatorID,
				Page: orZero(row.PageNumber), PageID: *row.PageID}})
		}
		declared += compress.DeclaredSize(row.CompressedData)
	}
	budget, err := newReadBudget(ro, declared)
	if err != nil {
		return err
	}

	// Inflate a window ahead of the writer: item i may be inflated once item i-window has been written.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := workersFor(len(items))
	window := make(chan struct{}, 2*workers)
	type inflated struct {
		text json.RawMessage
		err  error
	}
	ready := make([]chan inflated, len(items))
	for i := range ready {
		ready[i] = make(chan inflated, 1)
	}
	codec := s.codec()
	go func() {
		for i := range items {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				text, err := codec.DecompressJSON(items[i].blob)
				ready[i] <- inflated{text, err}
			}()
		}
	}()

	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"estimators":[`)
	estimators, pages := 0, 0
	var estimatorName string
	for i, it := range items {
		var got inflated
		select {
		case got = <-ready[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-window
		if it.meta {
			estimatorName = it.where.Estimator
		}
		if got.err == nil {
			if err := budget.charge(got.text, it.blob); err != nil {
				_ = bw.Flush()
				return err
			}
		}
		if got.err != nil {
			blobErr := it.where
			blobErr.Estimator, blobErr.Err = estimatorName, got.err
			if ro.unreadable == nil {
				_ = bw.Flush()
				return &blobErr
			}
			s.leaveOut(ctx, ro, &blobErr)
			if !it.meta {
				continue
			}
			got.text = json.RawMessage("null")
		}
		if it.meta {
			if estimators > 0 {
				bw.WriteString(`]},`)
			}
			estimators, pages = estimators+1, 0
			name, _ := json.Marshal(it.name) // a string always marshals
			bw.WriteString(`{"name":`)
			bw.Write(name)
			bw.WriteString(`,"metadata":`)
			bw.Write(got.text)
			bw.WriteString(`,"pages":[`)
		} else {
			if pages > 0 {
				bw.WriteByte(',')
			}
			pages++
			bw.Write(got.text)
		}
		if err := bw.Flush(); err != nil { // each blob goes out as soon as it is written; a gone client stops it
			return err
		}
	}
	if estimators > 0 {
		bw.WriteString(`]}`)
	}
	bw.WriteString(`]}`)
	return bw.Flush()
}
