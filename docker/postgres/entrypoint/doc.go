// Command entrypoint is the entry point of the local PostgreSQL image that docker/postgres/build.sh builds
// from Debian's postgresql package. It is a static Go program because the image is built FROM scratch: it
// holds the server, its libraries and the shell initdb needs, and no other userland to script with.
//
// It behaves like the official postgres image's entry point, as far as tests need:
//
//   - with no arguments, or a first argument "postgres" or starting with "-", it runs the server;
//   - on an empty data directory (PGDATA, default /var/lib/postgresql/data) it runs initdb with the
//     superuser POSTGRES_USER (default postgres) and password POSTGRES_PASSWORD, allows TCP connections from
//     anywhere with POSTGRES_HOST_AUTH_METHOD (default scram-sha-256), starts a temporary server on the
//     Unix socket only, creates the database POSTGRES_DB (default the user's name), runs the *.sql and
//     *.sql.gz files in /docker-entrypoint-initdb.d, and stops the temporary server;
//   - it then replaces itself with the server, listening on 0.0.0.0:5432, run as the postgres user.
//
// Each server logs "database system is ready to accept connections", so a new container logs it twice,
// which is what testcontainers' postgres module waits for. Any other command is run as given.
//
// Files: config.go reads the environment and the command; main_linux.go runs it; init_linux.go creates
// the database.
package main
