package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/yapstore/yapstore/internal/serverdb"
)

// ErrNoScratch is returned by Down and Adopt when they find no place to replay migrations on: the
// WithScratchURL database cannot be opened, or, without one, the server refuses both a scratch database
// (the role lacks CREATEDB) and a scratch schema in the live database (the role lacks CREATE on it).
var ErrNoScratch = errors.New("migrate: no scratch database to replay migrations on (give WithScratchURL)")

// scratchDatabase is where migrations are replayed to learn the schema a version stands for: an empty
// database of its own, or, when db is nil, a schema made for each replay inside a transaction on the live
// database that is rolled back (see schemaInLiveDatabase).
type scratchDatabase struct {
	db    *sql.DB
	close func(context.Context) error
}

// openScratch returns the WithScratchURL database, or creates a temporary one on the live database's server
// (from template0, so it is empty) that close drops. When the server refuses that (the role lacks CREATEDB)
// or the Migrator's handle is not pgx's, it returns the live database itself, where each replay goes into a
// schema of its own that is never committed.
func (m *Migrator) openScratch(ctx context.Context) (*scratchDatabase, error) {
	if m.scratchURL != "" {
		db, err := sql.Open("pgx", m.scratchURL)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNoScratch, err)
		}
		return &scratchDatabase{db: db, close: func(context.Context) error { return db.Close() }}, nil
	}
	inLive := &scratchDatabase{close: func(context.Context) error { return nil }}
	cfg, err := m.connConfig(ctx)
	if errors.Is(err, ErrNoScratch) {
		return inLive, nil
	}
	if err != nil {
		return nil, err
	}
	server, err := serverdb.Open(ctx, serverdb.SQL(m.db))
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	name := serverdb.NewName("yapstore_scratch", time.Now())
	if err := server.Create(ctx, name, ""); err != nil {
		if sqlState(err) == insufficientPrivilege {
			return inLive, nil
		}
		return nil, fmt.Errorf("%w: create %s: %w", ErrNoScratch, name, err)
	}
	cfg.Database = name
	db := stdlib.OpenDB(*cfg)
	drop := func(ctx context.Context) error {
		cerr := db.Close()
		err := server.DropLater(ctx, name)
		if err != nil {
			err = fmt.Errorf("migrate: drop scratch database %s: %w", name, err)
		}
		return errors.Join(cerr, err)
	}
	return &scratchDatabase{db: db, close: drop}, nil
}

// connConfig returns a copy of the pgx configuration of the live database's connections.
func (m *Migrator) connConfig(ctx context.Context) (*pgx.ConnConfig, error) {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: get a connection: %w", err)
	}
	defer conn.Close()
	var cfg *pgx.ConnConfig
	err = conn.Raw(func(dc any) error {
		if c, ok := dc.(*stdlib.Conn); ok {
			cfg = c.Conn().Config().Copy()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate: read connection settings: %w", err)
	}
	if cfg == nil {
		return nil, ErrNoScratch
	}
	return cfg, nil
}

// schemaAt replays the directory up to and including version on the scratch database and returns the
// inspected schema (the connection's current schema, normally "public"). The scratch database is left as it
// was found.
func (m *Migrator) schemaAt(ctx context.Context, scratch *scratchDatabase, version string) (*schema.Schema, error) {
	if scratch.db == nil {
		return m.schemaInLiveDatabase(ctx, version)
	}
	drv, err := postgres.Open(scratch.db)
	if err != nil {
		return nil, fmt.Errorf("migrate: open Atlas driver on scratch database: %w", err)
	}
	ex, err := atlasmigrate.NewExecutor(drv, m.dir.dir, atlasmigrate.NopRevisionReadWriter{})
	if err != nil {
		return nil, fmt.Errorf("migrate: create Atlas executor: %w", err)
	}
	realm, err := ex.Replay(ctx, atlasmigrate.SchemaConn(drv, "", nil), atlasmigrate.ReplayToVersion(version))
	if err != nil {
		return nil, fmt.Errorf("migrate: replay migrations to %s on scratch database: %w", version, err)
	}
	if len(realm.Schemas) != 1 {
		return nil, fmt.Errorf("migrate: replay to %s: inspected %d schemas, want 1", version, len(realm.Schemas))
	}
	return realm.Schemas[0], nil
}

// schemaInLiveDatabase is schemaAt for a role that may not create databases: in one transaction on the live
// database it creates an empty schema, makes it the only one on the search path, runs the directory's
// statements up to and including version there, inspects that schema, and rolls everything back. Nothing
// is committed and no other session sees the schema; the live tables are not touched, so their locks are
// not taken. The statements of a file outside a transaction ("atlas:txmode none") run without their
// CONCURRENTLY, which PostgreSQL refuses inside a transaction and which changes how an index is built on a
// populated table, not the schema it leaves. The role needs CREATE on the database; without it this
// returns ErrNoScratch.
func (m *Migrator) schemaInLiveDatabase(ctx context.Context, version string) (_ *schema.Schema, err error) {
	tx, err := m.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("migrate: scratch schema: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	name := serverdb.NewName("yapstore_scratch", time.Now())
	if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+serverdb.QuoteIdent(name)); err != nil {
		if sqlState(err) == insufficientPrivilege {
			return nil, fmt.Errorf("%w: the role may create neither a database nor a schema in this one: %w", ErrNoScratch, err)
		}
		return nil, fmt.Errorf("migrate: scratch schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL search_path TO "+serverdb.QuoteIdent(name)); err != nil {
		return nil, fmt.Errorf("migrate: scratch schema: %w", err)
	}
	for _, f := range filesUpTo(m.dir.files, version) {
		mode, err := txMode(f)
		if err != nil {
			return nil, err
		}
		stmts, err := scanStatements(f)
		if err != nil {
			return nil, fmt.Errorf("migrate: %s: %w", f.Name(), err)
		}
		for _, stmt := range stmts {
			text := stmt.Text
			if mode == "none" {
				text = concurrently.ReplaceAllString(text, "")
			}
			if _, err := tx.ExecContext(ctx, text); err != nil {
				return nil, fmt.Errorf("migrate: replay %s in a scratch schema: %w", f.Name(), err)
			}
		}
	}
	drv, err := postgres.Open(tx)
	if err != nil {
		return nil, fmt.Errorf("migrate: open Atlas driver on the scratch schema: %w", err)
	}
	s, err := drv.InspectSchema(ctx, name, nil)
	if err != nil {
		return nil, fmt.Errorf("migrate: inspect the scratch schema: %w", err)
	}
	return s, nil
}

// concurrently matches the CONCURRENTLY of an index statement, which schemaInLiveDatabase leaves out.
var concurrently = regexp.MustCompile(`(?i)\s+CONCURRENTLY\b`)

// insufficientPrivilege is PostgreSQL's SQLSTATE for a statement the role lacks the privilege for.
const insufficientPrivilege = "42501"

// liveSchema inspects the current schema of the database behind db (a connection or transaction).
func liveSchema(ctx context.Context, db schema.ExecQuerier) (*schema.Schema, atlasmigrate.Driver, error) {
	drv, err := postgres.Open(db)
	if err != nil {
		return nil, nil, fmt.Errorf("migrate: open Atlas driver: %w", err)
	}
	s, err := drv.InspectSchema(ctx, "", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("migrate: inspect database schema: %w", err)
	}
	return s, drv, nil
}

// diffSchemas returns the changes that turn live into target, computed by Atlas.
func diffSchemas(drv atlasmigrate.Driver, live, target *schema.Schema) ([]schema.Change, error) {
	// Both sides are the connection's current schema; give them one name so Atlas compares their contents.
	target.Name = live.Name
	changes, err := drv.SchemaDiff(live, target)
	if err != nil {
		return nil, fmt.Errorf("migrate: compare schemas: %w", err)
	}
	return changes, nil
}

// planSQL returns the statements Atlas plans for changes, unqualified so they apply to the current schema.
func planSQL(ctx context.Context, drv atlasmigrate.Driver, changes []schema.Change) ([]string, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	plan, err := drv.PlanChanges(ctx, "plan", changes, func(o *atlasmigrate.PlanOptions) {
		o.SchemaQualifier = new(string)
	})
	if err != nil {
		return nil, fmt.Errorf("migrate: plan schema changes: %w", err)
	}
	stmts := make([]string, len(plan.Changes))
	for i, c := range plan.Changes {
		stmts[i] = c.Cmd
	}
	return stmts, nil
}
