package compress

import (
	"bufio"
	"bytes"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// These pools are the package's only shared state. A gzip writer keeps the
// level it was made with, hence one pool per level.
var (
	writerPools [gzip.BestCompression + 1]sync.Pool // of *gzip.Writer, indexed by level
	readerPool  = sync.Pool{New: func() any { return new(gzip.Reader) }}
	bufioPool   sync.Pool // of *bufio.Reader
	bufferPool  sync.Pool // of *bytes.Buffer, for compressed output
	textPool    sync.Pool // of *[]byte, for decompressed text
)

// maxPooledBuffer is the largest scratch buffer returned to a pool;
// bigger ones (rare, huge pages) are left to the garbage collector so that
// the pool never pins more than a few MB per processor.
const maxPooledBuffer = 8 << 20

// getWriter returns a gzip writer at level, writing to w. level must already
// be checked to lie in 1..9.
func getWriter(w io.Writer, level int) *gzip.Writer {
	if pooled, ok := writerPools[level].Get().(*gzip.Writer); ok {
		pooled.Reset(w)
		return pooled
	}
	// NewWriterLevel fails only for a level out of range, which the
	// caller has excluded.
	writer, _ := gzip.NewWriterLevel(w, level)
	return writer
}

// putWriter returns a closed writer made by getWriter to its level's pool.
func putWriter(writer *gzip.Writer, level int) {
	writerPools[level].Put(writer)
}

// getReader returns an unused gzip reader; Reset gives it its source.
func getReader() *gzip.Reader {
	return readerPool.Get().(*gzip.Reader)
}

// putReader returns a reader got from getReader to the pool.
func putReader(reader *gzip.Reader) {
	readerPool.Put(reader)
}

// getBufio returns a buffered reader over r.
func getBufio(r io.Reader) *bufio.Reader {
	if pooled, ok := bufioPool.Get().(*bufio.Reader); ok {
		pooled.Reset(r)
		return pooled
	}
	return bufio.NewReader(r)
}

// putBufio returns a buffered reader to the pool, dropping its source.
func putBufio(reader *bufio.Reader) {
	reader.Reset(nil)
	bufioPool.Put(reader)
}

// getBuffer returns an empty scratch buffer.
func getBuffer() *bytes.Buffer {
	if pooled, ok := bufferPool.Get().(*bytes.Buffer); ok {
		return pooled
	}
	return new(bytes.Buffer)
}

// putBuffer empties a scratch buffer and returns it to the pool unless it
// grew past maxPooledBuffer.
func putBuffer(buffer *bytes.Buffer) {
	if buffer.Cap() > maxPooledBuffer {
		return
	}
	buffer.Reset()
	bufferPool.Put(buffer)
}

// getText returns an empty scratch slice for decompressed text.
func getText() *[]byte {
	if pooled, ok := textPool.Get().(*[]byte); ok {
		return pooled
	}
	return new([]byte)
}

// putText returns a scratch slice to the pool unless it grew past
// maxPooledBuffer.
func putText(text *[]byte) {
	if cap(*text) > maxPooledBuffer {
		return
	}
	*text = (*text)[:0]
	textPool.Put(text)
}
