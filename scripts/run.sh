#!/usr/bin/env bash
# scripts/run.sh (`make run`): start a private PostgreSQL and httpd with both modules on free
# loopback ports, everything under run/ in the repo (gitignored). Idempotent: when both are
# already running it only prints where they are. `make stop` (scripts/stop.sh) stops them and
# keeps the data; `make stop && rm -rf run` starts over from scratch.
#
#   run/pg/        PostgreSQL cluster (database "treestatus" holds both modules' tables)
#   run/httpd/     httpd.conf (from scripts/httpd.conf.in, event MPM), logs/, extra.conf
#   run/storage/   tooltool local storage (owned by nobody)
#   run/env.json   {"treestatus_url", "tooltool_url", "pg_port", "httpd_port", ...}
#
# Hooks: every scripts/run.d/*.sh is sourced (in name order) twice, with RUN_PHASE set:
#   RUN_PHASE=configure  after httpd.conf is written, before httpd starts: append httpd
#                        directives to "$EXTRA_CONF" (it starts empty), seed with psql "$PG_DSN"
#   RUN_PHASE=print      after the standard summary (also when already running): print demo
#                        credentials, tooltool examples, ...
# They see: RUN_DIR TREESTATUS_URL TOOLTOOL_URL HTTPD_PORT PG_PORT PG_DSN DB EXTRA_CONF
# STORAGE_DIR ENV_JSON SVC_ROOT, and the helpers of scripts/lib.sh.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

svc_require_root make run
cd "$SVC_ROOT"
RUN_DIR=$SVC_ROOT/run
PGDATA_DIR=$RUN_DIR/pg
HTTPD_DIR=$RUN_DIR/httpd
STORAGE_DIR=$RUN_DIR/storage
EXTRA_CONF=$HTTPD_DIR/extra.conf
ENV_JSON=$RUN_DIR/env.json
DB=treestatus
MPM=event
APACHE=$(svc_apache_bin)
HEARTBEAT_TIMEOUT=15

for so in build/mod_treestatus.so build/mod_tooltool.so; do
    [ -f "$so" ] || svc_die "$so is missing: build first (make all), or use make run"
done

run_hooks() {
    local f
    export RUN_PHASE=$1
    for f in "$SVC_ROOT"/scripts/run.d/*.sh; do
        [ -e "$f" ] || continue
        # shellcheck disable=SC1090
        . "$f"
    done
}

set_urls() {
    HTTPD_PORT=$1
    PG_PORT=$2
    TREESTATUS_URL=http://127.0.0.1:$HTTPD_PORT/treestatus
    TOOLTOOL_URL=http://127.0.0.1:$HTTPD_PORT/tooltool
    PG_DSN=postgres://postgres@127.0.0.1:$PG_PORT/$DB
    export RUN_DIR TREESTATUS_URL TOOLTOOL_URL HTTPD_PORT PG_PORT PG_DSN DB EXTRA_CONF STORAGE_DIR ENV_JSON SVC_ROOT
}

print_summary() {
    cat <<EOF

treestatus: $TREESTATUS_URL
tooltool:   $TOOLTOOL_URL
PostgreSQL: $PG_DSN   (psql '$PG_DSN')
logs:       run/httpd/logs/error.log  run/httpd/logs/access.log
details:    run/env.json

Try:
  curl -s $TREESTATUS_URL/__heartbeat__
  curl -s $TREESTATUS_URL/trees
EOF
    run_hooks print
    printf '\nStop with: make stop   (data stays in run/; make stop && rm -rf run to start from scratch)\n'
}

# A port from the last run, if it is still free (stable URLs across make stop / make run).
reuse_or_new_port() {
    if [[ ${1:-} =~ ^[0-9]+$ ]] && svc_port_free "$1"; then echo "$1"; else svc_free_port; fi
}

httpd_pid=$(svc_pidfile_pid "$HTTPD_DIR/httpd.pid" "$APACHE" || true)
pg_running=0
scripts/pg.sh status "$PGDATA_DIR" >/dev/null 2>&1 && pg_running=1

if [ -n "$httpd_pid" ] && ((pg_running)); then
    set_urls "$(scripts/httpd.sh port "$HTTPD_DIR")" "$(scripts/pg.sh port "$PGDATA_DIR")"
    svc_log "already running: httpd (pid $httpd_pid) and PostgreSQL (pid $(head -n 1 "$PGDATA_DIR/postmaster.pid"))"
    for f in build/mod_treestatus.so build/mod_tooltool.so sql/*/*.sql; do
        if [ -e "$f" ] && [ "$f" -nt "$HTTPD_DIR/httpd.pid" ]; then
            svc_log "note: $f changed after httpd started; make stop && make run to pick it up"
            break
        fi
    done
    print_summary
    exit 0
fi

mkdir -p "$RUN_DIR"
chmod 755 "$RUN_DIR"
for u in postgres nobody; do
    svc_can_reach "$u" "$RUN_DIR" ||
        svc_die "make run keeps its PostgreSQL cluster and httpd files in $RUN_DIR, but user $u cannot traverse a parent directory (e.g. /root is 0700): chmod o+x those directories, or clone the repository under /srv, /opt or /tmp"
done

# ---- PostgreSQL (keeps its port across runs when it is free)
if ((pg_running)); then
    pg_port=$(scripts/pg.sh port "$PGDATA_DIR")
else
    pg_port=$(reuse_or_new_port "$(scripts/pg.sh port "$PGDATA_DIR" 2>/dev/null || true)")
    scripts/pg.sh start "$PGDATA_DIR" "$pg_port"
fi
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres)
svc_wait_until 10 "${PSQL[@]}" -d postgres -c 'SELECT 1' >/dev/null 2>&1 ||
    svc_die "PostgreSQL on 127.0.0.1:$pg_port does not accept connections (see run/pg/postgresql.log)"
if [ "$("${PSQL[@]}" -d postgres -A -t -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 0 ]; then
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
    svc_log "created database $DB"
fi
DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/$DB scripts/migrate.sh
for f in sql/demo/*.sql; do
    [ -e "$f" ] || continue
    "${PSQL[@]}" -d "$DB" -1 -f "$f" || svc_die "demo data $f failed"
    svc_log "demo data $f loaded"
done

# ---- httpd
if [ -n "$httpd_pid" ]; then
    set_urls "$(scripts/httpd.sh port "$HTTPD_DIR")" "$pg_port"
    svc_log "httpd already running (pid $httpd_pid)"
else
    httpd_port=$(reuse_or_new_port "$(svc_env_json_get "$ENV_JSON" httpd_port)")
    set_urls "$httpd_port" "$pg_port"
    scripts/httpd.sh config "$HTTPD_DIR" --port "$HTTPD_PORT" --pg-port "$PG_PORT" --db "$DB" \
        --mpm "$MPM" --storage "$STORAGE_DIR" --extra "$EXTRA_CONF"
    : >"$EXTRA_CONF"
    run_hooks configure
    scripts/httpd.sh start "$HTTPD_DIR"
fi

if ! svc_wait_until "$HEARTBEAT_TIMEOUT" svc_http_ok "$TREESTATUS_URL/__lbheartbeat__"; then
    svc_tail "$HTTPD_DIR/logs/error.log" 30 >&2
    scripts/httpd.sh stop "$HTTPD_DIR" >&2 || true
    svc_die "GET $TREESTATUS_URL/__lbheartbeat__ did not answer 200 within ${HEARTBEAT_TIMEOUT}s (last: $(svc_http_code "$TREESTATUS_URL/__lbheartbeat__")); httpd stopped, PostgreSQL left running"
fi

svc_write_instance_env "$ENV_JSON" "$RUN_DIR" "$HTTPD_DIR" "$HTTPD_PORT" "$PGDATA_DIR" "$PG_PORT" "$DB" \
    "$MPM" "$STORAGE_DIR" "$EXTRA_CONF"
svc_log "ready"
print_summary
