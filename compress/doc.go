// Package compress reads and writes the blobs of the yaptide platform's
// database: the compressed_data columns of inputs, estimators, pages and
// logfiles, each holding gzip (RFC 1952) of UTF-8 JSON text. The platform's
// Python backend writes them with gzip.compress(json.dumps(value).encode());
// this package reads everything that writer produces, writes blobs that
// Python's gzip and json modules read back to the same values, and stays
// bounded in memory and typed in its errors on hostile input.
//
// # Map
//
//   - Codec (codec.go) carries the options, Level and MaxSize, whose zero
//     values mean DefaultLevel and DefaultMaxSize. Its methods work on blobs
//     in memory, as pgx hands them over: Marshal and Unmarshal convert Go
//     values, CompressJSON and DecompressJSON move JSON text unchanged. A nil
//     blob, a NULL column, reads as the JSON text null.
//   - Encoder and Decoder (stream.go) do the same on an io.Writer or an
//     io.Reader, never gathering the compressed bytes in memory.
//   - Error and the sentinels ErrTooLarge, ErrCorrupt, ErrTrailingData,
//     ErrInvalidJSON, ErrValue and ErrInvalidOption (errors.go) say what was
//     wrong; failures of the caller's own reader or writer come back wrapped
//     as they are.
//   - The rest is machinery: reader.go walks gzip members and enforces the
//     size limit, sizehint.go sizes output buffers from the gzip trailer
//     without trusting it, validate.go checks JSON and UTF-8 in one pass, and
//     pool.go holds the sync.Pools of gzip writers (one per level), gzip
//     readers and scratch buffers, the package's only shared state.
//
// # Compatibility with the Python side
//
// Reading: any compression level, any mtime and header fields (file name,
// comment, extra field, header CRC), several gzip members in a row and zero
// padding after them, all as Python's gzip.decompress reads them. Header
// flag bits that RFC 1952 reserves are refused (Python ignores them, but
// never sets them). The text must be one JSON value in valid UTF-8 as
// Python's json module reads it: RFC 8259 plus NaN, Infinity and -Infinity
// where a value stands, which json.dumps writes for non-finite floats (see
// Valid). Text Python's strict UTF-8 decoding would refuse fails with
// ErrInvalidJSON. DecompressJSON returns the text exactly as written, so
// integers beyond 2^53 and the non-finite words survive; Unmarshal into an
// interface turns numbers into float64 like encoding/json does (decode into
// json.Number to keep them), and fails with ErrValue on NaN or Infinity,
// which encoding/json has no value for. Compact removes whitespace from such
// text without touching anything else.
//
// Writing: one gzip member with mtime 0 at Level, and compact JSON from
// encoding/json with HTML characters unescaped. The bytes differ from
// Python's (UTF-8 rather than \u escapes, no spaces after separators, Go's
// shortest float form, so 1.0 comes back from Marshal as 1) but Python
// decodes them to equal values; CompressJSON stores text untouched. The
// tests prove both directions: golden blobs written by Python
// (testdata/gen_golden.py) decode to Python's exact text, and python3
// decodes our blobs (testdata/check_blobs.py) to the expected values.
//
// # Limits
//
// A decode stops one byte past MaxSize with ErrTooLarge, so a gzip bomb
// costs memory in proportion to MaxSize, never to what it would expand to:
// 1 GiB of zeros packed into 1 MB fails after allocating 1 to 2 MiB with a
// 1 MiB limit, and at most about twice the limit with any limit. The output
// buffer is sized from the gzip trailer, believed only as far as the data
// proves it, so a lying trailer cannot make a small blob allocate much.
// Truncated or damaged streams fail with ErrCorrupt, bytes after the last
// member with ErrTrailingData, text that is not JSON with ErrInvalidJSON.
// Nothing panics on any input; the fuzz tests FuzzDecode and
// FuzzCompressJSON check that, and check the decoder against the standard
// library's gzip reader and the JSON check against json.Valid.
//
// # Library and level
//
// BenchmarkLibraries compares the standard library's compress/gzip with
// github.com/klauspost/compress/gzip at every level, on the largest real
// page (299 KB as Python writes it) and on all 21 pages of the real results
// file compressed one blob each, as the store writes them (902 KB). The
// ratio is JSON bytes over blob bytes; MB/s is JSON text per second on the
// 21 pages, medians of four runs on a shared two-core machine under a load
// of 4 to 10, so the absolute figures are low and noisy (decompression in
// particular varies more between runs than between levels):
//
//	library    level  ratio   ratio   compress  decompress
//	                  page    pages   MB/s      MB/s
//	stdlib         1  2.58    2.73        52        89
//	stdlib         2  2.81    2.95        43       138
//	stdlib         3  2.85    2.99        25       110
//	stdlib         4  2.88    3.02        43       127
//	stdlib         5  2.94    3.09        22       124
//	stdlib         6  2.98    3.12        20       117
//	stdlib         7  2.99    3.14        12       110
//	stdlib         8  3.01    3.16         8       136
//	stdlib         9  3.01    3.16         6       126
//	klauspost      1  2.84    2.98       124       196
//	klauspost      2  2.85    3.00       118       140
//	klauspost      3  2.86    3.01       111       221
//	klauspost      4  2.74    2.88        81       137
//	klauspost      5  2.79    2.94        70       158
//	klauspost      6  2.82    2.96        57       143
//	klauspost      7  2.87    3.02        30       168
//	klauspost      8  2.90    3.05        26       180
//	klauspost      9  3.07    3.21         7       164
//
// The choice: klauspost, level 2 (DefaultLevel). Pages are mostly float
// digits and compress only about 3 to 1 at any level, so the level buys
// little size and costs a lot of time. Python's own writer (zlib level 9)
// reaches a ratio of 3.03 on the 21 pages at 6.5 to 6.9 MB/s; klauspost
// level 2 reaches 3.00, blobs 1% bigger, about 18 times faster, and the
// best level 9 of either library would save 5 to 7% at a similar slowdown.
// klauspost's levels 1 to 3 are all two to five times faster than the
// standard library at the same ratio, and its decoder is about 1.5 times
// faster on any blob. Between those three, two cross-checks measuring
// thread CPU time over seven interleaved rounds (less disturbed by the
// machine's load than wall time) put level 2 at 121 and 132 MB/s against
// 112 and 129 for level 1 and 94 and 102 for level 3, with a ratio between
// the two.
//
// # The codec's own speed
//
// The benchmarks in bench_test.go run the codec on the largest page
// (page300KB) and on the whole results file as it is (results2.5MB, 2.5 MB
// of indented JSON; MB/s counts its bytes for Marshal too, although Marshal
// writes it compactly). Decoding includes the JSON and UTF-8 check; "L9"
// reads blobs written at level 9, as every blob Python wrote is. Medians of
// eight runs with their range, on the same loaded machine; Encoder and
// Decoder do the work of CompressJSON and DecompressJSON on a stream, and
// their differences from those rows are noise:
//
//	benchmark                       MB/s  range     ms/op  KiB/op  allocs/op
//	CompressJSON/page300KB           124   42-151     2.5     124       1
//	CompressJSON/results2.5MB        189  102-275    15.0     353       2
//	DecompressJSON/page300KB         151  110-170     2.1     304       2
//	DecompressJSON/page300KB L9      159  110-169     1.9     304       2
//	DecompressJSON/results2.5MB      287  211-326     9.0    2515       7
//	DecompressJSON/results2.5MB L9   304  286-386     8.4    2514       4
//	Marshal/page300KB                 57   51-75      5.4     120      59
//	Marshal/results2.5MB             177  147-237    14.6     386    1111
//	Unmarshal/page300KB               39   26-47      8.1    2987   23864
//	Unmarshal/results2.5MB            60   45-96     42.9    9300   70168
//	Encoder/page300KB                 73   41-98      4.3       0       0
//	Encoder/results2.5MB             105   81-159    24.4       0       0
//	Decoder/page300KB                108   84-129     2.9     309       5
//	Decoder/results2.5MB             331  236-372     7.7    2566      10
//
// Checking the JSON text costs about a fifth of DecompressJSON's time, half
// of what json.Valid would; Marshal and Unmarshal are dominated by
// encoding/json building and walking Go values.
package compress
