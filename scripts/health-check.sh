#!/usr/bin/env bash
# Nagios/Icinga plugin: one status line from `mdt health --nagios`, exit 0 OK, 1 WARNING,
# 2 CRITICAL, 3 UNKNOWN (mdt's own exit code, passed through).
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
Usage: scripts/health-check.sh [-w MS[,S]] [-c MS[,S]] [-t SECONDS] [MDT_HEALTH_OPTIONS...]

Runs `mdt health --nagios` and exits with its status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN;
64 on a usage error). -w/-c are latency ms[,newest tick age s] thresholds, -t the per-check
timeout; any other mdt health option passes through (--component, --skip, --config, ...).
Examples:
  scripts/health-check.sh -w 500,60 -c 2000,300 -t 5
  scripts/health-check.sh --component clickhouse,kafka

The mdt binary is $MDT_BIN, else `mdt` on PATH, else <repo>/.build/{debug,release}/mdt
(not found: exit 3, UNKNOWN). See `mdt help health`.
EOF_USAGE
}

# Sets $mdt (no subshell, so an UNKNOWN line and exit 3 reach Nagios directly).
find_mdt() {
    local repo
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    if [[ -n ${MDT_BIN:-} ]]; then
        [[ -x $MDT_BIN ]] || { echo "MDT UNKNOWN - MDT_BIN=$MDT_BIN is not executable"; exit 3; }
        mdt=$MDT_BIN
    elif command -v mdt >/dev/null 2>&1; then
        mdt=$(command -v mdt)
    elif [[ -x $repo/.build/debug/mdt ]]; then
        mdt=$repo/.build/debug/mdt
    elif [[ -x $repo/.build/release/mdt ]]; then
        mdt=$repo/.build/release/mdt
    else
        echo "MDT UNKNOWN - mdt not found: set MDT_BIN, put mdt on PATH, or run 'swift build'"
        exit 3
    fi
}

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
mdt=
find_mdt
exec "$mdt" health --nagios "$@"
