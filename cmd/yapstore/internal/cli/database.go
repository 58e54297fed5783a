package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/yapstore/yapstore/internal/dburl"
)

// The environment variables the database URL is read from, in order of preference after --database-url.
const (
	DatabaseURLEnv   = "DATABASE_URL"
	FlaskDatabaseEnv = "FLASK_SQLALCHEMY_DATABASE_URI" // the platform's own setting, in SQLAlchemy's format
)

// DatabaseURL returns the URL of the database the command works on, from --database-url, else
// DATABASE_URL, else FLASK_SQLALCHEMY_DATABASE_URI, converted to a URL pgx understands, and where it came
// from ("--database-url" or the variable's name). The password in it is registered as a secret, so it never
// appears in what Env prints. It returns ErrNoDatabase when none is set, and an error wrapping
// ErrUnsupportedDatabase for a URL of another kind of database.
func (e *Env) DatabaseURL() (dbURL, source string, err error) {
	raw, source := e.databaseFlag, "--database-url"
	if raw == "" {
		raw, source = e.Getenv(DatabaseURLEnv), DatabaseURLEnv
	}
	if raw == "" {
		raw, source = e.Getenv(FlaskDatabaseEnv), FlaskDatabaseEnv
	}
	if strings.TrimSpace(raw) == "" {
		return "", "", ErrNoDatabase
	}
	dbURL, err = NormalizeDatabaseURL(raw)
	if err == nil {
		err = dburl.Check(dbURL)
	}
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", source, err)
	}
	if cfg, perr := pgconn.ParseConfig(dbURL); perr == nil {
		e.AddSecret(cfg.Password)
	}
	if u, perr := url.Parse(dbURL); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			e.AddSecret(pw)
			e.AddSecret(url.QueryEscape(pw))
		}
	}
	return dbURL, source, nil
}

// NormalizeDatabaseURL turns the database URLs operators have at hand into one pgx accepts: a SQLAlchemy URL
// such as postgresql+psycopg://user:pass@host/db (any postgresql+DRIVER scheme) becomes postgresql://...;
// postgres:// and postgresql:// URLs and key=value connection strings pass unchanged. A URL with another
// scheme (sqlite://, mysql://, ...) gives an error wrapping ErrUnsupportedDatabase.
func NormalizeDatabaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw, nil // key=value connection string
	}
	base, _, _ := strings.Cut(strings.ToLower(scheme), "+")
	switch base {
	case "postgres", "postgresql":
		return "postgresql://" + rest, nil
	}
	return "", fmt.Errorf("%w: the scheme is %q; yapstore works with PostgreSQL only", ErrUnsupportedDatabase, scheme)
}
