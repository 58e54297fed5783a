package store

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// SaveLogfiles replaces the log files of the simulation with id simulationID with files (file name → text),
// stored compressed in one statement. Workers send them when a simulation fails. A simulation that does not
// exist gives ErrNotFound; text that is not valid UTF-8 is stored with the replacement character, as
// encoding/json writes it.
func (s *Store) SaveLogfiles(ctx context.Context, simulationID int32, files map[string]string) error {
	if files == nil {
		files = map[string]string{}
	}
	blob, err := s.compressValue("log files", files)
	if err != nil {
		return err
	}
	return s.replaceLogfiles(ctx, simulationID, blob)
}

// SaveLogfilesJSON is SaveLogfiles for the log files as JSON text, such as the "logfiles" member of what a
// worker posts: it must be a JSON object, stored as written (compacted or not), else ErrInvalid is returned
// before anything is sent.
func (s *Store) SaveLogfilesJSON(ctx context.Context, simulationID int32, files json.RawMessage) error {
	// compressText checks that the text is exactly one JSON value; its first byte tells whether it is an
	// object, without parsing the (possibly large) logs a second time.
	if trimmed := bytes.TrimLeft(files, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return invalidf("log files must be one JSON object")
	}
	blob, err := s.compressText("log files", files)
	if err != nil {
		return err
	}
	return s.replaceLogfiles(ctx, simulationID, blob)
}

func (s *Store) replaceLogfiles(ctx context.Context, simulationID int32, blob []byte) error {
	_, err := queries.ReplaceLogfiles(ctx, s.exec(), dbsqlc.ReplaceLogfilesParams{SimulationID: simulationID, CompressedData: blob})
	return mapError(err)
}

// GetLogfiles returns the log files of the simulation with id simulationID (file name → text), in one
// statement. It returns ErrNotFound when the simulation does not exist, OwnedBy hides it, or it has no log
// files, and an error matching compress.ErrValue when the stored JSON is not an object of strings (use
// GetLogfilesJSON for such rows).
func (s *Store) GetLogfiles(ctx context.Context, simulationID int32, opts ...ReadOption) (map[string]string, error) {
	blob, err := s.logfilesBlob(ctx, simulationID, opts)
	if err != nil {
		return nil, err
	}
	var files map[string]string
	if err := s.decodeBlob("log files", blob, &files); err != nil {
		return nil, err
	}
	return files, nil
}

// GetLogfilesJSON returns the log files of the simulation with id simulationID as the JSON text stored, in
// one statement. It fails as GetLogfiles does, except that any stored JSON is returned.
func (s *Store) GetLogfilesJSON(ctx context.Context, simulationID int32, opts ...ReadOption) (json.RawMessage, error) {
	blob, err := s.logfilesBlob(ctx, simulationID, opts)
	if err != nil {
		return nil, err
	}
	return s.decompressText("log files", blob)
}

// logfilesBlob reads the compressed log files of a simulation.
func (s *Store) logfilesBlob(ctx context.Context, simulationID int32, opts []ReadOption) ([]byte, error) {
	ro := newReadOptions(opts)
	row, err := queries.GetLogfiles(ctx, s.reader(ro), dbsqlc.GetLogfilesParams{SimulationID: simulationID, OwnerID: ro.ownerID})
	return simulationBlob(row.CompressedData, row.HasLogfiles, err, "log files", simulationID)
}
