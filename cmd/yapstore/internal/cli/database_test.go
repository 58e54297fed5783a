package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNormalizeDatabaseURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgresql+psycopg://u:p@db:5432/yaptide":          "postgresql://u:p@db:5432/yaptide",
		"postgresql+psycopg2://u:p@db/yaptide?sslmode=off":  "postgresql://u:p@db/yaptide?sslmode=off",
		"PostgreSQL+Psycopg://u@db/y":                       "postgresql://u@db/y",
		"postgres://u@db/y":                                 "postgresql://u@db/y",
		"postgresql://u@db/y":                               "postgresql://u@db/y",
		"  postgresql://u@db/y\n":                           "postgresql://u@db/y",
		"host=/var/run/postgresql dbname=yaptide user=u":    "host=/var/run/postgresql dbname=yaptide user=u",
		"postgresql+psycopg:///yaptide?host=/run/postgres/": "postgresql:///yaptide?host=/run/postgres/",
	} {
		got, err := NormalizeDatabaseURL(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"sqlite:////app/data/main.db", "mysql+pymysql://u:p@db/y"} {
		_, err := NormalizeDatabaseURL(in)
		require.ErrorIs(t, err, ErrUnsupportedDatabase, in)
	}
}

func TestDatabaseURLPrecedenceAndSecrets(t *testing.T) {
	t.Parallel()
	newEnv := func(vars map[string]string, flag string) *Env {
		var stderr bytes.Buffer
		return &Env{Stderr: &stderr, Verbosity: 2, getenv: func(k string) string { return vars[k] }, databaseFlag: flag}
	}
	flask := map[string]string{FlaskDatabaseEnv: "postgresql+psycopg://f:FlaskSecret@db/f"}
	both := map[string]string{DatabaseURLEnv: "postgres://d:EnvSecret@db/d", FlaskDatabaseEnv: "postgresql+psycopg://f:FlaskSecret@db/f"}

	env := newEnv(flask, "")
	got, source, err := env.DatabaseURL()
	require.NoError(t, err)
	require.Equal(t, "postgresql://f:FlaskSecret@db/f", got)
	require.Equal(t, FlaskDatabaseEnv, source)
	require.Equal(t, "at postgresql://f:xxxxx@db/f", env.Scrub("at "+got), "the URL's password became a secret")

	got, source, err = newEnv(both, "").DatabaseURL()
	require.NoError(t, err)
	require.Equal(t, "postgresql://d:EnvSecret@db/d", got)
	require.Equal(t, DatabaseURLEnv, source)

	got, source, err = newEnv(both, "postgres://flag@db/x").DatabaseURL()
	require.NoError(t, err)
	require.Equal(t, "postgresql://flag@db/x", got)
	require.Equal(t, "--database-url", source)

	_, _, err = newEnv(nil, "").DatabaseURL()
	require.ErrorIs(t, err, ErrNoDatabase)
	_, _, err = newEnv(map[string]string{DatabaseURLEnv: "  "}, "").DatabaseURL()
	require.ErrorIs(t, err, ErrNoDatabase)
}

func TestLogsScrubSecrets(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	env := &Env{Stderr: &stderr, Verbosity: 1}
	env.AddSecret("correct horse battery staple")
	env.AddSecret("ab") // too short to hide usefully; ignored
	env.Logf("password is %s", "correct horse battery staple")
	env.Debugf("not printed at -v")
	env.Warnf("again: correct horse battery staple, ab")
	require.Equal(t, "password is xxxxx\nwarning: again: xxxxx, ab\n", stderr.String())
}

func TestCell(t *testing.T) {
	t.Parallel()
	when := time.Date(2024, 6, 11, 12, 15, 0, 0, time.FixedZone("CEST", 2*3600))
	var nilTime *time.Time
	var nilString *string
	var nilInt *int32
	seven := int32(7)
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, "-"}, {"", "-"}, {nilTime, "-"}, {nilString, "-"}, {nilInt, "-"}, {&seven, "7"}, {int32(3), "3"},
		{when, "2024-06-11 10:15:00"}, {&when, "2024-06-11 10:15:00"}, {"a\tb\nc", "a b c"},
	} {
		require.Equal(t, c.want, Cell(c.in), "%#v", c.in)
	}
	require.Equal(t, "1 user", Plural(1, "user"))
	require.Equal(t, "0 users", Plural(0, "user"))
}

func TestTableAlignsColumns(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	env := &Env{Stdout: &out}
	table := env.NewTable("ID", "NAME", "NOTE")
	table.Row(1, "a", "")
	table.Row(100, "longer name", "x")
	require.Equal(t, 2, table.Len())
	require.NoError(t, table.Flush())
	require.Equal(t, strings.Join([]string{
		"ID   NAME         NOTE",
		"1    a            -",
		"100  longer name  x",
	}, "\n")+"\n", out.String())
}
