package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/store"
)

// parseProvider returns the auth provider spelled s, ignoring case ("YaptideUser", "keycloakuser"), or a
// usage error naming the two that exist.
func parseProvider(s string) (store.AuthProvider, error) {
	for _, p := range []store.AuthProvider{store.ProviderPassword, store.ProviderSSO} {
		if strings.EqualFold(s, string(p)) {
			return p, nil
		}
	}
	return "", cli.Usagef("unknown auth provider %q: use %s or %s", s, store.ProviderPassword, store.ProviderSSO)
}

// userLabel names a user in messages: alice (YaptideUser).
func userLabel(name string, provider store.AuthProvider) string {
	return fmt.Sprintf("%s (%s)", name, provider)
}

// ownerFilter is the --user and --auth-provider pair of list-simulations and list-tasks.
type ownerFilter struct {
	username string
	provider string
}

func (f *ownerFilter) register(fs *cli.FlagSet, what string) {
	fs.StringVar(&f.username, "user", "NAME", "only "+what+" of the user(s) named NAME")
	fs.StringVar(&f.provider, "auth-provider", "PROVIDER",
		"only "+what+" of users signing in through PROVIDER: YaptideUser or KeycloakUser")
}

// owners is every user by id and, when a filter is given, the ids it matches.
type owners struct {
	byID  map[int32]store.User
	match map[int32]bool // nil: no filter
}

// load reads every user (one query) and applies the filter. A --user that names nobody is an error, as in
// the old script; an unknown provider is a usage error.
func (f ownerFilter) load(ctx context.Context, s *store.Store) (owners, error) {
	var provider store.AuthProvider
	if f.provider != "" {
		p, err := parseProvider(f.provider)
		if err != nil {
			return owners{}, err
		}
		provider = p
	}
	users, err := s.ListUsers(ctx, "")
	if err != nil {
		return owners{}, err
	}
	o := owners{byID: make(map[int32]store.User, len(users))}
	for _, u := range users {
		o.byID[u.ID] = u
	}
	if f.username == "" && provider == "" {
		return o, nil
	}
	o.match = map[int32]bool{}
	for _, u := range users {
		if (f.username == "" || u.Username == f.username) && (provider == "" || u.Provider == provider) {
			o.match[u.ID] = true
		}
	}
	if f.username != "" && len(o.match) == 0 {
		if provider != "" {
			return owners{}, fmt.Errorf("user %s does not exist", userLabel(f.username, provider))
		}
		return owners{}, fmt.Errorf("user %q does not exist", f.username)
	}
	return o, nil
}

// owns reports whether the filter lets through a simulation owned by userID (nil: no owner recorded).
func (o owners) owns(userID *int32) bool {
	if o.match == nil {
		return true
	}
	return userID != nil && o.match[*userID]
}

// simulations returns the simulations the filter lets through, newest first: one query, for one user's
// simulations or for all of them.
func (o owners) simulations(ctx context.Context, s *store.Store) ([]store.Simulation, error) {
	if len(o.match) == 1 {
		for id := range o.match {
			return s.ListAllSimulations(ctx, &id)
		}
	}
	all, err := s.ListAllSimulations(ctx, nil)
	if err != nil || o.match == nil {
		return all, err
	}
	kept := all[:0]
	for _, sim := range all {
		if o.owns(sim.UserID) {
			kept = append(kept, sim)
		}
	}
	return kept, nil
}

// ownerOf returns the user owning a simulation, or nil when none is recorded or the user is gone.
func (o owners) ownerOf(userID *int32) *store.User {
	if userID == nil {
		return nil
	}
	if u, ok := o.byID[*userID]; ok {
		return &u
	}
	return nil
}

// ownerJSON is how JSON output names a simulation's owner.
type ownerJSON struct {
	UserID       *int32 `json:"user_id"`
	Username     string `json:"username,omitempty"`
	AuthProvider string `json:"auth_provider,omitempty"`
}

func (o owners) ownerJSON(userID *int32) ownerJSON {
	out := ownerJSON{UserID: userID}
	if u := o.ownerOf(userID); u != nil {
		out.Username, out.AuthProvider = u.Username, string(u.Provider)
	}
	return out
}

// ownerCells returns the USER and PROVIDER cells of a table row.
func (o owners) ownerCells(userID *int32) (string, string) {
	if u := o.ownerOf(userID); u != nil {
		return u.Username, string(u.Provider)
	}
	if userID != nil {
		return fmt.Sprintf("#%d", *userID), ""
	}
	return "", ""
}
