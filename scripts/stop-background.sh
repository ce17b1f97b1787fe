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

find_mdt() {
    local repo
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    if [[ -n ${MDT_BIN:-} ]]; then
        [[ -x $MDT_BIN ]] || { echo "stop-background.sh: MDT_BIN=$MDT_BIN is not executable" >&2; exit 69; }
        echo "$MDT_BIN"
    elif command -v mdt >/dev/null 2>&1; then
        command -v mdt
    elif [[ -x $repo/.build/debug/mdt ]]; then
        echo "$repo/.build/debug/mdt"
    elif [[ -x $repo/.build/release/mdt ]]; then
        echo "$repo/.build/release/mdt"
    else
        echo "stop-background.sh: mdt not found: set MDT_BIN, put mdt on PATH, or run 'swift build'" >&2
        exit 69
    fi
}

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
mdt=$(find_mdt)
exec "$mdt" collect stop "$@"
