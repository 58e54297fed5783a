package store

import (
	"context"
	"encoding/json"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// SaveInput replaces the input of the simulation with id simulationID with input, JSON text in the platform's
// shape ({"input_type", "input_json"?, "number_of_all_primaries", "input_files"}), stored compressed, in one
// statement. SubmitDirect and SubmitBatch already store the input they are given; SaveInput is for changing it
// afterwards. Text that is not one JSON value fails with ErrInvalid before anything is sent (nil stores
// null); a simulation that does not exist gives ErrNotFound.
func (s *Store) SaveInput(ctx context.Context, simulationID int32, input json.RawMessage) error {
	blob, err := s.compressText("input", input)
	if err != nil {
		return err
	}
	_, err = queries.ReplaceInput(ctx, s.exec(), dbsqlc.ReplaceInputParams{SimulationID: &simulationID, CompressedData: blob})
	return mapError(err)
}

// GetInput returns the input of the simulation with id simulationID as JSON text, decompressed, in one
// statement. It returns ErrNotFound when the simulation does not exist, OwnedBy hides it, or it has no input;
// a blob that does not decompress gives the compress package's error (such as compress.ErrCorrupt) wrapped.
func (s *Store) GetInput(ctx context.Context, simulationID int32, opts ...ReadOption) (json.RawMessage, error) {
	blob, err := s.inputBlob(ctx, simulationID, opts)
	if err != nil {
		return nil, err
	}
	return s.decompressText("input", blob)
}

// GetInputInto decodes the input of the simulation with id simulationID into v, as json.Unmarshal would,
// without keeping the JSON text: for a service that wants only some members, such as
// struct{ NumberOfAllPrimaries int `json:"number_of_all_primaries"` }. It fails as GetInput does, and with an
// error matching compress.ErrValue when the input does not fit v.
func (s *Store) GetInputInto(ctx context.Context, simulationID int32, v any, opts ...ReadOption) error {
	blob, err := s.inputBlob(ctx, simulationID, opts)
	if err != nil {
		return err
	}
	return s.decodeBlob("input", blob, v)
}

// inputBlob reads the compressed input of a simulation.
func (s *Store) inputBlob(ctx context.Context, simulationID int32, opts []ReadOption) ([]byte, error) {
	ro := newReadOptions(opts)
	row, err := queries.GetInput(ctx, s.reader(ro), dbsqlc.GetInputParams{SimulationID: simulationID, OwnerID: ro.ownerID})
	return simulationBlob(row.CompressedData, row.HasInput, err, "input", simulationID)
}
