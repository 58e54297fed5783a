package passhash

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenVector is one entry of testdata/vectors.json.
type goldenVector struct {
	Note     string `json:"note"`
	Password string `json:"password"`
	Encoded  string `json:"encoded"`
	// AlsoAccepted lists other passwords Werkzeug accepts for Encoded.
	AlsoAccepted []string `json:"also_accepted"`
}

// loadGoldenVectors reads testdata/vectors.json, written by
// testdata/gen_vectors.py and checked there with Werkzeug's
// check_password_hash.
func loadGoldenVectors(t testing.TB) []goldenVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatalf("reading golden vectors: %v", err)
	}
	var file struct {
		CheckedWithWerkzeug string         `json:"checked_with_werkzeug"`
		Vectors             []goldenVector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("decoding golden vectors: %v", err)
	}
	if file.CheckedWithWerkzeug == "" {
		t.Fatalf("golden vectors were not checked with Werkzeug; regenerate them where Werkzeug is installed")
	}
	if len(file.Vectors) == 0 {
		t.Fatalf("no golden vectors in testdata/vectors.json")
	}
	return file.Vectors
}

// TestVerifyGoldenVectors checks every Werkzeug-compatible vector: the right
// password verifies, a password differing in one trailing character does not.
func TestVerifyGoldenVectors(t *testing.T) {
	t.Parallel()
	for _, vector := range loadGoldenVectors(t) {
		t.Run(vector.Note, func(t *testing.T) {
			t.Parallel()
			ok, err := Verify(vector.Password, vector.Encoded)
			if err != nil || !ok {
				t.Fatalf("Verify(right password, %q) = %v, %v; want true, nil", vector.Encoded, ok, err)
			}
			ok, err = Verify(vector.Password+"!", vector.Encoded)
			if err != nil || ok {
				t.Fatalf("Verify(wrong password, %q) = %v, %v; want false, nil", vector.Encoded, ok, err)
			}
			for _, other := range vector.AlsoAccepted {
				ok, err = Verify(other, vector.Encoded)
				if err != nil || !ok {
					t.Fatalf("Verify(%q, %q) = %v, %v; Werkzeug accepts it", other, vector.Encoded, ok, err)
				}
			}
		})
	}
}

// TestEncodeDefaultMatchesWerkzeug re-creates each default-method vector from
// its password and salt and expects the very string Werkzeug would store.
func TestEncodeDefaultMatchesWerkzeug(t *testing.T) {
	t.Parallel()
	checked := 0
	for _, vector := range loadGoldenVectors(t) {
		method, rest, _ := strings.Cut(vector.Encoded, "$")
		if method != DefaultMethod {
			continue
		}
		salt, _, _ := strings.Cut(rest, "$")
		got, err := encodeDefault(vector.Password, salt)
		if err != nil {
			t.Fatalf("encodeDefault(%q): %v", vector.Note, err)
		}
		if got != vector.Encoded {
			t.Errorf("encodeDefault(%q):\n got %s\nwant %s", vector.Note, got, vector.Encoded)
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d default-method vectors; the vector file lost its scrypt defaults", checked)
	}
}

// TestNeedsRehashGoldenVectors expects every legacy vector to need a rehash
// and only the default method with a full-length salt not to.
func TestNeedsRehashGoldenVectors(t *testing.T) {
	t.Parallel()
	for _, vector := range loadGoldenVectors(t) {
		method, rest, _ := strings.Cut(vector.Encoded, "$")
		salt, _, _ := strings.Cut(rest, "$")
		want := method != DefaultMethod || len([]rune(salt)) < SaltLength
		if got := NeedsRehash(vector.Encoded); got != want {
			t.Errorf("NeedsRehash(%s: %q) = %v, want %v", vector.Note, vector.Encoded, got, want)
		}
	}
	for _, legacy := range []string{"scrypt", "pbkdf2:sha256:260000", "pbkdf2:sha256:600000", "pbkdf2:sha256"} {
		found := false
		for _, vector := range loadGoldenVectors(t) {
			if strings.HasPrefix(vector.Encoded, legacy+"$") {
				found = true
				if !NeedsRehash(vector.Encoded) {
					t.Errorf("NeedsRehash(%q) = false for legacy method %s", vector.Encoded, legacy)
				}
			}
		}
		if !found {
			t.Errorf("no golden vector for legacy method %s", legacy)
		}
	}
}
