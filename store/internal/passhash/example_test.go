package passhash_test

import (
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/store/internal/passhash"
)

// A login: check the password against the stored hash, then replace a hash
// written with an old method by a fresh one in the current default.
func Example() {
	// A row written by Werkzeug 2.3: PBKDF2-SHA256 with 600000 iterations.
	stored := "pbkdf2:sha256:600000$Legacy3SaltAbCdE$86191f18781afce665a1f309df828e3936653c94fe478de4db61fd36adac9b1c"

	ok, err := passhash.Verify("s3cret!", stored)
	if err != nil {
		fmt.Println("cannot check this hash:", err)
		return
	}
	if !ok {
		fmt.Println("wrong password")
		return
	}
	fmt.Println("logged in")
	if passhash.NeedsRehash(stored) {
		upgraded, err := passhash.Hash("s3cret!")
		if err != nil {
			fmt.Println(err)
			return
		}
		// The caller would store upgraded in YaptideUser.password_hash here.
		fmt.Println("upgraded to", upgraded[:len(passhash.DefaultMethod)])
	}
	// Output:
	// logged in
	// upgraded to scrypt:32768:8:1
}

func ExampleHash() {
	encoded, err := passhash.Hash("correct horse battery staple")
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, err := passhash.Verify("correct horse battery staple", encoded)
	fmt.Println(ok, err, passhash.NeedsRehash(encoded))
	// Output: true <nil> false
}

func ExampleVerify_malformed() {
	ok, err := passhash.Verify("secret", "scrypt:32768:8:1$no-key-part")
	fmt.Println(ok, errors.Is(err, passhash.ErrMalformed))
	// Output: false true
}
