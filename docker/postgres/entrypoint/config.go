package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// defaultPGDATA is where the server keeps its data unless PGDATA says otherwise, as in the official image.
const defaultPGDATA = "/var/lib/postgresql/data"

// errNoPassword is returned when a new database would be created with no way to log in over TCP.
var errNoPassword = errors.New(`POSTGRES_PASSWORD is not set: the superuser needs a password for connections over TCP.
Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), or set POSTGRES_HOST_AUTH_METHOD=trust to allow every
connection without one (never do that on a reachable network)`)

// config is what the environment asks of a new database, read the way the official image reads it.
type config struct {
	pgdata     string   // PGDATA
	user       string   // POSTGRES_USER, the superuser's name
	password   string   // POSTGRES_PASSWORD, the superuser's password
	db         string   // POSTGRES_DB, the database created for the user
	initdbArgs []string // POSTGRES_INITDB_ARGS, split on white space
	hostAuth   string   // POSTGRES_HOST_AUTH_METHOD, the pg_hba method for TCP connections
}

// loadConfig reads the configuration through getenv; each POSTGRES_* value may instead come from the file
// named by the variable with a _FILE suffix, read through readFile. It fails when a variable and its _FILE
// twin are both set or a file cannot be read.
func loadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (config, error) {
	var errs []error
	value := func(name, fallback string) string {
		v, file := getenv(name), getenv(name+"_FILE")
		switch {
		case v != "" && file != "":
			errs = append(errs, fmt.Errorf("both %s and %s_FILE are set; use one", name, name))
		case file != "":
			b, err := readFile(file)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s_FILE: %w", name, err))
			}
			v = strings.TrimRight(string(b), "\r\n")
		}
		if v == "" {
			return fallback
		}
		return v
	}
	c := config{pgdata: getenv("PGDATA")}
	if c.pgdata == "" {
		c.pgdata = defaultPGDATA
	}
	c.user = value("POSTGRES_USER", "postgres")
	c.password = value("POSTGRES_PASSWORD", "")
	c.db = value("POSTGRES_DB", c.user)
	c.initdbArgs = strings.Fields(value("POSTGRES_INITDB_ARGS", ""))
	c.hostAuth = value("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256")
	return c, errors.Join(errs...)
}

// checkCanInit reports whether the configuration lets a new database be created.
func (c config) checkCanInit() error {
	if c.password == "" && c.hostAuth != "trust" {
		return errNoPassword
	}
	return nil
}

// command is what the container was asked to run.
type command struct {
	args   []string // the program and its arguments
	server bool     // the program is the PostgreSQL server
	help   bool     // the server was asked to print something and exit, so no database is needed
}

// parseCommand reads the container's command the way the official image does: nothing or a first argument
// starting with "-" means the server with those options.
func parseCommand(args []string) command {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"postgres"}, args...)
	}
	c := command{args: args, server: args[0] == "postgres"}
	if c.server {
		c.help = slices.ContainsFunc(args[1:], func(a string) bool {
			switch a {
			case "-V", "--version", "-?", "--help", "--describe-config":
				return true
			}
			return strings.HasPrefix(a, "-C")
		})
	}
	return c
}

// quoteIdent returns name as a quoted SQL identifier.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
