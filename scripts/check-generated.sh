#!/usr/bin/env bash
# check-generated.sh: fails when the code sqlc generates from queries/ and schema/ differs from what is
# committed in store/internal/dbsqlc, including generated files that no query produces any more (which
# `sqlc diff` does not notice), and when store/rows_gen.go is not what rowgen writes from them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=store/internal/dbsqlc
cd "$root"

"$root/scripts/sqlc.sh" diff || { echo "check-generated: run 'make generate' and commit the result" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r sqlc.yaml schema queries "$work/"
"$root/scripts/sqlc.sh" generate -f "$work/sqlc.yaml"
if ! diff -r "$work/$out" "$out" >"$work/diff.txt"; then
  cat "$work/diff.txt" >&2
  echo "check-generated: $out differs from sqlc's output (orphaned or stale files above);" \
       "run 'make generate' and commit the result" >&2
  exit 1
fi
echo "check-generated: $out is current and has no orphaned files"

cp store/rows_gen.go "$work/rows_gen.go"
(cd store && go generate .)
if ! cmp -s "$work/rows_gen.go" store/rows_gen.go; then
  diff "$work/rows_gen.go" store/rows_gen.go >&2 || true
  cp "$work/rows_gen.go" store/rows_gen.go
  echo "check-generated: store/rows_gen.go is stale; run 'make generate' and commit the result" >&2
  exit 1
fi
echo "check-generated: store/rows_gen.go is current"
