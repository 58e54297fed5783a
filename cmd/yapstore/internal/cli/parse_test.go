package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testTree is a small program: a command with flags of every kind and a group with one subcommand. Each
// run records what the command saw.
type seen struct {
	args      []string
	verbosity int
	json      bool
	dbURL     string
	simID     *int32
	password  *string
	cascade   bool
}

func testTree(got *seen) *Command {
	leaf := &Command{
		Name: "remove-user", Usage: "NAME AUTH_PROVIDER", MinArgs: 2, MaxArgs: 2, Database: true, JSON: true,
		Flags: func(fs *FlagSet) {
			fs.BoolVar(&got.cascade, "cascade", "cascade")
			fs.OptionalInt32Var(&got.simID, "sim_id", "ID", "simulation")
			fs.OptionalStringVar(&got.password, "password", "PASSWORD", "password")
		},
		Run: func(_ context.Context, env *Env) error {
			got.args, got.verbosity, got.json = env.Args, env.Verbosity, env.JSON
			got.dbURL, _, _ = env.DatabaseURL()
			return nil
		},
	}
	diagram := &Command{Name: "diagram", MaxArgs: -1, Run: func(_ context.Context, env *Env) error {
		got.args = env.Args
		return nil
	}}
	return &Command{Name: "prog", Commands: []*Command{leaf, {Name: "schema", Commands: []*Command{diagram}}}}
}

func runTree(t *testing.T, args ...string) (seen, int, string) {
	t.Helper()
	var got seen
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), testTree(&got), args, IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
	return got, code, stderr.String()
}

func TestFlagsInterleaveWithArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"remove-user", "alice", "YaptideUser", "--cascade", "--sim_id", "7", "-v"},
		{"remove-user", "--cascade", "alice", "-v", "YaptideUser", "--sim-id=7"},
		{"-v", "remove-user", "alice", "--sim_id", "7", "YaptideUser", "-cascade"},
		{"remove_user", "alice", "YaptideUser", "--cascade", "-sim-id", "7", "--verbose"},
	} {
		got, code, stderr := runTree(t, args...)
		require.Equal(t, 0, code, "%v: %s", args, stderr)
		require.Equal(t, []string{"alice", "YaptideUser"}, got.args, "%v", args)
		require.True(t, got.cascade, "%v", args)
		require.NotNil(t, got.simID, "%v", args)
		require.Equal(t, int32(7), *got.simID)
		require.Equal(t, 1, got.verbosity, "%v", args)
	}
}

func TestDoubleDashEndsFlags(t *testing.T) {
	t.Parallel()
	got, code, stderr := runTree(t, "remove-user", "--cascade", "--", "-odd-name", "--cascade")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, []string{"-odd-name", "--cascade"}, got.args)

	// "--" as the value of a flag that takes one is a value, not the end of the flags.
	got, code, stderr = runTree(t, "remove-user", "--password", "--", "alice", "YaptideUser", "--cascade")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "--", *got.password)
	require.Equal(t, []string{"alice", "YaptideUser"}, got.args)
	require.True(t, got.cascade)
}

func TestVerbosityCounts(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]int{
		"":                  0,
		"-v":                1,
		"-v -v":             2,
		"-vv":               2,
		"-vvv":              3,
		"--verbose -v -vv":  4,
		"-v=false --json":   0,
		"--verbose=true -v": 2,
	} {
		all := append([]string{"remove-user", "a", "YaptideUser"}, strings.Fields(args)...)
		got, code, stderr := runTree(t, all...)
		require.Equal(t, 0, code, "%q: %s", args, stderr)
		require.Equal(t, want, got.verbosity, "%q", args)
	}
}

func TestSharedFlagsBeforeTheCommand(t *testing.T) {
	t.Parallel()
	got, code, stderr := runTree(t, "--database-url", "postgres://h/db", "--json", "remove-user", "a", "YaptideUser")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "postgresql://h/db", got.dbURL)
	require.True(t, got.json)
	require.Equal(t, []string{"a", "YaptideUser"}, got.args)

	got, code, stderr = runTree(t, "--database_url=postgres://h/other", "schema", "diagram")
	require.Equal(t, ExitUsage, code, "diagram takes no --database-url: %s", stderr)
	require.Contains(t, stderr, "unknown flag -database_url")

	got, code, _ = runTree(t, "schema", "-v", "diagram", "x")
	require.Equal(t, 0, code)
	require.Equal(t, []string{"x"}, got.args)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]string{
		"remove-user a":                        "prog remove-user: missing AUTH_PROVIDER\n",
		"remove-user a b c":                    "prog remove-user: unexpected argument \"c\"\n",
		"remove-user a b --sim_id x":           "prog remove-user: invalid value \"x\" for flag -sim_id: want a whole number\n",
		"remove-user a b --sim_id 99999999999": "prog remove-user: invalid value \"99999999999\" for flag -sim_id: out of range\n",
		"remove-user a b --nope":               "prog remove-user: unknown flag -nope\n",
		"remove-user a b --password":           "prog remove-user: flag needs an argument: -password\n",
		"nothing":                              "prog: unknown command \"nothing\"\n",
		"schema nothing":                       "prog schema: unknown command \"nothing\"\n",
		"remove-user a b --cascade=maybe":      "prog remove-user: invalid boolean value \"maybe\" for -cascade: want true or false\n",
		"remove-user a b -v=2":                 "prog remove-user: invalid boolean value \"2\" for -v: takes no value\n",
	} {
		_, code, stderr := runTree(t, strings.Fields(args)...)
		require.Equal(t, ExitUsage, code, args)
		name, _, _ := strings.Cut(want, ":")
		require.Equal(t, want+"Run '"+name+" --help' for usage.\n", stderr, args)
	}
}

func TestGroupWithoutSubcommandPrintsItsHelp(t *testing.T) {
	t.Parallel()
	_, code, stderr := runTree(t, "schema")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, stderr, "Usage: prog schema COMMAND")
	require.Contains(t, stderr, "  diagram")
}
