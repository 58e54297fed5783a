package store_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
	"github.com/yapstore/yapstore/store/internal/passhash"
)

func TestCreatePasswordUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)

	var user store.User
	n := roundTrips(t, h.Counter, func() (err error) {
		user, err = h.Store.CreatePasswordUser(ctx, "alice", "s3cret")
		return err
	})
	assert.Equal(t, 1, n, "parent and child rows are written by one statement")
	assert.NotZero(t, user.ID)
	assert.Equal(t, "alice", user.Username)
	assert.Equal(t, store.ProviderPassword, user.Provider)
	require.NotNil(t, user.Password)
	assert.Nil(t, user.SSO)
	assert.Equal(t, passhash.DefaultMethod, user.Password.Method())

	var stored string
	require.NoError(t, h.Pool.QueryRow(ctx, `SELECT password_hash FROM "YaptideUser" WHERE id = $1`, user.ID).Scan(&stored))
	ok, err := passhash.Verify("s3cret", stored)
	require.NoError(t, err)
	assert.True(t, ok, "the stored hash is a Werkzeug hash of the password")
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", user, user, user), stored[len(passhash.DefaultMethod)+1:],
		"printing a user never shows its hash")

	_, err = h.Store.CreatePasswordUser(ctx, "alice", "other")
	require.ErrorIs(t, err, store.ErrConflict)
	var ce *store.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, store.ConstraintUsernameProvider, ce.Constraint)
	assert.Equal(t, 1, h.count(t, "User"), "the failed insert left no parent row")
	assert.Equal(t, 1, h.count(t, "YaptideUser"))

	_, created, err := h.Store.UpsertSSOUser(ctx, "alice", nil, nil)
	require.NoError(t, err, "the same name with another provider is another user")
	assert.True(t, created)
}

func TestCreatePasswordUserRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cases := []struct{ name, username, password string }{
		{"empty username", "", "pw"},
		{"empty password", "bob", ""},
		{"NUL in password", "bob", "pw\x00"},
		{"NUL in username", "b\x00b", "pw"},
		{"invalid UTF-8 password", "bob", "\xff\xfe"},
	}
	for _, c := range cases {
		n := h.Counter.Count()
		_, err := h.Store.CreatePasswordUser(ctx, c.username, c.password)
		assert.ErrorIs(t, err, store.ErrInvalid, c.name)
		assert.Equal(t, n, h.Counter.Count(), "%s: refused before sending anything", c.name)
	}
	assert.Equal(t, 0, h.count(t, "User"))
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, noAuthFloor) // correctness, not timing
	alice, err := h.Store.CreatePasswordUser(ctx, "alice", "correct horse")
	require.NoError(t, err)
	_, _, err = h.Store.UpsertSSOUser(ctx, "carol", nil, nil)
	require.NoError(t, err)

	got, err := h.Store.Authenticate(ctx, "alice", "correct horse")
	require.NoError(t, err)
	assert.Equal(t, alice.ID, got.ID)
	assert.Equal(t, store.ProviderPassword, got.Provider)

	for _, c := range []struct{ name, username, password string }{
		{"wrong password", "alice", "wrong horse"},
		{"unknown user", "nobody", "correct horse"},
		{"single-sign-on user", "carol", "anything"},
		{"empty password", "alice", ""},
		{"password with a NUL inside", "alice", "correct\x00horse"},
		{"password not UTF-8", "alice", "correct horse\xff"},
	} {
		_, err := h.Store.Authenticate(ctx, c.username, c.password)
		assert.ErrorIs(t, err, store.ErrBadCredentials, c.name)
		assert.Equal(t, store.ErrBadCredentials.Error(), err.Error(), "%s: the error does not say which case it was", c.name)
	}

	// As Werkzeug's check_password_hash does (HMAC pads a short key with zero bytes), a password followed by
	// NUL bytes matches the password without them.
	_, err = h.Store.Authenticate(ctx, "alice", "correct horse\x00")
	assert.NoError(t, err, "Werkzeug accepts it too")
}

// TestAuthenticateTimeDoesNotTellUsersApart signs in, with a wrong password, as an unknown user and as users
// whose hashes are scrypt and the platform's legacy pbkdf2 at two iteration counts, 20 times each, taking
// turns: in the median turn each takes within 15% of the unknown user's time. The hashes are a tenth of the
// real costs and the floor set to match, so that the test takes seconds; TestAuthenticateDefaultFloor checks
// the default floor on real costs.
func TestAuthenticateTimeDoesNotTellUsersApart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	s, err := store.New(ctx, h.Pool, store.WithAuthFloor(60*time.Millisecond))
	require.NoError(t, err)
	for name, hash := range map[string]string{
		"scrypt":      hashFor(t, "scrypt:4096:8:1", "correct horse"),
		"pbkdf2 260k": hashFor(t, "pbkdf2:sha256:26000", "correct horse"),
		"pbkdf2 600k": hashFor(t, "pbkdf2:sha256:60000", "correct horse"),
	} {
		insertPasswordUser(t, h, name, hash)
	}
	users := []string{"unknown", "scrypt", "pbkdf2 260k", "pbkdf2 600k"}
	assertAlike(t, authTimes(t, s, users, 20), users, 0.15)
}

// TestAuthenticateDefaultFloor checks the default floor on the real costs: an unknown user and a user with
// the platform's costliest legacy hash (pbkdf2 at 600,000 iterations) take the same time, and that time is
// at least a default verification's.
func TestAuthenticateDefaultFloor(t *testing.T) {
	// Not parallel: it measures times, so it runs while the package's other tests wait.
	ctx := context.Background()
	h := newHarness(t)
	insertPasswordUser(t, h, "legacy", hashFor(t, "pbkdf2:sha256:600000", "correct horse"))
	_, err := h.Store.CreatePasswordUser(ctx, "current", "correct horse")
	require.NoError(t, err)
	users := []string{"unknown", "legacy", "current"}
	unknown := assertAlike(t, authTimes(t, h.Store, users, 7), users, 0.15)
	// A default hash's cost is the fastest of three: the other test binaries of `go test ./...` load the
	// machine now and then, which only ever makes a try slower.
	cost := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		_, err = passhash.Hash("correct horse")
		require.NoError(t, err)
		cost = min(cost, time.Since(start))
	}
	assert.Greater(t, unknown, cost, "the floor covers at least a default hash's cost")
}

// hashFor returns a Werkzeug hash of password in method, computed by python3 as Werkzeug 3.1 computes it
// (hashlib.scrypt and hashlib.pbkdf2_hmac over the UTF-8 password and salt). The password travels in hex, so
// that it may hold NUL bytes.
func hashFor(t *testing.T, method, password string) string {
	t.Helper()
	return strings.TrimSpace(runPython(t, `import hashlib, sys
method, password = sys.argv[1], bytes.fromhex(sys.argv[2]).decode()
kind, *args = method.split(":")
salt = "Zy8xWv7uTs6rQp5o"
if kind == "scrypt":
    n, r, p = map(int, args)
    key = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p)
else:
    key = hashlib.pbkdf2_hmac(args[0], password.encode(), salt.encode(), int(args[1]))
print(f"{method}${salt}${key.hex()}")`, method, hex.EncodeToString([]byte(password))))
}

// insertPasswordUser writes a password user with a given stored hash, as the platform would have.
func insertPasswordUser(t *testing.T, h *harness, name, hash string) {
	t.Helper()
	_, err := h.Pool.Exec(context.Background(), `WITH u AS (INSERT INTO "User" (username, auth_provider)
		VALUES ($1, 'YaptideUser') RETURNING id) INSERT INTO "YaptideUser" (id, password_hash) SELECT id, $2 FROM u`,
		name, hash)
	require.NoError(t, err)
}

// authTimes signs in as each user with a wrong password tries times, the users taking turns, and returns
// each user's times, one per turn.
func authTimes(t *testing.T, s *store.Store, users []string, tries int) map[string][]time.Duration {
	t.Helper()
	times := map[string][]time.Duration{}
	for range tries {
		for _, user := range users {
			start := time.Now()
			_, err := s.Authenticate(context.Background(), user, "wrong horse")
			require.ErrorIs(t, err, store.ErrBadCredentials)
			times[user] = append(times[user], time.Since(start))
		}
	}
	t.Logf("Authenticate times by turn: %v", times)
	return times
}

// assertAlike asserts that no user's calls tell it apart from the first user's: for each user, the median
// over the turns of its time divided by the first user's time in the same turn lies within 1±tolerance. The
// comparison is paired, turn by turn, because the floor follows the machine's load (a slow call raises it
// for every user until it decays): a step in the load between two turns moves every user of the later turn
// alike, where medians of each user's own times would split at whichever user the step fell on. It returns
// the median of the first user's times.
func assertAlike(t *testing.T, times map[string][]time.Duration, users []string, tolerance float64) time.Duration {
	t.Helper()
	base := times[users[0]]
	for _, user := range users[1:] {
		ratios := make([]float64, len(base))
		for i, d := range times[user] {
			ratios[i] = float64(d) / float64(base[i])
		}
		slices.Sort(ratios)
		median := ratios[len(ratios)/2]
		assert.InDelta(t, 1, median, tolerance, "%s against %s: median ratio %.3f of the turns' %v",
			user, users[0], median, ratios)
	}
	sorted := slices.Sorted(slices.Values(base))
	return sorted[len(sorted)/2]
}

func TestAuthenticateUpgradesOldHashes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, noAuthFloor) // correctness, not timing
	// A Werkzeug pbkdf2 hash of "old secret" (1000 iterations, salt "fixedSalt"), as older rows carry.
	const oldHash = "pbkdf2:sha256:1000$fixedSalt$e7b86a4db0df482df164580bd0cff601879cf7c7175b597c507964149503b24e"
	var id int32
	require.NoError(t, h.Pool.QueryRow(ctx,
		`WITH u AS (INSERT INTO "User" (username, auth_provider) VALUES ('olduser', 'YaptideUser') RETURNING id)
		 INSERT INTO "YaptideUser" (id, password_hash) SELECT id, $1 FROM u RETURNING id`, oldHash).Scan(&id))

	before, err := h.Store.GetUser(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "pbkdf2:sha256:1000", before.Password.Method())

	_, err = h.Store.Authenticate(ctx, "olduser", "wrong")
	require.ErrorIs(t, err, store.ErrBadCredentials)
	unchanged, err := h.Store.GetUser(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "pbkdf2:sha256:1000", unchanged.Password.Method(), "a failed login upgrades nothing")

	var user store.User
	n := roundTrips(t, h.Counter, func() (err error) {
		user, err = h.Store.Authenticate(ctx, "olduser", "old secret")
		return err
	})
	assert.Equal(t, 2, n, "the lookup and the upgrade")
	assert.Equal(t, passhash.DefaultMethod, user.Password.Method())
	after, err := h.Store.GetUser(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, passhash.DefaultMethod, after.Password.Method(), "the upgraded hash is stored")

	n = roundTrips(t, h.Counter, func() error {
		_, err := h.Store.Authenticate(ctx, "olduser", "old secret")
		return err
	})
	assert.Equal(t, 1, n, "a current hash needs no upgrade")
}

func TestAuthenticateReportsUncheckableHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, noAuthFloor) // correctness, not timing
	_, err := h.Pool.Exec(ctx,
		`WITH u AS (INSERT INTO "User" (username, auth_provider) VALUES ('broken', 'YaptideUser') RETURNING id)
		 INSERT INTO "YaptideUser" (id, password_hash) SELECT id, 'md5$x$y' FROM u`)
	require.NoError(t, err)
	_, err = h.Store.Authenticate(ctx, "broken", "pw")
	require.Error(t, err)
	assert.NotErrorIs(t, err, store.ErrBadCredentials)
	assert.ErrorIs(t, err, passhash.ErrUnknownMethod)
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, noAuthFloor) // correctness, not timing
	alice, err := h.Store.CreatePasswordUser(ctx, "alice", "first")
	require.NoError(t, err)

	require.NoError(t, h.Store.ChangePassword(ctx, alice.ID, "second"))
	_, err = h.Store.Authenticate(ctx, "alice", "first")
	assert.ErrorIs(t, err, store.ErrBadCredentials)
	_, err = h.Store.Authenticate(ctx, "alice", "second")
	assert.NoError(t, err)

	assert.ErrorIs(t, h.Store.ChangePassword(ctx, alice.ID, ""), store.ErrInvalid)
	assert.ErrorIs(t, h.Store.ChangePassword(ctx, alice.ID+1000, "x"), store.ErrNotFound)
	sso, _, err := h.Store.UpsertSSOUser(ctx, "carol", nil, nil)
	require.NoError(t, err)
	assert.ErrorIs(t, h.Store.ChangePassword(ctx, sso.ID, "x"), store.ErrNotFound, "a single-sign-on user has no password")
}

func TestUpsertSSOUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	cert, key := "CERT-1", "KEY-SECRET-1"

	var user store.User
	var created bool
	n := roundTrips(t, h.Counter, func() (err error) {
		user, created, err = h.Store.UpsertSSOUser(ctx, "carol", &cert, &key)
		return err
	})
	assert.Equal(t, 1, n)
	assert.True(t, created)
	assert.Equal(t, store.ProviderSSO, user.Provider)
	assert.Nil(t, user.Password)
	require.NotNil(t, user.SSO)
	assert.Equal(t, cert, *user.SSO.Cert)
	assert.Equal(t, key, *user.SSO.PrivateKey)
	for _, printed := range []string{user.SSO.String(), fmt.Sprintf("%v|%+v|%#v|%s", user, user, *user.SSO, user.SSO)} {
		assert.NotContains(t, printed, "KEY-SECRET", "the private key is never printed")
	}

	cert2 := "CERT-2"
	again, created, err := h.Store.UpsertSSOUser(ctx, "carol", &cert2, nil)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, user.ID, again.ID)
	assert.Equal(t, cert2, *again.SSO.Cert)
	assert.Nil(t, again.SSO.PrivateKey, "nil clears the key")

	read, err := h.Store.GetUser(ctx, user.ID)
	require.NoError(t, err)
	assert.Equal(t, again, read)
	assert.Equal(t, 1, h.count(t, "User"))
	assert.Equal(t, 1, h.count(t, "KeycloakUser"))

	_, _, err = h.Store.UpsertSSOUser(ctx, "", nil, nil)
	assert.ErrorIs(t, err, store.ErrInvalid)
}

func TestGetAndListUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	bob, err := h.Store.CreatePasswordUser(ctx, "bob", "pw")
	require.NoError(t, err)
	alice, err := h.Store.CreatePasswordUser(ctx, "alice", "pw")
	require.NoError(t, err)
	carol, _, err := h.Store.UpsertSSOUser(ctx, "alice", nil, nil)
	require.NoError(t, err)

	var got store.User
	n := roundTrips(t, h.Counter, func() (err error) {
		got, err = h.Store.GetUser(ctx, bob.ID)
		return err
	})
	assert.Equal(t, 1, n)
	assert.Equal(t, bob, got)

	got, err = h.Store.GetUserByName(ctx, "alice", store.ProviderSSO)
	require.NoError(t, err)
	assert.Equal(t, carol, got)
	got, err = h.Store.GetUserByName(ctx, "alice", store.ProviderPassword)
	require.NoError(t, err)
	assert.Equal(t, alice, got)

	_, err = h.Store.GetUser(ctx, 99999)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = h.Store.GetUserByName(ctx, "bob", store.ProviderSSO)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = h.Store.GetUserByName(ctx, "bob", "Google")
	assert.ErrorIs(t, err, store.ErrInvalid)

	all, err := h.Store.ListUsers(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, []store.User{carol, alice, bob}, all, "ordered by username, then provider (KeycloakUser < YaptideUser)")
	sso, err := h.Store.ListUsers(ctx, store.ProviderSSO)
	require.NoError(t, err)
	assert.Equal(t, []store.User{carol}, sso)
	_, err = h.Store.ListUsers(ctx, "Google")
	assert.ErrorIs(t, err, store.ErrInvalid)
}

func TestUserWithoutVariantRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	var id int32
	require.NoError(t, h.Pool.QueryRow(ctx,
		`INSERT INTO "User" (username, auth_provider) VALUES ('orphan', 'YaptideUser') RETURNING id`).Scan(&id))
	_, err := h.Store.GetUser(ctx, id)
	assert.ErrorIs(t, err, store.ErrMissingVariant)
	_, err = h.Store.ListUsers(ctx, "")
	assert.ErrorIs(t, err, store.ErrMissingVariant)
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	owner, err := h.Store.CreatePasswordUser(ctx, "owner", "pw")
	require.NoError(t, err)
	other, err := h.Store.CreatePasswordUser(ctx, "other", "pw")
	require.NoError(t, err)
	first := submitDirect(t, h.Store, &owner.ID, 3)
	second := submitDirect(t, h.Store, &owner.ID, 2)
	kept := submitDirect(t, h.Store, &other.ID, 1)

	err = h.Store.DeleteUser(ctx, owner.ID)
	require.ErrorIs(t, err, store.ErrStillReferenced)
	var ce *store.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, store.ConstraintSimulationUser, ce.Constraint)
	assert.Contains(t, err.Error(), "owns 2 simulations")
	_, err = h.Store.GetUser(ctx, owner.ID)
	require.NoError(t, err, "the refused delete removed nothing")

	err = h.Store.InTx(ctx, func(tx *store.Store) error { return tx.DeleteUser(ctx, owner.ID) })
	require.ErrorIs(t, err, store.ErrStillReferenced, "the same refusal inside a transaction")

	require.NoError(t, h.Store.DeleteUser(ctx, owner.ID, store.DeleteOwnedSimulations()))
	_, err = h.Store.GetUser(ctx, owner.ID)
	assert.ErrorIs(t, err, store.ErrNotFound)
	for _, id := range []int32{first.ID, second.ID} {
		_, err = h.Store.GetSimulation(ctx, id)
		assert.ErrorIs(t, err, store.ErrNotFound, "the user's simulations went with it")
	}
	_, err = h.Store.GetSimulation(ctx, kept.ID)
	assert.NoError(t, err, "other users' simulations stay")
	assert.Equal(t, 1, h.count(t, "Task"), "only the other user's task is left")
	assert.Equal(t, 1, h.count(t, "CeleryTask"))
	assert.Equal(t, 1, h.count(t, "Input"))
	assert.Equal(t, 1, h.count(t, "YaptideUser"))

	lonely, err := h.Store.CreatePasswordUser(ctx, "lonely", "pw")
	require.NoError(t, err)
	require.NoError(t, h.Store.DeleteUser(ctx, lonely.ID))
	assert.ErrorIs(t, h.Store.DeleteUser(ctx, lonely.ID), store.ErrNotFound)
	assert.ErrorIs(t, h.Store.DeleteUser(ctx, lonely.ID, store.DeleteOwnedSimulations()), store.ErrNotFound)
	assert.Equal(t, 1, h.count(t, "User"), "only the other user is left")
}

// TestAuthenticateWhatWerkzeugAccepts stores hashes the platform's Werkzeug writes and verifies, computed by
// python3 exactly as Werkzeug 3.1 computes them (hashlib.scrypt and hashlib.pbkdf2_hmac over the UTF-8
// password and salt), for passwords the platform's registration once accepted (empty, with NUL bytes) and in
// legacy digests, and signs in with each; a method Werkzeug refuses too gives a typed error.
func TestAuthenticateWhatWerkzeugAccepts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, noAuthFloor) // correctness, not timing
	cases := [][2]string{
		{"scrypt:32768:8:1", ""},
		{"scrypt:32768:8:1", "nul\x00inside"},
		{"pbkdf2:sha256:1000", ""},
		{"pbkdf2:md5:1000", "legacy md5"},
		{"pbkdf2:blake2b:1000", "legacy blake2b"},
		{"pbkdf2:sha1:1000", "\x00"},
	}

	for i, c := range cases {
		name := fmt.Sprintf("user%d", i)
		insertPasswordUser(t, h, name, hashFor(t, c[0], c[1]))
		_, err := h.Store.Authenticate(ctx, name, c[1]+"x")
		assert.ErrorIs(t, err, store.ErrBadCredentials, "%s: a wrong password", c[0])
		user, err := h.Store.Authenticate(ctx, name, c[1])
		require.NoError(t, err, "%s, password %q", c[0], c[1])
		assert.Equal(t, name, user.Username)
		// Signed in once, the row now holds a fresh default hash of the same password.
		_, err = h.Store.Authenticate(ctx, name, c[1])
		require.NoError(t, err, "%s after the rehash", c[0])
	}

	// Creating such passwords stays refused.
	_, err := h.Store.CreatePasswordUser(ctx, "new", "")
	assert.ErrorIs(t, err, store.ErrInvalid)

	// Methods Werkzeug 3 refuses as well, and a malformed row, give typed errors, not a failed login.
	for hash, want := range map[string]error{
		"plain$$secret": store.ErrUnsupportedHash,
		"sha256$salt$" + strings.Repeat("ab", 32):                  store.ErrUnsupportedHash,
		"pbkdf2:sm3:1000$salt$" + strings.Repeat("ab", 32):         store.ErrUnsupportedHash,
		"scrypt:32768:8:1$salt$abc":                                store.ErrMalformedHash,
		"pbkdf2:sha512:100000000$salt$" + strings.Repeat("ab", 64): store.ErrHashTooCostly,
	} {
		name := fmt.Sprintf("odd%x", len(hash)+len(want.Error()))
		insertPasswordUser(t, h, name, hash)
		_, err := h.Store.Authenticate(ctx, name, "secret")
		assert.ErrorIs(t, err, want, hash)
		assert.NotErrorIs(t, err, store.ErrBadCredentials, hash)
		assert.NotContains(t, err.Error(), hash, "the error never carries the stored hash")
	}
}

// TestUserNeverMarshalsSecrets marshals users with encoding/json, logs them with slog's JSON and text handlers
// and formats them with %v and %#v: no hash, certificate or private key appears in any of them.
func TestUserNeverMarshalsSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	const cert, key = "-----BEGIN CERTIFICATE-----Cert-Secret-1", "-----BEGIN PRIVATE KEY-----Key-Secret-2"
	sso, _, err := h.Store.UpsertSSOUser(ctx, "carol", ptr(cert), ptr(key))
	require.NoError(t, err)
	_, err = h.Store.CreatePasswordUser(ctx, "alice", "Password-Secret-3")
	require.NoError(t, err)
	password, err := h.Store.GetUserByName(ctx, "alice", store.ProviderPassword)
	require.NoError(t, err)
	var hash string
	require.NoError(t, h.Pool.QueryRow(ctx, `SELECT password_hash FROM "YaptideUser"`).Scan(&hash))
	_, hashHex, _ := strings.Cut(hash[strings.Index(hash, "$")+1:], "$")

	var out bytes.Buffer
	for _, u := range []store.User{sso, password} {
		text, err := json.Marshal(u)
		require.NoError(t, err)
		out.Write(text)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("user", "user", u, "sso", u.SSO, "password", u.Password)
		slog.New(slog.NewTextHandler(&out, nil)).Info("user", "user", u, "sso", u.SSO, "password", u.Password)
		fmt.Fprintf(&out, "%v %+v %#v\n", u, u, u)
	}
	for _, secret := range []string{"Cert-Secret-1", "Key-Secret-2", "Password-Secret-3", hashHex} {
		assert.NotContains(t, out.String(), secret)
	}
	assert.Contains(t, out.String(), `"has_private_key":true`)
	assert.Contains(t, out.String(), `"method":"scrypt:32768:8:1"`)
}

func ptr[T any](v T) *T { return &v }

// noAuthFloor lets Authenticate answer as soon as it knows, for tests about what it answers, not when.
var noAuthFloor = store.WithoutAuthPaddingForTest()
