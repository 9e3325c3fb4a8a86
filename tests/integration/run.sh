#!/usr/bin/env bash
# tests/integration/run.sh: the integration suite (called by `make test` after the unit tests).
#
#   tests/integration/run.sh [PYTEST_ARGS...]   e.g. -x -k treestatus, or test files/node ids
#                                               (then only those run, not the whole suite)
#
# For each MPM (event, prefork), in parallel (the tests mostly wait on restarts and
# timers, so two runs share 2 cores well): a private PostgreSQL cluster (each run stops and
# restarts its own in the outage tests), a database with all migrations, an httpd from scripts/httpd.conf.in on a free loopback port,
# pytest with SVC_TEST_ENV=<instance JSON> (see conftest.py), httpd stopped, and its error log
# checked for unexpected lines outside the tests (start-up, between tests, shutdown).
# Prints each MPM's pytest summary and a final "N passed, M failed" (M counts failures and
# errors). Exit 0 only if both MPM runs passed with clean logs. Everything is torn down.
#
# Environment: SVC_MPMS="event prefork" (which MPMs), SVC_PARALLEL=0 (one MPM after the
# other, output live instead of after each run), SVC_KEEP=1 (keep the scratch dir),
# SVC_PYTEST_TIMEOUT=900 (seconds per MPM run). Every tests/integration/*.conf.in (name order)
# is rendered (placeholders @SERVER_ROOT@ @STORAGE_DIR@ @REPO@ @MPM@ @PORT@ @PG_PORT@ @DB@
# @ROOT@) and appended to each instance's extra include (httpd directives for the tests,
# e.g. auth clients).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"

svc_require_root tests/integration/run.sh
cd "$SVC_ROOT"
read -r -a MPMS <<<"${SVC_MPMS:-event prefork}"
PYTEST_TIMEOUT=${SVC_PYTEST_TIMEOUT:-900}
export PYTHONDONTWRITEBYTECODE=1   # keep __pycache__ out of the tree
for so in build/mod_treestatus.so build/mod_tooltool.so; do
    [ -f "$so" ] || svc_die "$so is missing: run make all first"
done

WORK=$(mktemp -d /tmp/svc-integration.XXXXXX)
chmod 755 "$WORK"   # httpd children (nobody) and postgres must traverse it
PARALLEL=${SVC_PARALLEL:-1}

log() { printf '[integration] %s\n' "$*"; }

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    # every httpd still running under WORK (the instances and any extra test instances)
    svc_stop_httpds_under "$WORK" 3
    local pgdir
    for pgdir in "$WORK"/*/pg; do
        [ -d "$pgdir" ] || continue
        scripts/pg.sh stop "$pgdir" >/dev/null
        if [ "$rc" -ne 0 ]; then
            svc_tail "$pgdir/postgresql.log" 20
        fi
    done
    svc_remove_scratch "$WORK" "${SVC_KEEP:-}" || log "kept $WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)

# run_mpm MPM PYTEST_ARGS...: runs in a subshell with set -e; writes $WORK/MPM/{summary,counts}.
run_mpm() {
    local mpm=$1 d=$WORK/$1 db=svc_$1 port prc
    shift
    local hdir=$d/httpd
    mkdir -p "$d"
    echo "$mpm: did not complete (see the messages above)" >"$d/summary"
    echo "0 0" >"$d/counts"
    MPM_HTTPD_DIR=$hdir   # global: the EXIT trap runs after this function has returned
    trap on_mpm_exit EXIT
    PG_DIR=$d/pg
    PG_PORT=$(svc_free_port)
    scripts/pg.sh start "$PG_DIR" "$PG_PORT" >/dev/null
    log "$mpm: PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)"

    "${PSQL[@]}" -p "$PG_PORT" -d postgres -c "CREATE DATABASE $db"
    DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$db scripts/migrate.sh >"$d/migrate.log" 2>&1 ||
        { cat "$d/migrate.log" >&2; svc_die "$mpm: migrations failed"; }
    port=$(svc_free_port)
    scripts/httpd.sh config "$hdir" --port "$port" --pg-port "$PG_PORT" --db "$db" --mpm "$mpm" \
        --storage "$d/storage" --extra "$hdir/extra.conf" >/dev/null
    local snippet
    for snippet in tests/integration/*.conf.in; do
        [ -e "$snippet" ] || continue
        svc_render "$snippet" "$d/snippet.conf" \
            SERVER_ROOT="$hdir" STORAGE_DIR="$d/storage" REPO="$SVC_ROOT" MPM="$mpm" \
            PORT="$port" PG_PORT="$PG_PORT" DB="$db" ROOT="$WORK"
        { printf '# from %s\n' "$snippet"; cat "$d/snippet.conf"; } >>"$hdir/extra.conf"
    done
    svc_write_instance_env "$d/env.json" "$WORK" "$hdir" "$port" "$PG_DIR" "$PG_PORT" "$db" "$mpm" \
        "$d/storage" "$hdir/extra.conf"
    scripts/httpd.sh start "$hdir" >/dev/null
    log "$mpm: httpd on 127.0.0.1:$port, database $db; running pytest"

    # the whole suite, unless test files/directories were given as arguments
    local targets=(tests/integration) a
    for a in "$@"; do
        if [[ $a != -* && -e ${a%%::*} ]]; then targets=(); fi
    done
    set +e
    SVC_TEST_ENV=$d/env.json timeout -k 10 "$PYTEST_TIMEOUT" \
        "$SVC_PY" -m pytest -q -p no:cacheprovider "${targets[@]}" "$@" 2>&1 | tee "$d/pytest.out"
    prc=${PIPESTATUS[0]}
    set -e

    scripts/httpd.sh stop "$hdir" >/dev/null
    local line passed failed errors logstate=clean
    line=$(grep -E '^(=+ )?(no tests ran|[0-9]+ [a-z]+.* in [0-9.]+s)' "$d/pytest.out" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//' || true)
    passed=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    failed=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    errors=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    echo "$passed $((failed + errors))" >"$d/counts"
    if ! "$SVC_PY" tests/integration/logscan.py --checked "$hdir/logs/error.log.checked" \
        "$hdir/logs/error.log" >"$d/logscan.out"; then
        logstate="UNEXPECTED LINES outside tests:"$'\n'"$(sed 's/^/    /' "$d/logscan.out")"
    fi
    echo "$mpm: ${line:-no pytest summary (exit $prc)}; error log: $logstate" >"$d/summary"
    case $prc in
    0) ;;
    5) svc_die "$mpm: pytest collected no tests" ;;
    124 | 137) svc_die "$mpm: pytest timed out after ${PYTEST_TIMEOUT}s" ;;
    *) svc_die "$mpm: pytest failed (exit $prc)" ;;
    esac
    [ "$logstate" = clean ] || svc_die "$mpm: unexpected error-log lines outside the tests"
}

# on_mpm_exit: on failure, show the instance's log tails; always stop its httpd.
on_mpm_exit() {
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        svc_tail "$MPM_HTTPD_DIR/logs/error.log" 40
        svc_tail "$MPM_HTTPD_DIR/logs/access.log" 10
    fi
    scripts/httpd.sh stop "$MPM_HTTPD_DIR" >/dev/null 2>&1 || true
    exit "$rc"
}

t0=$SECONDS
failed_mpms=()
declare -A pids=()
for mpm in "${MPMS[@]}"; do
    case $mpm in event | prefork) ;; *) svc_die "SVC_MPMS: unknown MPM '$mpm'" ;; esac
    mkdir -p "$WORK/$mpm"
    if [ "$PARALLEL" = 1 ]; then
        (
            set -e
            run_mpm "$mpm" "$@"
        ) >"$WORK/$mpm/run.log" 2>&1 &
        pids[$mpm]=$!
        log "$mpm: started (pid ${pids[$mpm]})"
        continue
    fi
    set +e
    (
        set -e
        run_mpm "$mpm" "$@"
    )
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || failed_mpms+=("$mpm")
done
if [ "$PARALLEL" = 1 ]; then
    for mpm in "${MPMS[@]}"; do
        set +e
        wait "${pids[$mpm]}"
        rc=$?
        set -e
        echo
        log "---- $mpm run ----"
        cat "$WORK/$mpm/run.log"
        [ "$rc" -eq 0 ] || failed_mpms+=("$mpm")
    done
fi

total_passed=0 total_failed=0
echo
for mpm in "${MPMS[@]}"; do
    log "$(cat "$WORK/$mpm/summary")"
    read -r p f <"$WORK/$mpm/counts"
    total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
done
log "$((SECONDS - t0))s; MPM runs failed: ${failed_mpms[*]:-none}"
echo "$total_passed passed, $total_failed failed"
[ ${#failed_mpms[@]} -eq 0 ]
