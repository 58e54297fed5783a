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
	return compressed(blob, err, compress.ErrInvalidJSON, what)
}

// compressValue encodes v as JSON and compresses it for a blob column. A value JSON cannot represent fails
// with an error matching both ErrInvalid and compress.ErrValue.
func (s *Store) compressValue(what string, v any) ([]byte, error) {
	blob, err := s.codec().Marshal(v)
	return compressed(blob, err, compress.ErrValue, what)
}

// compressed returns the blob the codec made of what, or its error: one of kind, the caller's value at fault,
// as ErrInvalid too.
func compressed(blob []byte, err, kind error, what string) ([]byte, error) {
	if errors.Is(err, kind) {
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

// simulationBlob returns the blob of a simulation that a read found (has: the simulation has one), or
// ErrNotFound naming the simulation (there is none, or not the owner's) or, when it has no blob, what it lacks.
func simulationBlob(blob []byte, has bool, err error, what string, simulationID int32) ([]byte, error) {
	if err = mapError(err); errors.Is(err, ErrNotFound) {
		return nil, notFoundf("simulation %d", simulationID)
	} else if err != nil {
		return nil, err
	}
	if !has {
		return nil, notFoundf("%s of simulation %d", what, simulationID)
	}
	return blob, nil
}
