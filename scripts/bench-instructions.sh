#!/usr/bin/env bash
# Instructions (and cycles) per operation of the pure hot paths (parse, book, encode): instruction
# counts are stable on a noisy, shared machine where wall-clock figures are not.
#
# Each case runs `mdt bench NAME --iterations N` for N1 and N2 operations and prints
# (I(N2) - I(N1)) / (N2 - N1): start-up and workload generation cancel out. Counts come from the CPU's
# counters through `perf stat -e instructions:u,cycles:u` (user space of our own process: allowed with
# kernel.perf_event_paranoid <= 2, the Debian default); where perf cannot count, from
# `valgrind --tool=callgrind` (instructions only; valgrind >= 3.22 is needed for Swift 6.3 binaries).
#
# Usage: scripts/bench-instructions.sh [MDT_BINARY]   (default: .build/release/mdt, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-} in
    -h|--help)
        echo "Usage: scripts/bench-instructions.sh [MDT_BINARY]   (default: .build/release/mdt, built if missing)"
        echo "Prints instructions and cycles per operation for parse l1/l2, book, encode json/rowbinary."
        echo "BENCH_N1 / BENCH_N2 set the two operation counts (default 1000000 / 3000000)."
        exit 0 ;;
    -*) echo "bench-instructions.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
esac
mdt=${1:-}
if [[ -z $mdt ]]; then
    mdt=.build/release/mdt
    if [[ ! -x $mdt ]]; then
        echo "building release mdt (swift build -c release --product mdt)..." >&2
        swift build -c release --product mdt >&2
    fi
fi

n1=${BENCH_N1:-1000000}
n2=${BENCH_N2:-3000000}

tool=none
if command -v perf >/dev/null && perf stat -x, -e instructions:u true 2>&1 >/dev/null | grep -q '^[0-9]'; then
    tool=perf
elif command -v valgrind >/dev/null; then
    tool=callgrind
    n1=${BENCH_N1:-50000}; n2=${BENCH_N2:-250000}
else
    echo "bench-instructions: neither perf (linux-perf) nor valgrind can count instructions here" >&2
    exit 69
fi

# "instructions cycles" of one run (cycles empty under callgrind).
count() {
    local log
    if [[ $tool == perf ]]; then
        log=$(perf stat -x, -e instructions:u,cycles:u "$mdt" bench "$@" --seconds 0 --runs 1 --no-warmup --json 2>&1 >/dev/null || true)
        local i c
        i=$(awk -F, '$3 ~ /^instructions/ {print $1}' <<<"$log")
        c=$(awk -F, '$3 ~ /^cycles/ {print $1}' <<<"$log")
        [[ $i =~ ^[0-9]+$ ]] && echo "$i ${c:-0}"
    else
        log=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$mdt" bench "$@" --seconds 0 --runs 1 --json 2>&1 >/dev/null || true)
        if ! grep -q 'Collected' <<<"$log"; then
            grep -E 'INTERNAL ERROR|Giving up|impossible' <<<"$log" | head -3 >&2
            return 0
        fi
        echo "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<<"$log" | tail -1) 0"
    fi
}

printf '%-22s %12s %12s\n' "case" "instr/op" "cycles/op"
status=0
run_case() {
    local label=$1; shift
    local a b
    a=$(count "$@" --iterations "$n1")
    b=$(count "$@" --iterations "$n2")
    if [[ -z $a || -z $b ]]; then echo "$label: $tool gave no count" >&2; status=1; return 0; fi
    read -r ia ca <<<"$a"; read -r ib cb <<<"$b"
    printf '%-22s %12.1f %12.1f\n' "$label" "$(echo "($ib - $ia) / ($n2 - $n1)" | bc -l)" "$(echo "($cb - $ca) / ($n2 - $n1)" | bc -l)"
}

run_case "parse l1 (line)"     parse --only l1 --symbols 2000
run_case "parse l2 (line)"     parse --only l2 --symbols 2000
run_case "book (update)"       book --symbols 2000
run_case "encode json (event)" encode --only json --symbols 2000
run_case "encode rowbinary"    encode --only rowbinary --symbols 2000
echo "tool=$tool N1=$n1 N2=$n2 binary=$mdt $(date -u +%FT%TZ)"
exit "$status"
