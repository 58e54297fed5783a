package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/store"
)

// connectTimeout bounds connecting to the database, so that an unreachable host fails in seconds with one
// clear line instead of hanging.
const connectTimeout = 15 * time.Second

// openStore connects to the configured database. Its errors are one line each: no database configured, a
// URL that is not PostgreSQL's, or the server's refusal, naming the database with its password hidden.
func openStore(ctx context.Context, env *cli.Env) (*store.Store, error) {
	dbURL, source, err := env.DatabaseURL()
	if err != nil {
		return nil, err
	}
	env.Logf("Connecting to %s (from %s)", dburl.Redact(dbURL), source)
	opts := []store.Option{store.WithMaxConns(4)}
	if tracer := env.SQLTracer(); tracer != nil {
		opts = append(opts, store.WithTracer(tracer))
	}
	connectCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	s, err := store.Open(connectCtx, dbURL, opts...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot connect to the database at %s: %s", dburl.Redact(dbURL), connectReason(err))
	}
	return s, nil
}

// withStore opens the store, runs fn with it, closes it, and rewords database errors for operators.
func withStore(ctx context.Context, env *cli.Env, fn func(s *store.Store) error) error {
	s, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	return describeDBError(fn(s))
}

// storeRun returns a command's Run that calls fn with an open Store, as withStore does.
func storeRun(fn func(ctx context.Context, env *cli.Env, s *store.Store) error) func(context.Context, *cli.Env) error {
	return func(ctx context.Context, env *cli.Env) error {
		return withStore(ctx, env, func(s *store.Store) error { return fn(ctx, env, s) })
	}
}

// connectReason returns why connecting failed, on one line and without the store's prefix.
func connectReason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", connectTimeout)
	}
	msg := err.Error()
	for _, prefix := range []string{"yapstore: connect: ", "yapstore: invalid value: database url: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return withoutRepeat(strings.Join(strings.Fields(msg), " "))
}

// withoutRepeat returns msg with a tail that repeats itself said once: pgx lists the same failure once per
// attempt ("dial tcp ...: connection refused dial tcp ...: connection refused" for sslmode=prefer's TLS and
// plain tries).
func withoutRepeat(msg string) string {
	for i := 0; i < len(msg); i++ {
		if i > 0 && msg[i-1] != ' ' {
			continue
		}
		rest := msg[i:]
		if half := (len(rest) - 1) / 2; half > 0 && len(rest) == 2*half+1 && rest[half] == ' ' && rest[:half] == rest[half+1:] {
			return msg[:i] + rest[:half]
		}
	}
	return msg
}

// describeDBError explains the database errors an operator can act on: a database without yapstore's
// tables. Other errors pass unchanged.
func describeDBError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table
		return fmt.Errorf("the database has no yapstore tables (%s): create them with 'yapstore migrate up' "+
			"(a database the platform built: 'yapstore migrate adopt' first)", pgErr.Message)
	}
	return err
}
