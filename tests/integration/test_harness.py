"""Tests of the integration harness itself (conftest.py, logscan.py, migrations, run.sh's instance)."""

import pathlib
import re

import pytest
import requests

import logscan
from conftest import REPO, SqlError

NOTICE = "[Mon Nov 23 18:47:37.134141 2026] [mpm_event:notice] [pid 7657:tid 7657] AH00489: Apache/2.4.71 (Debian) configured -- resuming normal operations"
WARN = "[Mon Nov 23 18:47:38.000001 2026] [dbd:warn] [pid 7658:tid 7690] AH00000: something to look at"
DBD_ERROR = "[Mon Nov 23 18:47:38.000002 2026] [dbd:error] [pid 7658:tid 7690] (20014)Internal error: AH00629: Can't connect to pgsql: connection refused"
CORE_CRIT = "[Mon Nov 23 18:47:38.000003 2026] [core:crit] [pid 7658] AH00102: [Mon Nov 23] file worker.c, line 1000, assertion failed"
CRASH = "[Mon Nov 23 18:47:38.000004 2026] [core:notice] [pid 7657:tid 7657] AH00052: child pid 7700 exit signal Segmentation fault (11)"
RAW = "free(): double free detected in tcache 2"


def test_scanner_catches_injected_error_lines(tmp_path):
    log = tmp_path / "error.log"
    log.write_text(NOTICE + "\n" + WARN + "\n")
    lines, end = logscan.read_lines(str(log), 0)
    assert logscan.scan_lines(lines) == []
    assert end == log.stat().st_size

    with open(log, "a") as f:   # what a test run appends after the window opened
        f.write(DBD_ERROR + "\n" + NOTICE + "\n" + CORE_CRIT + "\n" + CRASH + "\n" + RAW + "\n" + "[partial line")
    lines, end2 = logscan.read_lines(str(log), end)
    assert len(lines) == 5                       # the unterminated line waits for the next read
    assert end2 == log.stat().st_size - len("[partial line")
    assert logscan.scan_lines(lines) == [DBD_ERROR, CORE_CRIT, CRASH, RAW]
    assert logscan.scan_lines(lines, [r"AH00629: Can't connect", r"AH0010[0-9]", "exit signal", "double free"]) == []
    assert logscan.scan_lines(lines, [r"AH00629"]) == [CORE_CRIT, CRASH, RAW]

    # run.sh's pass: only lines outside the ranges recorded by the per-test checks
    logscan.record_checked(str(log), end, end2)
    assert logscan.unchecked_lines(str(log), str(log) + ".checked") == [NOTICE, WARN]
    assert logscan.main(["--checked", str(log) + ".checked", str(log)]) == 0
    assert logscan.main([str(log)]) == 1


@pytest.mark.parametrize("line", [
    "[Mon Nov 23 18:47:38 2026] [:error] [pid 1] no module name",
    "[Mon Nov 23 18:47:38 2026] [proxy_http:alert] [pid 1:tid 2] AH01234: x",
    "[Mon Nov 23 18:47:38 2026] [treestatus:emerg] [pid 1:tid 2] TS00001: y",
])
def test_scanner_levels(line):
    assert logscan.scan_lines([line]) == [line]
    assert logscan.scan_lines([line.replace(":error]", ":info]").replace(":alert]", ":debug]")
                               .replace(":emerg]", ":notice]")]) == []


def test_sql_round_trips_quoting(sql):
    tricky = "it's \"quoted\" \\ back\\slash \\' %s %% :'x' $$ $1 \u00e9\u6f22\u5b57 \U0001F600\ttab\nnewline;--"
    assert sql("SELECT %s::text, %s, %s::text, %s::int + 1, %s::bool, 'literal %%'",
               tricky, None, "", 41, True) == [(tricky, None, "", "42", "t", "literal %")]
    assert sql("SELECT length(%s)", tricky) == [(str(len(tricky)),)]
    assert sql("SELECT 1 WHERE false") == []
    assert sql("SELECT %s::jsonb ->> 'k'", {"k": "v'\""}) == [("v'\"",)]
    with pytest.raises(SqlError, match="parameters"):
        sql("SELECT %s")
    with pytest.raises(SqlError, match="division by zero"):
        sql("SELECT 1/0")


def test_sql_writes(sql):
    name = "svc_harness_probe"
    sql("CREATE TABLE IF NOT EXISTS %s (k text PRIMARY KEY, v text)" % name)
    try:
        assert sql("INSERT INTO %s VALUES (%%s, %%s) RETURNING k" % name, "a'b", None) == [("a'b",)]
        sql("UPDATE %s SET v = %%s WHERE k = %%s" % name, "x\\y", "a'b")
        assert sql("SELECT k, v FROM %s" % name) == [("a'b", "x\\y")]
    finally:
        sql("DROP TABLE %s" % name)


def _migration_files(module):
    out = []
    for f in sorted((REPO / "sql" / module).glob("*.sql")):
        m = re.fullmatch(r"(\d+)_([A-Za-z0-9_-]+)\.sql", f.name)
        assert m, "badly named migration %s" % f
        out.append((module, int(m.group(1)), m.group(2)))
    return out


def test_schema_version_lists_all_migrations(sql):
    # every sql/<module>/ except demo data is a migration module that migrate.sh applies
    modules = sorted(d.name for d in (REPO / "sql").iterdir() if d.is_dir() and d.name != "demo")
    assert "treestatus" in modules and "tooltool" in modules
    expected = sorted(m for mod in modules for m in _migration_files(mod))
    for mod in ("treestatus", "tooltool"):
        assert [m for m in expected if m[0] == mod], "no migrations in sql/%s" % mod
    rows = sql("SELECT module, version, name FROM svc_schema_version ORDER BY module, version")
    assert sorted((m, int(v), n) for m, v, n in rows) == expected


def test_instance_serves_static_file_and_logs_access(env):
    r = requests.get("http://127.0.0.1:%d/static.json" % env["httpd_port"], timeout=5)
    assert r.status_code == 200 and r.json() == {"static": True}
    assert pathlib.Path(env["access_log"]).read_text().count("GET /static.json") >= 1


@pytest.mark.allow_log(r"\[authz_core:error\] .* AH01630: client denied by server configuration")
def test_whitelisted_error_line_and_extra_conf(env, httpd_control):
    httpd_control.set_extra_conf('<Location "/svc-harness-denied">\n    Require all denied\n</Location>\n')
    r = requests.get("http://127.0.0.1:%d/svc-harness-denied" % env["httpd_port"], timeout=5)
    assert r.status_code == 403


def test_pg_control_stop_start(sql, pg_control, httpd_control):
    pg_control.stop()
    assert not pg_control.running()
    with pytest.raises(SqlError):
        sql("SELECT 1")
    pg_control.start()
    assert sql("SELECT 1") == [("1",)]
    # The httpd's pooled DB connections died with the server: replace them so later tests
    # start clean (the modules' own restart handling is tested by their own tests).
    httpd_control.graceful()


def test_httpd_factory_second_instance(env, httpd_factory):
    b = httpd_factory("b")
    assert b.port != env["httpd_port"] and b.running()
    r = requests.get(b.url + "/static.json", timeout=5)
    assert r.status_code == 200 and r.json() == {"static": True}
    b.graceful()
    assert requests.get(b.url + "/static.json", timeout=5).status_code == 200
