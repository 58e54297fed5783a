package storetest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/yapstore/yapstore/internal/serverdb"
)

// Every database storetest creates carries one of these prefixes, so that leftovers can be found and
// swept on a shared server without touching anything else.
const (
	// namePrefix starts every name below.
	namePrefix = "storetest_"
	// testPrefix names a test's database: storetest_db_<unix seconds>_<random hex>.
	testPrefix = namePrefix + "db_"
	// templatePrefix names a published template: storetest_tpl_<migrations hash>.
	templatePrefix = namePrefix + "tpl_"
	// buildPrefix names a template being built: storetest_build_<migrations hash>_<unix seconds>.
	buildPrefix = namePrefix + "build_"
)

// errNoMigrationsHash is returned when the embedded migrations carry no atlas.sum hash.
var errNoMigrationsHash = errors.New("storetest: the embedded migrations have no atlas.sum hash")

// hashTag turns the migrations hash (base64 of a SHA-256, as atlas.sum records it) into 16 lower-case hex
// characters usable in an identifier: the first 8 bytes of the hash, or of the SHA-256 of the text when it
// is not base64.
func hashTag(migrationsHash string) (string, error) {
	if migrationsHash == "" {
		return "", errNoMigrationsHash
	}
	raw, err := base64.StdEncoding.DecodeString(migrationsHash)
	if err != nil || len(raw) < 8 {
		sum := sha256.Sum256([]byte(migrationsHash))
		raw = sum[:]
	}
	return hex.EncodeToString(raw[:8]), nil
}

// templateName returns the template database's name for a hash tag.
func templateName(tag string) string { return templatePrefix + tag }

// buildName returns the name a template is built under before it is published by rename.
func buildName(tag string, now time.Time) string {
	return fmt.Sprintf("%s%s_%d", buildPrefix, tag, now.Unix())
}

// newTestName returns a fresh name for a test's database.
func newTestName(now time.Time) string {
	return serverdb.NewName(strings.TrimSuffix(testPrefix, "_"), now)
}

// createdAt returns the creation time a test or build database carries in its name; ok is false for other
// names.
func createdAt(name string) (t time.Time, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(name, testPrefix):
		rest = strings.TrimPrefix(name, testPrefix)
		rest, _, ok = strings.Cut(rest, "_")
	case strings.HasPrefix(name, buildPrefix):
		rest = strings.TrimPrefix(name, buildPrefix)
		_, rest, ok = strings.Cut(rest, "_")
	}
	if !ok {
		return time.Time{}, false
	}
	secs, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(secs, 0), true
}
