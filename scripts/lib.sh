# shellcheck shell=bash
# scripts/lib.sh: helpers sourced by the scripts in scripts/, tests/integration/run.sh and
# bench/run.sh.
#
#   . "$(dirname "$0")/lib.sh"      (the caller sets `set -euo pipefail` itself)
#
# Everything here is loopback-only and every wait is bounded in both count and time.

# shellcheck disable=SC2034  # SVC_ROOT, SVC_PY are for the scripts that source this file
SVC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SVC_PY=/usr/bin/python3         # Debian's python (has pytest/requests from apt); not pyenv's python3
SVC_PROG=${0##*/}

svc_log() { printf '%s: %s\n' "$SVC_PROG" "$*"; }
svc_warn() { printf '%s: warning: %s\n' "$SVC_PROG" "$*" >&2; }
svc_die() { printf '%s: error: %s\n' "$SVC_PROG" "$*" >&2; exit 1; }

# svc_header_help FILE: print FILE's leading comment block (after the #! line) as help text.
svc_header_help() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"; }

svc_require_root() {
    [ "$(id -u)" -eq 0 ] ||
        svc_die "must be run as root (it starts a private PostgreSQL as user postgres and httpd children as nobody); try: sudo $*"
}

svc_require_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || svc_die "'$c' not found; run scripts/deps.sh first"
    done
}

# svc_free_port: print a free TCP port on 127.0.0.1 (the kernel's pick for port 0).
svc_free_port() {
    "$SVC_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# svc_port_free PORT: true if 127.0.0.1:PORT can be bound now (SO_REUSEADDR, as servers do).
svc_port_free() {
    "$SVC_PY" - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# svc_pg_bindir: newest installed PostgreSQL server bin dir (initdb, pg_ctl, postgres).
svc_pg_bindir() {
    local d
    d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] || svc_die "no PostgreSQL server found under /usr/lib/postgresql/*/bin; run scripts/deps.sh"
    printf '%s\n' "$d"
}

# svc_apache_bin / svc_apache_moddir: from apxs (Debian: /usr/sbin/apache2, /usr/lib/apache2/modules).
svc_apache_bin() {
    svc_require_cmd apxs
    printf '%s/%s\n' "$(apxs -q SBINDIR)" "$(apxs -q TARGET)"
}
svc_apache_moddir() {
    svc_require_cmd apxs
    apxs -q LIBEXECDIR
}

# svc_wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds; false after SECONDS.
svc_wait_until() {
    local limit=$1 i end
    shift
    end=$((SECONDS + limit + 1))
    for ((i = 0; i < limit * 10; i++)); do
        "$@" && return 0
        ((SECONDS < end)) || return 1
        sleep 0.1
    done
    "$@"
}

svc_pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
svc_pid_gone() { ! svc_pid_alive "$1"; }

# svc_pidfile_pid FILE [PROGRAM]: print the pid in FILE if the file exists and that process
# is alive (and, given PROGRAM, runs that executable: a pid reused after a reboot is not ours).
svc_pidfile_pid() {
    local pid
    [ -r "$1" ] || return 1
    pid=$(head -n 1 "$1" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    svc_pid_alive "$pid" || return 1
    if [ -n "${2:-}" ]; then
        local exe
        exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
        [ "${exe% (deleted)}" = "$(readlink -f "$2")" ] || return 1   # "(deleted)": upgraded binary
    fi
    printf '%s\n' "$pid"
}

# svc_wait_pid_gone PID SECONDS
svc_wait_pid_gone() { svc_wait_until "$2" svc_pid_gone "$1"; }

# svc_http_code URL: print the HTTP status (000 when nothing answers). Never fails.
svc_http_code() {
    curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true
}
svc_http_answers() { [ "$(svc_http_code "$1")" != 000 ]; }
svc_http_ok() { [ "$(svc_http_code "$1")" = 200 ]; }

# svc_stop_httpds_under DIR DEPTH: stop (scripts/httpd.sh stop, its stdout discarded) every
# httpd whose httpd.pid lies at most DEPTH levels below DIR: in the EXIT trap of a run that
# starts its instances in a scratch directory (tests/integration/run.sh, bench/run.sh).
svc_stop_httpds_under() {
    local pidfile
    while IFS= read -r pidfile; do
        "$SVC_ROOT/scripts/httpd.sh" stop "$(dirname "$pidfile")" >/dev/null
    done < <(find "$1" -maxdepth "$2" -name httpd.pid 2>/dev/null)
}

# svc_remove_scratch DIR KEEP: rm -rf DIR unless KEEP is 1; false when DIR was kept, so that
# the caller says so in its own words:  svc_remove_scratch "$WORK" "${X_KEEP:-}" || log "kept $WORK"
svc_remove_scratch() {
    [ "$2" != 1 ] || return 1
    rm -rf "$1"
}

# svc_render TEMPLATE OUTPUT KEY=VALUE...: replace every @KEY@ in TEMPLATE; fail if any
# @PLACEHOLDER@ is left or a value would break httpd quoting (", newline).
svc_render() {
    local tmpl=$1 out=$2 text kv key val left
    shift 2
    text=$(<"$tmpl") || svc_die "cannot read template $tmpl"
    for kv in "$@"; do
        key=${kv%%=*}
        val=${kv#*=}
        [[ $key =~ ^[A-Z][A-Z0-9_]*$ ]] || svc_die "svc_render: bad placeholder name '$key'"
        [[ $val != *[$'"\n']* ]] || svc_die "svc_render: value for @$key@ contains a quote or newline: $val"
        text=${text//"@${key}@"/"$val"}
    done
    left=$(grep -o '@[A-Z][A-Z0-9_]*@' <<<"$text" | sort -u | tr '\n' ' ' || true)
    [ -z "$left" ] || svc_die "svc_render: $tmpl: no value for $left"
    printf '%s\n' "$text" >"$out.tmp.$$"
    mv -f "$out.tmp.$$" "$out"
}

# svc_can_reach USER PATH: true if USER can traverse every parent of PATH and read PATH.
svc_can_reach() { (cd / && runuser -u "$1" -- test -r "$2" -a -x "$(dirname "$2")") 2>/dev/null; }

# svc_tail FILE [N]: print the last N lines of FILE with a header (for failure reports).
svc_tail() {
    [ -f "$1" ] || return 0
    printf -- '----- last %s lines of %s\n' "${2:-40}" "$1"
    tail -n "${2:-40}" "$1"
    printf -- '----- end of %s\n' "$1"
}

# svc_write_env_json FILE KEY=VALUE...: write a JSON object; values matching ^[0-9]+$ become numbers.
svc_write_env_json() {
    local out=$1
    shift
    "$SVC_PY" - "$@" >"$out.tmp.$$" <<'PY'
import json, re, sys
d = {}
for kv in sys.argv[1:]:
    k, v = kv.split("=", 1)
    d[k] = int(v) if re.fullmatch(r"[0-9]+", v) else v
json.dump(d, sys.stdout, indent=2, sort_keys=True)
print()
PY
    mv -f "$out.tmp.$$" "$out"
}

# svc_write_instance_env FILE ROOT HTTPD_DIR HTTPD_PORT PG_DATADIR PG_PORT DB MPM STORAGE_DIR EXTRA_CONF
# The JSON description of one running instance: run/env.json (make run) and the
# SVC_TEST_ENV file of the integration tests (keys documented in tests/integration/conftest.py).
svc_write_instance_env() {
    local out=$1 root=$2 hdir=$3 port=$4 pgdata=$5 pg_port=$6 db=$7 mpm=$8 storage=$9 extra=${10}
    svc_write_env_json "$out"         treestatus_url="http://127.0.0.1:$port/treestatus" tooltool_url="http://127.0.0.1:$port/tooltool"         httpd_port="$port" pg_port="$pg_port" pg_dsn="postgres://postgres@127.0.0.1:$pg_port/$db" db="$db"         mpm="$mpm" root="$root" pg_datadir="$pgdata" httpd_dir="$hdir" httpd_conf="$hdir/httpd.conf"         error_log="$hdir/logs/error.log" access_log="$hdir/logs/access.log" extra_conf="$extra"         apache_bin="$(svc_apache_bin)" storage_dir="$storage"
}

# svc_env_json_get FILE KEY: print one value from a JSON object file (empty if missing).
svc_env_json_get() {
    [ -r "$1" ] || return 0
    "$SVC_PY" - "$1" "$2" <<'PY' 2>/dev/null || true
import json, sys
v = json.load(open(sys.argv[1])).get(sys.argv[2])
print("" if v is None else v)
PY
}
