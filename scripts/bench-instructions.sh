#!/usr/bin/env bash
# Instructions per operation of the pure hot paths (parse, book, encode), counted by callgrind:
# stable on a noisy, shared machine where wall-clock figures are not.
#
# Each case runs `mdt bench NAME --iterations N` twice under `valgrind --tool=callgrind` (N1 and N2
# operations) and prints (I(N2) - I(N1)) / (N2 - N1): start-up and workload generation cancel out.
#
# Usage: scripts/bench-instructions.sh [MDT_BINARY]   (default: a release build in .build-release)
set -euo pipefail
cd "$(dirname "$0")/.."

mdt=${1:-}
if [[ -z $mdt ]]; then
    mdt=.build-release/release/mdt
    if [[ ! -x $mdt ]]; then
        echo "building release mdt (swift build -c release --product mdt --scratch-path .build-release)..." >&2
        swift build -c release --product mdt --scratch-path .build-release >&2
    fi
fi
command -v valgrind >/dev/null || { echo "valgrind not installed (apt-get install valgrind)" >&2; exit 69; }

n1=${BENCH_N1:-50000}
n2=${BENCH_N2:-250000}

# Instructions executed by one run (callgrind's "Collected" line).
count() {
    local log
    log=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$mdt" bench "$@" --seconds 0 --runs 1 --json 2>&1 >/dev/null || true)
    if ! grep -q 'Collected' <<<"$log"; then
        echo "callgrind failed on: $mdt bench $*" >&2
        grep -E 'INTERNAL ERROR|Giving up|impossible' <<<"$log" | head -3 >&2
        return 0
    fi
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<<"$log" | tail -1
}

printf '%-22s %14s %14s %12s\n' "case" "instr(N1)" "instr(N2)" "instr/op"
run_case() {
    local label=$1; shift
    local a b
    a=$(count "$@" --iterations "$n1")
    b=$(count "$@" --iterations "$n2")
    if [[ -z $a || -z $b ]]; then echo "$label: callgrind gave no count" >&2; status=1; return 0; fi
    printf '%-22s %14s %14s %12.1f\n' "$label" "$a" "$b" "$(echo "($b - $a) / ($n2 - $n1)" | bc -l)"
}

status=0
run_case "parse l1 (line)"     parse --only l1 --symbols 2000
run_case "parse l2 (line)"     parse --only l2 --symbols 2000
run_case "book (update)"       book --symbols 2000
run_case "encode json (event)" encode --only json --symbols 2000
run_case "encode rowbinary"    encode --only rowbinary --symbols 2000
echo "N1=$n1 N2=$n2 binary=$mdt $(date -u +%FT%TZ)"
exit "$status"
