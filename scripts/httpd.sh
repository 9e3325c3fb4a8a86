#!/usr/bin/env bash
# scripts/httpd.sh: a private httpd instance built from scripts/httpd.conf.in.
#
#   scripts/httpd.sh config DIR --port P --pg-port N --db NAME [--mpm event|prefork]
#                               [--storage DIR] [--extra FILE]
#       (re)write DIR/httpd.conf and create DIR/{logs,runtime,htdocs}, htdocs/static.json and
#       the extra include (default DIR/extra.conf, created empty if missing). Does not start.
#   scripts/httpd.sh start DIR        config test, start, wait until it answers HTTP
#   scripts/httpd.sh stop DIR         SIGTERM, wait until the parent has exited; no-op if not running
#   scripts/httpd.sh graceful DIR     config test, SIGUSR1, wait for the new generation
#   scripts/httpd.sh restart DIR      config test, SIGHUP, wait for the new generation
#   scripts/httpd.sh status DIR       "running (pid N) on 127.0.0.1:P" (exit 0) or "not running" (exit 3)
#   scripts/httpd.sh configtest DIR   apache2 -t
#   scripts/httpd.sh port DIR         print the port it listens on
#
# Layout of DIR: httpd.conf, httpd.pid, logs/error.log, logs/access.log, runtime/, htdocs/.
# Never uses apache2ctl or /etc/apache2. Run as root (children drop to nobody).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

STOP_TIMEOUT=${HTTPD_STOP_TIMEOUT:-30}
START_TIMEOUT=${HTTPD_START_TIMEOUT:-15}

usage() {
    if [ "${1:-2}" -eq 0 ]; then svc_header_help "$0"; else svc_header_help "$0" >&2; fi
    exit "${1:-2}"
}

case ${1:-} in -h | --help) usage 0 ;; esac
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2
case $cmd in config | start | stop | graceful | restart | status | configtest | port) ;; *) usage ;; esac
svc_require_root httpd.sh "$cmd" "$dir" "$@"
if [ ! -d "$dir" ]; then
    case $cmd in
    config) mkdir -p "$dir" ;;
    stop) svc_log "httpd not running (no $dir)" && exit 0 ;;
    status) echo "not running" && exit 3 ;;
    *) svc_die "no such directory: $dir" ;;
    esac
fi
dir=$(cd "$dir" && pwd)
conf=$dir/httpd.conf
pidfile=$dir/httpd.pid
errlog=$dir/logs/error.log
APACHE=$(svc_apache_bin)

conf_port() { sed -n 's/^Listen 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$conf" | head -n 1; }
need_conf() { [ -f "$conf" ] || svc_die "$conf does not exist; run: scripts/httpd.sh config $dir ..."; }
configtest() {
    local out
    out=$("$APACHE" -f "$conf" -t 2>&1) || { printf '%s\n' "$out" >&2; svc_die "configuration test failed for $conf"; }
}
# generation marker: httpd logs AH00489/AH00490 "... resuming normal operations" at notice
# level (always logged) after start and after every graceful or full restart.
generations() { grep -c 'resuming normal operations' "$errlog" 2>/dev/null || true; }
newer_generation() { [ "$(generations)" -gt "$1" ]; }

wait_answers() {
    local url
    url="http://127.0.0.1:$(conf_port)/static.json"
    svc_wait_until "$START_TIMEOUT" svc_http_answers "$url" || {
        svc_tail "$errlog" 30 >&2
        svc_die "httpd ($conf) does not answer on $url after ${START_TIMEOUT}s"
    }
}

# signal_and_wait SIGNAL WHAT: config test first (a bad config would make the parent exit).
signal_and_wait() {
    local pid before
    need_conf
    pid=$(svc_pidfile_pid "$pidfile" "$APACHE") || svc_die "httpd is not running ($pidfile)"
    configtest
    before=$(generations)
    kill -s "$1" "$pid"
    svc_wait_until "$START_TIMEOUT" newer_generation "$before" || {
        svc_tail "$errlog" 30 >&2
        svc_die "httpd did not complete the $2 within ${START_TIMEOUT}s"
    }
    svc_pid_alive "$pid" || svc_die "httpd exited during the $2 (see $errlog)"
    wait_answers
}

case $cmd in
config)
    port='' pg_port='' db='' mpm=event storage=$dir/storage extra=$dir/extra.conf
    while [ $# -gt 0 ]; do
        [ $# -ge 2 ] || svc_die "option $1 needs a value"
        case $1 in
        --port) port=$2 ;;
        --pg-port) pg_port=$2 ;;
        --db) db=$2 ;;
        --mpm) mpm=$2 ;;
        --storage) storage=$2 ;;
        --extra) extra=$2 ;;
        *) svc_die "unknown option $1" ;;
        esac
        shift 2
    done
    [[ $port =~ ^[0-9]+$ ]] || svc_die "--port is required (a number)"
    [[ $pg_port =~ ^[0-9]+$ ]] || svc_die "--pg-port is required (a number)"
    [[ $db =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || svc_die "--db is required (letters, digits, _)"
    case $mpm in event | prefork) ;; *) svc_die "--mpm must be event or prefork, not '$mpm'" ;; esac
    mkdir -p "$dir/logs" "$dir/runtime" "$dir/htdocs"
    printf '{"static": true}\n' >"$dir/htdocs/static.json"
    chmod 755 "$dir" "$dir/htdocs"
    chmod 644 "$dir/htdocs/static.json"
    [ -e "$extra" ] || : >"$extra"
    mkdir -p "$storage"
    chown nobody:nogroup "$storage"
    svc_can_reach nobody "$dir/htdocs/static.json" ||
        svc_warn "user nobody cannot read $dir/htdocs (a parent directory is not traversable): static files will answer 403"
    svc_can_reach nobody "$storage" ||
        svc_warn "user nobody cannot reach $storage (a parent directory is not traversable): tooltool storage will fail"
    svc_render "$SVC_ROOT/scripts/httpd.conf.in" "$conf" \
        SERVER_ROOT="$dir" PORT="$port" PG_PORT="$pg_port" DB="$db" MPM="$mpm" \
        MODDIR="$(svc_apache_moddir)" REPO="$SVC_ROOT" STORAGE_DIR="$storage" EXTRA_CONF="$extra"
    svc_log "wrote $conf (mpm $mpm, 127.0.0.1:$port, database $db on port $pg_port)"
    ;;
port)
    need_conf
    conf_port
    ;;
configtest)
    need_conf
    "$APACHE" -f "$conf" -t
    ;;
start)
    need_conf
    if pid=$(svc_pidfile_pid "$pidfile" "$APACHE"); then
        svc_log "httpd already running (pid $pid) on 127.0.0.1:$(conf_port)"
        exit 0
    fi
    rm -f "$pidfile"     # stale: the process is gone
    port=$(conf_port)
    svc_port_free "$port" || svc_die "127.0.0.1:$port is already in use by another process; rewrite the config with another --port"
    configtest
    "$APACHE" -f "$conf" -k start || { svc_tail "$errlog" 30 >&2; svc_die "httpd failed to start ($conf)"; }
    svc_wait_until "$START_TIMEOUT" svc_pidfile_pid "$pidfile" "$APACHE" >/dev/null || {
        svc_tail "$errlog" 30 >&2
        svc_die "httpd wrote no live pid to $pidfile within ${START_TIMEOUT}s"
    }
    wait_answers
    svc_log "httpd running (pid $(svc_pidfile_pid "$pidfile" "$APACHE")) on http://127.0.0.1:$port/"
    ;;
stop)
    if ! pid=$(svc_pidfile_pid "$pidfile" "$APACHE"); then
        rm -f "$pidfile"
        svc_log "httpd not running ($dir)"
        exit 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    svc_wait_pid_gone "$pid" "$STOP_TIMEOUT" ||
        svc_die "httpd (pid $pid) is still running ${STOP_TIMEOUT}s after SIGTERM; see $errlog"
    rm -f "$pidfile"
    svc_log "httpd stopped ($dir)"
    ;;
graceful) signal_and_wait USR1 "graceful restart" ;;
restart) signal_and_wait HUP "restart" ;;
status)
    if [ -f "$conf" ] && pid=$(svc_pidfile_pid "$pidfile" "$APACHE"); then
        echo "running (pid $pid) on 127.0.0.1:$(conf_port)"
    else
        echo "not running"
        exit 3
    fi
    ;;
esac
