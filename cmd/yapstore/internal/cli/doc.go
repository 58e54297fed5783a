// Package cli is the small command framework of the yapstore tool, written on the standard library only.
//
// A program is a tree of Commands: the root lists top-level commands (list-users, add-cluster, ...) and
// groups (schema, migrate) whose own Commands are their subcommands. Main resolves the command path from the
// arguments, parses the leaf's flags with the standard flag package (one flag.FlagSet per command) while
// letting flags and positional arguments interleave, prints help, runs the command with an Env, and turns
// the outcome into an exit code: 0 on success, 1 when the command fails, 2 for a usage error.
//
// Commands share a few flags that Main adds for them: -h/--help everywhere, -v/--verbose (repeatable, also
// written -vv), --database-url for commands that use a database and --json for commands that print data.
//
// # Files
//
//   - command.go: Command, the description of one command or group.
//   - flags.go: FlagSet, flags with alternative spellings (--sim_id and --sim-id) and help text.
//   - parse.go: resolving the command path and parsing interleaved flags and arguments.
//   - help.go: the help pages.
//   - main.go: Main and IO, running a command and reporting its error.
//   - env.go: Env, what a running command gets: its arguments, output, verbosity and secrets to hide.
//   - database.go: where the database URL comes from (--database-url, DATABASE_URL,
//     FLASK_SQLALCHEMY_DATABASE_URI), converting SQLAlchemy URLs and hiding passwords.
//   - output.go: aligned tables and JSON.
//   - tracer.go: the pgx tracer that logs SQL statements (never their arguments) at -v -v.
//   - errors.go: UsageError and the exit codes.
package cli
