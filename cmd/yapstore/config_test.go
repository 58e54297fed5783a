package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/storetest"
)

// unreachableURL names a port nothing listens on, with a password that must never be printed.
const unreachableURL = "postgres://admin:Unreachable-Secret-77@127.0.0.1:1/yaptide"

func TestMissingDatabaseIsOneLine(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"list-users"}, {"add-user", "alice", "--password", "pw"}, {"remove-task", "1", "2"}, {"list-clusters", "-v"},
	} {
		r := yap(t, args...)
		requireFailure(t, r, 1, "no database configured", "--database-url", "DATABASE_URL", "FLASK_SQLALCHEMY_DATABASE_URI")
		require.Empty(t, r.stdout)
	}
}

func TestUnreachableDatabaseIsOneLine(t *testing.T) {
	t.Parallel()
	r := yapDB(t, unreachableURL, "list-users")
	requireFailure(t, r, 1, "cannot connect to the database at postgresql://admin:xxxxx@127.0.0.1:1/yaptide", "refused")
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")

	r = invocation{env: map[string]string{"DATABASE_URL": unreachableURL}}.run(t, "-v", "-v", "list-simulations")
	require.Equal(t, 1, r.code)
	require.NotContains(t, r.stderr, "Unreachable-Secret-77")
	require.Contains(t, r.stderr, "(from DATABASE_URL)")

	// A server that answers but has no such database.
	db := storetest.New(t)
	u, err := url.Parse(db.URL)
	require.NoError(t, err)
	u.Path = "/no_such_database_here"
	r = yapDB(t, u.String(), "list-clusters")
	requireFailure(t, r, 1, "cannot connect to the database", `database "no_such_database_here" does not exist`)
}

func TestDatabaseURLSources(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	_, err := db.Pool.Exec(context.Background(), `INSERT INTO "Cluster" (cluster_name) VALUES ('from-the-right-db')`)
	require.NoError(t, err)
	scheme, rest, ok := strings.Cut(db.URL, "://")
	require.True(t, ok, "storetest gives a URL: %s", scheme)

	for name, env := range map[string]map[string]string{
		"DATABASE_URL":                          {"DATABASE_URL": db.URL},
		"FLASK psycopg":                         {"FLASK_SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://" + rest},
		"FLASK psycopg2":                        {"FLASK_SQLALCHEMY_DATABASE_URI": "postgresql+psycopg2://" + rest},
		"FLASK plain":                           {"FLASK_SQLALCHEMY_DATABASE_URI": "postgresql://" + rest},
		"DATABASE_URL before FLASK":             {"DATABASE_URL": db.URL, "FLASK_SQLALCHEMY_DATABASE_URI": unreachableURL},
		"flag before DATABASE_URL (flag below)": {"DATABASE_URL": unreachableURL},
	} {
		args := []string{"list-clusters", "--json"}
		if env["DATABASE_URL"] == unreachableURL {
			args = append(args, "--database-url", db.URL)
		}
		r := invocation{env: env}.run(t, args...)
		requireOK(t, r)
		require.Contains(t, r.stdout, "from-the-right-db", name)
	}

	r := invocation{env: map[string]string{"FLASK_SQLALCHEMY_DATABASE_URI": "sqlite:////app/data/main.db"}}.run(t, "list-users")
	requireFailure(t, r, 1, "FLASK_SQLALCHEMY_DATABASE_URI", "PostgreSQL only")
}

func TestUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	_, err := db.Pool.Exec(context.Background(), `DROP SCHEMA public CASCADE; CREATE SCHEMA public`)
	require.NoError(t, err)
	r := yapDB(t, db.URL, "list-users")
	requireFailure(t, r, 1, "the database has no yapstore tables", `relation "User" does not exist`)
}

// TestSecretsNeverPrinted runs the commands that handle passwords and keys at the highest verbosity and
// checks that no password, hash, key or database password appears in anything printed.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	dbURL, dbPassword := withPassword(t, db.URL, "Db-Password-Secret-31")

	const pw1, pw2, pw3 = "Flag-Password-Secret-1", "Stdin-Password-Secret-2", "Stdin-Password-Secret-3"
	var outputs []result
	outputs = append(outputs, yapDB(t, dbURL, "add-user", "alice", "--password", pw1, "-v", "-v", "-v"))
	outputs = append(outputs, invocation{stdin: pw2 + "\n"}.run(t, "--database-url", dbURL, "-vvv", "add-user", "bob", "--password-stdin"))
	outputs = append(outputs, invocation{stdin: pw3 + "\n"}.run(t, "--database-url", dbURL, "update-user", "bob", "--password-stdin", "-vv"))
	for _, r := range outputs {
		require.Equal(t, 0, r.code, r.stderr)
	}

	key, cert := "-----BEGIN PRIVATE KEY-----Key-Material-Secret", "-----BEGIN CERTIFICATE-----Cert-Text"
	_, err := db.Pool.Exec(ctx, `WITH u AS (INSERT INTO "User" (username, auth_provider) VALUES ('carol', 'KeycloakUser') RETURNING id)
		INSERT INTO "KeycloakUser" (id, cert, private_key) SELECT id, $1, $2 FROM u`, cert, key)
	require.NoError(t, err)
	var hashes []string
	rows, err := db.Pool.Query(ctx, `SELECT password_hash FROM "YaptideUser"`)
	require.NoError(t, err)
	for rows.Next() {
		var h string
		require.NoError(t, rows.Scan(&h))
		hashes = append(hashes, h)
	}
	require.NoError(t, rows.Err())
	require.Len(t, hashes, 2)

	for _, args := range [][]string{
		{"list-users", "-v", "-v", "-v"}, {"list-users", "--json", "-vvv"}, {"list-simulations", "-vvv"},
		{"list-tasks", "-vvv", "--user", "carol"}, {"remove-user", "carol", "KeycloakUser", "-vvv"},
		{"add-user", "alice", "--password", pw1, "-vvv"}, // fails: exists; its error must not echo it either
	} {
		outputs = append(outputs, yapDB(t, dbURL, args...))
	}
	require.Contains(t, outputs[3].stderr, "sql: ", "-v -v logs statements")
	for i, r := range outputs {
		printed := r.stdout + r.stderr
		for _, secret := range append([]string{pw1, pw2, pw3, key, "Key-Material-Secret", dbPassword}, hashes...) {
			require.NotContains(t, printed, secret, "run %d printed a secret:\n%s", i, printed)
		}
		for _, h := range hashes {
			_, salted, _ := strings.Cut(h, "$")
			require.NotContains(t, printed, salted, "run %d printed a hash's salt and digest", i)
		}
	}
}

// withPassword returns dbURL with a password: its own when it has one (the server checks it), else the
// given one (the server trusts local connections and ignores it). It returns the URL and the password.
func withPassword(t *testing.T, dbURL, password string) (string, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	if p, ok := u.User.Password(); ok {
		return dbURL, p
	}
	u.User = url.UserPassword(u.User.Username(), password)
	return u.String(), password
}

func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	var walk func(prefix []string, cmd *cli.Command)
	walk = func(prefix []string, cmd *cli.Command) {
		path := append(append([]string{}, prefix...), cmd.Name)
		args := append(append([]string{}, path[1:]...), "--help")
		r := yap(t, args...)
		requireOK(t, r)
		require.True(t, strings.HasPrefix(r.stdout, "Usage: "+strings.Join(path, " ")), "help of %v:\n%s", path, r.stdout)
		require.Regexp(t, `\nExamples:\n(  .*\n)*  yapstore `, r.stdout, "help of %v has an example", path)
		require.Contains(t, r.stdout, "-h, --help")
		for _, sub := range cmd.Commands {
			walk(path, sub)
		}
	}
	walk(nil, rootCommand())

	r := yap(t, "help", "remove-user")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Usage: yapstore remove-user NAME AUTH_PROVIDER [flags]")
	require.Contains(t, r.stdout, "--cascade")

	// -h after arguments works too.
	r = yap(t, "remove-task", "1", "2", "-h")
	requireOK(t, r)
	require.Contains(t, r.stdout, "Usage: yapstore remove-task SIMULATION_ID TASK_ID")

	r = yap(t, "--help")
	requireOK(t, r)
	for _, section := range []string{"Users:", "Simulations and tasks:", "Clusters:", "Schema:"} {
		require.Contains(t, r.stdout, "\n"+section+"\n")
	}
	require.Contains(t, r.stdout, "  remove-task SIMULATION_ID TASK_ID ")
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	r := yap(t)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "Usage: yapstore COMMAND")
	require.Empty(t, r.stdout)

	requireFailure(t, yap(t, "list-user"), 2, `unknown command "list-user"`)
	requireFailure(t, yap(t, "list-users", "--nope"), 2, "unknown flag -nope")
	requireFailure(t, yap(t, "list-users", "extra"), 2, `unexpected argument "extra"`)
	requireFailure(t, yap(t, "schema", "pictures"), 2, `unknown command "pictures"`)
	requireFailure(t, yap(t, "list-users", "--database-url"), 2, "flag needs an argument")

	r = yap(t, "schema")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "diagram")
}
