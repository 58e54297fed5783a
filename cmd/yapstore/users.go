package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/store"
)

// userJSON is a user as --json prints it: never the password hash, the certificate or the private key, only
// the hash's method and whether the certificate and key are set.
type userJSON struct {
	ID             int32  `json:"id"`
	Username       string `json:"username"`
	AuthProvider   string `json:"auth_provider"`
	PasswordMethod string `json:"password_method,omitempty"`
	HasCert        *bool  `json:"has_cert,omitempty"`
	HasPrivateKey  *bool  `json:"has_private_key,omitempty"`
}

func newUserJSON(u store.User) userJSON {
	out := userJSON{ID: u.ID, Username: u.Username, AuthProvider: string(u.Provider)}
	switch {
	case u.Password != nil:
		out.PasswordMethod = u.Password.Method()
	case u.SSO != nil:
		cert, key := u.SSO.Cert != nil, u.SSO.PrivateKey != nil
		out.HasCert, out.HasPrivateKey = &cert, &key
	}
	return out
}

// credentials describes how a user signs in without revealing anything secret.
func credentials(u store.User) string {
	switch {
	case u.Password != nil:
		return "password hash " + u.Password.Method()
	case u.SSO != nil:
		return fmt.Sprintf("certificate: %s, private key: %s", setOrNone(u.SSO.Cert), setOrNone(u.SSO.PrivateKey))
	}
	return ""
}

func setOrNone(s *string) string {
	if s == nil {
		return "none"
	}
	return "set"
}

func listUsersCommand() *cli.Command {
	return &cli.Command{
		Name:     "list-users",
		Section:  sectionUsers,
		Summary:  "List users, ordered by username and auth provider",
		Database: true,
		JSON:     true,
		Description: `Lists every user with the way it signs in: for password users (YaptideUser) the method of the
stored hash (pbkdf2 hashes are upgraded to scrypt at the next login), for single-sign-on users
(KeycloakUser) whether a certificate and a private key are stored. Hashes, certificates and keys are
never printed.`,
		Examples: []string{
			"yapstore list-users",
			"yapstore list-users --json | jq -r '.[].username'",
		},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			users, err := s.ListUsers(ctx, "")
			if err != nil {
				return err
			}
			return cli.PrintList(env, users, "user", func(u store.User) any { return newUserJSON(u) },
				[]string{"ID", "USERNAME", "AUTH PROVIDER", "CREDENTIALS"},
				func(u store.User) []any { return []any{u.ID, u.Username, string(u.Provider), credentials(u)} })
		}),
	}
}

func addUserCommand() *cli.Command {
	var pw passwordFlags
	return &cli.Command{
		Name:     "add-user",
		Section:  sectionUsers,
		Usage:    "NAME",
		MinArgs:  1,
		MaxArgs:  1,
		Summary:  "Add a password user (YaptideUser) named NAME",
		Database: true,
		JSON:     true,
		Description: `Adds a user who signs in with a password kept by the platform (auth provider YaptideUser). The
password is stored as a Werkzeug-compatible scrypt hash, which the platform's backend verifies.
Single-sign-on users (KeycloakUser) are created by the platform at their first login.

` + passwordHelp,
		Flags: pw.register,
		Examples: []string{
			"yapstore add-user alice",
			"printf '%s\\n' \"$ALICE_PASSWORD\" | yapstore add-user alice --password-stdin",
		},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			name := env.Args[0]
			password, err := pw.read(ctx, env, fmt.Sprintf("Password for %s: ", name))
			if err != nil {
				return err
			}
			env.Logf("Adding user: %s", name)
			u, err := s.CreatePasswordUser(ctx, name, password)
			switch {
			case errors.Is(err, store.ErrConflict):
				return fmt.Errorf("user %s already exists; use update-user to change its password",
					userLabel(name, store.ProviderPassword))
			case errors.Is(err, store.ErrInvalid):
				return fmt.Errorf("cannot add user %q: %w", name, err)
			case err != nil:
				return err
			}
			return env.Report(newUserJSON(u), "Added user %s, id %d\n", userLabel(u.Username, u.Provider), u.ID)
		}),
	}
}

func updateUserCommand() *cli.Command {
	var pw passwordFlags
	return &cli.Command{
		Name:     "update-user",
		Section:  sectionUsers,
		Usage:    "NAME",
		MinArgs:  1,
		MaxArgs:  1,
		Summary:  "Set a new password for the password user NAME",
		Database: true,
		JSON:     true,
		Description: `Replaces the password of the user NAME who signs in with a password (YaptideUser). Users who sign
in through Keycloak have no password here.

` + passwordHelp,
		Flags: pw.register,
		Examples: []string{
			"yapstore update-user alice",
			"yapstore update-user alice --password-stdin < new-password.txt",
		},
		Run: storeRun(func(ctx context.Context, env *cli.Env, s *store.Store) error {
			name := env.Args[0]
			u, err := s.GetUserByName(ctx, name, store.ProviderPassword)
			if errors.Is(err, store.ErrNotFound) {
				if _, ssoErr := s.GetUserByName(ctx, name, store.ProviderSSO); ssoErr == nil {
					return fmt.Errorf("user %q signs in through Keycloak (KeycloakUser): it has no password to update", name)
				}
				return fmt.Errorf("user %s does not exist", userLabel(name, store.ProviderPassword))
			}
			if err != nil {
				return err
			}
			password, err := pw.read(ctx, env, fmt.Sprintf("New password for %s: ", name))
			if err != nil {
				return err
			}
			env.Logf("Updating the password of user: %s", name)
			if err := s.ChangePassword(ctx, u.ID, password); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("user %s was deleted meanwhile", userLabel(name, store.ProviderPassword))
				}
				return err
			}
			return env.Report(newUserJSON(u), "Updated the password of user %s, id %d\n", userLabel(u.Username, u.Provider), u.ID)
		}),
	}
}

// removedUserJSON is what remove-user --json prints.
type removedUserJSON struct {
	userJSON
	DeletedSimulations int64 `json:"deleted_simulations"`
}

func removeUserCommand() *cli.Command {
	var cascade bool
	return &cli.Command{
		Name:     "remove-user",
		Section:  sectionUsers,
		Usage:    "NAME AUTH_PROVIDER",
		MinArgs:  2,
		MaxArgs:  2,
		Summary:  "Delete the user NAME of AUTH_PROVIDER (YaptideUser or KeycloakUser)",
		Database: true,
		JSON:     true,
		Confirm:  true,
		Description: `Deletes a user. The same name may exist once per auth provider, so the provider is required:
YaptideUser (password) or KeycloakUser (single sign-on); case does not matter.

A user who owns simulations is not deleted: the command says how many and exits with 1. With --cascade
those simulations are deleted too, with their tasks, inputs, results and logs, in the same transaction,
after a confirmation on the terminal (--yes instead, which is required when standard input is not a
terminal). Should the user's simulations change between the question and the deletion, nothing is deleted.`,
		Flags: func(fs *cli.FlagSet) {
			fs.BoolVar(&cascade, "cascade", "also delete the simulations the user owns, with everything under them")
		},
		Examples: []string{
			"yapstore remove-user alice YaptideUser",
			"yapstore remove-user bob KeycloakUser --cascade",
			"yapstore remove-user bob KeycloakUser --cascade --yes --json",
		},
		Run: func(ctx context.Context, env *cli.Env) error {
			name := env.Args[0]
			provider, err := parseProvider(env.Args[1])
			if err != nil {
				return err
			}
			return withStore(ctx, env, func(s *store.Store) error {
				env.Logf("Deleting user: %s", userLabel(name, provider))
				// What would go is counted first, and the operator asked outside any transaction; the
				// deletion then counts again and deletes only what was confirmed.
				u, owned, err := userAndSimulations(ctx, s, name, provider)
				if err == nil && owned > 0 && cascade {
					err = env.Confirm(ctx, fmt.Sprintf("Delete user %s and the %s it owns, with everything under them?",
						userLabel(name, provider), cli.Plural(int(owned), "simulation")))
				}
				if err == nil {
					err = s.InTx(ctx, func(tx *store.Store) error {
						now, count, err := userAndSimulations(ctx, tx, name, provider)
						switch {
						case err != nil:
							return err
						case now.ID != u.ID || count != owned:
							return errUserChanged
						case owned > 0 && !cascade:
							return errOwnsSimulations
						case owned > 0:
							return tx.DeleteUser(ctx, u.ID, store.DeleteOwnedSimulations())
						}
						return tx.DeleteUser(ctx, u.ID)
					})
				}
				switch {
				case errors.Is(err, errUserChanged):
					return fmt.Errorf("user %s or its simulations changed while deleting; nothing was deleted, run the command again",
						userLabel(name, provider))
				case errors.Is(err, store.ErrNotFound):
					return fmt.Errorf("user %s does not exist", userLabel(name, provider))
				case errors.Is(err, errOwnsSimulations), errors.Is(err, store.ErrStillReferenced):
					what := "simulations"
					if owned > 0 {
						what = cli.Plural(int(owned), "simulation")
					}
					return fmt.Errorf("user %s owns %s; pass --cascade to delete them together with the user",
						userLabel(name, provider), what)
				case err != nil:
					return err
				}
				var also string
				if owned > 0 {
					also = ", and its " + cli.Plural(int(owned), "simulation")
				}
				return env.Report(removedUserJSON{userJSON: newUserJSON(u), DeletedSimulations: owned},
					"Deleted user %s, id %d%s\n", userLabel(name, provider), u.ID, also)
			})
		},
	}
}

// errOwnsSimulations stops remove-user's transaction when the user owns simulations and --cascade is not
// given; errUserChanged when the user or the number of its simulations is not what was confirmed.
var (
	errOwnsSimulations = errors.New("user owns simulations")
	errUserChanged     = errors.New("user changed")
)

// userAndSimulations returns the user name of provider and how many simulations it owns, in two queries.
func userAndSimulations(ctx context.Context, s *store.Store, name string, provider store.AuthProvider) (store.User, int64, error) {
	u, err := s.GetUserByName(ctx, name, provider)
	if err != nil {
		return store.User{}, 0, err
	}
	owned, err := countSimulations(ctx, s, u.ID)
	return u, owned, err
}

// countSimulations returns how many simulations the user with id userID owns, through the store's paged
// list (its total), one query.
func countSimulations(ctx context.Context, s *store.Store, userID int32) (int64, error) {
	page, err := s.ListSimulations(ctx, store.SimulationQuery{UserID: userID, PageSize: 1})
	if err != nil {
		return 0, err
	}
	return page.Total, nil
}
