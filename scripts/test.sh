#!/usr/bin/env bash
# The one test command (CI runs it through `make test`): installs what is missing, builds, starts
# the real services (ClickHouse, Redis, Kafka mock), runs every test with their addresses
# exported, stops the services it started, and exits with the tests' status.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/test.sh [--filter PATTERN] [--no-setup] [--keep-services] [-- SWIFT_TEST_ARGS...]

  --filter PATTERN   run only tests matching PATTERN (passed to `swift test --filter`)
  --no-setup         skip scripts/setup.sh (package installation check)
  --keep-services    leave the services running afterwards (they are also left running when
                     they were already up before this script started)
  --help             show this help

Steps: scripts/setup.sh, `swift build --build-tests`, `scripts/services.sh up`,
`swift test` with RUNDIR/services.env exported, `scripts/services.sh down`.
Environment: MDT_RUN_DIR (services run dir, default <repo>/.run), CI=true makes tests that need a
missing service fail instead of skip.
EOF_USAGE
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
cd "$repo"

filter=()
run_setup=1
keep=0
extra=()
while (($# > 0)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --filter) [[ $# -ge 2 ]] || { echo "test.sh: --filter needs a pattern" >&2; exit 64; }
                  filter=(--filter "$2"); shift ;;
        --no-setup) run_setup=0 ;;
        --keep-services) keep=1 ;;
        --) shift; extra=("$@"); break ;;
        *) echo "test.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
    shift
done

say() { echo "test.sh: $*" >&2; }
started=$SECONDS

if ((run_setup)); then
    say "checking packages (scripts/setup.sh)"
    scripts/setup.sh
fi

say "building (swift build --build-tests)"
swift build --build-tests

if scripts/services.sh status >/dev/null 2>&1; then
    say "services already up: leaving them running afterwards"
    keep=1
fi
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
    if ((keep == 0)); then
        scripts/services.sh down || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting services (scripts/services.sh up)"
scripts/services.sh up
env_file=$(scripts/services.sh env)
set -a
# shellcheck source=/dev/null
. "$env_file"
set +a

log_file=$(mktemp "${TMPDIR:-/tmp}/mdt-test.XXXXXX")
say "running swift test (log: $log_file)"
status=0
swift test --skip-build "${filter[@]}" "${extra[@]}" 2>&1 | tee "$log_file" || status=${PIPESTATUS[0]}

echo >&2
echo "==================== mdt test summary ====================" >&2
grep -E '(Test run with|Executed [0-9]+ tests?)' "$log_file" | grep -v 'Executed 0 tests' | sed 's/^/  /' >&2 || true
failures=$(grep -E '✘ Test .* failed' "$log_file" | grep -cv '✘ Test run with' || true)
if ((status == 0)); then
    echo "  RESULT: PASS in $((SECONDS - started))s" >&2
else
    echo "  RESULT: FAIL (exit $status, $failures failing test(s), $((SECONDS - started))s; see $log_file)" >&2
    grep -E '✘ Test .* (failed|recorded an issue)' "$log_file" | grep -v '✘ Test run with' | head -n 30 | sed 's/^/  /' >&2 || true
fi
echo "==========================================================" >&2
exit "$status"
