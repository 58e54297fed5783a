package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// checkTextFields refuses text the database cannot store: invalid UTF-8 or NUL bytes. nil pointers pass. The
// error does not quote the text, which may be a secret such as a private key.
func checkTextFields(values ...*string) error {
	for _, v := range values {
		if v != nil && (!utf8.ValidString(*v) || strings.ContainsRune(*v, 0)) {
			return invalidf("text must be UTF-8 without NUL bytes")
		}
	}
	return nil
}

// MaxNameBytes is the longest name, in bytes, that the store writes or looks up: a username, a cluster name,
// an estimator's name, a job id. These columns are indexed, and PostgreSQL refuses an index entry past about
// 2.7 kB (a third of a page) once compression cannot shrink it; the bound leaves room for the other columns
// of a composite key. A longer name fails with ErrInvalid before anything is sent.
const MaxNameBytes = 1024

// checkName refuses a name the store cannot write or look up: empty, over MaxNameBytes, invalid UTF-8 or with
// a NUL byte. what names the field in the error; the value is not quoted.
func checkName(what, name string) error {
	switch {
	case name == "":
		return invalidf("empty %s", what)
	case len(name) > MaxNameBytes:
		return invalidf("%s of %d bytes, more than %d", what, len(name), MaxNameBytes)
	}
	if err := checkTextFields(&name); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
