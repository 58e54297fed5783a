#!/usr/bin/env bash
# sqlc.sh: runs sqlc pinned in tools/sqlc (built with cgo on first use, which takes minutes; cached after).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exec go tool -modfile="$root/tools/sqlc/go.mod" sqlc "$@"
