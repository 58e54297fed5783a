package compress_test

import (
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"testing"

	kpgzip "github.com/klauspost/compress/gzip"

	"github.com/yapstore/yapstore/internal/fixtures/fixturestest"
)

// gzipLibrary is one gzip implementation under comparison.
type gzipLibrary struct {
	name      string
	newWriter func(level int) (gzipWriter, error)
	newReader func() gzipReader
}

type gzipWriter interface {
	io.WriteCloser
	Reset(w io.Writer)
}

type gzipReader interface {
	io.Reader
	Reset(r io.Reader) error
}

var comparedLibraries = []gzipLibrary{
	{
		name:      "stdlib",
		newWriter: func(level int) (gzipWriter, error) { return stdgzip.NewWriterLevel(io.Discard, level) },
		newReader: func() gzipReader { return new(stdgzip.Reader) },
	},
	{
		name:      "klauspost",
		newWriter: func(level int) (gzipWriter, error) { return kpgzip.NewWriterLevel(io.Discard, level) },
		newReader: func() gzipReader { return new(kpgzip.Reader) },
	},
}

var comparedLevels = []int{1, 2, 3, 4, 5, 6, 7, 8, 9}

// BenchmarkLibraries compares the standard library's gzip with
// github.com/klauspost/compress/gzip at several levels on the real pages: the
// largest page alone, and all 21 pages compressed one blob each as the store
// writes them. It reports MB/s of JSON text and the compression ratio
// (JSON bytes / blob bytes); decompression reads the blobs that level wrote.
// These figures chose the package's dependency and DefaultLevel (see doc.go).
func BenchmarkLibraries(b *testing.B) {
	set := fixturestest.Last(b)
	pages := resultPages(b, set)
	payloads := []struct {
		name  string
		texts [][]byte
	}{
		{"page300KB", [][]byte{largestPage(b, set)}},
		{"pages21", pages},
	}
	for _, payload := range payloads {
		var textBytes int64
		for _, text := range payload.texts {
			textBytes += int64(len(text))
		}
		for _, level := range comparedLevels {
			for _, lib := range comparedLibraries {
				name := fmt.Sprintf("%s/level=%d/%s", payload.name, level, lib.name)
				writer, err := lib.newWriter(level)
				if err != nil {
					b.Fatal(err)
				}
				var blobs [][]byte
				var blobBytes int64
				for _, text := range payload.texts {
					var out bytes.Buffer
					writer.Reset(&out)
					if _, err := writer.Write(text); err != nil {
						b.Fatal(err)
					}
					if err := writer.Close(); err != nil {
						b.Fatal(err)
					}
					blobs = append(blobs, out.Bytes())
					blobBytes += int64(out.Len())
				}
				ratio := float64(textBytes) / float64(blobBytes)
				b.Run(name+"/compress", func(b *testing.B) {
					b.SetBytes(textBytes)
					b.ReportAllocs()
					var out bytes.Buffer
					for b.Loop() {
						for _, text := range payload.texts {
							out.Reset()
							writer.Reset(&out)
							writer.Write(text)
							writer.Close()
						}
					}
					b.ReportMetric(ratio, "ratio")
				})
				b.Run(name+"/decompress", func(b *testing.B) {
					b.SetBytes(textBytes)
					b.ReportAllocs()
					reader := lib.newReader()
					for b.Loop() {
						for _, blob := range blobs {
							if err := reader.Reset(bytes.NewReader(blob)); err != nil {
								b.Fatal(err)
							}
							if _, err := io.Copy(io.Discard, reader); err != nil {
								b.Fatal(err)
							}
						}
					}
				})
			}
		}
	}
}
