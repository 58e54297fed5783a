package main

import (
	"errors"
	"io/fs"
	"slices"
	"testing"
)

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := config{pgdata: defaultPGDATA, user: "postgres", db: "postgres", hostAuth: "scram-sha-256"}
	if !equalConfig(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if !errors.Is(c.checkCanInit(), errNoPassword) {
		t.Fatalf("checkCanInit without a password = %v, want errNoPassword", c.checkCanInit())
	}
}

func TestLoadConfigValuesAndFiles(t *testing.T) {
	env := map[string]string{
		"PGDATA":                 "/data",
		"POSTGRES_USER":          "alice",
		"POSTGRES_PASSWORD_FILE": "/run/secrets/pw",
		"POSTGRES_INITDB_ARGS":   " --data-checksums  -E UTF8 ",
	}
	files := map[string]string{"/run/secrets/pw": "s3cret\n"}
	readFile := func(name string) ([]byte, error) {
		if v, ok := files[name]; ok {
			return []byte(v), nil
		}
		return nil, fs.ErrNotExist
	}
	c, err := loadConfig(func(k string) string { return env[k] }, readFile)
	if err != nil {
		t.Fatal(err)
	}
	want := config{
		pgdata: "/data", user: "alice", password: "s3cret", db: "alice",
		initdbArgs: []string{"--data-checksums", "-E", "UTF8"}, hostAuth: "scram-sha-256",
	}
	if !equalConfig(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if err := c.checkCanInit(); err != nil {
		t.Fatalf("checkCanInit with a password: %v", err)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	env := map[string]string{
		"POSTGRES_PASSWORD": "x", "POSTGRES_PASSWORD_FILE": "/pw",
		"POSTGRES_DB_FILE": "/missing",
	}
	_, err := loadConfig(func(k string) string { return env[k] }, func(string) ([]byte, error) { return nil, fs.ErrNotExist })
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want both-set and missing-file errors", err)
	}
}

func TestTrustNeedsNoPassword(t *testing.T) {
	c := config{hostAuth: "trust"}
	if err := c.checkCanInit(); err != nil {
		t.Fatalf("checkCanInit with trust: %v", err)
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		args         []string
		want         []string
		server, help bool
	}{
		{nil, []string{"postgres"}, true, false},
		{[]string{"-c", "fsync=off"}, []string{"postgres", "-c", "fsync=off"}, true, false},
		{[]string{"postgres", "-c", "fsync=off"}, []string{"postgres", "-c", "fsync=off"}, true, false},
		{[]string{"postgres", "--version"}, []string{"postgres", "--version"}, true, true},
		{[]string{"-C", "data_directory"}, []string{"postgres", "-C", "data_directory"}, true, true},
		{[]string{"initdb", "--help"}, []string{"initdb", "--help"}, false, false},
	}
	for _, tt := range tests {
		got := parseCommand(tt.args)
		if !slices.Equal(got.args, tt.want) || got.server != tt.server || got.help != tt.help {
			t.Errorf("parseCommand(%q) = %+v, want %q server=%v help=%v", tt.args, got, tt.want, tt.server, tt.help)
		}
	}
}

func TestQuoteIdent(t *testing.T) {
	if got, want := quoteIdent(`my "db"`), `"my ""db"""`; got != want {
		t.Fatalf("quoteIdent = %s, want %s", got, want)
	}
}

func equalConfig(a, b config) bool {
	return a.pgdata == b.pgdata && a.user == b.user && a.password == b.password && a.db == b.db &&
		slices.Equal(a.initdbArgs, b.initdbArgs) && a.hostAuth == b.hostAuth
}
