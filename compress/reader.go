package compress

import (
	"errors"
	"io"
	"strconv"

	"github.com/klauspost/compress/gzip"
)

// byteSource is what a gzip reader needs to stop exactly at the end of a
// member (io.ByteReader) plus the one byte of look-ahead that tells another
// member from trailing data (UnreadByte). *bytes.Reader and *bufio.Reader
// both qualify.
type byteSource interface {
	io.Reader
	io.ByteScanner
}

// gzipMagic is the first byte of every gzip member.
const gzipMagic = 0x1f

// textReader yields the decompressed text of one blob: every gzip member in
// turn, as Python's gzip.decompress reads them, skipping zero padding between
// members and refusing anything else after them. It stops with ErrTooLarge
// once more than limit bytes of text would be returned, so it never
// decompresses much past the limit. Every failure is an *Error, except
// failures of the source itself, which are wrapped as they are.
type textReader struct {
	src      byteSource
	stream   *streamSource // the caller's reader under src, nil for an in-memory blob
	gz       *gzip.Reader
	limit    int64 // largest accepted text, in bytes
	produced int64 // text bytes returned so far
	members  int   // gzip members opened so far
	inMember bool  // a member is open and not yet at its end
	err      error // sticky: the error every later Read returns
}

// newTextReader returns a textReader over src with a pooled gzip reader;
// release must be called once the text is read. stream is the caller's
// reader that src buffers, or nil when src reads memory and cannot fail.
func newTextReader(src byteSource, stream *streamSource, limit int64) *textReader {
	return &textReader{src: src, stream: stream, gz: getReader(), limit: limit}
}

// fail returns the error to report for err, met while reading src: the
// caller's reader's own error when it has failed, else a fault in the data.
func (t *textReader) fail(err error) error {
	if t.stream != nil && t.stream.err != nil {
		return readError(t.stream.err)
	}
	return corruptError(err)
}

// release returns the gzip reader to its pool; the textReader is unusable
// afterwards.
func (t *textReader) release() {
	putReader(t.gz)
	t.gz = nil
}

// Read implements io.Reader over the decompressed text.
func (t *textReader) Read(p []byte) (int, error) {
	for t.err == nil {
		if !t.inMember {
			t.err = t.openMember()
			continue
		}
		// Read at most one byte beyond the limit: enough to know it is
		// crossed, never much more.
		if remaining := t.limit - t.produced; int64(len(p)) > remaining {
			p = p[:remaining+1]
		}
		n, err := t.gz.Read(p)
		t.produced += int64(n)
		if t.produced > t.limit {
			t.err = newError(opDecode, ErrTooLarge, "more than "+strconv.FormatInt(t.limit, 10)+" bytes", nil)
			return n - int(t.produced-t.limit), t.err
		}
		switch {
		case err == io.EOF:
			t.inMember = false
		case err != nil:
			t.err = t.fail(err)
		}
		if n > 0 || len(p) == 0 {
			return n, t.err
		}
	}
	return 0, t.err
}

// openMember starts the next gzip member. It returns io.EOF when the blob
// has no more members, and an *Error when what follows is not a member.
func (t *textReader) openMember() error {
	first := t.members == 0
	if !first {
		if err := t.skipZeroPadding(); err != nil {
			return err
		}
	}
	err := t.gz.Reset(t.src)
	switch {
	case err == nil:
		t.gz.Multistream(false)
		t.members++
		t.inMember = true
		return nil
	case first && errors.Is(err, io.EOF):
		return newError(opDecode, ErrCorrupt, "empty blob is not a gzip stream", nil)
	case !first && errors.Is(err, gzip.ErrHeader):
		return newError(opDecode, ErrTrailingData, "bytes after gzip member "+strconv.Itoa(t.members)+" are not a gzip member", nil)
	default:
		return t.fail(err)
	}
}

// skipZeroPadding consumes zero bytes after a member. It returns io.EOF at
// the end of the blob, an ErrTrailingData *Error when the next byte cannot
// start a member, and nil when it can (the byte is left unread).
func (t *textReader) skipZeroPadding() error {
	for {
		c, err := t.src.ReadByte()
		switch {
		case err == io.EOF:
			return io.EOF
		case err != nil:
			return t.fail(err)
		case c == 0:
			continue
		case c != gzipMagic:
			return newError(opDecode, ErrTrailingData, "bytes after gzip member "+strconv.Itoa(t.members)+" are not a gzip member", nil)
		}
		if err := t.src.UnreadByte(); err != nil {
			return t.fail(err)
		}
		return nil
	}
}

// streamSource is the caller's reader, recording its first failure so that
// a failing reader is told apart from faults in the data it delivers.
type streamSource struct {
	r   io.Reader
	err error // first error other than io.EOF
}

// Read reads from the caller's reader and records its first failure.
func (s *streamSource) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}
