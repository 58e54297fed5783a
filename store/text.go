package store

import (
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
