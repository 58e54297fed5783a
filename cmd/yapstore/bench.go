package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/bench"
	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
	"github.com/yapstore/yapstore/internal/dburl"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/pgserver"
	"github.com/yapstore/yapstore/store"
)

// sectionBenchmarks is the help section of the bench command.
const sectionBenchmarks = "Benchmarks"

// defaultBenchRepeat is how many times bench measures each workload unless --repeat says otherwise: the
// median of five runs steadies the figures on a shared machine, where W1's 50 operations (a fifth of a
// second) vary by a quarter from one run to the next.
const defaultBenchRepeat = 5

func benchCommand() *cli.Command {
	var (
		only, clients, dir, size, pgbench, replicaURL string
		compare, noFsync, pooler, replica             bool
		repeat, poolSize, replicaWriters, listSims    *int32
		groupCommit                                   *int32
	)
	return &cli.Command{
		Name:     "bench",
		Section:  sectionBenchmarks,
		Summary:  "Measure the five platform workloads (W1..W5) on a scratch database",
		Database: true,
		JSON:     true,
		Description: `Runs the five workloads of BENCHMARKS.md — W1 submit, W2 task progress (with 1 and 8 clients),
W3 results ingest, W4 results read, W5 list — each on a fresh scratch database created beside the configured
one (and dropped at the end; the configured database itself is not touched), and prints one JSON line per
workload on standard output as BENCHMARKS.md defines it, with a progress line on standard error. The
output is JSON lines with or without --json, which is accepted for scripts that pass it to every command.

The payloads are generated: an editor input and a results file of the platform's shape (4 estimators, 21
pages, about 2.5 MB; --size scales the results, so W3 and W4 move more or less data). --fixtures DIR runs
on the platform's own payload files instead (json_payload_editor.json, json_with_results.json, and the two
files inputs).
With no database configured it starts a throwaway PostgreSQL server that, unlike the tests' servers, keeps
PostgreSQL's durability settings (fsync and synchronous_commit on, data on disk), so that a commit costs
what it costs in production; --no-fsync starts it without them, as the tests do.

--compare also runs, in the same process on the same server, the floor: a minimal hand-written pgx
implementation of the same operations (fewest round trips; blobs through package compress, so that the
comparison is about the data layer) and, for W2, the server's single-row UPDATE rate at the same client
count (pgbench with a one-row UPDATE script, or a minimal Go loop when pgbench is missing; beside pgbench,
the Go loop too, the ceiling of any Go client on the machine). After each workload's line it prints a line
keyed "compare" with yapstore's throughput as a ratio of each and the peak heap of W3 and W4 against the
payload; W2's also names the server's fsync and synchronous_commit settings, on which the update rate
depends most.

Each workload is measured --repeat times (default 5), the implementations taking turns, and the lines
report the run of median throughput; the progress lines list every run.

--pooler starts PgBouncer (transaction pooling, --pool-size server connections) in front of the server and
runs yapstore and the floor through it, as a platform behind a pooler runs: W2 at --clients 64,256 shows
what the pooler costs and saves. The server's own update rate is still measured directly.

--replica starts the throwaway server from the local PostgreSQL binaries with a streaming replica of it
(pg_basebackup), and --replica-url names a replica of a configured server (its database is replaced by each
scratch database's name). W4 and W5 then read from the replica, yapstore through store.WithReplicas and the
floor connected to it directly, while --replica-writers clients (default 8) send W2's progress updates to
the primary; their lines add the share of the reads the replica served and the primary's write rate.`,
		Flags: func(fs *cli.FlagSet) {
			fs.StringVar(&only, "only", "W1,...", "run only these workloads (comma-separated, e.g. W2,W4)")
			fs.StringVar(&clients, "clients", "N,...", "W2's client counts (default 1,8)")
			fs.BoolVar(&compare, "compare", "also measure the floor and print yapstore as a ratio of it")
			fs.OptionalInt32Var(&repeat, "repeat", "N", "measure each workload N times, taking turns, and report the median run (default 5)")
			fs.StringVar(&dir, "fixtures", "DIR", "the platform's payload files to run on, instead of generated ones")
			fs.OptionalInt32Var(&listSims, "list-simulations", "N", "W5: the simulations the listing user owns (default 1000; 100000 for a heavy user)")
			fs.StringVar(&size, "size", "X", "scale the generated results file by X (default 1: about 2.5 MB; 4: about 10 MB)")
			fs.StringVar(&pgbench, "pgbench", "PATH", `pgbench for the server's update rate ("none": a Go loop; default: found on this machine)`)
			fs.BoolVar(&noFsync, "no-fsync", "start the throwaway server without durability (fsync, synchronous_commit off), as tests do")
			fs.OptionalInt32Var(&groupCommit, "group-commit", "N", fmt.Sprintf(
				"the groups of W2's progress reports yapstore sends at once (store.WithGroupCommit; 0: no grouping; default %d)",
				store.DefaultGroupCommit))
			fs.BoolVar(&pooler, "pooler", "run yapstore and the floor through a PgBouncer in transaction pooling mode, started in front of the server")
			fs.OptionalInt32Var(&poolSize, "pool-size", "N", "with --pooler: PgBouncer's server connections per database (default 16)")
			fs.BoolVar(&replica, "replica", "start a streaming replica of the throwaway server; W4 and W5 read from it while W2 writes on the primary")
			fs.StringVar(&replicaURL, "replica-url", "URL", "a streaming replica of the configured server for W4 and W5 to read from (as --replica)")
			fs.OptionalInt32Var(&replicaWriters, "replica-writers", "N", "with a replica: the clients writing on the primary meanwhile (default 8)")
		},
		Examples: []string{
			"yapstore bench --compare",
			"yapstore bench --only W2 --clients 8 --compare",
			"yapstore bench --only W3,W4 --size 4",
			"yapstore bench --only W4,W5 --replica --compare",
			"yapstore bench --only W5 --list-simulations 100000 --compare",
			"DATABASE_URL=postgres://postgres@localhost:5432/postgres yapstore bench > bench.jsonl",
		},
		Run: func(ctx context.Context, env *cli.Env) error {
			workloads, err := bench.ParseWorkloads(only)
			if err != nil {
				return cli.Usagef("--only: %s", trimBenchPrefix(err))
			}
			counts, err := bench.ParseClients(clients)
			if err != nil {
				return cli.Usagef("--clients: %s", trimBenchPrefix(err))
			}
			sizes := bench.DefaultSizes()
			if listSims != nil {
				if *listSims < 1 || *listSims > 10_000_000 {
					return cli.Usagef("--list-simulations: %d is outside 1..10000000", *listSims)
				}
				sizes.ListSimulations = int(*listSims)
			}
			var storeOpener bench.Opener
			if groupCommit != nil {
				if *groupCommit < 0 || *groupCommit > bench.MaxClients {
					return cli.Usagef("--group-commit: %d is outside 0..%d", *groupCommit, bench.MaxClients)
				}
				storeOpener = bench.OpenStoreWith(store.WithGroupCommit(int(*groupCommit)))
			}
			runs := defaultBenchRepeat
			if repeat != nil {
				if *repeat < 1 || *repeat > 100 {
					return cli.Usagef("--repeat: %d is outside 1..100", *repeat)
				}
				runs = int(*repeat)
			}
			serverURL, source, dbErr := env.DatabaseURL()
			if dbErr == nil && noFsync {
				return cli.Usagef("--no-fsync: applies to the throwaway server only, not to %s", source)
			}
			if dbErr == nil && replica {
				return cli.Usagef("--replica: starts a replica of the throwaway server only; name a replica of %s with --replica-url", source)
			}
			if replica && replicaURL != "" {
				return cli.Usagef("--replica-url: names a replica of a configured server, which --replica starts itself")
			}
			writers := 0
			if replicaWriters != nil {
				if !replica && replicaURL == "" {
					return cli.Usagef("--replica-writers: applies with --replica or --replica-url")
				}
				if *replicaWriters < 1 || *replicaWriters > bench.MaxClients {
					return cli.Usagef("--replica-writers: %d is outside 1..%d", *replicaWriters, bench.MaxClients)
				}
				writers = int(*replicaWriters)
			}
			payloads, err := benchPayloads(dir, size)
			if err != nil {
				return err
			}
			switch {
			case errors.Is(dbErr, cli.ErrNoDatabase):
				srv, stop, err := benchServer(ctx, env, !noFsync, replica)
				if err != nil {
					return err
				}
				defer stop()
				serverURL, source = srv.URL(), "a throwaway server"
				if replica {
					rep, err := pgserver.StartReplica(ctx, srv)
					if err != nil {
						return fmt.Errorf("start a replica of the throwaway server: %w", err)
					}
					defer func() { _ = rep.Stop(context.WithoutCancel(ctx)) }()
					replicaURL = rep.URL()
					fmt.Fprintf(env.Stderr, "bench: a streaming replica of it: %s\n", rep.Source())
				}
			case dbErr != nil:
				return dbErr
			}
			var onReplica func(string) string
			if replicaURL != "" {
				if err := dburl.Check(replicaURL); err != nil {
					return cli.Usagef("--replica-url: %v", err)
				}
				onReplica = func(database string) string {
					u, err := pgserver.WithDatabase(replicaURL, database)
					if err != nil {
						return replicaURL // checked above; the run reports a URL it cannot use
					}
					return u
				}
			}
			fmt.Fprintf(env.Stderr, "bench: server %s (from %s), payloads %s (results file %d bytes)\n",
				dburl.Redact(serverURL), source, describePayloads(payloads), len(payloads.Results))
			var through func(string) string
			if pooler {
				size := 16
				if poolSize != nil {
					size = int(*poolSize)
				}
				b, err := pgserver.StartPgBouncer(ctx, serverURL, pgserver.PgBouncerOptions{PoolSize: size, Logf: env.Debugf})
				if err != nil {
					return err
				}
				defer func() { _ = b.Stop(context.WithoutCancel(ctx)) }()
				fmt.Fprintf(env.Stderr, "bench: through PgBouncer (transaction pooling, %d server connections) on port %d\n", size, b.Port())
				// The floor prepares its statements as pgx does by default, which a transaction pooler cannot
				// keep; describe-caching is what the Store itself picks when it finds a pooler.
				through = b.DescribingURL
			}
			_, err = bench.Run(ctx, bench.Config{
				Through:        through,
				Replica:        onReplica,
				ReplicaWriters: writers,
				ServerURL:      serverURL,
				Payloads:       payloads,
				Sizes:          sizes,
				Store:          storeOpener,
				Workloads:      workloads,
				Clients:        counts,
				Compare:        compare,
				Repeat:         runs,
				Pgbench:        pgbench,
				Out:            env.Stdout,
				Progress:       env.Stderr,
			})
			return err
		},
	}
}

// benchPayloads returns the payloads a bench run uses: the files in dir when it is given, else generated ones
// scaled by size ("" is 1). It returns a usage error for both at once or a size that is not a positive
// number up to 100, and an error wrapping fixtures.ErrFixtures for a directory it cannot load.
func benchPayloads(dir, size string) (*fixtures.Set, error) {
	if dir != "" {
		if size != "" {
			return nil, cli.Usagef("--size: applies to generated payloads, not to --fixtures %s", dir)
		}
		return fixtures.Load(dir)
	}
	scale := 1.0
	if size != "" {
		var err error
		scale, err = strconv.ParseFloat(size, 64)
		if err != nil || !(scale > 0 && scale <= 100) {
			return nil, cli.Usagef("--size: %q is not a number in (0, 100]", size)
		}
	}
	return fixtures.Generate(fixtures.Options{Scale: scale}), nil
}

// describePayloads names where a bench run's payloads come from.
func describePayloads(set *fixtures.Set) string {
	if set.Dir != "" {
		return set.Dir
	}
	return set.Name
}

// benchServer starts a throwaway PostgreSQL server for a bench run, durable (pgserver.Options.Durable) or
// not, and from the local binaries when it is to have a replica, and returns it with the function that stops
// it.
func benchServer(ctx context.Context, env *cli.Env, durable, local bool) (*pgserver.Server, func(), error) {
	opts := pgserver.EnvOptions("DATABASE_URL")
	opts.URL = ""
	opts.Logf = env.Debugf
	opts.Durable = durable
	opts.TrackStatements = true // the server's own time per operation, in every workload's line
	if local {
		opts.Kinds = []pgserver.Kind{pgserver.KindLocal}
	}
	kind := "a durable"
	if !durable {
		kind = "an fsync-off"
	}
	fmt.Fprintf(env.Stderr, "bench: no database configured: starting %s throwaway PostgreSQL server\n", kind)
	return startServer(ctx, env, opts)
}

// trimBenchPrefix returns err's message without the package's "bench: invalid configuration: " prefix.
func trimBenchPrefix(err error) string {
	msg := err.Error()
	if prefix := bench.ErrConfig.Error() + ": "; len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}
