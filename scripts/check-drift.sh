#!/usr/bin/env bash
# check-drift.sh [SCHEMA_DIR [MIGRATIONS_DIR]]: fails, printing the missing SQL, when the migrations do not
# build exactly the schema declared in SCHEMA_DIR (default schema/ and migrations/ of this repository).
#
# Atlas plans a new migration from MIGRATIONS_DIR to SCHEMA_DIR in a scratch copy; any file it writes is drift.
# `atlas migrate diff` exits 0 even when it writes a file, hence the copy. Needs ATLAS_DEV_URL: an empty
# PostgreSQL database with search_path=public (scripts/devdb.sh starts one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
schema=$(cd "${1:-$root/schema}" && pwd)
migrations=$(cd "${2:-$root/migrations}" && pwd)
: "${ATLAS_DEV_URL:?set ATLAS_DEV_URL to an empty PostgreSQL database (search_path=public)}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/schema" "$work/migrations"
cp "$schema"/*.sql "$work/schema/"
cp "$migrations"/*.sql "$migrations/atlas.sum" "$work/migrations/"
# The scratch copy of the desired state gets its own integrity file; schema/atlas.sum is validated elsewhere.
"$root/scripts/atlas.sh" migrate hash --dir "file://$work/schema" >/dev/null

"$root/scripts/atlas.sh" migrate diff drift_check \
  --dir "file://$work/migrations" --to "file://$work/schema" --dev-url "$ATLAS_DEV_URL" >"$work/diff.log" 2>&1 \
  || { cat "$work/diff.log" >&2; echo "check-drift: atlas failed" >&2; exit 1; }

new=$(ls "$work/migrations"/*_drift_check.sql 2>/dev/null || true)
if [ -n "$new" ]; then
  echo "DRIFT: schema/ and migrations/ differ. The migrations lack this change:" >&2
  echo "----------------------------------------------------------------------" >&2
  cat "$new" >&2
  echo "----------------------------------------------------------------------" >&2
  echo "Run: make migration NAME=<what_changed>, review the file, regenerate code and commit." >&2
  exit 1
fi
echo "check-drift: migrations/ builds exactly schema/"
