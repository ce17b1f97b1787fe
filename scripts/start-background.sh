#!/usr/bin/env bash
# Starts a named collector in the background (`mdt collect start`): it gets its own session, logs
# to $MDT_HOME/logs/NAME.log and is recorded with its PID in $MDT_HOME/manifest.db.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/start-background.sh [--name NAME] [MDT_COLLECT_START_OPTIONS...]

Runs `mdt collect start` with every argument passed through and returns once the collector
reports that it runs (or fails with its error). Examples:
  scripts/start-background.sh --symbols AAPL,MSFT,@ESZ26
  scripts/start-background.sh --name shard0 --shard 0/2 --symbols @/etc/mdt/symbols.txt
Check with `mdt collect status`; stop with scripts/stop-background.sh.

The mdt binary is $MDT_BIN, else `mdt` on PATH, else <repo>/.build/{debug,release}/mdt.
Exit status: mdt's (0 started, 1 failed to start, 64 usage, 69 a service unavailable).
EOF_USAGE
}

# shellcheck source=lib/find-mdt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/find-mdt.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
mdt=$(find_mdt start-background.sh)
exec "$mdt" collect start "$@"
