# shellcheck shell=bash
# Sourced by demo.sh and bench-soak.sh: starts `mdt replay --synthetic --serve` on free loopback ports
# for the symbols in SYMBOLS_FILE, waits for its port file, and exports MDT_IQFEED_HOST and
# MDT_IQFEED_{L1,L2,LOOKUP,ADMIN}_PORT for the mdt commands that follow. Sets feed_pid.
# Usage: start_synthetic_feed NAME MDT SYMBOLS_FILE RATE DIR   (DIR gets `ports` and `feed.log`)
start_synthetic_feed() {
    local name=$1 mdt=$2 symbols=$3 rate=$4 dir=$5
    "$mdt" replay --synthetic --serve --ports 0,0,0,0 --symbols "@$symbols" --rate "$rate" \
        --port-file "$dir/ports" 2>"$dir/feed.log" &
    feed_pid=$!
    for _ in $(seq 200); do [[ -s $dir/ports ]] && break; sleep 0.1; done
    if [[ ! -s $dir/ports ]]; then
        cat "$dir/feed.log" >&2
        echo "$name: the synthetic feed server did not start" >&2
        return 1
    fi
    MDT_IQFEED_HOST=127.0.0.1
    MDT_IQFEED_L1_PORT=$(sed -n 's/^l1=//p' "$dir/ports")
    MDT_IQFEED_L2_PORT=$(sed -n 's/^l2=//p' "$dir/ports")
    MDT_IQFEED_LOOKUP_PORT=$(sed -n 's/^lookup=//p' "$dir/ports")
    MDT_IQFEED_ADMIN_PORT=$(sed -n 's/^admin=//p' "$dir/ports")
    export MDT_IQFEED_HOST MDT_IQFEED_L1_PORT MDT_IQFEED_L2_PORT MDT_IQFEED_LOOKUP_PORT MDT_IQFEED_ADMIN_PORT
}
