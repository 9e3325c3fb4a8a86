#!/usr/bin/env bash
# scripts/stop.sh (`make stop`): stop what `make run` started (httpd, then PostgreSQL).
# Keeps everything under run/ (database, logs, storage). Safe to run when nothing is running.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

svc_require_root make stop
cd "$SVC_ROOT"
rc=0
scripts/httpd.sh stop run/httpd || rc=1
scripts/pg.sh stop run/pg || rc=1
exit "$rc"
