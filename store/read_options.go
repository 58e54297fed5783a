package store

// ReadOption narrows what a read may see. The only option today is OwnedBy, which services pass on every read
// made for a signed-in user so that another user's simulation (and everything under it) is not found.
type ReadOption func(*readOptions)

type readOptions struct {
	ownerID    *int32        // nil: any owner
	unreadable *[]*BlobError // nil: an unreadable blob fails the read
	maxBytes   int64         // the most decompressed text one read returns; 0: DefaultMaxReadBytes
	atLeast    WALPosition   // a replica serving the read must have replayed this far
}

// DefaultMaxReadBytes is the most decompressed JSON text one results read (GetResults, GetEstimator, GetPages)
// returns unless MaxReadBytes says otherwise: 256 MiB, a hundred times a typical run's results, so that a
// simulation whose pages inflate to gigabytes cannot take a service's memory with one request.
const DefaultMaxReadBytes = 256 << 20

// MaxReadBytes bounds the decompressed JSON text one results read returns, all blobs together. A read whose
// blobs declare more fails with an error matching compress.ErrTooLarge before any is decompressed; one whose
// blobs turn out to hold more (their gzip trailers lied) fails as soon as it goes past. n ≤ 0 means
// DefaultMaxReadBytes.
func MaxReadBytes(n int64) ReadOption {
	return func(o *readOptions) { o.maxBytes = n }
}

// ReportUnreadable lets a results read (GetResults, GetEstimator, GetPages and the like) succeed past blobs it
// cannot decompress: each such blob is appended to *problems as a *BlobError, a page that cannot be read is
// left out of its estimator, and an estimator whose metadata cannot be read keeps its pages with null
// metadata. Without it, the first unreadable blob fails the whole read with ErrUnreadableBlob, so that one
// damaged page never passes for a complete result unnoticed.
func ReportUnreadable(problems *[]*BlobError) ReadOption {
	return func(o *readOptions) { o.unreadable = problems }
}

// OwnedBy scopes a read to the simulations owned by the user with id userID: a simulation that belongs to
// another user, or to no user, is reported as ErrNotFound, exactly as if it did not exist.
func OwnedBy(userID int32) ReadOption {
	return func(o *readOptions) { o.ownerID = &userID }
}

// newReadOptions applies opts in order; a later option overrides an earlier one.
func newReadOptions(opts []ReadOption) readOptions {
	var o readOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}
