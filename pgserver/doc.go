// Package pgserver finds or starts a PostgreSQL server for tests, demos and the yapstore command-line tool,
// so that nobody needs a database set up by hand to try yapstore.
//
// Start takes the first path that works, in this order, and says which one it took:
//
//   - url: a server the caller names, typically from TEST_DATABASE_URL or DATABASE_URL;
//   - container: a testcontainers PostgreSQL (image from YAPSTORE_TEST_IMAGE, default postgres:16-alpine)
//     when a Docker engine answers;
//   - local: a throwaway cluster made by initdb in a temporary directory, from the server binaries installed
//     on this machine;
//
// and otherwise fails with a *NoServerError whose message says how to get a server. A Server reports its
// Kind, a human-readable Source, the reasons earlier paths were skipped, and is torn down with Stop.
//
// # The pieces
//
// [Start] finds or starts a server in the order [Options] (or [EnvOptions], from the environment) gives:
// a URL, a testcontainers container, a cluster of the local server binaries. It returns a [*Server], or a
// [*NoServerError] listing why each path was skipped ([Skip]). [StartPgBouncer] puts a [*PgBouncer] in front
// of a server, for testing through a connection pooler.
//
// # Cleaning up
//
// Stop removes what Start created. A container is also removed by testcontainers' reaper (Ryuk) when the
// process exits, unless the reaper is disabled (TESTCONTAINERS_RYUK_DISABLED=true, as on machines where its
// image cannot be pulled); then only Stop removes it, and Server.SurvivesExit reports true. Containers are
// labelled org.yapstore.pgserver so that those left by a killed process can be removed with
//
//	docker rm -f $(docker ps -aq --filter label=org.yapstore.pgserver)
//
// On Linux a local cluster's server is stopped by the kernel when the process that started it dies; its
// directory (yapstore-pgserver-* in /dev/shm when that is roomy, else in the temporary directory) is removed
// by a later Start once it is ten minutes old and its server is gone.
package pgserver
