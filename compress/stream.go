package compress

import (
	"bytes"
	"encoding/json"
	"io"
)

// Encoder writes blobs to an io.Writer, compressing as it encodes so that
// the compressed bytes are never gathered in memory.
type Encoder struct {
	codec Codec
	w     io.Writer
}

// NewEncoder returns an Encoder that writes blobs to w with the Codec's
// options.
func (c Codec) NewEncoder(w io.Writer) *Encoder {
	return &Encoder{codec: c, w: w}
}

// Encode writes v to the writer as one complete blob, JSON-encoded as
// Codec.Marshal does. Each call writes a blob of its own, so a writer meant
// to hold one blob should see one call. It fails like Marshal, or with the
// writer's own error wrapped.
func (e *Encoder) Encode(v any) error {
	return e.compress(func(gz io.Writer) error { return encodeValue(gz, v) })
}

// EncodeJSON writes JSON text to the writer as one complete blob, unchanged;
// it fails like Codec.CompressJSON, or with the writer's own error wrapped.
func (e *Encoder) EncodeJSON(text []byte) error {
	if text == nil {
		text = nullText
	}
	if err := validJSON(opEncode, text); err != nil {
		return err
	}
	return e.compress(func(gz io.Writer) error {
		if _, err := gz.Write(text); err != nil {
			return writeError(err)
		}
		return nil
	})
}

// compress writes one complete gzip member to the writer, its content
// written by write through a pooled gzip writer at the Codec's level.
func (e *Encoder) compress(write func(gz io.Writer) error) error {
	level, err := e.codec.level()
	if err != nil {
		return err
	}
	gz := getWriter(e.w, level)
	defer putWriter(gz, level)
	if err := write(gz); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return writeError(err)
	}
	return nil
}

// Decoder reads one blob from an io.Reader, decompressing as it reads so
// that the compressed bytes are never gathered in memory.
type Decoder struct {
	codec Codec
	r     io.Reader
	// declared and compressed size the text buffer for an in-memory blob
	// (see textSizer); both are 0 for a stream.
	declared   int64
	compressed int64
}

// NewDecoder returns a Decoder that reads a blob from r with the Codec's
// options. The blob is everything r yields up to its end.
func (c Codec) NewDecoder(r io.Reader) *Decoder {
	return &Decoder{codec: c, r: r}
}

// Decode reads the reader to its end and decodes the blob into v, as
// Codec.Unmarshal does, holding the JSON text once, in a pooled buffer. An
// empty reader is not a blob (a stream has no NULL) and fails with
// ErrCorrupt; other failures are those of Unmarshal, or the reader's own
// error wrapped.
func (d *Decoder) Decode(v any) error {
	scratch := getText()
	defer putText(scratch)
	text, err := d.readText((*scratch)[:0])
	*scratch = text
	if err != nil {
		return err
	}
	return unmarshalText(text, v)
}

// DecodeJSON reads the reader to its end and returns the JSON text of the
// blob in a new slice, as Codec.DecompressJSON does. An empty reader fails
// with ErrCorrupt; other failures are those of DecompressJSON, or the
// reader's own error wrapped.
func (d *Decoder) DecodeJSON() (json.RawMessage, error) {
	if d.declared > 0 {
		// The blob's trailer sized the buffer: read straight into the
		// result.
		text, err := d.readJSON(nil)
		if err != nil {
			return nil, err
		}
		return text, nil
	}
	// Unknown length: collect the text in a pooled buffer, then copy it
	// once at its exact size, rather than allocate every doubling.
	scratch := getText()
	defer putText(scratch)
	text, err := d.readJSON((*scratch)[:0])
	*scratch = text
	if err != nil {
		return nil, err
	}
	return bytes.Clone(text), nil
}

// readJSON appends the decompressed text of the reader's blob to text,
// checks that it is JSON, and returns the extended slice.
func (d *Decoder) readJSON(text []byte) ([]byte, error) {
	text, err := d.readText(text)
	if err != nil {
		return text, err
	}
	return text, validJSON(opDecode, text)
}

// readText appends the decompressed text of the reader's blob to text and
// returns the extended slice, growing it as textSizer decides.
func (d *Decoder) readText(text []byte) ([]byte, error) {
	limit, err := d.codec.maxSize()
	if err != nil {
		return text, err
	}
	// An in-memory blob is read directly, which lets flate use its fast
	// path for *bytes.Reader; any other reader is buffered, with its
	// failures recorded.
	var (
		src    byteSource
		stream *streamSource
	)
	if blob, ok := d.r.(*bytes.Reader); ok {
		src = blob
	} else {
		stream = &streamSource{r: d.r}
		buffered := getBufio(stream)
		defer putBufio(buffered)
		src = buffered
	}
	reader := newTextReader(src, stream, limit)
	defer reader.release()
	sizer := textSizer{declared: d.declared, compressed: d.compressed, limit: limit}
	for {
		if len(text) == cap(text) {
			grown := make([]byte, len(text), sizer.next(int64(cap(text))))
			copy(grown, text)
			text = grown
		}
		n, err := reader.Read(text[len(text):cap(text)])
		text = text[:len(text)+n]
		switch {
		case err == io.EOF:
			return text, nil
		case err != nil:
			return text, err
		}
	}
}
