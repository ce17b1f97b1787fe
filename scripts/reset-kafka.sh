#!/usr/bin/env bash
# Deletes and recreates mdt's standard Kafka topics. Prints the plan only, unless --execute.
# A thin wrapper over `mdt topics reset`.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/reset-kafka.sh [--execute] [MDT_TOPICS_RESET_OPTIONS...]

Without --execute (the default) this is a dry run: it prints which topics would be deleted and
recreated, and changes nothing. With --execute every message in those topics is LOST.
Other options pass through to `mdt topics reset` (--brokers, --topic-prefix, --timeout, ...).
Examples:
  scripts/reset-kafka.sh                       # show the plan
  scripts/reset-kafka.sh --execute             # do it

The mdt binary is $MDT_BIN, else `mdt` on PATH, else <repo>/.build/{debug,release}/mdt.
Exit status: mdt's (0 ok, 64 usage, 69 no broker reachable or admin request unanswered).
EOF_USAGE
}

# shellcheck source=lib/find-mdt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/find-mdt.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
mdt=$(find_mdt reset-kafka.sh)
exec "$mdt" topics reset "$@"
