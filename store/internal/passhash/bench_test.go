package passhash

import "testing"

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures each stored form the platform's database holds:
// the current default and the pbkdf2 defaults of Werkzeug 2.0 and 2.3.
func BenchmarkVerify(b *testing.B) {
	for _, note := range []string{
		"current default",
		"pbkdf2 Werkzeug 2.0-2.2 default",
		"pbkdf2 Werkzeug 2.3-3.0 default",
	} {
		vector := findVectorB(b, note)
		b.Run(note, func(b *testing.B) {
			for b.Loop() {
				if ok, err := Verify(vector.Password, vector.Encoded); err != nil || !ok {
					b.Fatalf("Verify = %v, %v", ok, err)
				}
			}
		})
	}
}

// BenchmarkVerifyRefused measures how cheaply a hash beyond the cost limits
// is turned away.
func BenchmarkVerifyRefused(b *testing.B) {
	const encoded = "scrypt:1073741824:8:1$salt$00"
	for b.Loop() {
		if _, err := Verify("secret", encoded); err == nil {
			b.Fatal("Verify accepted a hash beyond the limits")
		}
	}
}

// findVectorB returns the golden vector with the given note.
func findVectorB(b *testing.B, note string) goldenVector {
	b.Helper()
	for _, vector := range loadGoldenVectors(b) {
		if vector.Note == note {
			return vector
		}
	}
	b.Fatalf("no golden vector %q", note)
	return goldenVector{}
}
