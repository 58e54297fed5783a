package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/internal/serverdb"
	"github.com/yapstore/yapstore/migrate"
	"github.com/yapstore/yapstore/pgserver"
	"github.com/yapstore/yapstore/store"
)

// The user and cluster every workload's database starts with.
const (
	benchUser     = "bench"
	benchPassword = "bench-password"
	benchCluster  = "ares"
)

// scratchServer creates the run's databases on a server and drops them all at the end: a template migrated
// once and holding the user and cluster, and one clone of it per measured run, so that every run starts on a
// freshly migrated database as BENCHMARKS.md asks without paying for migrations each time.
type scratchServer struct {
	serverURL string
	admin     *pgx.Conn // on the server URL's own database, for CREATE and DROP DATABASE
	databases *serverdb.Server
	prefix    string // yapstore_bench_<unix time>_<random>
	template  string
	created   []string
	userID    int32
	clones    int
	// statements: the server loads pg_stat_statements with planning tracked, and the template has the
	// extension, so every clone can read it.
	statements bool
}

// openScratch connects to the server at serverURL. It creates nothing yet.
func openScratch(ctx context.Context, serverURL string) (*scratchServer, error) {
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return nil, fmt.Errorf("bench: connect to %s: %w", dburl.Redact(serverURL), err)
	}
	databases, err := serverdb.Open(ctx, admin)
	if err != nil {
		_ = admin.Close(ctx)
		return nil, fmt.Errorf("bench: %w", err)
	}
	return &scratchServer{
		serverURL: serverURL,
		admin:     admin,
		databases: databases,
		prefix:    serverdb.NewName("yapstore_bench", time.Now()),
	}, nil
}

// buildTemplate creates the template database, migrates it with package migrate and adds the password user
// "bench" and the cluster "ares".
func (s *scratchServer) buildTemplate(ctx context.Context) error {
	name := s.prefix + "_tpl"
	if err := s.databases.Create(ctx, name, ""); err != nil {
		return fmt.Errorf("bench: create template database: %w", err)
	}
	s.created = append(s.created, name)
	s.template = name
	url, err := pgserver.WithDatabase(s.serverURL, name)
	if err != nil {
		return err
	}
	m, err := migrate.Open(ctx, url)
	if err != nil {
		return fmt.Errorf("bench: migrate template: %w", err)
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		return fmt.Errorf("bench: migrate template: %w", err)
	}
	userID, err := prepareDatabase(ctx, url)
	if err != nil {
		return err
	}
	s.userID = userID
	if s.statements {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"); err != nil {
			return fmt.Errorf("bench: pg_stat_statements in the template: %w", err)
		}
	}
	return nil
}

// prepareDatabase adds what every workload's database starts with to the migrated database at url: the
// password user "bench" and the cluster "ares". It returns the user's id.
func prepareDatabase(ctx context.Context, url string) (int32, error) {
	st, err := store.Open(ctx, url, store.WithMaxConns(1))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	user, err := st.CreatePasswordUser(ctx, benchUser, benchPassword)
	if err != nil {
		return 0, fmt.Errorf("bench: create user %s: %w", benchUser, err)
	}
	if _, err := st.CreateCluster(ctx, benchCluster); err != nil {
		return 0, fmt.Errorf("bench: create cluster %s: %w", benchCluster, err)
	}
	return user.ID, nil
}

// clone creates a fresh copy of the template for one measured run and returns its name and URL.
func (s *scratchServer) clone(ctx context.Context, label string) (name, url string, err error) {
	s.clones++
	name = fmt.Sprintf("%s_%02d_%s", s.prefix, s.clones, label)
	if err := s.databases.Clone(ctx, name, s.template); err != nil {
		return "", "", fmt.Errorf("bench: create database %s: %w", name, err)
	}
	s.created = append(s.created, name)
	url, err = pgserver.WithDatabase(s.serverURL, name)
	return name, url, err
}

// drop drops one database the run created, even while connections to it remain.
func (s *scratchServer) drop(ctx context.Context, name string) error {
	if err := s.databases.Drop(ctx, name); err != nil {
		return fmt.Errorf("bench: drop database %s: %w", name, err)
	}
	for i, n := range s.created {
		if n == name {
			s.created = append(s.created[:i], s.created[i+1:]...)
			break
		}
	}
	return nil
}

// close drops every database the run created, newest first (the template last), even when ctx is done,
// and closes the connection. It returns the first error.
func (s *scratchServer) close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	var first error
	for len(s.created) > 0 {
		name := s.created[len(s.created)-1]
		if err := s.drop(ctx, name); err != nil {
			if first == nil {
				first = err
			}
			s.created = s.created[:len(s.created)-1]
		}
	}
	if err := s.admin.Close(ctx); err != nil && first == nil {
		first = err
	}
	return first
}
