package passhash

import (
	"regexp"
	"strings"
	"testing"
)

// defaultHashPattern is the exact shape of a hash in Werkzeug's default form.
var defaultHashPattern = regexp.MustCompile(`^scrypt:32768:8:1\$[a-zA-Z0-9]{16}\$[0-9a-f]{128}$`)

func TestHashRoundTrip(t *testing.T) {
	t.Parallel()
	for _, password := range []string{"correct horse battery staple", "", "pässwörd ☢ 日本語", "a$b:c"} {
		encoded, err := Hash(password)
		if err != nil {
			t.Fatalf("Hash(%q): %v", password, err)
		}
		if !defaultHashPattern.MatchString(encoded) {
			t.Fatalf("Hash(%q) = %q, not in the form %s", password, encoded, defaultHashPattern)
		}
		if ok, err := Verify(password, encoded); err != nil || !ok {
			t.Fatalf("Verify(%q, Hash(%q)) = %v, %v; want true, nil", password, password, ok, err)
		}
		if NeedsRehash(encoded) {
			t.Errorf("NeedsRehash(Hash(%q)) = true, want false", password)
		}
	}
}

func TestHashUsesFreshSalt(t *testing.T) {
	t.Parallel()
	first, err := Hash("same password")
	if err != nil {
		t.Fatal(err)
	}
	second, err := Hash("same password")
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatalf("two hashes of one password are identical: %q", first)
	}
	if strings.Split(first, "$")[1] == strings.Split(second, "$")[1] {
		t.Fatalf("two hashes share the salt %q", strings.Split(first, "$")[1])
	}
}

func TestVerifyWrongPassword(t *testing.T) {
	t.Parallel()
	// A cheap scrypt vector (N=1024, r=1) whose password is "hunter2".
	vector := findVector(t, "scrypt, r=1, 8-char salt")
	for _, wrong := range []string{"", "Hunter2", "hunter2 ", " hunter2", "hunter", "hunter22", "\x00hunter2"} {
		ok, err := Verify(wrong, vector.Encoded)
		if err != nil || ok {
			t.Errorf("Verify(%q, %q) = %v, %v; want false, nil", wrong, vector.Encoded, ok, err)
		}
	}
	if ok, err := Verify(vector.Password, vector.Encoded); err != nil || !ok {
		t.Fatalf("Verify(right password) = %v, %v; want true, nil", ok, err)
	}
}

func TestNewSaltAlphabet(t *testing.T) {
	t.Parallel()
	const length = 20000
	salt, err := newSalt(length)
	if err != nil {
		t.Fatal(err)
	}
	if len(salt) != length {
		t.Fatalf("newSalt(%d) has %d characters", length, len(salt))
	}
	seen := make(map[rune]int)
	for _, c := range salt {
		if !strings.ContainsRune(saltAlphabet, c) {
			t.Fatalf("salt character %q is not alphanumeric", c)
		}
		seen[c]++
	}
	// With 20000 uniform draws each of the 62 characters is expected about
	// 323 times; missing one, or seeing one more than twice as often as
	// expected, does not happen with a fair generator (p < 1e-60).
	if len(seen) != len(saltAlphabet) {
		t.Fatalf("salt uses %d of %d alphabet characters", len(seen), len(saltAlphabet))
	}
	for c, count := range seen {
		if count > 2*length/len(saltAlphabet) {
			t.Errorf("character %q drawn %d times out of %d: not uniform", c, count, length)
		}
	}
}

func TestNeedsRehashShortSalt(t *testing.T) {
	t.Parallel()
	encoded, err := encodeDefault("pw", "only8chr")
	if err != nil {
		t.Fatal(err)
	}
	if !NeedsRehash(encoded) {
		t.Errorf("NeedsRehash(%q) = false for an 8-character salt", encoded)
	}
	if ok, err := Verify("pw", encoded); err != nil || !ok {
		t.Errorf("Verify(short-salt default) = %v, %v; want true, nil", ok, err)
	}
}

// findVector returns the golden vector with the given note.
func findVector(t *testing.T, note string) goldenVector {
	t.Helper()
	for _, vector := range loadGoldenVectors(t) {
		if vector.Note == note {
			return vector
		}
	}
	t.Fatalf("no golden vector %q", note)
	return goldenVector{}
}
