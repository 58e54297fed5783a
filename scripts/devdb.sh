#!/usr/bin/env bash
# devdb.sh: a throwaway PostgreSQL cluster from the local server binaries, for Atlas's dev database and for CI.
#
#   scripts/devdb.sh start DIR   initdb + start a cluster in DIR on a free port; prints its URL on stdout
#   scripts/devdb.sh stop DIR    stops it (DIR is left for the caller to remove)
#   scripts/devdb.sh ensure      installs the server binaries when missing and prints where they are
#
# Installs Debian's postgresql package when no server binaries are found (needs root, as on CI machines).
# When run as root the cluster runs as the unprivileged `postgres` user, since PostgreSQL refuses root.
set -euo pipefail

find_bindir() {
  local d
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

ensure_binaries() {
  if ! find_bindir >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "devdb: no PostgreSQL server binaries found; install the postgresql package" >&2
      exit 1
    fi
    echo "devdb: installing Debian's postgresql package" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

cmd=${1:-}
dir=${2:-}
if [ "$cmd" = ensure ]; then
  ensure_binaries
  find_bindir
  exit 0
fi
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR | ensure" >&2; exit 2; }

case "$cmd" in
start)
  ensure_binaries
  bindir=$(find_bindir)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    chmod o+x "$(dirname "$dir")" # the postgres user must be able to reach DIR
  fi
  port=$(free_port)
  as_owner "'$bindir/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C >'$dir/initdb.log' 2>&1" \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
    -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off\" start" >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  bindir=$(find_bindir)
  [ -d "$dir/data" ] && as_owner "'$bindir/pg_ctl' -D '$dir/data' -m immediate -w stop" >&2 || true
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
