package compress

import (
	"encoding/binary"
	"math"
)

// maxDeflateRatio bounds how far deflate can expand its input: at best a
// 258-byte match costs two bits, about 1032 to 1.
const maxDeflateRatio = 1032

// trustedRatio is how far a blob's trailer is believed before the stream has
// proven it: JSON rarely compresses better than 16 to 1, so a damaged or
// lying trailer on a small blob cannot make the first allocation large.
const trustedRatio = 16

// minMemberSize is the size of the smallest gzip member: a 10-byte header,
// an empty 2-byte deflate block and the 8-byte trailer.
const minMemberSize = 20

// minCapacity is the first capacity of a text buffer of unknown length.
const minCapacity = 4 << 10

// declaredSize returns the text length that blob's last gzip trailer
// declares (ISIZE, the length modulo 2^32), limited to what deflate can
// expand blob to, or 0 when blob is too short to have a trailer. It is only a
// guess: a trailer can be damaged or lie, and multi-member blobs declare only
// their last member.
func declaredSize(blob []byte) int64 {
	if len(blob) < minMemberSize {
		return 0
	}
	declared := int64(binary.LittleEndian.Uint32(blob[len(blob)-4:]))
	return min(declared, int64(len(blob))*maxDeflateRatio)
}

// textSizer chooses the capacities of a buffer that collects decompressed
// text, so that a blob whose trailer tells the truth is read into one
// allocation of the right size, and a blob that lies costs little more than
// the text it really yields. All capacities stay within limit+1 bytes, the
// most a textReader ever returns.
type textSizer struct {
	declared   int64 // length the trailer declares, 0 when unknown
	compressed int64 // blob length, 0 when unknown
	limit      int64 // the Codec's MaxSize
}

// next returns the capacity to grow a full buffer of capacity current to.
// The first buffer holds the declared length (plus the byte that meets the
// end of the stream) as far as trustedRatio allows; once the stream has
// filled that, the declared length is believed whole; past it, capacity
// doubles, going straight to limit+1 once doubling would reach the limit, so
// a stream that runs into the limit allocates at most twice the limit in all.
func (s textSizer) next(current int64) int64 {
	ceiling := s.limit
	if ceiling < math.MaxInt64 {
		ceiling++
	}
	next := max(2*current, minCapacity)
	switch {
	case current == 0 && s.declared > 0:
		next = min(s.declared, trustedRatio*s.compressed) + 1
	case current > 0 && s.declared >= current:
		next = s.declared + 1
	case next >= s.limit:
		next = ceiling
	}
	return max(min(next, ceiling), current+1)
}

// DeclaredSize returns the length of the text a blob says it holds: the size field (ISIZE) of its last gzip
// member's trailer, limited to what deflate can expand the blob to, or 0 for a blob too short to have one.
// It costs nothing and decompresses nothing, so a caller can budget a read of many blobs before taking any
// memory. It is a claim, not a fact: a damaged or lying trailer, or a blob of several members, declares
// something else than the text a decode yields, which the decode's own MaxSize still bounds.
func DeclaredSize(blob []byte) int64 { return declaredSize(blob) }
