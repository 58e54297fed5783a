package main

import "github.com/yapstore/yapstore/cmd/yapstore/internal/cli"

// Help sections, in the order yapstore --help shows them.
const (
	sectionUsers       = "Users"
	sectionSimulations = "Simulations and tasks"
	sectionClusters    = "Clusters"
	sectionSchema      = "Schema"
)

// rootCommand returns a fresh command tree for one run. Each command (or group) lives in a file of its own
// and is added here with one line: a group such as "migrate" or a command such as "bench" is a function
// returning its *cli.Command, with its own Section.
func rootCommand() *cli.Command {
	return &cli.Command{
		Name:     "yapstore",
		Database: true, // listed in the root's help as flags every database command takes
		JSON:     true,
		Summary:  "yapstore manages the database of a yaptide platform: users, clusters, simulations and tasks.",
		Description: `The database is taken from --database-url, else from DATABASE_URL, else from the platform's own
FLASK_SQLALCHEMY_DATABASE_URI (postgresql+psycopg:// URLs are understood). Tables are printed aligned;
--json prints the same data for scripts. In command and flag names, "_" and "-" are interchangeable
(--sim_id or --sim-id). Exit codes: 0 done, 1 failed, 2 wrong command line.`,
		Commands: []*cli.Command{
			listUsersCommand(),
			addUserCommand(),
			updateUserCommand(),
			removeUserCommand(),

			listSimulationsCommand(),
			removeSimulationCommand(),
			listTasksCommand(),
			removeTaskCommand(),

			listClustersCommand(),
			addClusterCommand(),
			removeClusterCommand(),

			schemaCommand(),
			migrateCommand(),
			benchCommand(),
		},
		Examples: []string{
			"export DATABASE_URL=postgres://yaptide:secret@db:5432/yaptide",
			"yapstore list-users",
			"yapstore add-user alice            # prompts for the password",
			"yapstore list-tasks --user alice --json",
		},
	}
}
