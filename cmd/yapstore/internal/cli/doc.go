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
// # The pieces
//
// A program describes its commands as a tree of [Command]s and runs it with [Main], which parses
// interleaved flags and arguments ([FlagSet], with alternative spellings such as --sim_id and --sim-id),
// prints help, and reports a command's error with the right exit code ([UsageError], [ExitUsage]). A running
// command gets an [Env]: its arguments, output ([Env.PrintJSON], aligned tables), verbosity, the database URL
// ([Env.DatabaseURL]: --database-url, DATABASE_URL, then FLASK_SQLALCHEMY_DATABASE_URI), secrets to hide
// ([Env.AddSecret]), confirmations ([Env.Confirm]) and a pgx tracer that logs statements, never their
// arguments.
package cli
