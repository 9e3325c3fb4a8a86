"""Integration-test harness: pytest + requests against a real httpd and a real PostgreSQL.

Run it with ``tests/integration/run.sh`` (``make test`` does). run.sh starts one private
PostgreSQL cluster, and for each MPM (event, then prefork) a fresh database with all
migrations applied and an httpd from ``scripts/httpd.conf.in`` on a free loopback port; it
then runs pytest with ``SVC_TEST_ENV`` = the path of a JSON file describing that instance:

    treestatus_url  http://127.0.0.1:P/treestatus     tooltool_url  http://127.0.0.1:P/tooltool
    httpd_port, pg_port (int)   pg_dsn  postgres://postgres@127.0.0.1:N/DB    db  database name
    error_log, access_log       httpd logs of this instance
    mpm             "event" or "prefork"
    root            scratch directory of the whole run (mktemp -d, removed afterwards)
    pg_datadir      the cluster's PGDATA (for scripts/pg.sh)
    httpd_dir, httpd_conf, extra_conf   the instance directory, its httpd.conf and its extra
                    include: the rendered tests/integration/*.conf.in files (run.sh), else empty
    apache_bin      /usr/sbin/apache2       storage_dir   tooltool local storage (owned by nobody)

The database is shared by all tests of one MPM run and is not reset between tests: create
your own rows (unique names) rather than relying on an empty table.

Fixtures (stable API; add to it, do not change it):

    env            the dict above
    ts_url, tt_url the two base URLs (no trailing slash)
    sql            sql("SELECT a, b FROM t WHERE x = %s AND y = %s", "it's", None)
                   -> list of tuples of str/None (psql text output; [] for no rows).
                   %s placeholders are bound by psql as properly quoted literals (None -> NULL,
                   bool -> true/false, dict/list -> JSON text); write %% for a literal %.
                   Do not put quotes around %s. Works for INSERT/UPDATE/DDL too; with several
                   statements the rows of the last one are returned. Raises SqlError.
    pg_control     .stop() .start() .restart() .running(): the test cluster (waits until
                   done). After the test it is started again if the test left it stopped.
    httpd_control  the instance under test: .graceful() .restart() (wait for the new
                   generation and for HTTP), .stop() .start() .running() .pid(),
                   .set_extra_conf(text) (extra_conf = its original content + text, then
                   restart; the original is restored after the test). Left running after the test.
    httpd_factory  httpd_factory(name="b", extra_conf="") -> another httpd instance on the
                   same database and storage (e.g. to test cache invalidation across nodes),
                   same MPM, its extra include = the main instance's + extra_conf;
                   same methods as httpd_control plus .url/.ts_url/.tt_url/.error_log.
                   Stopped after the test; its error log is checked like the main one.

Error log: every test fails if a line appended to an instance's error log during the test is
at level error/crit/alert/emerg ("[dbd:error]", "[core:crit]", ...), reports a child crash, or
is raw stderr output (see logscan.py). Whitelist expected lines per test with

    @pytest.mark.allow_log(r"AH00629: Can't connect to pgsql", r"TS\\d+: database unavailable")

(regexes, re.search). Lines outside any test (start-up, between tests, shutdown) are checked
once by run.sh, without whitelist.
"""

import fcntl
import hashlib
import json
import os
import pathlib
import re
import socket
import subprocess
import time

import pytest
import requests  # noqa: F401  (tests use it; fail early here if it is missing)

import logscan

# the HTTP client and assertions ts_client.py and tt_client.py share: rewritten like the tests
# (registered here, before the first test module imports it)
pytest.register_assert_rewrite("client_base")

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
_ENV_PATH = os.environ.get("SVC_TEST_ENV")
ENV = None
if _ENV_PATH:
    with open(_ENV_PATH) as _f:
        ENV = json.load(_f)

_SCRIPT_TIMEOUT = 120


def _script(*args):
    """Run scripts/<args...>; raise with its output on failure."""
    cmd = [str(SCRIPTS / args[0])] + [str(a) for a in args[1:]]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=_SCRIPT_TIMEOUT)
    if p.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p.stdout


def free_port():
    """A free TCP port on 127.0.0.1 (the kernel's pick for port 0; nothing listens there)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def npm_ci(directory, needs=None):
    """`npm ci` in DIRECTORY unless its node_modules matches package-lock.json already (and the
    file NEEDS, if given, exists). run.sh may run the MPMs' pytest sessions in parallel: an
    exclusive lock on package-lock.json serializes them, and a marker written after a
    successful install (holding the lockfile's hash) tells the others there is nothing to do.
    Fails the test when npm fails or does not install NEEDS."""
    directory = pathlib.Path(directory)
    lock = directory / "package-lock.json"
    marker = directory / "node_modules" / ".svc-npm-ci-done"
    with open(lock, "rb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            want = hashlib.sha256(f.read()).hexdigest()
            if (marker.is_file() and marker.read_text().strip() == want
                    and (needs is None or needs.is_file())):
                return
            p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                               cwd=str(directory), capture_output=True, text=True, timeout=300)
            if p.returncode != 0 or not (needs is None or needs.is_file()):
                pytest.fail("npm ci in %s failed:\n%s%s" % (directory, p.stdout, p.stderr),
                            pytrace=False)
            marker.write_text(want + "\n")
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------- env and URLs

@pytest.fixture(scope="session")
def env():
    if ENV is None:
        pytest.fail("SVC_TEST_ENV is not set: run tests/integration/run.sh (or make test)", pytrace=False)
    return ENV


@pytest.fixture(scope="session")
def ts_url(env):
    return env["treestatus_url"].rstrip("/")


@pytest.fixture(scope="session")
def tt_url(env):
    return env["tooltool_url"].rstrip("/")


# ---------------------------------------------------------------- SQL

class SqlError(Exception):
    pass


_FS, _RS, _NULL = "\x1f", "\x1e", "\x1d"
_FOOTER = re.compile(_RS + r"\((\d+) rows?\)\n")


def _param(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    if isinstance(v, bytes):
        raise TypeError("sql(): bytes parameters are not supported; decode them or use decode(%s, 'hex')")
    return str(v)


def run_sql(dsn, query, *params):
    """The implementation behind the `sql` fixture (usable without pytest)."""
    args, n = [], [0]

    def repl(m):
        if m.group(0) == "%%":
            return "%"
        if n[0] >= len(params):
            raise SqlError("sql(): more %s placeholders than parameters")
        v = params[n[0]]
        n[0] += 1
        if v is None:
            return "NULL"
        name = "svc_p%d" % n[0]
        args.extend(["-v", "%s=%s" % (name, _param(v))])
        return ":'%s'" % name

    text = re.sub(r"%%|%s", repl, query)
    if n[0] != len(params):
        raise SqlError("sql(): %d parameters for %d placeholders" % (len(params), n[0]))
    cmd = ["psql", "-X", "-q", "-A", "-F", _FS, "-R", _RS, "-P", "null=" + _NULL, "-P", "footer=on",
           "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", "-"] + args
    envp = dict(os.environ, LC_ALL="C.UTF-8", LC_MESSAGES="C", PGCLIENTENCODING="UTF8", PGAPPNAME="svc-tests")
    p = subprocess.run(cmd, input=text + "\n", capture_output=True, text=True, encoding="utf-8",
                       env=envp, timeout=60)
    if p.returncode != 0:
        raise SqlError("%s\n-- query:\n%s" % (p.stderr.strip(), query))
    out = p.stdout
    if not out:
        return []
    parts = _FOOTER.split(out)   # [block, n, block, n, ..., ""]
    if len(parts) < 3 or parts[-1] != "":
        raise SqlError("sql(): cannot parse psql output %r" % out[:200])
    block, count = parts[-3], int(parts[-2])
    rows = block.split(_RS)[1:]  # first record is the header
    if len(rows) != count:
        raise SqlError("sql(): psql printed %d rows but %d records (a value contains \\x1e?)" % (count, len(rows)))
    return [tuple(None if f == _NULL else f for f in r.split(_FS)) for r in rows]


@pytest.fixture(scope="session")
def sql(env):
    dsn = env["pg_dsn"]

    def sql(query, *params):
        return run_sql(dsn, query, *params)
    return sql


# ---------------------------------------------------------------- PostgreSQL control

class PgControl:
    def __init__(self, env):
        self.datadir = env["pg_datadir"]
        self.port = env["pg_port"]

    def stop(self):
        _script("pg.sh", "stop", self.datadir)

    def start(self):
        _script("pg.sh", "start", self.datadir, self.port)

    def restart(self):
        self.stop()
        self.start()

    def running(self):
        return subprocess.run([str(SCRIPTS / "pg.sh"), "status", self.datadir],
                              capture_output=True, timeout=_SCRIPT_TIMEOUT).returncode == 0


@pytest.fixture
def pg_control(env):
    pg = PgControl(env)
    yield pg
    if not pg.running():
        pg.start()


# ---------------------------------------------------------------- httpd control

class HttpdInstance:
    """One httpd instance directory managed by scripts/httpd.sh."""

    def __init__(self, dirpath, port, extra_conf):
        self.dir = str(dirpath)
        self.port = int(port)
        self.extra_conf = str(extra_conf)
        with open(self.extra_conf) as f:
            self.base_extra = f.read()
        self.error_log = os.path.join(self.dir, "logs", "error.log")
        self.access_log = os.path.join(self.dir, "logs", "access.log")
        self.url = "http://127.0.0.1:%d" % self.port
        self.ts_url = self.url + "/treestatus"
        self.tt_url = self.url + "/tooltool"

    def start(self):
        _script("httpd.sh", "start", self.dir)

    def stop(self):
        _script("httpd.sh", "stop", self.dir)

    def graceful(self):
        _script("httpd.sh", "graceful", self.dir)

    def restart(self):
        _script("httpd.sh", "restart", self.dir)

    def running(self):
        return subprocess.run([str(SCRIPTS / "httpd.sh"), "status", self.dir],
                              capture_output=True, timeout=_SCRIPT_TIMEOUT).returncode == 0

    def pid(self):
        with open(os.path.join(self.dir, "httpd.pid")) as f:
            return int(f.read().split()[0])

    def set_extra_conf(self, text):
        """Extra include = its content when the instance was created + TEXT; apply it
        (restart, or start if stopped). set_extra_conf("") goes back to the original."""
        with open(self.extra_conf, "w") as f:
            f.write(self.base_extra + text)
        if self.running():
            self.restart()
        else:
            self.start()


@pytest.fixture
def httpd_control(env):
    h = HttpdInstance(os.path.dirname(env["httpd_conf"]), env["httpd_port"], env["extra_conf"])
    yield h
    with open(h.extra_conf) as f:
        changed = f.read() != h.base_extra
    if changed:
        h.set_extra_conf("")
    elif not h.running():
        h.start()


@pytest.fixture
def httpd_factory(env, request):
    made = []

    def make(name="b", extra_conf=""):
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise ValueError("httpd_factory: name must be [A-Za-z0-9_-]+")
        d = os.path.join(env["root"], "%s-extra-%s-%d" % (env["mpm"], name, len(made)))
        port = free_port()
        extra = os.path.join(d, "extra.conf")
        os.makedirs(d, exist_ok=True)
        with open(env["extra_conf"]) as f:
            same_as_main = f.read()
        with open(extra, "w") as f:
            f.write(same_as_main + extra_conf)
        _script("httpd.sh", "config", d, "--port", port, "--pg-port", env["pg_port"], "--db", env["db"],
                "--mpm", env["mpm"], "--storage", env["storage_dir"], "--extra", extra)
        h = HttpdInstance(d, port, extra)
        _watch_log(request.node, h.error_log)
        made.append(h)
        h.start()
        return h

    yield make
    for h in made:
        h.stop()


# ---------------------------------------------------------------- error-log checks

_LOGS = pytest.StashKey[dict]()       # error log path -> offset checked up to
_SETTLE_STEP, _SETTLE_MAX = 0.05, 1.0


def _watch_log(item, path, start=0):
    item.stash.setdefault(_LOGS, {})[path] = start


def _settle(path):
    """Wait (bounded) until PATH stops growing: late lines of whitelisted errors land in the test."""
    last, deadline = -1, time.monotonic() + _SETTLE_MAX
    while time.monotonic() < deadline:
        size = os.path.getsize(path) if os.path.exists(path) else 0
        if size == last:
            return
        last = size
        time.sleep(_SETTLE_STEP)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if ENV is not None:
        path = ENV["error_log"]
        _watch_log(item, path, os.path.getsize(path) if os.path.exists(path) else 0)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    logs = item.stash.get(_LOGS, None)
    if not logs or call.when not in ("call", "teardown"):
        return
    allow = [p for m in item.iter_markers("allow_log") for p in m.args]
    bad = []
    for path, start in logs.items():
        if allow:
            _settle(path)
        lines, end = logscan.read_lines(path, start)
        logs[path] = end
        if ENV is not None and path == ENV["error_log"]:
            logscan.record_checked(path, start, end)
        bad += ["%s: %s" % (os.path.basename(os.path.dirname(os.path.dirname(path))), ln)
                for ln in logscan.scan_lines(lines, allow)]
    if not bad:
        return
    text = ("unexpected httpd error-log lines during %s (whitelist expected ones with "
            "@pytest.mark.allow_log(r'regex')):\n  %s" % (call.when, "\n  ".join(bad)))
    if rep.failed:
        rep.sections.append(("httpd error log", text))
    else:
        rep.outcome = "failed"
        rep.longrepr = text
