#!/usr/bin/env bash
# scripts/pg.sh: a private, throwaway PostgreSQL cluster for `make run` and the tests.
#
#   scripts/pg.sh start  DATADIR [PORT]   initdb if needed, then start on 127.0.0.1:PORT and wait
#   scripts/pg.sh stop   DATADIR          fast shutdown, waits; no-op if not running
#   scripts/pg.sh status DATADIR          "running (pid N) on 127.0.0.1:PORT" (exit 0) or "not running" (exit 3)
#   scripts/pg.sh port   DATADIR          print the configured port
#
# DATADIR is the cluster's data directory (PGDATA). It is owned by `postgres` and also holds
# the server log (DATADIR/postgresql.log), the Unix socket and svc.conf (our settings,
# rewritten on every start; included from postgresql.conf). Without PORT, start reuses the
# port from svc.conf, or picks a free one. Authentication is `trust` on loopback: this is a
# development/test cluster, never a production one. Run as root (initdb/pg_ctl run as postgres).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
    if [ "${1:-2}" -eq 0 ]; then svc_header_help "$0"; else svc_header_help "$0" >&2; fi
    exit "${1:-2}"
}

[ $# -ge 2 ] || usage
cmd=$1
datadir=$2
port=${3:-}
case $cmd in start | stop | status | port) ;; -h | --help) usage 0 ;; *) usage ;; esac
[ -z "$port" ] || [[ $port =~ ^[0-9]+$ ]] || svc_die "PORT must be a number, got '$port'"

svc_require_root pg.sh "$@"
datadir=$(realpath -m "$datadir")
cd /    # runuser keeps the cwd: avoid "could not change directory" warnings from postgres
PGBIN=$(svc_pg_bindir)
logfile=$datadir/postgresql.log

as_pg() { runuser -u postgres -- "$@"; }
pg_running() { as_pg "$PGBIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; }
conf_port() {
    if [ -r "$datadir/svc.conf" ]; then sed -n 's/^port = \([0-9]*\)$/\1/p' "$datadir/svc.conf" | tail -n 1; fi
}
postmaster_pid() { head -n 1 "$datadir/postmaster.pid" 2>/dev/null || true; }

# A postmaster.pid whose pid is alive but is not a postgres process (pid reused after a
# reboot) would make postgres refuse to start: remove it. pg_ctl handles dead pids itself.
clean_stale_pidfile() {
    local pid
    pid=$(postmaster_pid)
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    if svc_pid_alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != postgres ]; then
        svc_warn "removing stale $datadir/postmaster.pid (pid $pid is not postgres)"
        rm -f "$datadir/postmaster.pid"
    fi
}

do_initdb() {
    if [ -d "$datadir" ] && [ -n "$(ls -A "$datadir")" ]; then
        svc_die "$datadir exists, is not empty and is not a PostgreSQL cluster; refusing to touch it"
    fi
    mkdir -p "$datadir"
    chown postgres:postgres "$datadir"
    chmod 700 "$datadir"
    as_pg test -w "$datadir" ||
        svc_die "user postgres cannot reach $datadir: every parent directory must be traversable by others (chmod o+x), or use another location"
    svc_log "initdb $datadir"
    as_pg "$PGBIN/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$datadir.initdb.log" 2>&1 ||
        { cat "$datadir.initdb.log" >&2; svc_die "initdb failed"; }
    rm -f "$datadir.initdb.log"
    printf "\n# settings for the private svc cluster (scripts/pg.sh)\ninclude_if_exists = 'svc.conf'\n" >>"$datadir/postgresql.conf"
}

write_conf() {
    cat >"$datadir/svc.conf" <<EOF
# written by scripts/pg.sh on every start: private development/test cluster
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$datadir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    chown postgres:postgres "$datadir/svc.conf"
}

case $cmd in
start)
    [ -f "$datadir/PG_VERSION" ] || do_initdb
    if pg_running; then
        svc_log "already running (pid $(postmaster_pid)) on 127.0.0.1:$(conf_port)"
        exit 0
    fi
    clean_stale_pidfile
    [ -n "$port" ] || port=$(conf_port)
    [ -n "$port" ] || port=$(svc_free_port)
    svc_port_free "$port" || svc_die "127.0.0.1:$port is already in use; pass another PORT"
    write_conf "$port"
    as_pg "$PGBIN/pg_ctl" -D "$datadir" -l "$logfile" -w -t 60 start >/dev/null 2>&1 || {
        svc_tail "$logfile" 20 >&2
        svc_die "PostgreSQL did not start (see $logfile)"
    }
    svc_log "PostgreSQL running (pid $(postmaster_pid)) on 127.0.0.1:$port, data in $datadir"
    ;;
stop)
    if [ ! -f "$datadir/PG_VERSION" ] || ! pg_running; then
        svc_log "PostgreSQL not running ($datadir)"
        exit 0
    fi
    as_pg "$PGBIN/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null ||
        svc_die "PostgreSQL did not stop within 60 s (see $logfile)"
    svc_log "PostgreSQL stopped ($datadir)"
    ;;
status)
    if [ -f "$datadir/PG_VERSION" ] && pg_running; then
        echo "running (pid $(postmaster_pid)) on 127.0.0.1:$(conf_port)"
    else
        echo "not running"
        exit 3
    fi
    ;;
port)
    p=$(conf_port)
    [ -n "$p" ] || svc_die "no port configured in $datadir/svc.conf"
    echo "$p"
    ;;
esac
