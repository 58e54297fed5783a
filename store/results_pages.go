package store

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Limits of the page-spec parser. They bound the work and memory a spec from user input can cause.
const (
	// MaxPageSpecLength is the longest page spec ParsePageSpec reads, in bytes.
	MaxPageSpecLength = 4096

	// MaxPageSpecPages is the largest number of distinct pages a page spec may name. Real estimators have a
	// few dozen pages at most; a range such as 0-2000000000 is refused rather than expanded.
	MaxPageSpecPages = 10000
)

// PageSpecError describes a page spec that ParsePageSpec refused. It matches ErrInvalid with errors.Is.
type PageSpecError struct {
	Spec   string // the whole spec as given (cut to 100 bytes)
	Part   string // the comma-separated part at fault, or "" when the fault is the spec as a whole
	Reason string // what is wrong, in words
}

// Error describes the refused spec in one line.
func (e *PageSpecError) Error() string {
	if e.Part == "" {
		return fmt.Sprintf("%v: page spec %q: %s", ErrInvalid, e.Spec, e.Reason)
	}
	return fmt.Sprintf("%v: page spec %q: part %q: %s", ErrInvalid, e.Spec, e.Part, e.Reason)
}

// Is reports whether target is ErrInvalid, so that errors.Is(err, ErrInvalid) holds for every refused spec.
func (e *PageSpecError) Is(target error) bool { return target == ErrInvalid }

// pageRange is an inclusive range of page numbers.
type pageRange struct{ first, last int32 }

// ParsePageSpec parses the platform's page-spec text, a comma-separated list of page numbers and inclusive
// ranges such as "1-3,5", and returns the page numbers it names, sorted and without repeats ("3,1-2,2" gives
// 1, 2, 3). Page numbers are decimal digits only and fit PostgreSQL's integer.
//
// Unlike the platform's parser it accepts nothing else: an empty spec or part, spaces, signs (so no negative
// numbers), other characters, a reversed range ("5-3"), a number that overflows, a spec longer than
// MaxPageSpecLength or naming more than MaxPageSpecPages pages all fail with a *PageSpecError, which matches
// ErrInvalid.
func ParsePageSpec(spec string) ([]int32, error) {
	fail := func(part, reason string, args ...any) error {
		shown := spec
		if len(shown) > 100 {
			shown = shown[:100] + "…"
		}
		return &PageSpecError{Spec: shown, Part: part, Reason: fmt.Sprintf(reason, args...)}
	}
	if spec == "" {
		return nil, fail("", "empty")
	}
	if len(spec) > MaxPageSpecLength {
		return nil, fail("", "longer than %d bytes", MaxPageSpecLength)
	}
	ranges := make([]pageRange, 0, strings.Count(spec, ",")+1)
	for part := range strings.SplitSeq(spec, ",") {
		if part == "" {
			return nil, fail(part, "empty part")
		}
		firstText, lastText, isRange := strings.Cut(part, "-")
		first, err := parsePageNumber(firstText)
		if err != nil {
			if isRange && firstText == "" {
				return nil, fail(part, "negative page number or range without a start")
			}
			return nil, fail(part, "%v", err)
		}
		last := first
		if isRange {
			if last, err = parsePageNumber(lastText); err != nil {
				if strings.HasPrefix(lastText, "-") {
					return nil, fail(part, "negative page number or more than one '-'")
				}
				return nil, fail(part, "end of range: %v", err)
			}
			if last < first {
				return nil, fail(part, "reversed range: starts at %d, ends at %d", first, last)
			}
		}
		if int64(last)-int64(first)+1 > MaxPageSpecPages {
			return nil, fail(part, "names more than %d pages", MaxPageSpecPages)
		}
		ranges = append(ranges, pageRange{first, last})
	}
	merged := mergeRanges(ranges)
	total := 0
	for _, r := range merged {
		total += int(r.last-r.first) + 1
		if total > MaxPageSpecPages {
			return nil, fail("", "names more than %d pages", MaxPageSpecPages)
		}
	}
	pages := make([]int32, 0, total)
	for _, r := range merged {
		for n := int64(r.first); n <= int64(r.last); n++ {
			pages = append(pages, int32(n))
		}
	}
	return pages, nil
}

// parsePageNumber parses a page number made of ASCII digits only (leading zeros allowed, as the platform
// allows them), refusing anything that does not fit an int32.
func parsePageNumber(text string) (int32, error) {
	if text == "" {
		return 0, fmt.Errorf("empty number")
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number made of digits only", truncateText(text, 40))
		}
	}
	n, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%s is too large", truncateText(text, 20))
	}
	return int32(n), nil
}

// mergeRanges sorts ranges and joins those that overlap or touch.
func mergeRanges(ranges []pageRange) []pageRange {
	slices.SortFunc(ranges, func(a, b pageRange) int {
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.last, b.last))
	})
	merged := ranges[:0]
	for _, r := range ranges {
		if n := len(merged); n > 0 && int64(r.first) <= int64(merged[n-1].last)+1 {
			merged[n-1].last = max(merged[n-1].last, r.last)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// FormatPageSpec writes page numbers as page-spec text, the inverse of ParsePageSpec: sorted, without
// repeats, with runs of consecutive pages as ranges ({5, 1, 2, 3} gives "1-3,5"). It returns an ErrInvalid
// error for an empty list or a negative page number.
func FormatPageSpec(pages []int32) (string, error) {
	if len(pages) == 0 {
		return "", invalidf("no page numbers to format")
	}
	ranges := make([]pageRange, 0, len(pages))
	for _, n := range pages {
		if n < 0 {
			return "", invalidf("negative page number %d", n)
		}
		ranges = append(ranges, pageRange{n, n})
	}
	var b strings.Builder
	for i, r := range mergeRanges(ranges) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(r.first)))
		if r.last != r.first {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(r.last)))
		}
	}
	return b.String(), nil
}

// truncateText cuts text to at most n bytes for an error message, marking the cut.
func truncateText(text string, n int) string {
	if len(text) <= n {
		return text
	}
	return text[:n] + "…"
}
