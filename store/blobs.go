package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/compress"
)

// compressText compresses one JSON value for a blob column. Text that is not one JSON value fails with an
// error matching both ErrInvalid and compress.ErrInvalidJSON; nil stands for null.
func (s *Store) compressText(what string, text json.RawMessage) ([]byte, error) {
	blob, err := s.codec().CompressJSON(text)
	if errors.Is(err, compress.ErrInvalidJSON) {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, what, err)
	}
	if err != nil {
		return nil, fmt.Errorf("yapstore: compress %s: %w", what, err)
	}
	return blob, nil
}

// compressValue encodes v as JSON and compresses it for a blob column. A value JSON cannot represent fails
// with an error matching both ErrInvalid and compress.ErrValue.
func (s *Store) compressValue(what string, v any) ([]byte, error) {
	blob, err := s.codec().Marshal(v)
	if errors.Is(err, compress.ErrValue) {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, what, err)
	}
	if err != nil {
		return nil, fmt.Errorf("yapstore: compress %s: %w", what, err)
	}
	return blob, nil
}

// decompressText returns the JSON text of a blob (null for a NULL column), wrapping the codec's errors.
func (s *Store) decompressText(what string, blob []byte) (json.RawMessage, error) {
	text, err := s.codec().DecompressJSON(blob)
	if err != nil {
		return nil, fmt.Errorf("yapstore: decompress %s: %w", what, err)
	}
	return text, nil
}

// decodeBlob decodes a blob into v, wrapping the codec's errors (compress.ErrValue when the JSON does not fit
// v).
func (s *Store) decodeBlob(what string, blob []byte, v any) error {
	if err := s.codec().Unmarshal(blob, v); err != nil {
		return fmt.Errorf("yapstore: decode %s: %w", what, err)
	}
	return nil
}
