package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/cmd/yapstore/internal/schemadiagram"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/pgserver"
)

func schemaCommand() *cli.Command {
	return &cli.Command{
		Name:     "schema",
		Section:  sectionSchema,
		Summary:  "Describe the database schema",
		Commands: []*cli.Command{schemaDiagramCommand()},
		Examples: []string{"yapstore schema diagram --markdown > docs/schema.md"},
	}
}

func schemaDiagramCommand() *cli.Command {
	var (
		fresh, markdown bool
		schemaName      string
	)
	return &cli.Command{
		Name:     "diagram",
		Summary:  "Print a Mermaid class diagram of the schema, read from the database",
		Database: true,
		JSON:     true,
		Description: `Reads the tables of the configured database's catalog and prints them as a Mermaid classDiagram:
one class per table with its columns ("?" marks a nullable column, PK and FK the keys) and its unique
keys; joined-table inheritance (a subtable whose primary key refers to its parent's) as <|--; foreign
keys with ON DELETE CASCADE as compositions (*--), others as associations (<--), with cardinalities
from nullability and unique keys.

With no database configured, or with --fresh, it starts a throwaway PostgreSQL server (a container, or
the local server binaries), applies the embedded migrations and diagrams the result.

With --json it prints what the diagram is drawn from instead: {"schema", "tables": [{"name", "columns",
"primary_key", "unique_keys", "foreign_keys"}], "relations": [{"kind", "parent", "child", ...}]}.`,
		Flags: func(fs *cli.FlagSet) {
			fs.BoolVar(&fresh, "fresh", "diagram the embedded migrations on a throwaway server, not the configured database")
			fs.BoolVar(&markdown, "markdown", "wrap the diagram in a ```mermaid fence, for README files")
			fs.StringVar(&schemaName, "schema", "NAME", "the PostgreSQL schema to read (default public)")
		},
		Examples: []string{
			"yapstore schema diagram > schema.mmd",
			"yapstore schema diagram --fresh --markdown",
			"yapstore schema diagram --fresh --json",
		},
		Run: func(ctx context.Context, env *cli.Env) error {
			if schemaName == "" {
				schemaName = "public"
			}
			dbURL, source, err := env.DatabaseURL()
			switch {
			case errors.Is(err, cli.ErrNoDatabase):
				env.Logf("No database configured: diagramming a freshly migrated throwaway database")
				fresh = true
			case err != nil && !fresh:
				return err
			}
			if fresh {
				url, stop, err := freshDatabase(ctx, env)
				if err != nil {
					return err
				}
				defer stop()
				dbURL, source = url, "a throwaway server"
			}
			env.Logf("Reading the catalog of %s (from %s)", dburl.Redact(dbURL), source)
			connectCtx, cancel := context.WithTimeout(ctx, connectTimeout)
			conn, err := pgx.Connect(connectCtx, dbURL)
			cancel()
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("cannot connect to the database at %s: %s", dburl.Redact(dbURL), connectReason(err))
			}
			defer conn.Close(context.WithoutCancel(ctx))
			s, err := schemadiagram.Read(ctx, conn, schemaName)
			if err != nil {
				return err
			}
			if len(s.Tables) == 0 {
				return fmt.Errorf("schema %q of the database has no tables", schemaName)
			}
			if env.JSON {
				return env.PrintJSON(struct {
					Schema    string                   `json:"schema"`
					Tables    []*schemadiagram.Table   `json:"tables"`
					Relations []schemadiagram.Relation `json:"relations"`
				}{schemaName, s.Tables, schemadiagram.Relations(s)})
			}
			var out strings.Builder
			if err := schemadiagram.Render(&out, s); err != nil {
				return err
			}
			if markdown {
				env.Printf("```mermaid\n%s```\n", out.String())
				return nil
			}
			env.Printf("%s", out.String())
			return nil
		},
	}
}

// freshDatabase starts a throwaway PostgreSQL server, applies the embedded migrations to its database and
// returns its URL and the function that stops the server.
func freshDatabase(ctx context.Context, env *cli.Env) (string, func(), error) {
	opts := pgserver.EnvOptions("")
	opts.URL = ""
	opts.Logf = env.Debugf
	env.Logf("Starting a throwaway PostgreSQL server")
	srv, stop, err := startServer(ctx, env, opts)
	if err != nil {
		return "", nil, err
	}
	env.Logf("Using %s; applying the embedded migrations", srv)
	m, err := migrate.Open(ctx, srv.URL())
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("migrate the throwaway database: %w", err)
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("migrate the throwaway database: %w", err)
	}
	return srv.URL(), stop, nil
}

// startServer starts a throwaway server and returns it with the function that stops it (warning on env when
// stopping fails). Unless YAPSTORE_TEST_SERVER chooses the paths, it tries the local PostgreSQL binaries
// before a container: for a command-line tool they start faster and need no image.
func startServer(ctx context.Context, env *cli.Env, opts pgserver.Options) (*pgserver.Server, func(), error) {
	srv, err := startFirstServer(ctx, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("start a throwaway PostgreSQL server: %w", err)
	}
	stop := func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := srv.Stop(stopCtx); err != nil {
			env.Warnf("stop the throwaway server: %v", err)
		}
	}
	return srv, stop, nil
}

// startFirstServer starts the first server the paths allow: those YAPSTORE_TEST_SERVER chose, else the local
// binaries, then a container.
func startFirstServer(ctx context.Context, opts pgserver.Options) (*pgserver.Server, error) {
	if opts.Kinds != nil {
		return pgserver.Start(ctx, opts)
	}
	local := opts
	local.Kinds = []pgserver.Kind{pgserver.KindLocal}
	srv, err := pgserver.Start(ctx, local)
	if err == nil || !errors.Is(err, pgserver.ErrNoServer) {
		return srv, err
	}
	opts.Kinds = []pgserver.Kind{pgserver.KindContainer, pgserver.KindLocal}
	return pgserver.Start(ctx, opts)
}
