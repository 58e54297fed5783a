// Package migrations embeds yapstore's versioned schema migrations.
//
// The directory holds the SQL files that `atlas migrate diff` generated from the desired state in schema/, one
// per version, named VERSION_NAME.sql, plus atlas.sum, the integrity file that Atlas writes beside them. The
// first version is the baseline: exactly the schema of the platform's production database, so that an existing
// database can be marked with it. Later versions add yapstore's improvements.
//
// This package only carries the files. Package migrate applies them.
package migrations

import (
	"bufio"
	"bytes"
	"embed"
	"io/fs"
	"strings"
)

//go:embed *.sql atlas.sum
var files embed.FS

// SumFile is the name of the integrity file Atlas keeps beside the migrations.
const SumFile = "atlas.sum"

// FS returns the embedded migration directory: every versioned SQL file and atlas.sum, at its root.
func FS() fs.FS { return files }

// Hash returns the hash of the whole directory as Atlas recorded it on the first line of atlas.sum (the text
// after "h1:"). It changes whenever any migration file is added, removed or edited, so it names one exact
// version of the schema; test harnesses key template databases by it. It returns "" only if atlas.sum is
// missing or malformed, which the package's tests rule out.
func Hash() string {
	sum, err := files.ReadFile(SumFile)
	if err != nil {
		return ""
	}
	line, _, _ := bytes.Cut(sum, []byte("\n"))
	h, ok := strings.CutPrefix(string(line), "h1:")
	if !ok {
		return ""
	}
	return strings.TrimSpace(h)
}

// Versions returns the versions of the embedded migration files in the order Atlas applies them (lexical order
// of the file names), for example "20240101000000".
func Versions() []string {
	sum, err := files.ReadFile(SumFile)
	if err != nil {
		return nil
	}
	var versions []string
	sc := bufio.NewScanner(bytes.NewReader(sum))
	sc.Scan() // the directory hash
	for sc.Scan() {
		name, _, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		if v, _, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_"); ok {
			versions = append(versions, v)
		}
	}
	return versions
}
