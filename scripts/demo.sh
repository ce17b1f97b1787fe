#!/usr/bin/env bash
# The main job end to end on one machine: real ClickHouse, Redis and Kafka (mock cluster), mdt's own
# IQFeed-protocol server with a synthetic market, `mdt collect` into all three sinks, then the data
# shown back through mdt query, Redis, mdt book and mdt health. Everything is stopped at the end.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: scripts/demo.sh [--seconds N] [--symbols N] [--rate MSGS] [--keep]

  --seconds N   how long mdt collect runs (default 30)
  --symbols N   symbols in the synthetic market (default 300)
  --rate MSGS   market events per second the feed sends (default 20000)
  --keep        leave the services running afterwards (scripts/services.sh down stops them)
USAGE
}

seconds=30 symbols=300 rate=20000 keep=0
while (($#)); do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --symbols) symbols=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "demo.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
run=${MDT_RUN_DIR:-$repo/.run}
demo=$run/demo
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup and build"
scripts/setup.sh
swift build --product mdt 2>&1 | tail -n 1
swift build --product mdt-kafka-mock 2>&1 | tail -n 1
mdt=$repo/.build/debug/mdt

step "services: ClickHouse, Redis, Kafka (librdkafka mock cluster)"
scripts/services.sh up
feed_pid=""
cleanup() {
    if [[ -n $feed_pid ]]; then
        kill "$feed_pid" 2>/dev/null || true
        wait "$feed_pid" 2>/dev/null || true
    fi
    ((keep)) || scripts/services.sh down
}
trap cleanup EXIT

set -a
# shellcheck disable=SC1091
. "$run/services.env"
set +a
rm -rf "$demo" && mkdir -p "$demo"
export MDT_HOME=$demo/home

step "synthetic IQFeed on free ports ($symbols symbols, $rate events/s)"
for ((i = 1; i <= symbols; i++)); do printf 'SYM%04d\n' "$i"; done >"$demo/symbols.txt"
# shellcheck source=scripts/lib/synthetic-feed.sh
. "$repo/scripts/lib/synthetic-feed.sh"
start_synthetic_feed demo.sh "$mdt" "$demo/symbols.txt" "$rate" "$demo" || exit 1
cat "$demo/feed.log"

step "mdt collect for ${seconds}s into Kafka, ClickHouse and Redis"
"$mdt" collect --name demo --symbols "@$demo/symbols.txt" --duration "$seconds"

step "mdt query: rows per table in ClickHouse"
"$mdt" query --format table "SELECT 'market_ticks' AS tbl, count() AS rows, uniqExact(symbol) AS symbols FROM market_ticks
    UNION ALL SELECT 'market_l1', count(), uniqExact(symbol) FROM market_l1
    UNION ALL SELECT 'market_l2', count(), uniqExact(symbol) FROM market_l2"

step "mdt query ticks SYM0001 (latest 5)"
"$mdt" query ticks SYM0001 --limit 5 --format table

step "Redis: latest quote l1:SYM0001 and top of book"
redis-cli -u "$MDT_REDIS_URL" hgetall l1:SYM0001 | paste - - | head -n 12
redis-cli -u "$MDT_REDIS_URL" get book:SYM0001 | cut -c1-200

step "Kafka: message counts per topic (mdt topics list)"
"$mdt" topics list --format table

step "mdt book SYM0001 --source clickhouse (as of the last event)"
"$mdt" book SYM0001 --source clickhouse --depth 5

step "mdt health"
MDT_HEALTH_STATUS=0
"$mdt" health --skip freshness || MDT_HEALTH_STATUS=$?
echo "health exit code: $MDT_HEALTH_STATUS"

step "done"
echo "The demo's MDT_HOME is $MDT_HOME (manifest, spool, status)."
