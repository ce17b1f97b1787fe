#!/usr/bin/env bash
# Creates mdt's standard Kafka topics (iqfeed.trades.raw, iqfeed.quotes.raw, iqfeed.l2.raw,
# trading.signals, market.features). A thin wrapper over `mdt topics create`.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/create-topics.sh [MDT_TOPICS_CREATE_OPTIONS...] [TOPIC...]

Runs `mdt topics create` with every argument passed through: existing topics are reported and
skipped, so it is safe to run again. Examples:
  scripts/create-topics.sh                                 # the standard set, kafka.partitions
  scripts/create-topics.sh --brokers kafka1:9092 --partitions 12 --replication 3
  scripts/create-topics.sh my.extra.topic

The mdt binary is $MDT_BIN, else `mdt` on PATH, else <repo>/.build/{debug,release}/mdt.
Exit status: mdt's (0 ok, 64 usage, 69 no broker reachable, 78 bad configuration).
See `mdt help topics create`.
EOF_USAGE
}

find_mdt() {
    local repo
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    if [[ -n ${MDT_BIN:-} ]]; then
        [[ -x $MDT_BIN ]] || { echo "create-topics.sh: MDT_BIN=$MDT_BIN is not executable" >&2; exit 69; }
        echo "$MDT_BIN"
    elif command -v mdt >/dev/null 2>&1; then
        command -v mdt
    elif [[ -x $repo/.build/debug/mdt ]]; then
        echo "$repo/.build/debug/mdt"
    elif [[ -x $repo/.build/release/mdt ]]; then
        echo "$repo/.build/release/mdt"
    else
        echo "create-topics.sh: mdt not found: set MDT_BIN, put mdt on PATH, or run 'swift build'" >&2
        exit 69
    fi
}

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
mdt=$(find_mdt)
exec "$mdt" topics create "$@"
