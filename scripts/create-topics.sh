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

# shellcheck source=lib/find-mdt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/find-mdt.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
mdt=$(find_mdt create-topics.sh)
exec "$mdt" topics create "$@"
