#!/usr/bin/env bash
# Soak test: one `mdt collect` on N symbols from the synthetic feed for M minutes into every sink,
# sampling the collector's resident memory, CPU and counters every 10 s. Prints one row per sample and
# a verdict line (peak RSS, growth over the second half). Services must be up (scripts/services.sh up).
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: scripts/bench-soak.sh [--minutes M] [--symbols N] [--rate MSGS] [--binary PATH]

  --minutes M    how long the collector runs (default 10)
  --symbols N    symbols subscribed and served (default 20000)
  --rate MSGS    events per second the synthetic feed sends (default 20000)
  --binary PATH  the mdt to run (default .build/release/mdt)
  MDT_SOAK_SINKS=kafka|clickhouse|redis|...  only these sinks (default: all three)

Output: t_s rss_mb cpu_s (every 10 s), the collector's summary line, then
  soak: symbols=N rate=R minutes=M peak_rss_mb=P rss_first_half_max_mb=A rss_second_half_max_mb=B flat=yes|no received=N lost=L
"flat" means the second half's peak is within 5% of the first half's.
USAGE
}

minutes=10 symbols=20000 rate=20000
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mdt=$repo/.build/release/mdt
while (($#)); do
    case "$1" in
        --minutes) minutes=$2; shift 2 ;;
        --symbols) symbols=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --binary) mdt=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench-soak.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
[[ -x $mdt ]] || { echo "bench-soak.sh: $mdt not found (swift build -c release --product mdt)" >&2; exit 69; }
run=${MDT_RUN_DIR:-$repo/.run}
[[ -s $run/services.env ]] || { echo "bench-soak.sh: services are not up (scripts/services.sh up)" >&2; exit 69; }
set -a
# shellcheck source=/dev/null
. "$run/services.env"
set +a

dir=$(mktemp -d "${TMPDIR:-/tmp}/mdt-soak.XXXXXX")
export MDT_HOME=$dir/home
feed_pid="" collect_pid=""
cleanup() {
    for p in $collect_pid $feed_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

for ((i = 1; i <= symbols; i++)); do printf 'S%05d\n' "$i"; done >"$dir/symbols.txt"
# shellcheck source=scripts/lib/synthetic-feed.sh
. "$repo/scripts/lib/synthetic-feed.sh"
start_synthetic_feed bench-soak.sh "$mdt" "$dir/symbols.txt" "$rate" "$dir" || exit 1

seconds=$((minutes * 60))
"$mdt" collect run --name soak --symbols "@$dir/symbols.txt" --duration "$seconds" --color off ${MDT_SOAK_SINKS:+--sinks "$MDT_SOAK_SINKS"} \
    >/dev/null 2>"$dir/collect.log" &
collect_pid=$!
ticks=$(getconf CLK_TCK)
samples=()
printf '%6s %8s %8s\n' t_s rss_mb cpu_s
start=$SECONDS
while kill -0 "$collect_pid" 2>/dev/null; do
    sleep 10
    [[ -r /proc/$collect_pid/status ]] || break
    rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$collect_pid/status" 2>/dev/null || echo 0)
    [[ -n $rss_kb && $rss_kb != 0 ]] || break
    cpu=$(awk -v t="$ticks" '{printf "%.1f", ($14 + $15) / t}' "/proc/$collect_pid/stat" 2>/dev/null || echo 0)
    t=$((SECONDS - start))
    ((t <= seconds)) || break
    samples+=("$t:$rss_kb")
    printf '%6d %8.1f %8s\n' "$t" "$(echo "$rss_kb / 1024" | bc -l)" "$cpu"
done
status=0
wait "$collect_pid" || status=$?
collect_pid=""
if ((status != 0)); then
    tail -n 5 "$dir/collect.log" >&2
    echo "bench-soak.sh: mdt collect exited $status" >&2
    exit 1
fi
half=$((seconds / 2)) a=0 b=0 peak=0
for s in "${samples[@]}"; do
    t=${s%%:*} kb=${s##*:}
    ((kb > peak)) && peak=$kb
    if ((t <= half)); then ((kb > a)) && a=$kb; else ((kb > b)) && b=$kb; fi
done
# The collector's last stderr line: "collected N events; kafka: delivered D, ...; clickhouse: delivered D, ...".
summary=$(grep '^collected ' "$dir/collect.log" | tail -n 1)
received=$(sed -n 's/^collected \([0-9]*\) events.*/\1/p' <<<"$summary")
lost=$(grep -oE ': delivered [0-9]+' <<<"$summary" | awk -v r="${received:-0}" '{m = (NR == 1 || $3 < m) ? $3 : m} END {print r - m}')
echo "$summary"
flat=no
((b * 100 <= a * 105)) && flat=yes
printf 'soak: symbols=%d rate=%d minutes=%d peak_rss_mb=%d rss_first_half_max_mb=%d rss_second_half_max_mb=%d flat=%s received=%s lost=%s\n' \
    "$symbols" "$rate" "$minutes" $((peak / 1024)) $((a / 1024)) $((b / 1024)) "$flat" "${received:-?}" "$lost"
