package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// IO is what Main reads and writes: the standard streams and the environment. Tests pass buffers and a
// map's lookup; the program passes os.Stdin, os.Stdout, os.Stderr and os.Getenv.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(key string) string // nil: no environment
}

// Main runs the command that args (the program's arguments, without its name) select from the tree under
// root and returns the exit code: ExitOK, ExitFailure after one line on standard error, or ExitUsage for a
// command line it cannot use, after the error and a pointer to the help. "-h", "--help" or "help" before a
// command name print that command's help on standard output instead. "--version" (or "version") alone
// prints the program's Version, and with --json its BuildInfo. A group run without a subcommand prints its help on standard error and
// returns ExitUsage.
func Main(ctx context.Context, root *Command, args []string, stdio IO) int {
	env := &Env{Stdin: stdio.Stdin, Stdout: stdio.Stdout, Stderr: stdio.Stderr, getenv: stdio.Getenv}
	if isVersion(args) {
		writeVersion(env, root.Name, len(args) == 2)
		return ExitOK
	}

	helpCommand := len(args) > 0 && args[0] == "help"
	if helpCommand {
		args = args[1:]
	}
	path, rest, err := resolve(root, args)
	name := pathName(path)
	if err != nil {
		return env.reportUsage(name, err)
	}
	cmd := path[len(path)-1]
	env.Command, env.Path = cmd, name

	fs, help := env.flagsFor(cmd)
	positional, err := fs.parse(rest)
	if helpCommand || *help {
		writeHelp(env.Stdout, path, fs)
		return ExitOK
	}
	if err != nil {
		return env.reportUsage(name, flagError(err, fs))
	}
	if cmd.Run == nil {
		if len(positional) > 0 {
			return env.reportUsage(name, usagef("unknown command %q%s", positional[0],
				didYouMean(positional[0], "", cmd.commandNames())))
		}
		writeHelp(env.Stderr, path, fs)
		return ExitUsage
	}
	if err := checkArgCount(cmd, positional); err != nil {
		return env.reportUsage(name, err)
	}
	env.Args = positional
	return env.report(cmd.Run(ctx, env))
}

// flagsFor builds the FlagSet of cmd: its own flags, then the shared ones (which write into env). It returns
// the set and where --help is recorded.
func (e *Env) flagsFor(cmd *Command) (*FlagSet, *bool) {
	fs := newFlagSet(cmd.Name)
	if cmd.Flags != nil {
		cmd.Flags(fs)
	}
	if cmd.Database {
		fs.StringVar(&e.databaseFlag, "database-url", "URL",
			"the database (default: $DATABASE_URL, then $FLASK_SQLALCHEMY_DATABASE_URI)")
	}
	if cmd.JSON {
		fs.BoolVar(&e.JSON, "json", "print JSON instead of a table, for scripts")
	}
	if cmd.Confirm {
		fs.BoolVar(&e.Yes, "y,yes", "delete without asking (required when standard input is not a terminal)")
	}
	fs.CountVar(&e.Verbosity, "v,verbose", "say what is done on standard error; -v -v also logs each SQL statement")
	fs.hidden(&countValue{p: &e.Verbosity, step: 2}, "vv")
	fs.hidden(&countValue{p: &e.Verbosity, step: 3}, "vvv")
	help := new(bool)
	fs.BoolVar(help, "h,help", "show this help")
	return fs, help
}

// checkArgCount returns a *UsageError naming the first missing argument, or the first extra one.
func checkArgCount(cmd *Command, args []string) error {
	if len(args) < cmd.MinArgs {
		names := cmd.argNames()
		if len(args) < len(names) {
			return usagef("missing %s", names[len(args)])
		}
		return usagef("missing arguments: want at least %d", cmd.MinArgs)
	}
	if cmd.MaxArgs >= 0 && len(args) > cmd.MaxArgs {
		return usagef("unexpected argument %q", args[cmd.MaxArgs])
	}
	return nil
}

// flagError rewords the flag package's parse errors for operators, suggesting the flag of fs an unknown
// one was likely meant to be.
func flagError(err error, fs *FlagSet) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		msg = "unknown flag " + rest + didYouMean(strings.TrimLeft(rest, "-"), "--", fs.flagNames())
	}
	return &UsageError{Msg: msg}
}

// reportUsage prints a usage error and where the help is, and returns ExitUsage.
func (e *Env) reportUsage(name string, err error) int {
	fmt.Fprintf(e.Stderr, "%s: %s\n", name, e.Scrub(err.Error()))
	fmt.Fprintf(e.Stderr, "Run '%s --help' for usage.\n", name)
	return ExitUsage
}

// report turns a command's error into its exit code, printing the error on one line.
func (e *Env) report(err error) int {
	if err == nil {
		return ExitOK
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		return e.reportUsage(e.Path, usage)
	}
	code := ExitFailure
	var coder ExitCoder
	if errors.As(err, &coder) {
		code = coder.ExitCode()
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "interrupted"
	}
	msg = tidyMessage(msg)
	if msg != "" {
		fmt.Fprintf(e.Stderr, "yapstore: %s\n", e.Scrub(msg))
	}
	return code
}

// pathName returns the full name of the command at the end of path, such as "yapstore schema diagram".
func pathName(path []*Command) string {
	names := make([]string, len(path))
	for i, c := range path {
		names[i] = c.Name
	}
	return strings.Join(names, " ")
}

// tidyMessage drops the package prefixes that wrapping repeats: the leading "yapstore: " the line gets anyway,
// a "yapstore: " inside the message ("cannot add cluster: yapstore: invalid value" reads "cannot add cluster:
// invalid value"), and a package's prefix twice in a row ("migrate: migrate: ").
func tidyMessage(msg string) string {
	for {
		rest, ok := strings.CutPrefix(msg, "yapstore: ")
		if !ok {
			break
		}
		msg = rest
	}
	msg = strings.ReplaceAll(msg, ": yapstore: ", ": ")
	for _, pkg := range []string{"migrate", "bench", "compress", "dburl", "pgserver", "storetest"} {
		for twice := pkg + ": " + pkg + ": "; strings.Contains(msg, twice); {
			msg = strings.ReplaceAll(msg, twice, pkg+": ")
		}
	}
	return msg
}

// isVersion reports whether args ask for the version: "--version" or "version", alone or with "--json".
func isVersion(args []string) bool {
	switch {
	case len(args) == 2 && args[1] == "--json":
		args = args[:1]
	case len(args) == 2 && args[0] == "--json":
		args = args[1:]
	}
	return len(args) == 1 && (args[0] == "--version" || args[0] == "version")
}
