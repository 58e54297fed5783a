#!/usr/bin/env bash
# atlas.sh: runs the Atlas command-line tool pinned in tools/atlas (built on first use, cached after).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exec go tool -modfile="$root/tools/atlas/go.mod" atlas "$@"
