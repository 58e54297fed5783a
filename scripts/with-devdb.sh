#!/usr/bin/env bash
# with-devdb.sh CMD [ARGS...]: runs CMD with ATLAS_DEV_URL pointing at an empty PostgreSQL database.
#
# When ATLAS_DEV_URL is already set it is used as it is. Otherwise a throwaway cluster is started from the
# local PostgreSQL binaries (scripts/devdb.sh) for the duration of CMD and removed afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${ATLAS_DEV_URL:-}" ]; then
  exec "$@"
fi
work=$(mktemp -d)
cleanup() {
  "$root/scripts/devdb.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
url=$("$root/scripts/devdb.sh" start "$work/pg")
psql_url=${url%%\?*}
# Atlas works in schema scope (unqualified names in migrations) when the URL pins the search_path.
ATLAS_DEV_URL="${psql_url%/postgres}/postgres?sslmode=disable&search_path=public"
export ATLAS_DEV_URL
"$@"
