// Package dburl handles PostgreSQL connection strings where a password must not leak: in messages (Redact)
// and on the command line of the PostgreSQL client programs yapstore runs (ClientEnv).
//
// A connection string comes in any form pgx accepts: a URL (postgres:// or postgresql://) with the password in
// its user info or as a password= query parameter, or key=value pairs. Both functions read every form, and
// neither ever hands back the text it was given when it cannot read it.
package dburl

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Hidden is what Redact puts where a password was.
const Hidden = "xxxxx"

// passwordParam matches a password given as a key=value pair or a URL query parameter, quoted or not.
var passwordParam = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)

// Redact returns s with its password replaced by Hidden, for messages and logs. A URL that does not parse as
// one (a bad port, an unencoded '/' or '%' in the password) is shown only up to its scheme, since where its
// password ends cannot be known; key=value text has every password= value replaced.
func Redact(s string) string {
	scheme, rest, isURL := strings.Cut(s, "://")
	if !isURL {
		return passwordParam.ReplaceAllString(s, "${1}"+Hidden)
	}
	u, err := readURL(s)
	if err != nil {
		return scheme + "://(" + strconv.Itoa(len(rest)) + " characters not shown: not a valid URL)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Hidden)
		}
	}
	q := u.Query()
	for key := range q {
		if strings.EqualFold(key, "password") {
			q.Set(key, Hidden)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// ErrUnreadable is returned by Check for a URL whose parts cannot be told apart for sure.
var ErrUnreadable = errors.New("not a valid URL")

// Check returns nil for key=value text and for a URL whose parts can be told apart, and otherwise an error
// wrapping ErrUnreadable that says how to fix it without quoting s. A driver may still read such a URL, but
// wrongly (a password with an unencoded '/' becomes part of the port and the database name), and then quote
// those parts, password included, in its errors: a caller refuses it before connecting.
func Check(s string) error {
	if !strings.Contains(s, "://") {
		return nil
	}
	if _, err := readURL(s); err != nil {
		return err
	}
	return nil
}

// readURL parses s as a URL and checks that its parts can be trusted: an '@' past the host means the user
// info was cut short by a '/', '?' or '#' in the password, whose first part then reads as the host or port.
func readURL(s string) (*url.URL, error) {
	_, rest, _ := strings.Cut(s, "://")
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" ||
		strings.ContainsRune(u.EscapedPath()+u.RawQuery+u.Fragment, '@') {
		return nil, fmt.Errorf("%w (%d characters not shown): percent-encode '/', '?', '#', '@' and '%%' in the user "+
			"name and password (e.g. %%2F for '/')", ErrUnreadable, len(rest))
	}
	return u, nil
}

// ErrNotPostgres is returned by ClientEnv for a connection string pgx cannot read.
var ErrNotPostgres = errors.New("dburl: not a PostgreSQL connection string")

// ClientEnv returns the environment, PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD and PGSSLMODE, under which
// a libpq client program (pg_dump, pgbench, psql) reaches the database s names with no connection string on
// its command line, where every local user could read the password (ps). The password goes in PGPASSWORD,
// which the program's own user alone can read (/proc/PID/environ). Only the first host of a multi-host string
// is used. It returns an error wrapping ErrNotPostgres, which never quotes s, when pgx cannot read s.
func ClientEnv(s string) ([]string, error) {
	cfg, err := pgconn.ParseConfig(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotPostgres, Redact(s))
	}
	return ConfigEnv(cfg), nil
}

// ConfigEnv is ClientEnv for connection settings already parsed, such as those of an open connection.
func ConfigEnv(cfg *pgconn.Config) []string {
	env := []string{
		"PGHOST=" + cfg.Host,
		"PGPORT=" + strconv.Itoa(int(cfg.Port)),
		"PGUSER=" + cfg.User,
		"PGDATABASE=" + cfg.Database,
	}
	if cfg.Password != "" {
		env = append(env, "PGPASSWORD="+cfg.Password)
	}
	if cfg.TLSConfig == nil {
		env = append(env, "PGSSLMODE=disable") // pgx would not use TLS either
	}
	return env
}

// WithEnv returns base, less every variable that says where to connect or as whom (PGHOST, PGHOSTADDR,
// PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGPASSFILE, PGSERVICE, PGSERVICEFILE, PGSSLMODE), then env: what a
// client program runs with, so that a stray setting of the caller's cannot redirect it. Other PG* settings
// (certificates, timeouts) pass.
func WithEnv(base, env []string) []string {
	out := make([]string, 0, len(base)+len(env))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGPASSFILE", "PGSERVICE",
			"PGSERVICEFILE", "PGSSLMODE":
			continue
		}
		out = append(out, kv)
	}
	return append(out, env...)
}
