#!/usr/bin/env bash
# Installs what mdt needs to build and test on Debian/Ubuntu: C libraries, ClickHouse, Redis,
# kcat, shellcheck, python3. Idempotent: quiet when everything is present.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/setup.sh [--check] [--help]

Installs the Debian packages mdt needs if any are missing (one `apt-get update`, then
`apt-get install`), then checks that `swift` is on PATH.

  --check   only report what is missing; exit 1 if anything is
  --help    show this help

Packages: librdkafka-dev libhiredis-dev libcurl4-openssl-dev libsqlite3-dev pkg-config
          clickhouse-server clickhouse-client redis-server redis-tools kcat shellcheck
          python3 curl time; and the python package chdb-core (pip) for modern-dialect tests
EOF
}

check_only=0
for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        --check) check_only=1 ;;
        *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 64 ;;
    esac
done

packages=(
    librdkafka-dev libhiredis-dev libcurl4-openssl-dev libsqlite3-dev pkg-config
    clickhouse-server clickhouse-client redis-server redis-tools kcat shellcheck
    python3 curl time
)

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
        installed "$p" || missing+=("$p")
    done
else
    echo "setup.sh: dpkg-query not found: install these packages by hand: ${packages[*]}" >&2
    exit 1
fi

if ((${#missing[@]} > 0)); then
    if ((check_only)); then
        echo "setup.sh: missing packages: ${missing[*]}" >&2
        exit 1
    fi
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo_cmd=(sudo)
        else
            echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
            exit 1
        fi
    fi
    echo "setup.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup.sh: swift not found on PATH: install a Swift 6 toolchain from https://swift.org/install" >&2
    exit 1
fi
version=$(swift --version 2>&1 | head -n 1)
case "$version" in
    *"Swift version 6."*|*"Swift version 7."*) ;;
    *) echo "setup.sh: need Swift 6 or later, found: $version" >&2; exit 1 ;;
esac
# chdb (ClickHouse 26.x embedded in Python, from PyPI) proves the modern SQL dialect in the tests.
if ! python3 -c 'import chdb' >/dev/null 2>&1; then
    if ((check_only)); then
        echo "setup.sh: missing python package chdb-core" >&2
        exit 1
    fi
    echo "setup.sh: installing python package chdb-core (about 180 MB)" >&2
    python3 -m pip install --quiet chdb-core
    missing+=(chdb-core)
fi

if ((${#missing[@]} > 0)); then
    echo "setup.sh: ready ($version)" >&2
fi
