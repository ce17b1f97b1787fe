#!/usr/bin/env bash
# Starts, stops and reports the real services mdt's tests and demo use: ClickHouse, Redis and
# librdkafka's mock Kafka cluster (mdt-kafka-mock), each on free loopback ports in one run dir.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/services.sh COMMAND [SERVICE]

Commands:
  up                 start every service that is not running, wait until each answers, write
                     RUNDIR/services.env
  down               stop every service this run dir started (idempotent), remove services.env
  status             print each service as up/down with its address; exit 3 if any is down
  start SERVICE      start one service (ClickHouse and Redis come back on the SAME port and data)
  stop SERVICE       stop one service gracefully (SIGTERM, SIGKILL after the timeout)
  kill SERVICE       stop one service abruptly (SIGKILL), to simulate a crash
  restart SERVICE    stop then start one service
  kafka-ctl LINE     send one control line to mdt-kafka-mock and print its answer, e.g.
                     `kafka-ctl broker-down 2`, `kafka-ctl broker-up 2`,
                     `kafka-ctl create-topic NAME PARTITIONS`
  env                print the path of services.env

SERVICE is one of: clickhouse redis kafka

Environment:
  MDT_RUN_DIR              run dir (default: <repo>/.run)
  MDT_SERVICES_TIMEOUT     seconds to wait for a service to answer (default: 60)
  MDT_KAFKA_MOCK_BIN       mdt-kafka-mock binary (default: <repo>/.build/debug/mdt-kafka-mock,
                           built with `swift build --product mdt-kafka-mock` when missing)
  MDT_KAFKA_MOCK_BROKERS   number of mock brokers (default: 3)

services.env keys: MDT_CLICKHOUSE_URL MDT_CLICKHOUSE_USER MDT_CLICKHOUSE_PASSWORD
  MDT_CLICKHOUSE_DATABASE MDT_CLICKHOUSE_TCP_PORT MDT_CLICKHOUSE_PID MDT_REDIS_URL MDT_REDIS_PID
  MDT_KAFKA_BROKERS MDT_KAFKA_CONTROL MDT_KAFKA_PID MDT_SERVICES_DIR
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
run_dir=${MDT_RUN_DIR:-$repo/.run}
timeout_s=${MDT_SERVICES_TIMEOUT:-60}
kafka_brokers_n=${MDT_KAFKA_MOCK_BROKERS:-3}
services=(clickhouse redis kafka)

ch_user=l2_user
ch_database=l2_market_data

log() { echo "services: $*" >&2; }
die() { echo "services: error: $*" >&2; exit 1; }

need() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found: run scripts/setup.sh"
}

# --- state: ports and password survive restarts, kept in RUNDIR/state.env --------------------

state_file() { echo "$run_dir/state.env"; }

state_get() {
    local key=$1 file
    file=$(state_file)
    [[ -f $file ]] || return 0
    sed -n "s/^$key=//p" "$file" | tail -n 1
}

state_set() {
    local key=$1 value=$2 file tmp
    file=$(state_file)
    tmp="$file.tmp.$$"
    mkdir -p "$run_dir"
    {
        if [[ -f $file ]]; then grep -v "^$key=" "$file" || true; fi
        echo "$key=$value"
    } >"$tmp"
    mv -f "$tmp" "$file"
}

# Prints N distinct free loopback TCP ports (all sockets held open until all are chosen).
free_ports() {
    need python3
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

port_busy() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}

# Ports for SERVICE from state, or fresh ones (also when a stored one was taken by someone else).
ensure_ports() {
    local svc=$1 keys=() k missing=0 ports
    case "$svc" in
        clickhouse) keys=(CLICKHOUSE_HTTP_PORT CLICKHOUSE_TCP_PORT CLICKHOUSE_INTERSERVER_PORT) ;;
        redis) keys=(REDIS_PORT) ;;
        *) return 0 ;;
    esac
    for k in "${keys[@]}"; do
        local v
        v=$(state_get "$k")
        if [[ -z $v ]] || port_busy "$v"; then missing=1; fi
    done
    ((missing)) || return 0
    read -r -a ports <<<"$(free_ports "${#keys[@]}")"
    local i
    for i in "${!keys[@]}"; do state_set "${keys[$i]}" "${ports[$i]}"; done
}

# --- process helpers --------------------------------------------------------------------------

pid_file() { echo "$run_dir/$1.pid"; }

service_pid() {
    local f
    f=$(pid_file "$1")
    [[ -f $f ]] || return 1
    local pid
    pid=$(tr -dc '0-9' <"$f")
    [[ -n $pid ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

running() { service_pid "$1" >/dev/null; }

# launch DIR PIDFILE LOGFILE COMMAND...: runs COMMAND in DIR in its own session, detached from
# this script's stdio; the process writes its own pid (it is the exec'd command) to PIDFILE.
launch() {
    local dir=$1 pidf=$2 logf=$3
    shift 3
    # shellcheck disable=SC2016 # $$ and $@ expand in the child shell, on purpose
    (cd "$dir" && exec setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidf" "$@") \
        >"$logf" 2>&1 </dev/null &
}

# wait_until SERVICE MESSAGE COMMAND...: polls COMMAND until it succeeds; fails at the timeout or
# as soon as SERVICE's process has died. MESSAGE (if not empty) is logged on success.
wait_until() {
    local svc=$1 what=$2
    shift 2
    local deadline=$((SECONDS + timeout_s))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            return 1
        fi
        if [[ -s $(pid_file "$svc") ]] && ! running "$svc"; then
            log "$svc exited while starting"
            return 1
        fi
        sleep 0.2
    done
    [[ -z $what ]] || log "$what"
}

stop_service() {
    local svc=$1 signal=${2:-TERM} pid
    if ! pid=$(service_pid "$svc"); then
        rm -f "$(pid_file "$svc")"
        return 0
    fi
    kill "-$signal" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + timeout_s))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "$svc (pid $pid) did not stop within ${timeout_s}s: sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            deadline=$((SECONDS + 5))
        fi
        sleep 0.1
    done
    rm -f "$(pid_file "$svc")"
    [[ $svc != kafka ]] || rm -f "$run_dir/kafka/bootstrap"
    log "$svc stopped (pid $pid, SIG$signal)"
}

# --- ClickHouse -------------------------------------------------------------------------------

ch_password() {
    local pw
    pw=$(state_get CLICKHOUSE_PASSWORD)
    if [[ -z $pw ]]; then
        pw=l2_test_pw
        state_set CLICKHOUSE_PASSWORD "$pw"
    fi
    echo "$pw"
}

ch_configure() {
    local dir=$1 http=$2 tcp=$3 inter=$4 pw=$5
    local src=/etc/clickhouse-server
    [[ -f $src/config.xml && -f $src/users.xml ]] || die "$src/config.xml or users.xml missing: run scripts/setup.sh"
    mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
    sed -e "s|<log>.*</log>|<log>$dir/log/clickhouse-server.log</log>|" \
        -e "s|<errorlog>.*</errorlog>|<errorlog>$dir/log/clickhouse-server.err.log</errorlog>|" \
        -e "s|<size>1000M</size>|<size>50M</size>|" \
        -e "s|<count>10</count>|<count>2</count>|" \
        -e "s|<http_port>[0-9]*</http_port>|<http_port>$http</http_port><listen_host>127.0.0.1</listen_host>|" \
        -e "s|<tcp_port>[0-9]*</tcp_port>|<tcp_port>$tcp</tcp_port>|" \
        -e "s|<interserver_http_port>[0-9]*</interserver_http_port>|<interserver_http_port>$inter</interserver_http_port>|" \
        -e "s|<path>/var/lib/clickhouse/</path>|<path>$dir/data/</path>|" \
        -e "s|<tmp_path>.*</tmp_path>|<tmp_path>$dir/tmp/</tmp_path>|" \
        -e "s|<user_files_path>.*</user_files_path>|<user_files_path>$dir/user_files/</user_files_path>|" \
        -e "s|<format_schema_path>.*</format_schema_path>|<format_schema_path>$dir/format_schemas/</format_schema_path>|" \
        -e "s|<mark_cache_size>[0-9]*</mark_cache_size>|<mark_cache_size>268435456</mark_cache_size>|" \
        -e "s|<uncompressed_cache_size>[0-9]*</uncompressed_cache_size>|<uncompressed_cache_size>268435456</uncompressed_cache_size>|" \
        "$src/config.xml" >"$dir/config.xml"
    grep -q "<http_port>$http</http_port>" "$dir/config.xml" || die "could not set the http port in $dir/config.xml"
    grep -q "<path>$dir/data/</path>" "$dir/config.xml" || die "could not set the data path in $dir/config.xml"
    local user_block
    user_block="        <$ch_user>
            <password>$pw</password>
            <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </$ch_user>
    </users>"
    awk -v block="$user_block" '
        /<\/users>/ && !done { print block; done = 1; next }
        { print }
    ' "$src/users.xml" >"$dir/users.xml"
    grep -q "<$ch_user>" "$dir/users.xml" || die "could not add user $ch_user to $dir/users.xml"
}

ch_ping() { [[ $(curl -sf "http://127.0.0.1:$1/ping") == "Ok." ]]; }

start_clickhouse() {
    need clickhouse-server
    need curl
    running clickhouse && return 0
    ensure_ports clickhouse
    local dir=$run_dir/clickhouse http tcp inter pw
    http=$(state_get CLICKHOUSE_HTTP_PORT)
    tcp=$(state_get CLICKHOUSE_TCP_PORT)
    inter=$(state_get CLICKHOUSE_INTERSERVER_PORT)
    pw=$(ch_password)
    ch_configure "$dir" "$http" "$tcp" "$inter" "$pw"
    local pidf
    pidf=$(pid_file clickhouse)
    rm -f "$pidf"
    launch "$dir" "$pidf" "$dir/log/stdout.log" clickhouse-server --config-file="$dir/config.xml"
    wait_until clickhouse "" test -s "$pidf" || die "clickhouse-server did not start: see $dir/log/stdout.log"
    if ! wait_until clickhouse "clickhouse up on http://127.0.0.1:$http" ch_ping "$http"; then
        tail -n 5 "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
        die "clickhouse did not answer /ping on 127.0.0.1:$http within ${timeout_s}s: see $dir/log/"
    fi
    local out
    if ! out=$(curl -sS -u "$ch_user:$pw" --data-binary "CREATE DATABASE IF NOT EXISTS $ch_database" \
        "http://127.0.0.1:$http/" 2>&1); then
        die "clickhouse: CREATE DATABASE $ch_database failed: $out"
    fi
    [[ -z $out ]] || die "clickhouse: CREATE DATABASE $ch_database failed: $out"
}

# --- Redis ------------------------------------------------------------------------------------

redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == "PONG" ]]; }

start_redis() {
    need redis-server
    need redis-cli
    running redis && return 0
    ensure_ports redis
    local dir=$run_dir/redis port pidf
    port=$(state_get REDIS_PORT)
    pidf=$(pid_file redis)
    mkdir -p "$dir"
    rm -f "$pidf"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
        --dir "$dir" --pidfile "$pidf" --logfile "$dir/redis.log" </dev/null >/dev/null
    wait_until redis "" test -s "$pidf" || die "redis-server did not start: see $dir/redis.log"
    wait_until redis "redis up on redis://127.0.0.1:$port" redis_ping "$port" ||
        die "redis did not answer PING on 127.0.0.1:$port within ${timeout_s}s: see $dir/redis.log"
}

# --- Kafka mock cluster -----------------------------------------------------------------------

kafka_control_path() {
    local p=$run_dir/kafka/control.sock
    if ((${#p} > 100)); then
        # Unix socket paths are limited to ~107 bytes.
        p="${TMPDIR:-/tmp}/mdt-kafka-$(echo "$run_dir" | cksum | cut -d' ' -f1).sock"
    fi
    echo "$p"
}

kafka_mock_bin() {
    local bin=${MDT_KAFKA_MOCK_BIN:-$repo/.build/debug/mdt-kafka-mock}
    if [[ ! -x $bin ]]; then
        [[ -z ${MDT_KAFKA_MOCK_BIN:-} ]] || die "MDT_KAFKA_MOCK_BIN=$bin is not executable"
        need swift
        log "building mdt-kafka-mock"
        (cd "$repo" && swift build --product mdt-kafka-mock >&2) || die "swift build --product mdt-kafka-mock failed"
        bin=$repo/.build/debug/mdt-kafka-mock
        [[ -x $bin ]] || die "swift build did not produce $bin"
    fi
    echo "$bin"
}

kafka_bootstrap() {
    local f=$run_dir/kafka/bootstrap
    [[ -s $f ]] && cat "$f"
}

kafka_ping() { kcat -L -b "$1" -m 5 >/dev/null 2>&1; }

start_kafka() {
    need kcat
    running kafka && return 0
    local dir=$run_dir/kafka bin pidf ctl
    bin=$(kafka_mock_bin)
    pidf=$(pid_file kafka)
    ctl=$(kafka_control_path)
    mkdir -p "$dir"
    rm -f "$pidf" "$dir/bootstrap" "$ctl"
    launch "$dir" "$pidf" "$dir/mock.log" \
        "$bin" --brokers "$kafka_brokers_n" --bootstrap-file "$dir/bootstrap" --control "$ctl"
    wait_until kafka "" test -s "$pidf" || die "mdt-kafka-mock did not start: see $dir/mock.log"
    if ! wait_until kafka "" test -s "$dir/bootstrap"; then
        tail -n 5 "$dir/mock.log" >&2 || true
        die "mdt-kafka-mock wrote no bootstrap file: see $dir/mock.log"
    fi
    local brokers
    brokers=$(kafka_bootstrap)
    wait_until kafka "kafka up on $brokers" kafka_ping "$brokers" ||
        die "kafka mock at $brokers did not answer metadata within ${timeout_s}s: see $dir/mock.log"
}

kafka_ctl() {
    need python3
    local ctl
    ctl=$(kafka_control_path)
    [[ -S $ctl ]] || die "kafka control socket $ctl not found: is the kafka mock up? (scripts/services.sh up)"
    python3 - "$ctl" "$*" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
data = b""
while not data.endswith(b"\n"):
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
reply = data.decode().strip()
print(reply)
sys.exit(0 if reply.startswith("ok") else 1)
PY
}

# --- env file and status ----------------------------------------------------------------------

env_file() { echo "$run_dir/services.env"; }

write_env() {
    local file tmp pid
    file=$(env_file)
    tmp="$file.tmp.$$"
    {
        echo "# Written by scripts/services.sh; source it or let TestServices read it."
        echo "MDT_SERVICES_DIR=$run_dir"
        if [[ -n $(state_get CLICKHOUSE_HTTP_PORT) ]]; then
            echo "MDT_CLICKHOUSE_URL=http://127.0.0.1:$(state_get CLICKHOUSE_HTTP_PORT)"
            echo "MDT_CLICKHOUSE_TCP_PORT=$(state_get CLICKHOUSE_TCP_PORT)"
            echo "MDT_CLICKHOUSE_USER=$ch_user"
            echo "MDT_CLICKHOUSE_PASSWORD=$(ch_password)"
            echo "MDT_CLICKHOUSE_DATABASE=$ch_database"
            pid=$(service_pid clickhouse || true)
            echo "MDT_CLICKHOUSE_PID=$pid"
        fi
        if [[ -n $(state_get REDIS_PORT) ]]; then
            echo "MDT_REDIS_URL=redis://127.0.0.1:$(state_get REDIS_PORT)"
            pid=$(service_pid redis || true)
            echo "MDT_REDIS_PID=$pid"
        fi
        if [[ -n $(kafka_bootstrap || true) ]]; then
            echo "MDT_KAFKA_BROKERS=$(kafka_bootstrap)"
            echo "MDT_KAFKA_CONTROL=$(kafka_control_path)"
            pid=$(service_pid kafka || true)
            echo "MDT_KAFKA_PID=$pid"
        fi
    } >"$tmp"
    mv -f "$tmp" "$file"
}

describe() {
    case "$1" in
        clickhouse) echo "http://127.0.0.1:$(state_get CLICKHOUSE_HTTP_PORT) (tcp $(state_get CLICKHOUSE_TCP_PORT))" ;;
        redis) echo "redis://127.0.0.1:$(state_get REDIS_PORT)" ;;
        kafka) echo "$(kafka_bootstrap || true) (control $(kafka_control_path))" ;;
    esac
}

status() {
    local svc pid all_up=0
    for svc in "${services[@]}"; do
        if pid=$(service_pid "$svc"); then
            printf '%-11s up    %s pid %s\n' "$svc" "$(describe "$svc")" "$pid"
        else
            printf '%-11s down\n' "$svc"
            all_up=3
        fi
    done
    return "$all_up"
}

check_service() {
    case "${1:-}" in
        clickhouse|redis|kafka) ;;
        "") die "missing SERVICE (one of: ${services[*]})" ;;
        *) die "unknown service '$1' (one of: ${services[*]})" ;;
    esac
}

start_one() {
    "start_$1"
    write_env
}

# --- main -------------------------------------------------------------------------------------

cmd=${1:-}
case "$cmd" in
    -h|--help|help) usage ;;
    up)
        mkdir -p "$run_dir"
        for svc in "${services[@]}"; do "start_$svc"; done
        write_env
        status >&2 || true
        log "env: $(env_file)"
        ;;
    down)
        for svc in kafka redis clickhouse; do stop_service "$svc"; done
        rm -f "$(env_file)"
        ;;
    status) status ;;
    start) check_service "${2:-}"; start_one "$2" ;;
    stop) check_service "${2:-}"; stop_service "$2" TERM; [[ ! -f $(env_file) ]] || write_env ;;
    kill) check_service "${2:-}"; stop_service "$2" KILL; [[ ! -f $(env_file) ]] || write_env ;;
    restart) check_service "${2:-}"; stop_service "$2" TERM; start_one "$2" ;;
    kafka-ctl) shift; [[ $# -gt 0 ]] || die "kafka-ctl needs a control line (see --help)"; kafka_ctl "$@" ;;
    env) env_file ;;
    "") usage >&2; exit 64 ;;
    *) echo "services: unknown command '$cmd' (try --help)" >&2; exit 64 ;;
esac
