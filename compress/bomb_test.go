package compress_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/yapstore/yapstore/compress"
)

// bombSize is how much text the gzip bomb expands to: 1 GiB of zero bytes.
const bombSize = 1 << 30

// gzipBomb returns one gzip member holding bombSize zero bytes (about 1 MB
// of blob), built once per test binary.
var gzipBomb = sync.OnceValue(func() []byte {
	var out bytes.Buffer
	// BestSpeed packs zeros almost as tightly as level 9, many times faster.
	writer, err := gzip.NewWriterLevel(&out, gzip.BestSpeed)
	if err != nil {
		panic(err)
	}
	zeros := make([]byte, 1<<20)
	for range bombSize / len(zeros) {
		if _, err := writer.Write(zeros); err != nil {
			panic(err)
		}
	}
	if err := writer.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
})

// bytesAllocated returns how many bytes of heap f allocated, all goroutines
// included: an upper bound on the memory f needed.
func bytesAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestGzipBomb decodes 1 GiB of zeros packed into about 1 MB. With a 1 MiB
// limit every decode path must fail with ErrTooLarge having allocated only a
// few MiB; with the default limit the allocation stays bounded by that limit,
// not by the bomb. The test does not run in parallel, so that the
// allocation counters see only the decode.
func TestGzipBomb(t *testing.T) {
	bomb := gzipBomb()
	if declared := binary.LittleEndian.Uint32(bomb[len(bomb)-4:]); declared != bombSize {
		t.Fatalf("bomb trailer declares %d bytes, want %d", declared, bombSize)
	}
	t.Logf("bomb: %d bytes of gzip for %d bytes of text", len(bomb), bombSize)

	// A trailer that lies about the size must not help the bomb: the
	// decoder trusts it only to size its buffer.
	lying := bytes.Clone(bomb)
	binary.LittleEndian.PutUint32(lying[len(lying)-4:], 100)

	// A bomb of many members, none large on its own.
	member := gzipMember(t, make([]byte, 1<<20))
	multi := bytes.Repeat(member, bombSize>>20)

	const limit = 1 << 20
	small := compress.Codec{MaxSize: limit}
	for name, blob := range map[string][]byte{"single member": bomb, "lying trailer": lying, "1024 members": multi} {
		for path, decode := range decodePaths(small) {
			var err error
			allocated := bytesAllocated(func() { err = decode(blob) })
			var codecErr *compress.Error
			if !errors.As(err, &codecErr) || codecErr.Kind != compress.ErrTooLarge {
				t.Errorf("%s, %s: error %v, want an *Error of kind ErrTooLarge", name, path, err)
			}
			if allocated > 4<<20 {
				t.Errorf("%s, %s: allocated %d bytes with a %d-byte limit, want under 4 MiB", name, path, allocated, limit)
			}
			t.Logf("%s, %s: %v after allocating %d KiB", name, path, err, allocated>>10)
		}
	}

	// With the default limit (64 MiB) memory is bounded by the limit.
	for path, decode := range decodePaths(compress.Codec{}) {
		var err error
		allocated := bytesAllocated(func() { err = decode(bomb) })
		if !errors.Is(err, compress.ErrTooLarge) {
			t.Errorf("default limit, %s: error %v, want ErrTooLarge", path, err)
		}
		if allocated > 2*compress.DefaultMaxSize+(4<<20) {
			t.Errorf("default limit, %s: allocated %d bytes, want at most twice the %d-byte limit",
				path, allocated, compress.DefaultMaxSize)
		}
		t.Logf("default limit, %s: allocated %d MiB", path, allocated>>20)
	}
}

// decodePaths returns one function per way of decoding a blob with codec.
func decodePaths(codec compress.Codec) map[string]func(blob []byte) error {
	return map[string]func(blob []byte) error{
		"DecompressJSON": func(blob []byte) error { _, err := codec.DecompressJSON(blob); return err },
		"Unmarshal":      func(blob []byte) error { var v any; return codec.Unmarshal(blob, &v) },
		"Decoder.Decode stream": func(blob []byte) error {
			var v any
			return codec.NewDecoder(onlyReader{bytes.NewReader(blob)}).Decode(&v)
		},
		"Decoder.DecodeJSON stream": func(blob []byte) error {
			_, err := codec.NewDecoder(onlyReader{bytes.NewReader(blob)}).DecodeJSON()
			return err
		},
	}
}
