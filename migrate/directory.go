package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	atlasmigrate "ariga.io/atlas/sql/migrate"
)

// sumFileName is the integrity file Atlas keeps beside the migration files.
const sumFileName = "atlas.sum"

// File describes one migration file of the directory.
type File struct {
	// Version is the file's version, the part of its name before the first underscore.
	Version string
	// Description is the part of the name after the version, without ".sql".
	Description string
	// Name is the file name, VERSION_DESCRIPTION.sql.
	Name string
	// Hash is the file's hash as atlas.sum records it (base64 SHA-256, without the "h1:" prefix).
	Hash string
}

// directory is a validated, in-memory copy of a migration directory.
type directory struct {
	dir   *atlasmigrate.MemDir
	files []atlasmigrate.File
	sums  atlasmigrate.HashFile
}

// loadDirectory copies the *.sql files and atlas.sum at the root of fsys into memory and checks them against
// atlas.sum. It returns a *ChecksumError when they disagree.
func loadDirectory(fsys fs.FS) (*directory, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: read migration directory: %w", err)
	}
	mem := &atlasmigrate.MemDir{}
	for _, e := range entries {
		if e.IsDir() || (path.Ext(e.Name()) != ".sql" && e.Name() != sumFileName) {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("migrate: read migration file: %w", err)
		}
		if err := mem.WriteFile(e.Name(), data); err != nil {
			return nil, fmt.Errorf("migrate: copy migration file: %w", err)
		}
	}
	if err := validateDirectory(mem); err != nil {
		return nil, err
	}
	files, err := mem.Files()
	if err != nil {
		return nil, fmt.Errorf("migrate: list migration files: %w", err)
	}
	sums, err := mem.Checksum()
	if err != nil {
		return nil, fmt.Errorf("migrate: hash migration files: %w", err)
	}
	return &directory{dir: mem, files: files, sums: sums}, nil
}

// validateDirectory runs Atlas's atlas.sum check and turns its answer into a *ChecksumError.
func validateDirectory(dir atlasmigrate.Dir) error {
	err := atlasmigrate.Validate(dir)
	var cerr *atlasmigrate.ChecksumError
	switch {
	case err == nil:
		if _, statErr := fs.Stat(dir, sumFileName); statErr != nil {
			return &ChecksumError{File: sumFileName, Reason: "missing"}
		}
		return nil
	case errors.As(err, &cerr):
		return &ChecksumError{File: cerr.File, Reason: cerr.Reason.String()}
	case errors.Is(err, atlasmigrate.ErrChecksumNotFound):
		return &ChecksumError{File: sumFileName, Reason: "missing"}
	case errors.Is(err, atlasmigrate.ErrChecksumFormat):
		return &ChecksumError{File: sumFileName, Reason: "malformed"}
	default:
		return fmt.Errorf("migrate: validate migration directory: %w", err)
	}
}

// fileInfo describes an Atlas file with its atlas.sum hash.
func (d *directory) fileInfo(f atlasmigrate.File) File {
	h, _ := d.sums.SumByName(f.Name())
	return File{Version: f.Version(), Description: f.Desc(), Name: f.Name(), Hash: h}
}

// infos describes every file of the directory, in order.
func (d *directory) infos() []File {
	out := make([]File, len(d.files))
	for i, f := range d.files {
		out[i] = d.fileInfo(f)
	}
	return out
}

// file returns the file with version v, or nil.
func (d *directory) file(v string) atlasmigrate.File {
	for _, f := range d.files {
		if f.Version() == v {
			return f
		}
	}
	return nil
}

// checkVersion returns an error matching ErrUnknownVersion unless v is one of the directory's versions.
func (d *directory) checkVersion(v string) error {
	if d.file(v) != nil {
		return nil
	}
	known := make([]string, len(d.files))
	for i, f := range d.files {
		known[i] = f.Version()
	}
	return fmt.Errorf("%w %q (known: %s)", ErrUnknownVersion, v, strings.Join(known, ", "))
}

// txMode returns the transaction mode a file asks for with an "atlas:txmode" directive: "file" (the default,
// one transaction for the file) or "none" (statements run one by one, for statements such as
// CREATE INDEX CONCURRENTLY that PostgreSQL refuses inside a transaction).
func txMode(f atlasmigrate.File) (string, error) {
	lf, ok := f.(*atlasmigrate.LocalFile)
	if !ok {
		return "file", nil
	}
	switch ds := lf.Directive("txmode"); {
	case len(ds) == 0:
		return "file", nil
	case len(ds) > 1:
		return "", fmt.Errorf("migrate: %s: several txmode directives %q", f.Name(), ds)
	case ds[0] == "file" || ds[0] == "none":
		return ds[0], nil
	default:
		return "", fmt.Errorf("migrate: %s: unsupported txmode %q (want file or none)", f.Name(), ds[0])
	}
}
