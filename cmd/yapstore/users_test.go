package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/storetest"
)

func TestListUsersIsOrderedAndHidesSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	r := yapDB(t, f.db.URL, "list-users")
	requireOK(t, r)
	require.Contains(t, r.stdout, "3 users in DB:\n")
	require.Equal(t, [][]string{
		{fmt.Sprint(f.aliceSSO.ID), "alice", "KeycloakUser", "certificate: set, private key: set"},
		{fmt.Sprint(f.alice.ID), "alice", "YaptideUser", "password hash scrypt:32768:8:1"},
		{fmt.Sprint(f.bob.ID), "bob", "YaptideUser", "password hash scrypt:32768:8:1"},
	}, tableRows(t, r.stdout))
	require.NotContains(t, r.stdout, "PRIVATE-KEY-MATERIAL")
	require.NotContains(t, r.stdout, "CERT-TEXT")

	r = yapDB(t, f.db.URL, "list-users", "--json")
	requireOK(t, r)
	var users []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &users))
	require.Len(t, users, 3)
	require.Equal(t, map[string]any{"id": float64(f.aliceSSO.ID), "username": "alice", "auth_provider": "KeycloakUser",
		"has_cert": true, "has_private_key": true}, users[0])
	require.Equal(t, map[string]any{"id": float64(f.alice.ID), "username": "alice", "auth_provider": "YaptideUser",
		"password_method": "scrypt:32768:8:1"}, users[1])
	require.NotContains(t, r.stdout, "PRIVATE-KEY-MATERIAL")
}

func TestListUsersEmpty(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	r := yapDB(t, db.URL, "list-users")
	requireOK(t, r)
	require.Equal(t, "0 users in DB:\nID  USERNAME  AUTH PROVIDER  CREDENTIALS\n", r.stdout)

	r = yapDB(t, db.URL, "list-users", "--json")
	requireOK(t, r)
	require.Equal(t, "[]\n", r.stdout)
}

func TestAddUserThenAuthenticate(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	s := mustStore(t, db)

	// From standard input, with the trailing newline dropped.
	r := invocation{stdin: "first-password\n"}.run(t, "add-user", "carol", "--password-stdin", "--database-url", db.URL)
	requireOK(t, r)
	require.Regexp(t, `^Added user carol \(YaptideUser\), id \d+\n$`, r.stdout)
	_, err := s.Authenticate(ctx, "carol", "first-password")
	require.NoError(t, err)

	// From the flag, spelled as operators type it, with the name after the flags.
	r = yapDB(t, db.URL, "add-user", "-password", "dave-password", "dave", "--json")
	requireOK(t, r)
	var added map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &added))
	require.Equal(t, "dave", added["username"])
	require.Equal(t, "YaptideUser", added["auth_provider"])
	_, err = s.Authenticate(ctx, "dave", "dave-password")
	require.NoError(t, err)

	// A second carol is refused, and the first keeps its password.
	r = yapDB(t, db.URL, "add-user", "carol", "--password", "other")
	requireFailure(t, r, 1, "user carol (YaptideUser) already exists", "update-user")
	_, err = s.Authenticate(ctx, "carol", "first-password")
	require.NoError(t, err)
}

func TestAddUserPasswordSources(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)

	// No password and standard input is not a terminal: the old script stored the hash of "" here.
	r := yapDB(t, db.URL, "add-user", "erin")
	requireFailure(t, r, 2, "no password given", "--password-stdin")

	r = invocation{stdin: "\n"}.run(t, "--database-url", db.URL, "add-user", "erin", "--password-stdin")
	requireFailure(t, r, 1, "the password is empty")

	r = yapDB(t, db.URL, "add-user", "erin", "--password", "")
	requireFailure(t, r, 1, "the password is empty")

	r = invocation{stdin: "x\n"}.run(t, "--database-url", db.URL, "add-user", "erin", "--password", "a", "--password-stdin")
	requireFailure(t, r, 2, "either --password or --password-stdin")

	users, err := mustStore(t, db).ListUsers(context.Background(), "")
	require.NoError(t, err)
	require.Empty(t, users, "no user was created by a refused add-user")
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()

	r := invocation{stdin: "new-alice-password\r\n"}.run(t, "update-user", "alice", "--password_stdin", "--database-url", f.db.URL)
	requireOK(t, r)
	require.Equal(t, fmt.Sprintf("Updated the password of user alice (YaptideUser), id %d\n", f.alice.ID), r.stdout)
	_, err := f.s.Authenticate(ctx, "alice", "new-alice-password")
	require.NoError(t, err)
	_, err = f.s.Authenticate(ctx, "alice", "alice-password")
	require.ErrorIs(t, err, store.ErrBadCredentials)
	_, err = f.s.Authenticate(ctx, "bob", "bob-password")
	require.NoError(t, err, "other users keep their passwords")

	r = yapDB(t, f.db.URL, "update-user", "nobody", "--password", "whatever")
	requireFailure(t, r, 1, "user nobody (YaptideUser) does not exist")

	// A single-sign-on-only user has no password to update.
	_, _, err = f.s.UpsertSSOUser(ctx, "frank", nil, nil)
	require.NoError(t, err)
	r = yapDB(t, f.db.URL, "update-user", "frank", "--password", "whatever")
	requireFailure(t, r, 1, `user "frank" signs in through Keycloak`)
}

func TestRemoveUserRefusesOwnerWithoutCascade(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()

	r := yapDB(t, f.db.URL, "remove-user", "alice", "YaptideUser")
	requireFailure(t, r, 1, "user alice (YaptideUser) owns 2 simulations", "--cascade")
	_, err := f.s.GetUser(ctx, f.alice.ID)
	require.NoError(t, err, "the user is still there")
	_, err = f.s.GetSimulation(ctx, f.aliceSim.ID)
	require.NoError(t, err, "and so are its simulations")

	// Deleting the user and its simulations needs a confirmation; with no terminal to ask on, --yes.
	r = yapDB(t, f.db.URL, "remove-user", "--cascade", "alice", "yaptideuser")
	requireFailure(t, r, 2, "Delete user alice (YaptideUser) and the 2 simulations it owns, with everything under them", "pass --yes")
	_, err = f.s.GetUser(ctx, f.alice.ID)
	require.NoError(t, err, "nothing is deleted unconfirmed")

	r = yapDB(t, f.db.URL, "remove-user", "--cascade", "alice", "yaptideuser", "--json", "--yes")
	requireOK(t, r)
	var removed map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &removed))
	require.Equal(t, float64(2), removed["deleted_simulations"])
	require.Equal(t, float64(f.alice.ID), removed["id"])

	_, err = f.s.GetUser(ctx, f.alice.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	for _, id := range []int32{f.aliceSim.ID, f.aliceBatch.ID} {
		_, err = f.s.GetSimulation(ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound)
		tasks, err := f.s.ListTasks(ctx, id)
		require.NoError(t, err)
		require.Empty(t, tasks)
	}
	// The Keycloak alice and her simulation are untouched.
	_, err = f.s.GetUser(ctx, f.aliceSSO.ID)
	require.NoError(t, err)
	_, err = f.s.GetSimulation(ctx, f.ssoSim.ID)
	require.NoError(t, err)
}

func TestRemoveUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u, err := f.s.CreatePasswordUser(ctx, "gina", "gina-password")
	require.NoError(t, err)

	r := yapDB(t, f.db.URL, "remove-user", "gina", "YaptideUser")
	requireOK(t, r)
	require.Equal(t, fmt.Sprintf("Deleted user gina (YaptideUser), id %d\n", u.ID), r.stdout)
	_, err = f.s.GetUser(ctx, u.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	r = yapDB(t, f.db.URL, "remove-user", "gina", "YaptideUser")
	requireFailure(t, r, 1, "user gina (YaptideUser) does not exist")

	r = yapDB(t, f.db.URL, "remove-user", "bob", "KeycloakUser")
	requireFailure(t, r, 1, "user bob (KeycloakUser) does not exist")

	r = yapDB(t, f.db.URL, "remove-user", "bob", "Google")
	requireFailure(t, r, 2, `unknown auth provider "Google"`, "YaptideUser or KeycloakUser")

	r = yapDB(t, f.db.URL, "remove-user", "bob")
	requireFailure(t, r, 2, "missing AUTH_PROVIDER")
}
