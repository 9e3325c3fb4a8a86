#!/usr/bin/env bash
# scripts/migrate.sh: apply the SQL migrations of mod_treestatus / mod_tooltool to a database.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
    cat <<EOF
Usage: scripts/migrate.sh [--dry-run] [--sql-dir DIR] [--lock-timeout DURATION] [MODULE...]

Applies sql/MODULE/NNN_name.sql files (default modules: common treestatus tooltool) in numeric
order, each one that is not yet recorded in the table svc_schema_version. Safe to re-run:
applied files are skipped, and a module that is current prints "up to date".

Connection: DATABASE_URL (postgres://user:password@host:port/dbname) if set, otherwise
the usual libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD or ~/.pgpass, ...).
The target (database, server, user) is printed before anything is changed.

Safety:
  * each file runs in ONE transaction together with its row in svc_schema_version:
    a file is applied completely or not at all, and a failure stops the run
    (later files and modules are not attempted);
  * concurrent runs are serialized with a PostgreSQL advisory lock, and each file is
    re-checked under that lock, so two deployers cannot apply a file twice;
  * lock_timeout (default 10s) bounds how long a migration waits for a table lock
    held by live traffic; on timeout nothing is applied: re-run at a quieter moment;
  * refuses files with transaction control (BEGIN/COMMIT/ROLLBACK) or psql
    meta-commands, duplicate numbers, and a pending file numbered below one that is
    already applied (out of order: needs a human decision);
  * warns when the database records migrations this checkout does not have
    (code older than the database), or under a different name.

Options:
  --dry-run             print what would be applied, change nothing (not even the version table)
  --sql-dir DIR         directory holding MODULE/ subdirectories (default: the repo's sql/)
  --lock-timeout DUR    PostgreSQL lock_timeout for each migration (default: 10s; 0 = wait forever)
  -h, --help            this text

Output: "MODULE NNN_name applied", "MODULE up to date (version N)", or "... pending" with
--dry-run. Exit status: 0 success, 1 a migration or connection failed, 2 bad usage.

Example (production):
  DATABASE_URL='postgres://treestatus@db.internal:5432/treestatus' scripts/migrate.sh --dry-run
  DATABASE_URL='postgres://treestatus@db.internal:5432/treestatus' scripts/migrate.sh
EOF
}

usage_error() {
    printf 'migrate.sh: %s\n' "$1" >&2
    printf 'Try: scripts/migrate.sh --help\n' >&2
    exit 2
}

dry_run=0
sql_dir=$SVC_ROOT/sql
lock_timeout=10s
modules=()
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage; exit 0 ;;
    -n | --dry-run) dry_run=1 ;;
    --sql-dir) [ $# -ge 2 ] || usage_error "--sql-dir needs a directory"; sql_dir=$2; shift ;;
    --sql-dir=*) sql_dir=${1#*=} ;;
    --lock-timeout) [ $# -ge 2 ] || usage_error "--lock-timeout needs a value"; lock_timeout=$2; shift ;;
    --lock-timeout=*) lock_timeout=${1#*=} ;;
    -*) usage_error "unknown option $1" ;;
    *) modules+=("$1") ;;
    esac
    shift
done
[ ${#modules[@]} -gt 0 ] || modules=(common treestatus tooltool)
[[ $lock_timeout =~ ^[0-9]+(ms|s|min)?$ ]] || usage_error "bad --lock-timeout '$lock_timeout' (examples: 10s, 500ms, 0)"
[ -d "$sql_dir" ] || usage_error "SQL directory $sql_dir does not exist"
sql_dir=$(cd "$sql_dir" && pwd)
for m in "${modules[@]}"; do
    [[ $m =~ ^[a-z][a-z0-9_]*$ ]] || usage_error "bad module name '$m'"
    [ -d "$sql_dir/$m" ] || usage_error "unknown module '$m': no directory $sql_dir/$m"
done
svc_require_cmd psql

# Session defaults for every psql below. DATABASE_URL wins over the PG* variables.
export PGAPPNAME=${PGAPPNAME:-svc-migrate} PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
export PGCLIENTENCODING=UTF8 LC_MESSAGES=C
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
[ -z "${DATABASE_URL:-}" ] || PSQL+=(-d "$DATABASE_URL")
LOCK_KEY="hashtext('svc_schema_version')"   # advisory lock shared by every migrate.sh run

# query SQL: print rows unaligned, fields separated by a space (only used for simple values).
query() { "${PSQL[@]}" -A -t -F ' ' -c "$1"; }

target=$(query "SELECT current_database() || ' on ' || coalesce(host(inet_server_addr()) || ':' || current_setting('port'), 'local socket') || ' as ' || current_user") ||
    svc_die "cannot connect to the database (check DATABASE_URL or PGHOST/PGPORT/PGUSER/PGDATABASE)"
svc_log "database $target$( ((dry_run)) && echo ' (dry run: nothing will be changed)')"

have_table=$(query "SELECT to_regclass('svc_schema_version') IS NOT NULL")
if [ "$have_table" != t ] && ((!dry_run)); then
    "${PSQL[@]}" -f - <<EOF || svc_die "cannot create table svc_schema_version"
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT pg_advisory_xact_lock($LOCK_KEY) \\gset svc_
CREATE TABLE IF NOT EXISTS svc_schema_version (
    module     text        NOT NULL,
    version    int         NOT NULL,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (module, version)
);
COMMENT ON TABLE svc_schema_version IS 'SQL migrations applied by scripts/migrate.sh (one row per sql/MODULE/NNN_name.sql)';
COMMIT;
EOF
    svc_log "created table svc_schema_version"
    have_table=t
fi

# lint FILE: refuse what would break "one file = one transaction".
lint() {
    local bad
    bad=$(grep -niE '^[[:space:]]*((BEGIN|COMMIT|ROLLBACK|ABORT)([[:space:]]+(WORK|TRANSACTION))?|START[[:space:]]+TRANSACTION|END[[:space:]]+(WORK|TRANSACTION))[[:space:]]*;' "$1" || true)
    [ -z "$bad" ] || svc_die "$1: transaction control is not allowed in a migration (each file already runs in one transaction): $bad"
    bad=$(grep -n '^[[:space:]]*[\\]' "$1" || true)
    [ -z "$bad" ] || svc_die "$1: psql meta-commands are not allowed in a migration: $bad"
}

# apply MODULE VERSION NAME FILE: one transaction = the file + its svc_schema_version row.
apply() {
    local out t0=${EPOCHREALTIME/./} ms
    out=$("${PSQL[@]}" -v "mod=$1" -v "ver=$2" -v "name=$3" -v "file=$4" -v "lock_timeout=$lock_timeout" -f - 2>&1 <<EOF
BEGIN;
SET LOCAL lock_timeout = :'lock_timeout';
SET LOCAL client_min_messages = warning;
SELECT pg_advisory_xact_lock($LOCK_KEY) \\gset svc_
SELECT NOT EXISTS (SELECT 1 FROM svc_schema_version WHERE module = :'mod' AND version = :ver) AS svc_pending \\gset
\\if :svc_pending
\\i :file
INSERT INTO svc_schema_version (module, version, name) VALUES (:'mod', :ver, :'name');
COMMIT;
\\echo svc-migrate:applied
\\else
ROLLBACK;
\\echo svc-migrate:skipped
\\endif
EOF
    ) || {
        printf '%s\n' "$out" >&2
        [[ $out != *"lock timeout"* ]] ||
            svc_warn "a table was locked by other sessions for longer than lock_timeout ($lock_timeout): re-run at a quieter moment or pass --lock-timeout"
        svc_die "$1 $(printf '%03d' "$2")_$3 FAILED and was rolled back (nothing from this file was applied; later migrations were not attempted)"
    }
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    case $out in
    *svc-migrate:applied*) echo "$1 $(basename "$4" .sql) applied ($ms ms)" ;;
    *svc-migrate:skipped*) echo "$1 $(basename "$4" .sql) already applied by a concurrent run" ;;
    *) printf '%s\n' "$out" >&2; svc_die "unexpected output from psql while applying $4" ;;
    esac
    out=$(grep -v '^svc-migrate:' <<<"$out" || true)
    [ -z "$out" ] || printf '%s\n' "$out"
}

for m in "${modules[@]}"; do
    # files: version -> path, validated
    declare -A file_of=() applied_name=()
    versions=()
    for f in "$sql_dir/$m"/*.sql; do
        [ -e "$f" ] || continue
        b=$(basename "$f")
        [[ $b =~ ^([0-9]+)_([A-Za-z0-9_-]+)\.sql$ ]] ||
            svc_die "$f: migration files must be named NNN_name.sql (digits, underscore, letters/digits/_/-)"
        v=$((10#${BASH_REMATCH[1]}))
        [ -z "${file_of[$v]:-}" ] || svc_die "$m: two migrations with number $v: ${file_of[$v]} and $f"
        file_of[$v]=$f
        versions+=("$v")
    done
    mapfile -t versions < <(printf '%s\n' "${versions[@]}" | sed '/^$/d' | sort -n)

    max_applied=0
    if [ "$have_table" = t ]; then
        while read -r v n; do
            [ -n "$v" ] || continue
            applied_name[$v]=$n
            ((v > max_applied)) && max_applied=$v
            if [ -z "${file_of[$v]:-}" ]; then
                svc_warn "$m: the database has migration $v ($n) which is not in $sql_dir/$m (is this checkout older than the database?)"
            elif [ "$(basename "${file_of[$v]}" .sql | sed 's/^[0-9]*_//')" != "$n" ]; then
                svc_warn "$m: migration $v is recorded as '$n' but the file is $(basename "${file_of[$v]}")"
            fi
        done < <(query "SELECT version, name FROM svc_schema_version WHERE module = '$m' ORDER BY version")
    fi

    pending=()
    for v in "${versions[@]}"; do
        [ -n "${applied_name[$v]:-}" ] && continue
        ((v < max_applied)) &&
            svc_die "$m: $(basename "${file_of[$v]}") is not applied but migration $max_applied already is (out of order); apply or renumber it by hand, nothing was changed for $m"
        lint "${file_of[$v]}"
        pending+=("$v")
    done

    if [ ${#pending[@]} -eq 0 ]; then
        echo "$m up to date (version $max_applied)"
    fi
    for v in "${pending[@]}"; do
        f=${file_of[$v]}
        if ((dry_run)); then
            echo "$m $(basename "$f" .sql) pending"
        else
            apply "$m" "$v" "$(basename "$f" .sql | sed 's/^[0-9]*_//')" "$f"
        fi
    done
    unset file_of applied_name
done
