package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
)

// hostileURLs are database URLs whose password a careless message would print: ones that do not parse, or
// parse wrongly (an unencoded '/' turns the password's head into a port and its tail into the database
// name), and well-formed ones whose server is not there, in every form a password takes.
var hostileURLs = []string{
	"postgres://yaptide:Url-Secret-41@127.0.0.1:notaport/db",
	"postgres://yaptide:12/Url-Secret-41@127.0.0.1/db",
	"postgres://yaptide:Url-Secret-41%zz@127.0.0.1/db",
	"postgres://yaptide:Url#Secret-41@127.0.0.1/db",
	"postgresql+psycopg://yaptide:Url-Secret-41@127.0.0.1:1/db",
	"postgres://yaptide@127.0.0.1:1/db?password=Url-Secret-41",
	"host=127.0.0.1 port=1 user=yaptide password=Url-Secret-41 dbname=db",
	"host=127.0.0.1 port=1 user=yaptide password='Url-Secret-41 x' dbname=db",
}

// leafCommands returns the path of every command that runs (not a group), such as ["migrate", "up"].
func leafCommands(c *cli.Command, prefix []string) [][]string {
	if len(c.Commands) == 0 {
		return [][]string{prefix}
	}
	var out [][]string
	for _, sub := range c.Commands {
		out = append(out, leafCommands(sub, append(append([]string{}, prefix...), sub.Name))...)
	}
	return out
}

// TestNoCommandPrintsTheDatabasePassword runs every command of the tree, with the arguments its usage asks
// for, against each hostile URL, from the flag and from DATABASE_URL, at every verbosity: it fails, and
// nothing it prints holds the password or any part of it.
func TestNoCommandPrintsTheDatabasePassword(t *testing.T) {
	t.Parallel()
	commands := leafCommands(rootCommand(), nil)
	assert.GreaterOrEqual(t, len(commands), 15, "every command: %v", commands)
	runs := 0
	for _, path := range commands {
		args := append([]string{}, path...)
		// Positional arguments that parse: names and numbers; "--yes" where a command would ask first.
		switch strings.Join(path, " ") {
		case "add-user", "update-user":
			args = append(args, "alice", "--password", "Pw-Secret-42")
		case "remove-user":
			args = append(args, "alice", "YaptideUser")
		case "remove-simulation":
			args = append(args, "1")
		case "remove-task":
			args = append(args, "1", "0")
		case "add-cluster", "remove-cluster":
			args = append(args, "ares")
		case "migrate down":
			args = append(args, "--to", "20261122065640")
		case "bench":
			args = append(args, "--only", "W5", "--repeat", "1")
		}
		for _, dbURL := range hostileURLs {
			for _, verbosity := range []string{"", "-v", "-vv", "-vvv"} {
				for _, viaEnv := range []bool{false, true} {
					inv := invocation{}
					full := append([]string{}, args...)
					if verbosity != "" {
						full = append(full, verbosity)
					}
					if viaEnv {
						inv.env = map[string]string{"DATABASE_URL": dbURL}
					} else {
						full = append(full, "--database-url", dbURL)
					}
					r := inv.run(t, full...)
					runs++
					printed := r.stdout + r.stderr
					assert.NotZero(t, r.code, "%v with %s", full, dbURL)
					for _, secret := range []string{"Url-Secret-41", "Secret-41", "Pw-Secret-42"} {
						if !assert.NotContains(t, printed, secret, "%v with %s printed:\n%s", full, dbURL, printed) {
							return
						}
					}
				}
			}
		}
	}
	t.Logf("%d runs of %d commands", runs, len(commands))
}
