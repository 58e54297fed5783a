package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
	"github.com/yapstore/yapstore/store/internal/passhash"
)

// ErrBadCredentials is returned by Authenticate when the username and password do not identify a password
// user: the user does not exist, is a single-sign-on user, or the password is wrong. The three cases are
// deliberately indistinguishable, in the error and (as far as possible) in the time taken.
var ErrBadCredentials = errors.New("yapstore: wrong username or password")

// The errors Authenticate returns, wrapped, for a stored password hash it cannot check. They are not about
// the password given: the row needs an operator (or a password reset), and a service answers them as a
// server error, not as a failed login.
var (
	// ErrMalformedHash is matched when the stored hash is not in Werkzeug's "method$salt$hex" form or carries
	// parameters Werkzeug itself would refuse.
	ErrMalformedHash = passhash.ErrMalformed
	// ErrUnsupportedHash is matched when the stored hash names a method this library does not verify: the
	// "plain" and bare-digest methods that Werkzeug 3 refuses too, or a digest with no Go implementation (SM3).
	ErrUnsupportedHash = passhash.ErrUnknownMethod
	// ErrHashTooCostly is matched when the stored hash asks for more work or memory than the limits allow
	// (see Authenticate), so that one row cannot cost seconds of CPU per login attempt.
	ErrHashTooCostly = passhash.ErrCostTooHigh
)

// ErrMissingVariant is returned when a parent row lacks the child row its discriminator names, for example a
// "User" row with auth_provider YaptideUser but no "YaptideUser" row, or a BATCH simulation without its
// "BatchSimulation" row. yapstore never writes such rows; they come from a database changed by other means.
var ErrMissingVariant = errors.New("yapstore: row lacks the variant row its discriminator names")

// User is a user of the platform. Exactly one of Password and SSO is non-nil, matching Provider.
type User struct {
	ID       int32
	Username string
	Provider AuthProvider
	Password *PasswordAccount // set when Provider is ProviderPassword
	SSO      *SSOAccount      // set when Provider is ProviderSSO
}

// PasswordAccount is the variant of a user who signs in with a password kept by the platform. It holds the
// stored hash, which never leaves the package and is never printed.
type PasswordAccount struct {
	hash string
}

// Method returns the hashing method of the stored password hash, such as "scrypt:32768:8:1" or
// "pbkdf2:sha256:600000", or "" when the stored value has no method field.
func (a PasswordAccount) Method() string {
	method, _, found := strings.Cut(a.hash, "$")
	if !found {
		return ""
	}
	return method
}

// String describes the account by its hashing method only.
func (a PasswordAccount) String() string { return "password account (" + a.Method() + ")" }

// GoString is String, so that %#v does not print the hash either.
func (a PasswordAccount) GoString() string { return a.String() }

// MarshalJSON writes the account as {"method": "<hashing method>"}: the hash itself never leaves the package.
func (a PasswordAccount) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Method string `json:"method"`
	}{a.Method()})
}

// LogValue is String, so that log/slog (whatever its handler) never prints the hash.
func (a PasswordAccount) LogValue() slog.Value { return slog.StringValue(a.String()) }

// SSOAccount is the variant of a user who signs in through single sign-on (Keycloak). Cert and PrivateKey are
// the user's certificate and key for the HPC clusters, when known.
type SSOAccount struct {
	Cert       *string
	PrivateKey *string
}

// String says which of the certificate and key are present without printing either.
func (a SSOAccount) String() string {
	return fmt.Sprintf("single-sign-on account (cert: %s, private key: %s)", present(a.Cert), present(a.PrivateKey))
}

// MarshalJSON writes the account as {"has_cert": bool, "has_private_key": bool}: neither the certificate nor
// the key is ever marshalled. A service that must hand them to a cluster reads the fields themselves.
func (a SSOAccount) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		HasCert       bool `json:"has_cert"`
		HasPrivateKey bool `json:"has_private_key"`
	}{a.Cert != nil, a.PrivateKey != nil})
}

// LogValue is String, so that log/slog (whatever its handler) prints neither the certificate nor the key.
func (a SSOAccount) LogValue() slog.Value { return slog.StringValue(a.String()) }

// GoString is String, so that %#v does not print the key either.
func (a SSOAccount) GoString() string { return a.String() }

func present(s *string) string {
	if s == nil {
		return "none"
	}
	return "set"
}

// CreatePasswordUser creates a user who signs in with password, storing a Werkzeug-compatible scrypt hash of
// it, and returns the user. It returns ErrInvalid for an empty username or password or one that is not valid
// UTF-8 or contains a NUL byte, and ErrConflict (a *ConstraintError naming _username_provider_uc) when a
// password user with that name exists.
func (s *Store) CreatePasswordUser(ctx context.Context, username, password string) (User, error) {
	if err := checkUsername(username); err != nil {
		return User{}, err
	}
	if err := checkPassword(password); err != nil {
		return User{}, err
	}
	hash, err := passhash.Hash(password)
	if err != nil {
		return User{}, fmt.Errorf("yapstore: hash password: %w", err)
	}
	row, err := queries.CreatePasswordUser(ctx, s.exec(), dbsqlc.CreatePasswordUserParams{Username: username, PasswordHash: hash})
	if err != nil {
		return User{}, mapError(err)
	}
	return User{ID: row.ID, Username: row.Username, Provider: ProviderPassword, Password: &PasswordAccount{hash: row.PasswordHash}}, nil
}

// Authenticate checks a password user's credentials and returns the user. It verifies every stored hash the
// platform's Werkzeug verifies: scrypt, and pbkdf2 with any digest Werkzeug's hashlib offers, including for the
// empty password and passwords with NUL bytes, which the platform's registration once accepted (creating such
// passwords stays refused). When the username is unknown, names a single-sign-on user only, or the password is
// wrong, it returns ErrBadCredentials and takes about as long as a wrong password would. After a successful
// check it replaces a hash in an older method (pbkdf2, or scrypt with other parameters) by a fresh default one;
// that upgrade is best effort: if it fails, the login still succeeds and the upgrade is tried again at the next
// login. A stored hash that cannot be checked gives an error matching ErrMalformedHash, ErrUnsupportedHash or
// ErrHashTooCostly.
//
// Its time does not tell users apart: whatever the outcome and the stored hash's method, the call takes at
// least as long as verifying the costliest hash it accepts (see WithAuthFloor), so that an unknown user, a
// legacy pbkdf2 user and a scrypt user look alike to a clock. A stored hash costlier than the limits (about
// twice the platform's default scrypt: N·r·p up to 2^19, or pbkdf2 up to 1,000,000 SHA-256 iterations or the
// same work in another digest) is refused with ErrHashTooCostly before any work.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	start := time.Now()
	// The work runs on a goroutine of its own: verifying a scrypt hash allocates 32 MiB, and the garbage
	// collector would make the goroutine that allocated it pay for that in its next allocations, after the
	// padding, where a clock would see it. The debt ends with this goroutine.
	type outcome struct {
		user User
		err  error
	}
	done := make(chan outcome, 1)
	go func() {
		user, err := s.authenticate(ctx, username, password)
		done <- outcome{user, err}
	}()
	o := <-done
	s.config().authFloor.pad(ctx, start)
	return o.user, o.err
}

// authenticate is Authenticate without the padding of its time.
func (s *Store) authenticate(ctx context.Context, username, password string) (User, error) {
	// Only what no Python str can hold is refused unseen: a password that is not UTF-8 text.
	if checkUsername(username) != nil || !utf8.ValidString(password) {
		return User{}, ErrBadCredentials
	}
	row, err := queries.GetUserByName(ctx, s.exec(), dbsqlc.GetUserByNameParams{Username: username, AuthProvider: string(ProviderPassword)})
	if err != nil {
		err = mapError(err)
		if errors.Is(err, ErrNotFound) {
			return User{}, ErrBadCredentials // Authenticate's floor hides that no hash was verified
		}
		return User{}, err
	}
	user, err := userFromRow(userRow(row))
	if err != nil {
		return User{}, err
	}
	ok, err := passhash.Verify(password, user.Password.hash)
	if err != nil {
		return User{}, fmt.Errorf("yapstore: stored password hash of user %d: %w", user.ID, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	if passhash.NeedsRehash(user.Password.hash) {
		if fresh, err := passhash.Hash(password); err == nil {
			n, err := queries.ReplacePasswordHash(ctx, s.exec(), dbsqlc.ReplacePasswordHashParams{ID: user.ID, OldHash: user.Password.hash, NewHash: fresh})
			if err == nil && n == 1 {
				user.Password.hash = fresh
			}
		}
	}
	return user, nil
}

// ChangePassword replaces the password of the password user with id userID. It returns ErrInvalid for a
// password CreatePasswordUser would refuse, and ErrNotFound when no password user has that id (including when
// the id is a single-sign-on user's).
func (s *Store) ChangePassword(ctx context.Context, userID int32, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := passhash.Hash(password)
	if err != nil {
		return fmt.Errorf("yapstore: hash password: %w", err)
	}
	n, err := queries.UpdatePasswordHash(ctx, s.exec(), dbsqlc.UpdatePasswordHashParams{ID: userID, PasswordHash: hash})
	if err != nil {
		return mapError(err)
	}
	if n == 0 {
		return notFoundf("password user %d", userID)
	}
	return nil
}

// UpsertSSOUser creates the single-sign-on user username with the given certificate and private key, or,
// when that user exists, replaces its certificate and key (nil clears one). It returns the user and whether
// it was created. It returns ErrInvalid for an empty username or one with a NUL byte or invalid UTF-8.
func (s *Store) UpsertSSOUser(ctx context.Context, username string, cert, privateKey *string) (User, bool, error) {
	if err := checkUsername(username); err != nil {
		return User{}, false, err
	}
	if err := checkTextFields(cert, privateKey); err != nil {
		return User{}, false, err
	}
	row, err := queries.UpsertSSOUser(ctx, s.exec(), dbsqlc.UpsertSSOUserParams{Username: username, Cert: cert, PrivateKey: privateKey})
	if err != nil {
		return User{}, false, mapError(err)
	}
	user := User{ID: row.ID, Username: row.Username, Provider: ProviderSSO, SSO: &SSOAccount{Cert: row.Cert, PrivateKey: row.PrivateKey}}
	return user, row.Created, nil
}

// GetUser returns the user with id id, with its variant. It returns ErrNotFound when there is none.
func (s *Store) GetUser(ctx context.Context, id int32) (User, error) {
	row, err := queries.GetUser(ctx, s.exec(), id)
	if err != nil {
		return User{}, notFoundOr(mapError(err), "user %d", id)
	}
	return userFromRow(userRow(row))
}

// GetUserByName returns the user with the given username and provider. It returns ErrInvalid for an unknown
// provider or a username no user can have (see checkUsername), without a round trip, and ErrNotFound when
// there is no such user.
func (s *Store) GetUserByName(ctx context.Context, username string, provider AuthProvider) (User, error) {
	if !provider.Valid() {
		return User{}, invalidf("unknown auth provider %q", provider)
	}
	if err := checkUsername(username); err != nil {
		return User{}, err
	}
	row, err := queries.GetUserByName(ctx, s.exec(), dbsqlc.GetUserByNameParams{Username: username, AuthProvider: string(provider)})
	if err != nil {
		return User{}, notFoundOr(mapError(err), "user %q (%s)", username, provider)
	}
	return userFromRow(userRow(row))
}

// ListUsers returns the users of provider, or of every provider when provider is "", ordered by username and
// then provider. It returns ErrInvalid for an unknown provider.
func (s *Store) ListUsers(ctx context.Context, provider AuthProvider) ([]User, error) {
	if provider != "" && !provider.Valid() {
		return nil, invalidf("unknown auth provider %q", provider)
	}
	rows, err := queries.ListUsers(ctx, s.exec(), string(provider))
	if err != nil {
		return nil, mapError(err)
	}
	return convertRows(rows, func(r dbsqlc.ListUsersRow) (User, error) { return userFromRow(userRow(r)) })
}

// DeleteUserOption changes what DeleteUser does.
type DeleteUserOption func(*deleteUserOptions)

type deleteUserOptions struct{ withSimulations bool }

// DeleteOwnedSimulations makes DeleteUser delete the user's simulations too, with everything under them
// (tasks, inputs, results, log files), even those still running.
func DeleteOwnedSimulations() DeleteUserOption {
	return func(o *deleteUserOptions) { o.withSimulations = true }
}

// DeleteUser deletes the user with id id and its variant row. A user who still owns simulations is not
// deleted: the error matches ErrStillReferenced (and is a *ConstraintError naming Simulation_user_id_fkey) and
// says how many simulations the user owns, unless DeleteOwnedSimulations is given, in which case those
// simulations are deleted in the same statement. It returns ErrNotFound when there is no such user.
func (s *Store) DeleteUser(ctx context.Context, id int32, opts ...DeleteUserOption) error {
	var o deleteUserOptions
	for _, opt := range opts {
		opt(&o)
	}
	var (
		n   int64
		err error
	)
	if o.withSimulations {
		n, err = queries.DeleteUserWithSimulations(ctx, s.exec(), id)
	} else {
		n, err = queries.DeleteUser(ctx, s.exec(), id)
	}
	if err != nil {
		err = mapDeleteError(err)
		var ce *ConstraintError
		if errors.As(err, &ce) && ce.Constraint == ConstraintSimulationUser {
			return s.stillOwnsError(ctx, id, ce)
		}
		return err
	}
	if n == 0 {
		return notFoundf("user %d", id)
	}
	return nil
}

// stillOwnsError builds DeleteUser's error for a user who owns simulations, counting them. Inside a
// transaction the failed statement has aborted it, so the count is left out there.
func (s *Store) stillOwnsError(ctx context.Context, id int32, ce *ConstraintError) error {
	if !s.inTx {
		if count, err := queries.CountSimulationsOfUser(ctx, s.exec(), &id); err == nil {
			return fmt.Errorf("yapstore: user %d owns %d simulations; delete them first or pass DeleteOwnedSimulations: %w", id, count, ce)
		}
	}
	return fmt.Errorf("yapstore: user %d owns simulations; delete them first or pass DeleteOwnedSimulations: %w", id, ce)
}

// userRow is the shape every user query returns; the generated row types convert to it.
type userRow struct {
	ID           int32
	Username     string
	AuthProvider string
	PasswordHash *string
	Cert         *string
	PrivateKey   *string
}

// userFromRow builds a User with its variant, or returns ErrMissingVariant when the variant row is missing.
func userFromRow(r userRow) (User, error) {
	u := User{ID: r.ID, Username: r.Username, Provider: AuthProvider(r.AuthProvider)}
	switch u.Provider {
	case ProviderPassword:
		if r.PasswordHash == nil {
			return User{}, fmt.Errorf("%w: user %d has auth_provider %s but no YaptideUser row", ErrMissingVariant, r.ID, r.AuthProvider)
		}
		u.Password = &PasswordAccount{hash: *r.PasswordHash}
	case ProviderSSO:
		u.SSO = &SSOAccount{Cert: r.Cert, PrivateKey: r.PrivateKey}
	default:
		return User{}, fmt.Errorf("%w: user %d has unknown auth_provider %q", ErrMissingVariant, r.ID, r.AuthProvider)
	}
	return u, nil
}

// checkUsername refuses a username the database cannot store or the platform cannot use.
func checkUsername(username string) error {
	return checkName("username", username)
}

// checkPassword refuses passwords that cannot be hashed unambiguously: empty ones, invalid UTF-8 (Werkzeug
// hashes text), and NUL bytes (which HMAC-based hashes ignore at the end of a password).
func checkPassword(password string) error {
	if password == "" {
		return invalidf("empty password")
	}
	if !utf8.ValidString(password) || strings.ContainsRune(password, 0) {
		return invalidf("password must be UTF-8 text without NUL bytes")
	}
	return nil
}

// notFoundOr names what was not found when err is ErrNotFound, and returns other errors unchanged.
func notFoundOr(err error, format string, args ...any) error {
	if errors.Is(err, ErrNotFound) {
		return notFoundf(format, args...)
	}
	return err
}
