# shellcheck shell=bash
# Sourced by the wrapper scripts: prints the mdt binary to use ($MDT_BIN, else `mdt` on PATH, else
# <repo>/.build/{debug,release}/mdt), or names what is missing on stderr and exits 69.
# Usage: mdt=$(find_mdt NAME)   (NAME prefixes the error line, e.g. create-topics.sh)
find_mdt() {
    local name=$1 repo
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    if [[ -n ${MDT_BIN:-} ]]; then
        [[ -x $MDT_BIN ]] || { echo "$name: MDT_BIN=$MDT_BIN is not executable" >&2; exit 69; }
        echo "$MDT_BIN"
    elif command -v mdt >/dev/null 2>&1; then
        command -v mdt
    elif [[ -x $repo/.build/debug/mdt ]]; then
        echo "$repo/.build/debug/mdt"
    elif [[ -x $repo/.build/release/mdt ]]; then
        echo "$repo/.build/release/mdt"
    else
        echo "$name: mdt not found: set MDT_BIN, put mdt on PATH, or run 'swift build'" >&2
        exit 69
    fi
}
