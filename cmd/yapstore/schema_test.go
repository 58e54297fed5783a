package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/storetest"
)

func TestSchemaDiagramOfLiveDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)

	r := yapDB(t, db.URL, "schema", "diagram")
	requireOK(t, r)
	out := r.stdout
	require.True(t, strings.HasPrefix(out, "classDiagram\n"), out)
	for _, table := range []string{"User", "YaptideUser", "KeycloakUser", "Cluster", "Simulation", "CelerySimulation",
		"BatchSimulation", "Task", "CeleryTask", "BatchTask", "Input", "Estimator", "Page", "Logfiles"} {
		require.Contains(t, out, "    class "+table+" {\n")
	}
	require.Equal(t, 14, strings.Count(out, "    class "), "exactly the fourteen tables: no migration bookkeeping")
	for _, line := range []string{
		// Columns with types, keys and defaults.
		"        +serial id PK\n",
		"        +int id PK FK\n",
		"        +varchar? private_key\n",
		"        +timestamptz? start_time\n",
		"        +varchar file_name = ''\n",
		"        +int page_dimension = 0\n",
		"        +unique(username, auth_provider)\n",
		"        +unique(simulation_id, task_id)\n",
		// The three joined-table families.
		"    User <|-- YaptideUser\n",
		"    User <|-- KeycloakUser\n",
		"    Simulation <|-- CelerySimulation\n",
		"    Simulation <|-- BatchSimulation\n",
		"    Task <|-- CeleryTask\n",
		"    Task <|-- BatchTask\n",
		// Cardinalities: nullable foreign keys refer to 0..1 parent; cascades are compositions.
		"    User \"0..1\" <-- \"*\" Simulation : user_id\n",
		"    Cluster \"1\" <-- \"*\" BatchSimulation : cluster_id\n",
		"    Simulation \"0..1\" *-- \"*\" Task : simulation_id\n",
		"    Simulation \"1\" *-- \"*\" Estimator : simulation_id\n",
		"    Estimator \"1\" *-- \"*\" Page : estimator_id\n",
	} {
		require.Contains(t, out, line)
	}

	// --json: what the diagram is drawn from.
	r = yapDB(t, db.URL, "schema", "diagram", "--json")
	requireOK(t, r)
	var described struct {
		Schema string
		Tables []struct {
			Name    string
			Columns []struct {
				Name, Type, Default string
				NotNull             bool `json:"not_null"`
			}
			PrimaryKey  []string `json:"primary_key"`
			ForeignKeys []struct {
				RefTable string `json:"ref_table"`
				OnDelete string `json:"on_delete"`
			} `json:"foreign_keys"`
		}
		Relations []struct{ Kind, Parent, Child, Label string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &described), r.stdout)
	assert.Equal(t, "public", described.Schema)
	require.Len(t, described.Tables, 14)
	for _, table := range described.Tables {
		if table.Name == "Page" {
			assert.Equal(t, []string{"id"}, table.PrimaryKey)
			require.Len(t, table.ForeignKeys, 1)
			assert.Equal(t, "Estimator", table.ForeignKeys[0].RefTable)
			assert.Equal(t, "cascade", table.ForeignKeys[0].OnDelete)
		}
	}
	assert.Contains(t, described.Relations, struct{ Kind, Parent, Child, Label string }{"inheritance", "Task", "CeleryTask", ""})
	assert.Contains(t, described.Relations, struct{ Kind, Parent, Child, Label string }{"composition", "Estimator", "Page", "estimator_id"})

	// A one-to-one key: a unique foreign key admits at most one child per parent.
	_, err := db.Pool.Exec(context.Background(), `ALTER TABLE "Logfiles" ADD CONSTRAINT logfiles_one_per_simulation UNIQUE (simulation_id)`)
	require.NoError(t, err)
	r = yapDB(t, db.URL, "schema", "diagram", "--markdown")
	requireOK(t, r)
	require.True(t, strings.HasPrefix(r.stdout, "```mermaid\nclassDiagram\n"))
	require.True(t, strings.HasSuffix(r.stdout, "\n```\n"))
	require.Contains(t, r.stdout, "    Simulation \"1\" *-- \"0..1\" Logfiles : simulation_id\n")
}

func TestSchemaDiagramWithoutDatabaseMigratesAThrowawayOne(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	live := yapDB(t, db.URL, "schema", "diagram")
	requireOK(t, live)

	r := yap(t, "schema", "diagram") // no database configured
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, live.stdout, r.stdout, "the freshly migrated schema is the storetest template's")

	r = yapDB(t, unreachableURL, "schema", "diagram", "--fresh")
	require.Equal(t, 0, r.code, "--fresh ignores the configured database: %s", r.stderr)
	require.Equal(t, live.stdout, r.stdout)
}
