// Command yapstore is the database administration tool of a yaptide platform: the commands operators know
// from the platform's db_manage script, as one binary on top of package store, with that script's defects
// fixed.
//
//	yapstore list-users | add-user NAME | update-user NAME | remove-user NAME AUTH_PROVIDER [--cascade] [--yes]
//	yapstore list-simulations [--user NAME] [--auth-provider P] | remove-simulation SIMULATION_ID [--force] [--yes]
//	yapstore list-tasks [--sim_id ID] [--user NAME] [--auth-provider P] | remove-task SIMULATION_ID TASK_ID
//	yapstore list-clusters | add-cluster CLUSTER_NAME | remove-cluster CLUSTER_NAME
//	yapstore schema diagram [--fresh] [--markdown] | bench [--compare] | --version
//	yapstore migrate status | up [--to VERSION] [--backup FILE] | down --to VERSION [--force] [--plan] | adopt | report | rehearse
//
// The database comes from --database-url, DATABASE_URL or the platform's FLASK_SQLALCHEMY_DATABASE_URI.
// Every command takes -v (repeatable), --help, and where it prints data --json. Exit codes: 0 done,
// 1 failed (one line on standard error), 2 wrong command line.
//
// # How it is built
//
// The command tree is in commands.go: a command, or a group such as migrate or bench, is a file of its own
// plus one line there. Each command is a [cli.Command] run by package internal/cli (flags, help, exit codes,
// JSON output, secrets kept out of what is printed); schema diagram's catalog reader and renderer are in
// internal/schemadiagram, and bench's workloads in internal/bench. "migrate status" exits 3 when files are
// pending and 4 when the database needs an operator.
package main
