#!/usr/bin/env bash
# atlas.sh: runs the Atlas command-line tool pinned in tools/atlas: $YAPSTORE_ATLAS_CLI when set (make atlas
# builds bin/atlas), else through `go tool` (built on first use, cached after).
set -euo pipefail
if [ -n "${YAPSTORE_ATLAS_CLI:-}" ]; then
  exec "$YAPSTORE_ATLAS_CLI" "$@"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
exec go tool -modfile="$root/tools/atlas/go.mod" atlas "$@"
