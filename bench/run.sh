#!/usr/bin/env bash
# bench/run.sh (`make bench`): the performance comparisons of DESIGN.md ("Performance"),
# measured side by side in one run on the same httpd, with wrk (and pgbench, sha512sum).
#
#   make bench                       (as root; builds first)
#   BENCH_SECONDS=10 bench/run.sh    longer measurements
#
# Starts its own PostgreSQL and two httpd instances (event MPM, from scripts/httpd.conf.in)
# on free loopback ports in a scratch directory (/tmp/svc-bench.*), never the ones of
# `make run`; seeds 20 trees and a public tooltool file; runs:
#   1  GET /trees, GET /trees/{tree} (cached)  vs the same bytes as a static file    >= 0.9x
#   2  GET /trees/{tree}, cache off (2nd httpd, TreestatusCache none, same database)
#      vs GET /__heartbeat__ on that httpd (one prepared SELECT 1 through mod_dbd)  >= 0.8x
#   3  GET /tooltool/sha512/<d> -> 302 (anonymous, public file)
#      vs a static file as big as the whole 302 response                            >= 0.8x
#   4  PATCH /trees closing/reopening one tree (remembered, logged; Bearer token)
#      vs pgbench running the module's statements (read from ts_sql.c), same clients >= 0.5x
#   5  verification of a 1 GiB upload (GET /upload/complete, inline verification)
#      vs sha512sum of the same file, page cache warm for both                      >= 0.9x
#   6  RSS of every httpd child after 10k vs after 1M GETs (/trees + /trees/{tree}) < 2 MB
#   2b (informative, no DESIGN.md target) the request of 2 vs bench/mod_bench_dbd.c, a
#      minimal mod_dbd handler running the module's own ts_tree SELECT on the same httpd
# and prints a table (absolute figures, ratio, target, PASS/BELOW), then a summary block to
# paste into an issue. Each wrk/pgbench pair runs BENCH_ROUNDS times, alternating which side
# goes first; the best round of each side is reported (other load on the machine only ever
# lowers a figure). Next to each ratio it prints the server CPU per request (httpd children
# and PostgreSQL, from /proc): on a shared machine that figure does not depend on the load,
# and its httpd-only part is what matters when the database runs elsewhere.
# Everything it started is stopped and the scratch directory removed, also on Ctrl-C.
# Bounded: the whole run is killed after BENCH_DEADLINE seconds (a default run: ~3 min).
#
# Exit status: 0 when the run completed (whatever the figures: this is not a test and CI
# never runs it), 1 when it could not set itself up.
#
# Environment (defaults):
#   BENCH_SECONDS=5          seconds per wrk/pgbench measurement
#   BENCH_CONN=32            connections (wrk) = clients (pgbench)
#   BENCH_THREADS=2          wrk threads = pgbench threads
#   BENCH_ROUNDS=2           measurements per side of each comparison
#   BENCH_MEM_REQUESTS=1000000   requests before the second RSS reading (the first: 10000)
#   BENCH_MEM_MAX_SECONDS=150    cap on the long memory run
#   BENCH_VERIFY_MIB=1024    size of the verified upload, MiB
#   BENCH_VERIFY_RUNS=3      timings per side of comparison 5 (best is reported)
#   BENCH_ONLY="1 2 3 4 5 6" comparisons to run
#   BENCH_MPM=event          event or prefork
#   BENCH_DEADLINE=540       seconds before the whole run is stopped
#   BENCH_KEEP=1             keep the scratch directory (logs, wrk outputs); the big file is
#                            always deleted

# shellcheck disable=SC2317  # the m_*/b_* measurement functions are called through pair()
set -euo pipefail
BENCH_SRC=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$BENCH_SRC/../scripts/lib.sh"

case ${1:-} in -h | --help) svc_header_help "$0"; exit 0 ;; esac
svc_require_root make bench

SECS=${BENCH_SECONDS:-5}
CONN=${BENCH_CONN:-32}
THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-2}
MEM_REQUESTS=${BENCH_MEM_REQUESTS:-1000000}
MEM_WARM=10000
MEM_MAX=${BENCH_MEM_MAX_SECONDS:-150}
VERIFY_MIB=${BENCH_VERIFY_MIB:-1024}
VERIFY_RUNS=${BENCH_VERIFY_RUNS:-3}
ONLY=" ${BENCH_ONLY:-1 2 3 4 5 6} "
MPM=${BENCH_MPM:-event}
DEADLINE=${BENCH_DEADLINE:-540}
for v in SECS CONN THREADS ROUNDS MEM_REQUESTS MEM_MAX VERIFY_MIB VERIFY_RUNS DEADLINE; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || svc_die "$v must be a positive integer, got '${!v}'"
done
((THREADS <= CONN)) || svc_die "BENCH_THREADS ($THREADS) must not exceed BENCH_CONN ($CONN)"
((MEM_REQUESTS > MEM_WARM)) || svc_die "BENCH_MEM_REQUESTS must be more than $MEM_WARM"
case $MPM in event | prefork) ;; *) svc_die "BENCH_MPM must be event or prefork" ;; esac

# The whole run under timeout(1): it signals our process group (wrk, pgbench, curl); the
# trap below then stops the daemons (they run in their own sessions).
if [ -z "${BENCH_UNDER_TIMEOUT:-}" ]; then
    export BENCH_UNDER_TIMEOUT=1
    exec timeout -k 60 "$DEADLINE" "$0" "$@"
fi

cd "$SVC_ROOT"
scripts/deps.sh
svc_require_cmd wrk curl psql openssl sha512sum awk cc apr-1-config apu-1-config
PGBIN=$(svc_pg_bindir)
PGBENCH=$PGBIN/pgbench
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench || true)
[ -n "$PGBENCH" ] || svc_die "pgbench not found (package postgresql or postgresql-contrib)"
for so in build/mod_treestatus.so build/mod_tooltool.so; do
    [ -f "$so" ] || svc_die "$so is missing: run make bench (it builds first)"
done

WORK=$(mktemp -d /tmp/svc-bench.XXXXXX)
chmod 755 "$WORK"
RES=$WORK/results
mkdir -p "$RES"
BIGFILE=
PG_DIR=$WORK/pg
T0=$SECONDS

log() { printf '[bench %3ds] %s\n' "$((SECONDS - T0))" "$*"; }

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [ "$rc" -ne 0 ] && [ -n "${ROWS[*]:-}" ] && declare -F report >/dev/null; then
        echo
        echo "bench: the run stopped early (exit $rc); what was measured so far:"
        report
    fi
    [ -z "$BIGFILE" ] || rm -f "$BIGFILE"
    svc_stop_httpds_under "$WORK" 2 2>/dev/null
    [ ! -d "$PG_DIR" ] || scripts/pg.sh stop "$PG_DIR" >/dev/null 2>&1
    svc_remove_scratch "$WORK" "${BENCH_KEEP:-}" || log "kept $WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'log "stopped (deadline of ${DEADLINE}s or signal)"; exit 143' TERM

# ---------------------------------------------------------------- small helpers

# calc EXPR: awk arithmetic, printed with up to 2 decimals ("-" when it fails)
calc() { awk "BEGIN { v = ($1); printf \"%.2f\", v }" 2>/dev/null || echo -; }
# int N: rounded, no decimals
int() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
# ge A B: true if A >= B (numbers)
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
is_num() { [[ ${1:-} =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
# max of the numbers given (ignores non-numbers; empty if none)
max_of() {
    local m='' v
    for v in "$@"; do
        is_num "$v" || continue
        if [ -z "$m" ] || ge "$v" "$m"; then m=$v; fi
    done
    printf '%s' "$m"
}
min_of() {
    local m='' v
    for v in "$@"; do
        is_num "$v" || continue
        if [ -z "$m" ] || ge "$m" "$v"; then m=$v; fi
    done
    printf '%s' "$m"
}

# http_status URL [curl args...]: the status code (000 if nothing answered)
http_status() {
    local url=$1
    shift
    curl -s -o /dev/null -m 10 -w '%{http_code}' "$@" "$url" 2>/dev/null || true
}

WRK_COMMON=(-t"$THREADS" -c"$CONN" --timeout 10s --latency)
CLK_TCK=$(getconf CLK_TCK)

# server_ticks: CPU time (clock ticks, user + system) used so far by the benchmark's
# servers, as "HTTPD POSTGRES": every httpd child; every PostgreSQL process and the backends
# that already exited (their time is in the postmaster's cutime/cstime). A load-independent
# measure of the cost of a request on this shared machine: other processes do not add to it.
server_ticks() {
    local hpids=() pids=() f pp
    for f in "$WORK"/*/httpd.pid; do
        [ -r "$f" ] || continue
        pp=$(head -n 1 "$f")
        mapfile -t -O "${#hpids[@]}" hpids < <(ps -o pid= --ppid "$pp" 2>/dev/null)
    done
    pp=$(head -n 1 "$PG_DIR/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pp" ]; then
        pids+=("$pp")
        mapfile -t -O "${#pids[@]}" pids < <(ps -o pid= --ppid "$pp" 2>/dev/null)
    fi
    {
        for f in "${hpids[@]}"; do sed 's/^/h /' "/proc/${f// /}/stat" 2>/dev/null || true; done
        for f in "${pids[@]}"; do sed 's/^/p /' "/proc/${f// /}/stat" 2>/dev/null || true; done
    } | awk '{ k = $1; sub(/^. [0-9]+ \(.*\) /, ""); t[k] += $12 + $13 + $14 + $15 }
             END { print t["h"] + 0, t["p"] + 0 }'
}

# cpu_note OUT BEFORE AFTER REQUESTS: appends "server cpu: T us/request (httpd H, postgres P)"
cpu_note() {
    awk -v b="$2" -v a="$3" -v n="$4" -v hz="$CLK_TCK" 'BEGIN {
        split(b, x, " "); split(a, y, " "); f = 1000000 / hz / n
        if (n > 0) printf "server cpu: %.1f us/request (httpd %.1f, postgres %.1f)\n",
            (y[1] - x[1] + y[2] - x[2]) * f, (y[1] - x[1]) * f, (y[2] - x[2]) * f }' >>"$1"
}

# wrk_run OUT URL [SCRIPT]: one measurement; prints requests/s (empty on failure). Errors
# are left in OUT for check_wrk.
wrk_run() {
    local out=$1 url=$2 script=${3:-}
    local args=("${WRK_COMMON[@]}" -d"${SECS}s") t0 n
    [ -z "$script" ] || args+=(-s "$script")
    t0=$(server_ticks)
    wrk "${args[@]}" "$url" >"$out" 2>&1 || true
    n=$(awk '/ requests in / { print $1; exit }' "$out")
    cpu_note "$out" "$t0" "$(server_ticks)" "${n:-0}"
    sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out" | head -n 1
}

# wrk_warm URL [SCRIPT]: 1 s of load, not measured (fills caches, spawns threads)
wrk_warm() {
    local args=("${WRK_COMMON[@]}" -d1s)
    [ -z "${2:-}" ] || args+=(-s "$2")
    wrk "${args[@]}" "$1" >/dev/null 2>&1 || true
}

# wrk_errors OUT: "" when every answer was 2xx/3xx, else a short text (wrk counts >= 400)
wrk_errors() {
    local non2xx
    non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1")
    [ -z "$non2xx" ] || printf '%s answers >= 400; ' "$non2xx"
    grep -q '^Requests/sec' "$1" || printf 'wrk failed: %s; ' "$(tail -n 1 "$1")"
}

# wrk_socket_errors OUT: wrk's "Socket errors" line, if any. "read" errors are mostly the
# connections httpd closes after MaxKeepAliveRequests (100), which wrk reopens.
wrk_socket_errors() { sed -n 's/^ *Socket errors: *//p' "$1"; }

wrk_latency() {
    awk '/^ +Latency +[0-9]/ { avg = $2 } /^ +99% / { p99 = $2 } END { if (avg != "") printf "latency avg %s p99 %s", avg, p99 }' "$1"
}

# ---------------------------------------------------------------- results

ROWS=()
declare -A R_NAME R_MOD R_BASE R_UNIT R_BASE_DESC R_RATIO R_TARGET R_RESULT R_NOTE

# row KEY NAME BASELINE_DESCRIPTION TARGET [SHORT_BASELINE_NAME for the summary]
row() {
    ROWS+=("$1")
    R_SHORT[$1]=${5:-}
    R_NAME[$1]=$2
    R_BASE_DESC[$1]=$3
    R_TARGET[$1]=$4
    R_MOD[$1]=-
    R_BASE[$1]=-
    R_UNIT[$1]=req/s
    R_RATIO[$1]=-
    R_RESULT[$1]="NOT RUN"
    R_NOTE[$1]=
}
note() { R_NOTE[$1]+="${R_NOTE[$1]:+ }$2"; }

# conclude KEY MOD BASE: ratio MOD/BASE against the target
conclude() {
    local k=$1 m=$2 b=$3
    R_MOD[$k]=${m:--}
    R_BASE[$k]=${b:--}
    if is_num "$m" && is_num "$b" && ge "$b" 0.000001; then
        R_RATIO[$k]=$(calc "$m / $b")
        if ge "${R_RATIO[$k]}" "${R_TARGET[$k]}"; then R_RESULT[$k]=PASS; else R_RESULT[$k]=BELOW; fi
    else
        R_RATIO[$k]=-
        R_RESULT[$k]=ERROR
    fi
    if [ -n "${R_INVALID[$k]:-}" ]; then
        R_RESULT[$k]=INVALID
    fi
}
declare -A R_INVALID R_INFO R_SHORT

# pair KEY MOD_FN BASE_FN: BENCH_ROUNDS measurements of each side, alternating which one
# goes first; each FN is called with an output file and prints a rate.
pair() {
    local k=$1 mfn=$2 bfn=$3 r m b mods=() bases=()
    for ((r = 1; r <= ROUNDS; r++)); do
        if ((r % 2)); then
            m=$("$mfn" "$RES/$k.mod.$r") || m=
            b=$("$bfn" "$RES/$k.base.$r") || b=
        else
            b=$("$bfn" "$RES/$k.base.$r") || b=
            m=$("$mfn" "$RES/$k.mod.$r") || m=
        fi
        mods+=("${m:-?}")
        bases+=("${b:-?}")
        log "  $k round $r: module ${m:-?} /s, baseline ${b:-?} /s"
    done
    R_ROUNDS[$k]="module ${mods[*]}; baseline ${bases[*]}"
    conclude "$k" "$(max_of "${mods[@]}")" "$(max_of "${bases[@]}")"
}
declare -A R_ROUNDS

# check_wrk_outputs KEY: marks the row INVALID when any of its wrk runs saw error answers
# (or failed), and notes socket errors other than reads
check_wrk_outputs() {
    local k=$1 f e
    for f in "$RES/$k".*; do
        [ -f "$f" ] || continue
        grep -q '^Running ' "$f" || continue
        e=$(wrk_errors "$f")
        if [ -n "$e" ]; then
            note "$k" "${f##*/}: $e"
            R_INVALID[$k]=1
        fi
        e=$(wrk_socket_errors "$f")
        if [[ -n $e && ! $e =~ ^connect\ 0,\ read\ [0-9]+,\ write\ 0,\ timeout\ 0$ ]]; then
            note "$k" "${f##*/}: socket errors $e."
        fi
    done
    conclude "$k" "${R_MOD[$k]}" "${R_BASE[$k]}"
}

# ---------------------------------------------------------------- PostgreSQL + data

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)
DB=bench
PG_PORT=$(svc_free_port)
scripts/pg.sh start "$PG_DIR" "$PG_PORT" >/dev/null
PSQL+=(-p "$PG_PORT")
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$DB scripts/migrate.sh >"$WORK/migrate.log" 2>&1 ||
    { cat "$WORK/migrate.log" >&2; svc_die "migrations failed"; }
"${PSQL[@]}" -d "$DB" -f "$BENCH_SRC/seed.sql"
sqlv() { "${PSQL[@]}" -d "$DB" -A -t "$@"; }
mapfile -t TREES < <(sqlv -c "SELECT tree FROM releng_treestatus_trees ORDER BY tree")
PATCH_TREE=bench-patch
ONE_TREE=mozilla-central
log "PostgreSQL on 127.0.0.1:$PG_PORT, database $DB: ${#TREES[@]} trees"

# the public tooltool file of comparison 3 (rows + object, as after a verified upload)
TT_SMALL=$WORK/small.bin
printf 'bench: a small public tooltool file\n' >"$TT_SMALL"
TT_SMALL_SHA=$(sha512sum "$TT_SMALL" | cut -d' ' -f1)
sqlv -v d="$TT_SMALL_SHA" -v s="$(stat -c %s "$TT_SMALL")" >/dev/null <<'SQL'
WITH f AS (INSERT INTO releng_tooltool_files (size, sha512, visibility)
           VALUES (:s, :'d', 'public') RETURNING id)
INSERT INTO releng_tooltool_file_instances (file_id, region) SELECT id, 'us-east-1' FROM f;
SQL

# ---------------------------------------------------------------- helpers

# bench/ts_sql_dump.c prints the module's own statement table (comparisons 2b and 4);
# bench/mod_bench_dbd.c is the minimal mod_dbd SELECT handler of comparison 2b
read -r -a APR_FLAGS <<<"$(apr-1-config --cppflags --includes) $(apu-1-config --includes)"
cc -O2 "${APR_FLAGS[@]}" -Isrc/common -Isrc/treestatus "$BENCH_SRC/ts_sql_dump.c" \
    src/treestatus/ts_sql.c -o "$WORK/ts_sql_dump" || svc_die "cannot build bench/ts_sql_dump.c"
"$WORK/ts_sql_dump" | awk -F'\t' '$1 == "ts_tree" { print $2 }' >"$WORK/ts_tree.sql"
[ -s "$WORK/ts_tree.sql" ] || svc_die "no ts_tree statement in src/treestatus/ts_sql.c"
cc -shared -fPIC -O2 -I"$(apxs -q INCLUDEDIR)" "${APR_FLAGS[@]}" "$BENCH_SRC/mod_bench_dbd.c" \
    -o "$WORK/mod_bench_dbd.so" -ljansson || svc_die "cannot build bench/mod_bench_dbd.c"
chmod 644 "$WORK/ts_tree.sql" "$WORK/mod_bench_dbd.so"

# ---------------------------------------------------------------- httpd instances

TOKEN=$(openssl rand -hex 24)
TOKEN_SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
INLINE_MAX=$((VERIFY_MIB + 16))M

# start_httpd NAME EXTRA...: instance WORK/NAME (storage WORK/NAME/storage); prints its port
start_httpd() {
    local name=$1 dir=$WORK/$1 port line
    shift
    port=$(svc_free_port)
    mkdir -p "$dir"
    scripts/httpd.sh config "$dir" --port "$port" --pg-port "$PG_PORT" --db "$DB" --mpm "$MPM" \
        --storage "$dir/storage" --extra "$dir/extra.conf" >/dev/null
    {
        echo "# bench/run.sh: instance $name"
        # every child from the start: the memory check follows the same processes
        echo "StartServers 4"
        # the benchmark's pending uploads are verified by the requests it times, not behind
        # its back (and instance b's storage does not hold them)
        echo "TooltoolSweepInterval 0"
        echo "TreestatusToken $TOKEN_SHA bench/admin - *"
        echo "TooltoolToken $TOKEN_SHA bench/admin - *"
        for line in "$@"; do echo "$line"; done
    } >"$dir/extra.conf"
    scripts/httpd.sh start "$dir" >/dev/null
    svc_wait_until 15 svc_http_ok "http://127.0.0.1:$port/treestatus/__heartbeat__" ||
        { svc_tail "$dir/logs/error.log" 30 >&2; svc_die "httpd $name: no database heartbeat"; }
    echo "$port"
}

need_b=0
case $ONLY in *" 2 "*) need_b=1 ;; esac
A_PORT=$(start_httpd a "TooltoolVerifyInlineMax $INLINE_MAX")
A=http://127.0.0.1:$A_PORT
A_DIR=$WORK/a
if ((need_b)); then
    B_PORT=$(start_httpd b "TreestatusCache none" \
        "LoadModule bench_dbd_module $WORK/mod_bench_dbd.so" \
        "BenchDBDQueryFile $WORK/ts_tree.sql" \
        '<Location "/bench-dbd">' "    SetHandler bench-dbd" "    Require all granted" '</Location>')
    B=http://127.0.0.1:$B_PORT
fi
log "httpd a (cached) on $A${B:+, httpd b (TreestatusCache none) on $B} ($MPM MPM)"

# ---------------------------------------------------------------- 1: cached reads vs static

run_1() {
    local body
    row 1a "GET /treestatus/trees (cached)" "static file, same bytes" 0.9 "static file, same bytes"
    row 1b "GET /treestatus/trees/{tree} (cached)" "static file, same bytes" 0.9 "static file, same bytes"
    # the exact bodies, written once as static files
    curl -sf -o "$A_DIR/htdocs/trees.json" "$A/treestatus/trees" || svc_die "GET /treestatus/trees failed"
    curl -sf -o "$A_DIR/htdocs/tree.json" "$A/treestatus/trees/$ONE_TREE" || svc_die "GET /treestatus/trees/$ONE_TREE failed"
    chmod 644 "$A_DIR/htdocs/trees.json" "$A_DIR/htdocs/tree.json"
    for body in trees tree; do
        [ "$(http_status "$A/$body.json")" = 200 ] || svc_die "static $A/$body.json does not answer 200"
    done
    R_BASE_DESC[1a]="static /trees.json, the same $(stat -c %s "$A_DIR/htdocs/trees.json") bytes"
    R_BASE_DESC[1b]="static /tree.json, the same $(stat -c %s "$A_DIR/htdocs/tree.json") bytes"
    m_1a() { wrk_run "$1" "$A/treestatus/trees"; }
    b_1a() { wrk_run "$1" "$A/trees.json"; }
    m_1b() { wrk_run "$1" "$A/treestatus/trees/$ONE_TREE"; }
    b_1b() { wrk_run "$1" "$A/tree.json"; }
    wrk_warm "$A/treestatus/trees"
    wrk_warm "$A/treestatus/trees/$ONE_TREE"
    wrk_warm "$A/trees.json"
    log "1a: GET /treestatus/trees (cached) vs static file"
    pair 1a m_1a b_1a
    log "1b: GET /treestatus/trees/$ONE_TREE (cached) vs static file"
    pair 1b m_1b b_1b
    check_wrk_outputs 1a
    check_wrk_outputs 1b
}

# ---------------------------------------------------------------- 2: uncached read vs one SELECT

run_2() {
    row 2 "GET /treestatus/trees/{tree} (cache off)" \
        "GET /treestatus/__heartbeat__ (one prepared SELECT 1 via mod_dbd), same httpd" 0.8 \
        "/__heartbeat__ = one mod_dbd SELECT 1"
    [ "$(http_status "$B/treestatus/trees/$ONE_TREE")" = 200 ] || svc_die "httpd b: GET /treestatus/trees/$ONE_TREE is not 200"
    if [ -f "$A_DIR/htdocs/tree.json" ] && ! cmp -s <(curl -s "$B/treestatus/trees/$ONE_TREE") "$A_DIR/htdocs/tree.json"; then
        note 2 "(the uncached body differs from the cached one)"
    fi
    m_2() { wrk_run "$1" "$B/treestatus/trees/$ONE_TREE"; }
    b_2() { wrk_run "$1" "$B/treestatus/__heartbeat__"; }
    row 2b "GET /treestatus/trees/{tree} (cache off)" \
        "bench/mod_bench_dbd.c: the module's own ts_tree SELECT through mod_dbd, its row as JSON, nothing else; same httpd" 0.8 \
        "minimal mod_dbd handler, same SELECT"
    R_INFO[2b]=1
    b_2b() { wrk_run "$1" "$B/bench-dbd?$ONE_TREE"; }
    wrk_warm "$B/treestatus/trees/$ONE_TREE"
    wrk_warm "$B/treestatus/__heartbeat__"
    log "2: GET /treestatus/trees/$ONE_TREE on httpd b (TreestatusCache none) vs /__heartbeat__"
    pair 2 m_2 b_2
    check_wrk_outputs 2
    if [ "$(http_status "$B/bench-dbd?$ONE_TREE")" = 200 ]; then
        wrk_warm "$B/bench-dbd?$ONE_TREE"
        log "2b (informative): the same vs a minimal mod_dbd handler running the same SELECT"
        pair 2b m_2 b_2b
        check_wrk_outputs 2b
    else
        note 2b "GET /bench-dbd?$ONE_TREE does not answer 200: not measured"
    fi
    # not needed any more: its idle children would only hold connections
    scripts/httpd.sh stop "$WORK/b" >/dev/null
}

# ---------------------------------------------------------------- 3: download redirect vs static

run_3() {
    local url=$A/tooltool/sha512/$TT_SMALL_SHA hdr size
    row 3 "GET /tooltool/sha512/<d> -> 302" "static file" 0.8 "static file as big as the 302"
    hdr=$(curl -s -o /dev/null -D - -m 10 "$url" | tr -d '\r')
    [[ $hdr == "HTTP/1.1 302"* ]] || svc_die "GET $url: expected a 302, got: $(head -n 1 <<<"$hdr")"
    size=$(curl -s -o /dev/null -m 10 -w '%{size_header} %{size_download}' "$url" | awk '{ print $1 + $2 }')
    head -c "$size" /dev/zero | tr '\0' 'x' >"$A_DIR/htdocs/redirect-size.txt"
    chmod 644 "$A_DIR/htdocs/redirect-size.txt"
    [ "$(http_status "$A/redirect-size.txt")" = 200 ] || svc_die "static redirect-size.txt does not answer 200"
    R_BASE_DESC[3]="static /redirect-size.txt, $size bytes = the whole 302 response (headers, empty body)"
    m_3() { wrk_run "$1" "$url"; }
    b_3() { wrk_run "$1" "$A/redirect-size.txt"; }
    wrk_warm "$url"
    wrk_warm "$A/redirect-size.txt"
    log "3: GET /tooltool/sha512/<d> (302) vs static file of $size bytes"
    pair 3 m_3 b_3
    check_wrk_outputs 3
}

# ---------------------------------------------------------------- 4: PATCH vs pgbench

# the pgbench script: the module's statements for one remembered update of one tree, in
# the order ts_store_update() runs them, inside BEGIN/COMMIT as svc_db_transaction() sends
write_pgbench_script() {
    local out=$1 sfx=$2 dump=$WORK/ts_sql_dump
    {
        echo "-- generated by bench/run.sh from src/treestatus/ts_sql.c (ts_store_update order)"
        echo "BEGIN;"
        "$dump" ts_gen_bump && echo ";" || return 1
        "$dump" ts_trees_lock trees && echo ";" || return 1
        "$dump" ts_trees_update "status_$sfx" "reason_$sfx" NULL trees && echo ";" || return 1
        "$dump" ts_trees_log who "tags_$sfx" trees && echo ";" || return 1
        "$dump" ts_change_insert who "reason_$sfx" "status_$sfx" | tr -d '\n' || return 1
        echo ' \gset'
        "$dump" ts_change_trees_insert id "cts_$sfx" && echo ";" || return 1
        echo "COMMIT;"
    } >"$out"
}

# a change-tree list as ts_store.c remembers it: [{"tree": t, "state": "<JSON text>"}]
cts_json() {
    local from=$1 from_reason=$2 from_tags=$3 to=$4 to_reason=$5 to_tags=$6
    local state="{\"status\": \"$from\", \"reason\": \"$from_reason\", \"tags\": $from_tags, \"log_id\": 100, \"current_status\": \"$to\", \"current_reason\": \"$to_reason\", \"current_tags\": $to_tags, \"current_log_id\": 101}"
    state=${state//\"/\\\"}
    printf '[{"tree": "%s", "state": "%s"}]' "$PATCH_TREE" "$state"
}

run_4() {
    local c=$WORK/patch-close.pgbench o=$WORK/patch-open.pgbench before after code
    row 4 "PATCH /treestatus/trees close+reopen, remembered" \
        "pgbench, same statements in one transaction, $CONN clients" 0.5 "pgbench, the module's SQL"
    R_UNIT[4]="req/s | tx/s"
    write_pgbench_script "$c" c || svc_die "cannot write the pgbench script (ts_sql.c changed?)"
    write_pgbench_script "$o" o || svc_die "cannot write the pgbench script (ts_sql.c changed?)"
    PGB_VARS=(
        -D "trees=[\"$PATCH_TREE\"]" -D who=bench/admin
        -D status_c=closed -D "reason_c=bench closure" -D 'tags_c=["planned"]'
        -D "cts_c=$(cts_json open 'bench reopen' '[]' closed 'bench closure' '["planned"]')"
        -D status_o=open -D "reason_o=bench reopen" -D 'tags_o=[]'
        -D "cts_o=$(cts_json closed 'bench closure' '["planned"]' open 'bench reopen' '[]')"
    )
    # the module answers 200 (not 401/403/400) before anything is measured
    code=$(http_status "$A/treestatus/trees" -X PATCH -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' \
        -d "{\"trees\": [\"$PATCH_TREE\"], \"status\": \"open\", \"reason\": \"bench\", \"tags\": [], \"remember\": true}")
    [ "$code" = 200 ] || svc_die "PATCH /treestatus/trees answers $code, not 200"
    # one transaction of each script, checked (a syntax error would show in -t 1)
    "$PGBENCH" -n -M prepared -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 1 -t 1 \
        -f "$c" -f "$o" "${PGB_VARS[@]}" "$DB" >"$RES/4.pgbench-check" 2>&1 ||
        { cat "$RES/4.pgbench-check" >&2; svc_die "pgbench script failed"; }
    # wrk counts every answer: the rate reported is that of the 200s (patch.lua counts them)
    m_4() {
        local out=$1 rate
        rate=$(BENCH_TOKEN=$TOKEN BENCH_TREE=$PATCH_TREE wrk_run "$out" "$A/treestatus/trees" "$BENCH_SRC/patch.lua")
        awk -v r="$rate" '/^patch statuses: / { split($3, a, "="); split($4, b, "=");
            if (r != "" && a[2] + b[2] > 0) printf "%.2f", r * a[2] / (a[2] + b[2]) }' "$out"
    }
    b_4() {
        local t0 n
        t0=$(server_ticks)
        "$PGBENCH" -n -M prepared -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$CONN" -j "$THREADS" \
            -T "$SECS" -f "$c@1" -f "$o@1" "${PGB_VARS[@]}" "$DB" >"$1" 2>&1 || true
        sleep 0.2 # the backends exit; their time reaches the postmaster's cutime once reaped
        n=$(awk '/^number of transactions actually processed: / { split($6, a, "/"); print a[1] }' "$1")
        cpu_note "$1" "$t0" "$(server_ticks)" "${n:-0}"
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$1" | head -n 1
    }
    before=$(sqlv -c "SELECT count(*) FROM releng_treestatus_log WHERE tree = '$PATCH_TREE'")
    log "4: PATCH /treestatus/trees (close/reopen $PATCH_TREE, remember) vs pgbench ($CONN clients)"
    pair 4 m_4 b_4
    check_wrk_outputs 4
    local f
    for f in "$RES"/4.mod.*; do
        if ! grep -q '^patch statuses: 200=[0-9]* other=0$' "$f"; then
            R_INVALID[4]=1
            note 4 "${f##*/}: not only 200s: $(grep -h -e '^patch statuses' -e '^first other' "$f" | tr '\n' ' ')"
        fi
    done
    for f in "$RES"/4.base.*; do
        if grep -qE '^number of failed transactions: [1-9]|^pgbench: error|aborted' "$f"; then
            R_INVALID[4]=1
            note 4 "${f##*/}: pgbench reported failures"
        fi
    done
    conclude 4 "${R_MOD[4]}" "${R_BASE[4]}"
    after=$(sqlv -c "SELECT count(*) FROM releng_treestatus_log WHERE tree = '$PATCH_TREE'")
    local oks txs
    oks=$(cat "$RES"/4.mod.* | awk '/^patch statuses: / { split($3, a, "="); n += a[2] } END { print n + 0 }')
    txs=$(cat "$RES"/4.base.* | awk '/^number of transactions actually processed: / { split($6, a, "/"); n += a[1] } END { print n + 0 }')
    R_DETAIL[4]="log rows written for $PATCH_TREE: $((after - before)) = module 200s $oks + pgbench transactions $txs + $((after - before - oks - txs)) PATCHes still in flight when wrk stopped (at most $CONN per run)"
}
declare -A R_DETAIL

# ---------------------------------------------------------------- 5: 1 GiB verification vs sha512sum

now_ns() { date +%s%N; }

run_5() {
    local sdir=$A_DIR/storage/sha512 tmp digest id t0 t1 code i s_times=() m_times=() s m state
    local bytes=$((VERIFY_MIB * 1048576))
    row 5 "verify a ${VERIFY_MIB} MiB upload (upload/complete)" "sha512sum of the same file" 0.9 sha512sum
    R_UNIT[5]=MiB/s
    mkdir -p "$sdir"
    chown nobody:nogroup "$sdir"
    tmp=$sdir/.bench-upload
    BIGFILE=$tmp
    log "5: writing a ${VERIFY_MIB} MiB file (a random 1 MiB block repeated)"
    head -c 1048576 /dev/urandom >"$WORK/block"
    for ((i = 0; i < VERIFY_MIB; i++)); do cat "$WORK/block"; done >"$tmp"
    # openssl, not sha512sum: the digest is needed first, and this also warms the page cache
    digest=$(openssl dgst -sha512 -r "$tmp" | cut -d' ' -f1)
    mv "$tmp" "$sdir/$digest"
    BIGFILE=$sdir/$digest
    chown nobody:nogroup "$BIGFILE"
    chmod 644 "$BIGFILE"
    id=$(sqlv -c "INSERT INTO releng_tooltool_files (size, sha512, visibility) VALUES ($bytes, '$digest', 'public') RETURNING id" | head -n 1)
    for ((i = 1; i <= VERIFY_RUNS; i++)); do
        t0=$(now_ns)
        sha512sum "$BIGFILE" >"$RES/5.sha512sum.$i"
        t1=$(now_ns)
        s_times+=("$(calc "($t1 - $t0) / 1000000000")")
        grep -q "^$digest " "$RES/5.sha512sum.$i" || note 5 "sha512sum disagrees with openssl!"
        # a pending upload whose PUT URL expired 30 s ago, as the module leaves it
        sqlv -c "DELETE FROM releng_tooltool_file_instances WHERE file_id = $id;
                 INSERT INTO releng_tooltool_pending_upload (file_id, expires, region)
                 VALUES ($id, (now() AT TIME ZONE 'UTC') - interval '30 seconds', 'us-east-1')
                 ON CONFLICT (file_id) DO UPDATE SET expires = EXCLUDED.expires" >/dev/null
        t0=$(now_ns)
        code=$(curl -s -o /dev/null -m 300 -w '%{http_code}' "$A/tooltool/upload/complete/sha512/$digest" || true)
        t1=$(now_ns)
        state=$(sqlv -c "SELECT (SELECT count(*) FROM releng_tooltool_file_instances WHERE file_id = $id) || '/' || (SELECT count(*) FROM releng_tooltool_pending_upload WHERE file_id = $id)")
        if [ "$code" != 202 ] || [ "$state" != 1/0 ]; then
            R_INVALID[5]=1
            note 5 "run $i: upload/complete answered $code, instance/pending rows $state (expected 202, 1/0: verified inline)"
            m_times+=(?)
        else
            m_times+=("$(calc "($t1 - $t0) / 1000000000")")
        fi
        log "  5 run $i: sha512sum ${s_times[-1]} s, module ${m_times[-1]} s"
    done
    R_ROUNDS[5]="seconds: module ${m_times[*]}; sha512sum ${s_times[*]}"
    s=$(min_of "${s_times[@]}")
    m=$(min_of "${m_times[@]}")
    R_DETAIL[5]="best of $VERIFY_RUNS: module $m s, sha512sum $s s (wall time; the module's includes its HTTP request and 3 SQL round trips)"
    is_num "$m" && m=$(calc "$VERIFY_MIB / $m")
    is_num "$s" && s=$(calc "$VERIFY_MIB / $s")
    conclude 5 "$m" "$s"
    rm -f "$BIGFILE"
    BIGFILE=
}

# ---------------------------------------------------------------- 6: memory

# rss_snapshot FILE: "pid kB" for every child of httpd a
rss_snapshot() {
    local ppid pid
    ppid=$(head -n 1 "$A_DIR/httpd.pid")
    for pid in $(ps -o pid= --ppid "$ppid"); do
        awk -v p="$pid" '/^VmRSS:/ { print p, $2 }' "/proc/$pid/status" 2>/dev/null || true
    done >"$1"
}

# mem_run OUT LIMIT MAX_SECONDS: the GET mix until LIMIT answers in all (or MAX_SECONDS)
mem_run() {
    local out=$1 limit=$2 max=$3 mark=$WORK/mem.mark pid per i
    per=$(((limit + THREADS - 1) / THREADS))
    : >"$mark"
    BENCH_TREES=$(
        IFS=,
        echo "${TREES[*]}"
    ) BENCH_LIMIT=$per BENCH_MARK=$mark \
        wrk "${WRK_COMMON[@]}" -d"${max}s" -s "$BENCH_SRC/mix.lua" "$A" >"$out" 2>&1 &
    pid=$!
    for ((i = 0; i < max * 20 + 100; i++)); do
        svc_pid_alive "$pid" || break
        if [ "$(wc -l <"$mark")" -ge "$THREADS" ]; then
            kill -INT "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.05
    done
    wait "$pid" || true
    sed -n 's/^mix statuses: answers=\([0-9]*\) .*/\1/p' "$out"
}

run_6() {
    local n1 n2 total growth max='' pid kb kb1 lines=() gone=0 newp=0 compared=0
    row 6 "memory: RSS per child, 10k -> ${MEM_REQUESTS} GETs" "growth < 2 MB" 2
    R_BASE_DESC[6]="RSS (VmRSS) of the same child after $MEM_WARM requests; GET /treestatus/trees and /trees/{tree} alternately over ${#TREES[@]} trees, httpd a (cached)"
    rss_snapshot "$RES/6.rss.start"
    log "6: GET mix (/trees and /trees/{tree} over ${#TREES[@]} trees): $MEM_WARM requests"
    n1=$(mem_run "$RES/6.wrk.warm" "$MEM_WARM" 60)
    rss_snapshot "$RES/6.rss.10k"
    log "6: $((MEM_REQUESTS - MEM_WARM)) more requests (at most ${MEM_MAX}s)"
    n2=$(mem_run "$RES/6.wrk.long" "$((MEM_REQUESTS - MEM_WARM))" "$MEM_MAX")
    rss_snapshot "$RES/6.rss.1m"
    total=$((${n1:-0} + ${n2:-0}))
    declare -A first=()
    while read -r pid kb; do first[$pid]=$kb; done <"$RES/6.rss.10k"
    while read -r pid kb; do
        kb1=${first[$pid]:-}
        if [ -z "$kb1" ]; then
            newp=$((newp + 1))
            lines+=("pid $pid new: $kb kB;")
            continue
        fi
        growth=$((kb - kb1))
        if [ -z "$max" ] || ((growth > max)); then max=$growth; fi
        compared=$((compared + 1))
        lines+=("pid $pid: $kb1 -> $kb kB ($(printf '%+d' "$growth"));")
        unset "first[$pid]"
    done <"$RES/6.rss.1m"
    gone=${#first[@]}
    R_DETAIL[6]="after $n1 and $total requests ($(wrk_latency "$RES/6.wrk.long")): ${lines[*]}"
    ((gone == 0)) || note 6 "$gone child(ren) exited between the readings (not compared)."
    ((newp == 0)) || note 6 "$newp child(ren) started between the readings (not compared)."
    if ! grep -q 'non200=0$' "$RES/6.wrk.long" || ! grep -q 'non200=0$' "$RES/6.wrk.warm"; then
        R_INVALID[6]=1
        note 6 "non-200 answers: $(grep -h '^mix statuses' "$RES"/6.wrk.* | tr '\n' ' ')"
    fi
    ((total >= MEM_REQUESTS * 95 / 100)) || note 6 "only $total of $MEM_REQUESTS requests within ${MEM_MAX}s."
    if ((compared == 0)); then
        R_MOD[6]=-
        R_RESULT[6]=ERROR
    else
        R_MOD[6]=$(calc "$max / 1024")
        if ((max < 2048)); then R_RESULT[6]=PASS; else R_RESULT[6]=BELOW; fi
    fi
    [ -z "${R_INVALID[6]:-}" ] || R_RESULT[6]=INVALID
}

# ---------------------------------------------------------------- run and report

signed() { if [[ $1 == [-+]* || $1 == - ]]; then printf '%s' "$1"; else printf '+%s' "$1"; fi; }

fmt_rate() {
    if is_num "$1"; then int "$1"; else printf '%s' "$1"; fi
}

# cpu_summary KEY: server CPU per request of both sides (mean over rounds) and the ratio it
# implies when the servers are CPU-bound; it does not depend on the machine's load. The
# httpd-only figures are what counts when PostgreSQL runs on another machine.
cpu_summary() {
    local f mods=() bases=() m b mt mh mp bt bh bp
    for f in "$RES/$1".mod.*; do [ -f "$f" ] && mods+=("$f"); done
    for f in "$RES/$1".base.*; do [ -f "$f" ] && bases+=("$f"); done
    ((${#mods[@]} && ${#bases[@]})) || return 0
    # "total httpd postgres" means
    m=$(awk '/^server cpu: / { gsub(/[(),]/, ""); t += $3; h += $6; p += $8; n++ }
             END { if (n) printf "%.1f %.1f %.1f", t / n, h / n, p / n }' "${mods[@]}")
    b=$(awk '/^server cpu: / { gsub(/[(),]/, ""); t += $3; h += $6; p += $8; n++ }
             END { if (n) printf "%.1f %.1f %.1f", t / n, h / n, p / n }' "${bases[@]}")
    [ -n "$m" ] && [ -n "$b" ] || return 0
    read -r mt mh mp <<<"$m"
    read -r bt bh bp <<<"$b"
    echo "      server CPU per request: module $mt us (httpd $mh + PostgreSQL $mp), baseline $bt us (httpd $bh + PostgreSQL $bp)"
    if ge "$bh" 0.05; then
        echo "      CPU-bound ratios: $(calc "$bt / $mt")x with PostgreSQL on these CPUs, $(calc "$bh / $mh")x httpd only"
    else
        echo "      CPU-bound ratio: $(calc "$bt / $mt")x"
    fi
}

# report [NOTE]: the table, the details and the summary block (once)
REPORTED=0
report() {
    local k u mu bu f COMMIT DIRTY LOADAVG
    ((REPORTED == 0)) || return 0
    REPORTED=1
    set +e # a report with a gap beats no report
    COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
    DIRTY=$(git status --porcelain --untracked-files=no -- src mod_treestatus.c mod_tooltool.c 2>/dev/null | head -c 1)
    LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)

    echo
    echo "== make bench: commit $COMMIT${DIRTY:+ (+ local changes to src)}, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $LOADAVG"
    echo "   $MPM MPM; wrk -t$THREADS -c$CONN -d${SECS}s; pgbench -c$CONN -j$THREADS -T$SECS -M prepared; best of $ROUNDS rounds"
    printf '%-3s %-50s %14s %14s %7s %8s  %s\n' "#" "what" "module" "baseline" "ratio" "target" "result"
    for k in "${ROWS[@]}"; do
        if [ "$k" = 6 ]; then
            printf '%-3s %-50s %14s %14s %7s %8s  %s\n' "$k" "${R_NAME[$k]}" "$(signed "${R_MOD[$k]}") MB" "-" "-" "< 2 MB" "${R_RESULT[$k]}"
            continue
        fi
        u=${R_UNIT[$k]}
        mu=${u%% | *}
        bu=${u##* | }
        printf '%-3s %-50s %14s %14s %7s %8s  %s\n' "$k" "${R_NAME[$k]}" \
            "$(fmt_rate "${R_MOD[$k]}") $mu" "$(fmt_rate "${R_BASE[$k]}") $bu" \
            "${R_RATIO[$k]}x" ">= ${R_TARGET[$k]}x" "${R_RESULT[$k]}${R_INFO[$k]:+ (info)}"
    done
    echo
    echo "Baselines and details:"
    for k in "${ROWS[@]}"; do
        echo "  $k  ${R_NAME[$k]}"
        echo "      baseline: ${R_BASE_DESC[$k]}"
        [ -z "${R_ROUNDS[$k]:-}" ] || echo "      rounds: ${R_ROUNDS[$k]}"
        for f in "$RES/$k.mod.1" "$RES/$k.base.1"; do
            if [ -f "$f" ] && grep -q '^Running' "$f"; then echo "      ${f##*/}: $(wrk_latency "$f")"; fi
        done
        cpu_summary "$k"
        [ -z "${R_DETAIL[$k]:-}" ] || echo "      ${R_DETAIL[$k]}"
        [ -z "${R_NOTE[$k]}" ] || echo "      NOTE: ${R_NOTE[$k]}"
    done

    echo
    echo "---- summary (commit $COMMIT, $(nproc) CPUs, $MPM MPM, wrk -c$CONN, ${SECS}s x $ROUNDS rounds, best) ----"
    for k in "${ROWS[@]}"; do
        case $k in
        6)
            echo "memory: RSS growth per child from 10k to $MEM_REQUESTS requests: max $(signed "${R_MOD[$k]}") MB (target < 2 MB) ${R_RESULT[$k]}"
            ;;
        *)
            u=${R_UNIT[$k]}
            echo "${R_INFO[$k]:+info, not a DESIGN.md target: }${R_NAME[$k]}: $(fmt_rate "${R_MOD[$k]}") ${u%% | *} vs baseline $(fmt_rate "${R_BASE[$k]}") ${u##* | } = ${R_RATIO[$k]}x (target ${R_TARGET[$k]}x) ${R_RESULT[$k]}${R_SHORT[$k]:+ [baseline: ${R_SHORT[$k]}]}"
            ;;
        esac
    done
    echo "(baselines: 1 static files with the same bytes; 2 /__heartbeat__ = one SELECT 1 through mod_dbd on the same cache-off httpd; 2b bench/mod_bench_dbd.c running the module's ts_tree SELECT; 3 static file as big as the 302; 4 pgbench with the module's SQL; 5 sha512sum)"
    echo "----"
    return 0
}

log "settings: ${SECS}s per measurement, $CONN connections, $THREADS wrk threads, $ROUNDS rounds, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 1 2 3 4 5 6; do
    case $ONLY in *" $n "*) "run_$n" ;; esac
done

report
log "done"
