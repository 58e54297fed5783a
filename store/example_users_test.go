package store_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/store"
)

// A password user signs up, signs in, and mistypes the password once.
func ExampleStore_Authenticate() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	if _, err := s.CreatePasswordUser(ctx, "alice", "correct horse"); err != nil {
		fmt.Println("sign-up failed:", err)
		return
	}
	user, err := s.Authenticate(ctx, "alice", "correct horse")
	fmt.Println(user.Username, user.Provider, err)

	_, err = s.Authenticate(ctx, "alice", "battery staple")
	fmt.Println(errors.Is(err, store.ErrBadCredentials))
	_, err = s.Authenticate(ctx, "mallory", "correct horse")
	fmt.Println(errors.Is(err, store.ErrBadCredentials))
	// Output:
	// alice YaptideUser <nil>
	// true
	// true
}

// A single-sign-on user is created at first login and its certificate refreshed at the next.
func ExampleStore_UpsertSSOUser() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	cert, key := "-----BEGIN CERTIFICATE-----...", "-----BEGIN PRIVATE KEY-----..."
	user, created, err := s.UpsertSSOUser(ctx, "bob@example.org", &cert, &key)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(user.Username, created, user.SSO)

	renewed := "-----BEGIN CERTIFICATE-----(renewed)"
	user, created, err = s.UpsertSSOUser(ctx, "bob@example.org", &renewed, &key)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(created, *user.SSO.Cert)
	// Output:
	// bob@example.org true single-sign-on account (cert: set, private key: set)
	// false -----BEGIN CERTIFICATE-----(renewed)
}

// Deleting a user who still owns simulations is refused until the caller asks for them to go too.
func ExampleStore_DeleteUser() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()

	user, err := s.CreatePasswordUser(ctx, "carol", "pw")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{UserID: &user.ID, Title: "dose", InputType: store.InputEditor, SimType: store.SimShieldhit},
		Tasks:      []store.DirectTaskParams{{RequestedPrimaries: 1000}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	err = s.DeleteUser(ctx, user.ID)
	fmt.Println(errors.Is(err, store.ErrStillReferenced))
	err = s.DeleteUser(ctx, user.ID, store.DeleteOwnedSimulations())
	fmt.Println(err)
	_, err = s.GetUser(ctx, user.ID)
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// true
	// <nil>
	// true
}
