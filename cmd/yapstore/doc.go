// Command yapstore is the database administration tool of a yaptide platform: the commands operators know
// from the platform's db_manage script, as one binary on top of package store, with that script's defects
// fixed.
//
//	yapstore list-users | add-user NAME | update-user NAME | remove-user NAME AUTH_PROVIDER [--cascade] [--yes]
//	yapstore list-simulations [--user NAME] [--auth-provider P] | remove-simulation SIMULATION_ID [--force] [--yes]
//	yapstore list-tasks [--sim_id ID] [--user NAME] [--auth-provider P] | remove-task SIMULATION_ID TASK_ID
//	yapstore list-clusters | add-cluster CLUSTER_NAME | remove-cluster CLUSTER_NAME
//	yapstore schema diagram [--fresh] [--markdown] | bench [--compare] | --version
//	yapstore migrate status | up [--to VERSION] [--backup FILE] | down --to VERSION [--force] [--plan] | adopt | report
//
// The database comes from --database-url, DATABASE_URL or the platform's FLASK_SQLALCHEMY_DATABASE_URI.
// Every command takes -v (repeatable), --help, and where it prints data --json. Exit codes: 0 done,
// 1 failed (one line on standard error), 2 wrong command line.
//
// # Files
//
//   - main.go: main and run, the entry point tests call.
//   - commands.go: the command tree; a new command or group (migrate, bench) is a file of its own plus one
//     line there.
//   - users.go, simulations.go, tasks.go, clusters.go, schema.go: the commands.
//   - owners.go: the --user/--auth-provider filter and auth provider parsing.
//   - password.go: --password, --password-stdin and the prompt without echo.
//   - db.go: connecting to the store and wording database errors.
//   - migrate.go: the migrate group, its shared flags (--dir, --lock-timeout, ...) and error wording;
//     migrate_status.go, migrate_up.go, migrate_down.go, migrate_adopt.go, migrate_report.go its commands;
//     migrate_output.go their JSON shapes and figures. "migrate status" exits 3 when files are pending and 4
//     when the database needs an operator.
//   - internal/cli: the command framework (flags, help, exit codes, output, secrets).
//   - internal/schemadiagram: the catalog reader and Mermaid renderer behind schema diagram.
package main
