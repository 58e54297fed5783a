package store

// ReadOption narrows what a read may see. The only option today is OwnedBy, which services pass on every read
// made for a signed-in user so that another user's simulation (and everything under it) is not found.
type ReadOption func(*readOptions)

type readOptions struct {
	ownerID    *int32        // nil: any owner
	unreadable *[]*BlobError // nil: an unreadable blob fails the read
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
