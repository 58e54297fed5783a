package compress_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/yapstore/yapstore/compress"
	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
)

// benchPayload is one real JSON text the benchmarks encode and decode.
type benchPayload struct {
	name string
	text []byte
}

// benchPayloads returns the largest page in the form Python writes it
// (about 300 KB) and the whole results file as it is (2.5 MB, indented).
func benchPayloads(b *testing.B) []benchPayload {
	b.Helper()
	set := fixturestest.Last(b)
	return []benchPayload{
		{"page300KB", largestPage(b, set)},
		{"results2.5MB", set.Results},
	}
}

// parse returns the payload decoded into a generic Go value.
func (p benchPayload) parse(b *testing.B) any {
	b.Helper()
	var value any
	if err := json.Unmarshal(p.text, &value); err != nil {
		b.Fatal(err)
	}
	return value
}

// blobAt returns the payload compressed at level.
func (p benchPayload) blobAt(b *testing.B, level int) []byte {
	b.Helper()
	blob, err := compress.Codec{Level: level}.CompressJSON(p.text)
	if err != nil {
		b.Fatal(err)
	}
	return blob
}

// The benchmarks below set the bytes per operation to the JSON text's
// length, so MB/s reads as JSON text handled per second on either side.

func BenchmarkCompressJSON(b *testing.B) {
	var codec compress.Codec
	for _, payload := range benchPayloads(b) {
		b.Run(payload.name, func(b *testing.B) {
			b.SetBytes(int64(len(payload.text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.CompressJSON(payload.text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecompressJSON reads blobs written at the default level and at
// level 9, the level of every blob the Python side has written.
func BenchmarkDecompressJSON(b *testing.B) {
	var codec compress.Codec
	for _, payload := range benchPayloads(b) {
		for _, level := range []int{compress.DefaultLevel, 9} {
			blob := payload.blobAt(b, level)
			b.Run(fmt.Sprintf("%s/written-at-level=%d", payload.name, level), func(b *testing.B) {
				b.SetBytes(int64(len(payload.text)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := codec.DecompressJSON(blob); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	var codec compress.Codec
	for _, payload := range benchPayloads(b) {
		value := payload.parse(b)
		b.Run(payload.name, func(b *testing.B) {
			b.SetBytes(int64(len(payload.text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.Marshal(value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	var codec compress.Codec
	for _, payload := range benchPayloads(b) {
		blob := payload.blobAt(b, compress.DefaultLevel)
		b.Run(payload.name, func(b *testing.B) {
			b.SetBytes(int64(len(payload.text)))
			b.ReportAllocs()
			for b.Loop() {
				var value any
				if err := codec.Unmarshal(blob, &value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncoder streams blobs to io.Discard, as a writer to a socket or
// file would.
func BenchmarkEncoder(b *testing.B) {
	var codec compress.Codec
	for _, payload := range benchPayloads(b) {
		b.Run(payload.name, func(b *testing.B) {
			b.SetBytes(int64(len(payload.text)))
			b.ReportAllocs()
			for b.Loop() {
				if err := codec.NewEncoder(io.Discard).EncodeJSON(payload.text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecoder reads blobs from a plain io.Reader, as from a socket.
func BenchmarkDecoder(b *testing.B) {
	var codec compress.Codec
	for _, payload := range benchPayloads(b) {
		blob := payload.blobAt(b, compress.DefaultLevel)
		b.Run(payload.name, func(b *testing.B) {
			b.SetBytes(int64(len(payload.text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.NewDecoder(onlyReader{bytes.NewReader(blob)}).DecodeJSON(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
