package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/yapstore/yapstore/compress"
)

// This file reads results payloads without decoding them into Go values: the estimators' metadata and pages
// come out as sub-slices of the payload (no copy), and only the structure around them is parsed here. The
// texts themselves are checked later, in parallel, when they are compacted for storage.

// splitResultsPayload finds the estimators of a results payload: a JSON object whose "estimators" member is
// an array of objects with "name" (a string), "metadata" and "pages" (an array). Other members are checked to
// be valid JSON and ignored. Keys match exactly (as the platform's Python reads them); when a key repeats,
// the last one wins, as with encoding/json. Anything else fails with a plain error describing it.
func splitResultsPayload(payload []byte) ([]EstimatorResults, error) {
	c := jsonCursor{b: payload}
	var estimators []EstimatorResults
	found := false
	err := c.object(func(key string) error {
		if key != "estimators" {
			return c.skipValidValue()
		}
		found = true
		estimators = estimators[:0]
		if c.literal("null") {
			found = false
			return nil
		}
		return c.array(func() error {
			est, err := c.estimator()
			estimators = append(estimators, est)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if c.space(); c.i != len(c.b) {
		return nil, c.errorf("data after the payload object")
	}
	if !found {
		return nil, errors.New(`no "estimators" array`)
	}
	return estimators, nil
}

// estimator reads one element of the "estimators" array.
func (c *jsonCursor) estimator() (EstimatorResults, error) {
	var est EstimatorResults
	err := c.object(func(key string) error {
		switch key {
		case "name":
			if c.literal("null") {
				est.Name = ""
				return nil
			}
			name, err := c.stringValue()
			est.Name = name
			return err
		case "metadata":
			text, err := c.value()
			est.Metadata = text
			return err
		case "pages":
			est.Pages = est.Pages[:0]
			if c.literal("null") {
				est.Pages = nil
				return nil
			}
			return c.array(func() error {
				text, err := c.value()
				est.Pages = append(est.Pages, text)
				return err
			})
		default:
			return c.skipValidValue()
		}
	})
	return est, err
}

// jsonCursor walks JSON text. Its value method finds where a value ends by matching brackets and strings,
// without checking the value's inside: callers check what they keep.
type jsonCursor struct {
	b []byte
	i int
}

// errorf returns an error naming the byte offset of the cursor.
func (c *jsonCursor) errorf(format string, args ...any) error {
	return fmt.Errorf("%s at offset %d", fmt.Sprintf(format, args...), c.i)
}

// space skips JSON whitespace.
func (c *jsonCursor) space() {
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// next skips whitespace and returns the next byte without consuming it; 0 at the end of the text.
func (c *jsonCursor) next() byte {
	c.space()
	if c.i >= len(c.b) {
		return 0
	}
	return c.b[c.i]
}

// literal consumes word (such as null) when it comes next, followed by a delimiter, and reports whether it did.
func (c *jsonCursor) literal(word string) bool {
	c.space()
	end := c.i + len(word)
	if end > len(c.b) || string(c.b[c.i:end]) != word {
		return false
	}
	if end < len(c.b) {
		switch c.b[end] {
		case ' ', '\t', '\n', '\r', ',', ']', '}':
		default:
			return false
		}
	}
	c.i = end
	return true
}

// object reads an object, calling member with each key while the cursor stands before that key's value;
// member must consume the value.
func (c *jsonCursor) object(member func(key string) error) error {
	var key string
	return c.sequence('{', '}', "an object", func() (err error) {
		if key, err = c.stringValue(); err != nil {
			return err
		}
		if c.next() != ':' {
			return c.errorf("expected ':' after key %q", key)
		}
		c.i++
		return member(key)
	}, func() string { return fmt.Sprintf("the value of %q", key) })
}

// array reads an array, calling element while the cursor stands before each element; element must consume it.
func (c *jsonCursor) array(element func() error) error {
	return c.sequence('[', ']', "an array", element, func() string { return "an array element" })
}

// sequence reads the members of an object or the elements of an array, what, delimited by open and close,
// calling item while the cursor stands before each; item must consume it. after names, for an error, what
// an item just read was.
func (c *jsonCursor) sequence(open, close byte, what string, item func() error, after func() string) error {
	if c.next() != open {
		return c.errorf("expected %s", what)
	}
	c.i++
	if c.next() == close {
		c.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		switch c.next() {
		case ',':
			c.i++
		case close:
			c.i++
			return nil
		default:
			return c.errorf("expected ',' or '%c' after %s", close, after())
		}
	}
}

// stringValue reads a string and decodes it (escapes, and invalid UTF-8 replaced, as encoding/json does).
func (c *jsonCursor) stringValue() (string, error) {
	if c.next() != '"' {
		return "", c.errorf("expected a string")
	}
	text, err := c.value()
	if err != nil {
		return "", err
	}
	var s string
	if err := json.Unmarshal(text, &s); err != nil {
		return "", c.errorf("malformed string: %v", err)
	}
	return s, nil
}

// skipValidValue consumes a value that is not kept, checking that it is valid JSON.
func (c *jsonCursor) skipValidValue() error {
	start := c.i
	text, err := c.value()
	if err != nil {
		return err
	}
	if !compress.Valid(text) {
		c.i = start
		return c.errorf("malformed JSON value")
	}
	return nil
}

// value consumes one value and returns its text. It finds the end by matching brackets outside strings (a
// number or literal ends at the next delimiter); the text between is not checked.
func (c *jsonCursor) value() ([]byte, error) {
	c.space()
	start := c.i
	if start >= len(c.b) {
		return nil, c.errorf("expected a value, found the end of the text")
	}
	switch c.b[start] {
	case '"':
		if !c.skipString() {
			return nil, c.errorf("unterminated string")
		}
	case '{', '[':
		depth := 0
		for c.i < len(c.b) {
			switch c.b[c.i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			case '"':
				if !c.skipString() {
					return nil, c.errorf("unterminated string")
				}
				continue
			}
			c.i++
			if depth == 0 {
				return c.b[start:c.i], nil
			}
		}
		return nil, c.errorf("unterminated object or array")
	case ',', ']', '}', ':':
		return nil, c.errorf("expected a value")
	default:
		for c.i < len(c.b) {
			switch c.b[c.i] {
			case ' ', '\t', '\n', '\r', ',', ']', '}':
				return c.b[start:c.i], nil
			}
			c.i++
		}
	}
	return c.b[start:c.i], nil
}

// skipString moves the cursor from an opening quote to just after the closing one and reports whether there
// was one.
func (c *jsonCursor) skipString() bool {
	for c.i++; c.i < len(c.b); c.i++ {
		switch c.b[c.i] {
		case '\\':
			c.i++
		case '"':
			c.i++
			return true
		}
	}
	return false
}

// members reads the JSON object text and returns the texts of the members named by keys, in keys' order (nil
// for one that is missing; the last one when a key repeats, as with encoding/json). Other members are
// skipped unread.
func members(text []byte, keys ...string) ([][]byte, error) {
	c := jsonCursor{b: text}
	out := make([][]byte, len(keys))
	err := c.object(func(key string) error {
		v, err := c.value()
		if i := slices.Index(keys, key); i >= 0 {
			out[i] = v
		}
		return err
	})
	return out, err
}

// pageColumns reads the members of a page that SaveResults stores in columns from the page's text, which
// must be valid JSON (it has been compacted): the metadata object's page_number and name, and dimensions.
func pageColumns(text []byte) (number int32, name string, dimension int32, err error) {
	if c := (jsonCursor{b: text}); c.next() != '{' {
		return 0, "", 0, errors.New("not a JSON object")
	}
	page, err := members(text, "metadata", "dimensions")
	if err != nil {
		return 0, "", 0, err
	}
	metadata, dimensions := page[0], page[1]
	if len(metadata) == 0 || metadata[0] != '{' {
		return 0, "", 0, errors.New("no metadata object")
	}
	// The metadata is read member by member, as the page is: another member may hold a value encoding/json
	// cannot read (NaN), which is none of these columns' business.
	head, err := members(metadata, "page_number", "name")
	if err != nil {
		return 0, "", 0, fmt.Errorf("metadata: %w", err)
	}
	pageNumber, pageName := head[0], head[1]
	if number, err = wholeNumber(pageNumber); err != nil {
		return 0, "", 0, fmt.Errorf("metadata.page_number: %w", err)
	}
	if dimension, err = wholeNumber(dimensions); err != nil {
		return 0, "", 0, fmt.Errorf("dimensions: %w", err)
	}
	if len(pageName) == 0 || pageName[0] != '"' {
		return 0, "", 0, errors.New("metadata.name: missing or not a string")
	}
	if err := json.Unmarshal(pageName, &name); err != nil {
		return 0, "", 0, fmt.Errorf("metadata.name: %w", err)
	}
	return number, name, dimension, nil
}

// wholeNumber reads a non-negative whole number that fits an int32 from JSON text: a number written with
// digits only (0, 12) or a string of digits ("0", "12"), as the platform's converters write page numbers.
func wholeNumber(text []byte) (int32, error) {
	switch {
	case len(text) == 0:
		return 0, errors.New("missing")
	case text[0] == '"':
		var digits string
		if err := json.Unmarshal(text, &digits); err != nil {
			return 0, err
		}
		return parsePageNumber(digits)
	default:
		return parsePageNumber(string(text))
	}
}
