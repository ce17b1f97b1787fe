#!/usr/bin/env bash
# Stops background collectors started with scripts/start-background.sh (`mdt collect stop`):
# SIGTERM, wait while every sink flushes, SIGKILL only after the timeout.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/stop-background.sh [NAME | --all] [--timeout SECONDS] [MDT_COLLECT_STOP_OPTIONS...]

Runs `mdt collect stop` with every argument passed through. With no NAME the collector named
'default' stops; --all stops every registered collector. Examples:
  scripts/stop-background.sh
  scripts/stop-background.sh shard0 --timeout 120
  scripts/stop-background.sh --all

The mdt binary is $MDT_BIN, else `mdt` on PATH, else <repo>/.build/{debug,release}/mdt.
Exit status: mdt's (0 stopped or not running, 1 failure, 64 usage).
EOF_USAGE
}

# shellcheck source=lib/find-mdt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/find-mdt.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
mdt=$(find_mdt stop-background.sh)
exec "$mdt" collect stop "$@"
