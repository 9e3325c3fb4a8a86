"""TreeStatus test client and shared helpers for tests/integration/test_treestatus_*.py.

    from ts_client import ts, Client, assert_problem, uniq, snapshot, ...   # ts is a fixture

``ts`` (fixture) is a Client on the instance under test; ``ts.get/patch/put/delete(path, json=...,
as_="admin"|"sheriff"|"creator"|"nobody"|None)`` sign the request with Hawk (see hawk.py) unless
``as_`` is None. Paths are relative to ts_url ("/trees/x?y=1"); what is signed is exactly what is
sent (the prepared request's path and query, body and Content-Type).

Test clients (tests/integration/auth.conf.in):
    test/admin    assume:project:releng:treestatus/admin     every treestatus scope
    test/sheriff  assume:project:releng:treestatus/sheriff   trees/update + recent_changes/revert
    test/creator  trees/create + trees/delete                (RA's "admin only" user)
    test/nobody   no scopes
"""

import json as jsonlib
import re
from urllib.parse import quote
import threading
import time
import uuid

import pytest
import requests

import hawk

CLIENTS = {
    "admin": ("test/admin", "admin-secret-token"),
    "sheriff": ("test/sheriff", "sheriff-secret-token"),
    "creator": ("test/creator", "creator-secret-token"),
    "nobody": ("test/nobody", "nobody-secret-token"),
}
SCOPE_PREFIX = "project:releng:services/treestatus/"

WHEN_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$")
STATUSES = ["open", "closed", "approval required"]
REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 413: "Request Entity Too Large", 415: "Unsupported Media Type",
    503: "Service Unavailable",
}
DEFAULT_404 = ("The requested URL was not found on the server. If you entered the URL manually "
               "please check your spelling and try again.")
DEFAULT_405 = "The method is not allowed for the requested URL."
TIMEOUT = 15
_NOTSET = object()


class Client:
    """Signs and sends requests to one TreeStatus base URL."""

    def __init__(self, base_url, keepalive=True):
        self.base = base_url.rstrip("/")
        self.keepalive = keepalive
        self.session = requests.Session() if keepalive else None

    def close(self):
        if self.session:
            self.session.close()

    def url(self, path):
        return self.base + path

    def request(self, method, path, json=_NOTSET, data=None, headers=None, as_=None,
                hawk_opts=None, authorization=None, fresh=False, timeout=TIMEOUT):
        """Send METHOD base+PATH. json= serializes (Content-Type application/json), data= sends raw
        bytes/str (set Content-Type yourself). as_ signs with that test client (hawk_opts are
        passed to hawk.header: ts_offset, nonce, key, client_id, mac_, sign_resource, ...);
        authorization= sends that header value verbatim. fresh=True uses a new connection."""
        hdrs = dict(headers or {})
        if json is not _NOTSET:
            data = jsonlib.dumps(json).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(data, str):
            data = data.encode("utf-8")
        if not self.keepalive or fresh:
            hdrs.setdefault("Connection", "close")
        req = requests.Request(method, self.url(path), data=data, headers=hdrs)
        prep = (self.session.prepare_request(req) if (self.session and not fresh)
                else req.prepare())
        if as_ is not None or hawk_opts:
            opts = dict(hawk_opts or {})
            cid, key = CLIENTS.get(as_, (None, None)) if as_ else (None, None)
            cid = opts.pop("client_id", cid)
            key = opts.pop("key", key)
            body = prep.body if isinstance(prep.body, (bytes, str)) else None
            prep.headers["Authorization"] = hawk.header(
                cid, key, prep.method, prep.url, prep.headers.get("Content-Type"), body, **opts)
        if authorization is not None:
            prep.headers["Authorization"] = authorization
        if self.session and not fresh:
            return self.session.send(prep, timeout=timeout, allow_redirects=False)
        with requests.Session() as s:
            return s.send(prep, timeout=timeout, allow_redirects=False)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def options(self, path, **kw):
        return self.request("OPTIONS", path, **kw)

    def patch(self, path, json=_NOTSET, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def put(self, path, json=_NOTSET, **kw):
        return self.request("PUT", path, json=json, **kw)

    def delete(self, path, json=_NOTSET, **kw):
        return self.request("DELETE", path, json=json, **kw)

    def post(self, path, json=_NOTSET, **kw):
        return self.request("POST", path, json=json, **kw)

    # ---- API shortcuts (assert success) ----

    def create_tree(self, name, status="open", reason="", motd="", category=None, as_="admin"):
        body = {"tree": name, "status": status, "reason": reason, "message_of_the_day": motd}
        if category is not None:
            body["category"] = category
        r = self.put("/trees/" + q(name), json=body, as_=as_)
        assert r.status_code == 201, describe(r)
        return r.json()

    def update(self, trees, as_="sheriff", **body):
        """PATCH /trees with trees + body; asserts 200 and returns the JSON list."""
        r = self.patch("/trees", json=dict(body, trees=list(trees)), as_=as_)
        assert r.status_code == 200, describe(r)
        return r.json()

    def tree(self, name, **kw):
        r = self.get("/trees/" + q(name), **kw)
        assert r.status_code == 200, describe(r)
        return r.json()["result"]

    def all_trees(self, **kw):
        r = self.get("/trees", **kw)
        assert r.status_code == 200, describe(r)
        return r.json()["result"]

    def logs(self, name, all_=True):
        r = self.get("/trees/%s/%s" % (q(name), "logs_all" if all_ else "logs"))
        assert r.status_code == 200, describe(r)
        return r.json()["result"]

    def stack(self):
        r = self.get("/stack")
        assert r.status_code == 200, describe(r)
        return r.json()["result"]

    def stack_for(self, trees):
        """Stack entries (newest first) that mention any of TREES."""
        trees = set(trees)
        return [e for e in self.stack() if trees & {t["tree"] for t in e["trees"]}]


@pytest.fixture
def ts(ts_url):
    c = Client(ts_url)
    yield c
    c.close()


def q(name):
    """A tree name as one path segment."""
    return quote(name, safe="")


def describe(r):
    """Short text of a response for assertion messages."""
    return "%s %s -> %d %s %r" % (r.request.method, r.request.url, r.status_code,
                                  r.headers.get("Content-Type"), r.text[:600])


def media_type(r):
    return (r.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def assert_json(r, status, body=_NOTSET):
    """Status, application/json, and (optionally) the whole body with ==."""
    assert r.status_code == status, describe(r)
    assert media_type(r) == "application/json", describe(r)
    if body is not _NOTSET:
        assert r.json() == body, describe(r)
    return r.json()


def assert_problem(r, status, detail):
    """The one problem document: exactly {detail, instance, status, title, type} as
    application/problem+json. DETAIL is the exact text, or None (any non-empty string), or a
    callable predicate on the detail string, or a compiled regex (search)."""
    assert r.status_code == status, describe(r)
    assert media_type(r) == "application/problem+json", describe(r)
    try:
        doc = r.json()
    except ValueError:
        raise AssertionError("problem body is not JSON: " + describe(r))
    assert isinstance(doc, dict) and sorted(doc) == ["detail", "instance", "status", "title", "type"], \
        describe(r)
    got = doc["detail"]
    assert isinstance(got, str) and got, describe(r)
    if isinstance(detail, str):
        expected_detail = detail
    elif detail is None:
        expected_detail = got
    elif isinstance(detail, re.Pattern):
        assert detail.search(got), "detail %r does not match %r" % (got, detail.pattern)
        expected_detail = got
    else:
        assert detail(got), "detail %r rejected by %r" % (got, detail)
        expected_detail = got
    assert doc == {
        "detail": expected_detail,
        "instance": "about:blank",
        "status": status,
        "title": "%d %s: %s" % (status, REASONS[status], expected_detail),
        "type": "about:blank",
    }, describe(r)
    return got


def uniq(prefix="t"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


# ---- database snapshots ----

_SNAPSHOT = (
    "SELECT (SELECT coalesce(json_agg(x ORDER BY x.tree), '[]') FROM "
    "        (SELECT tree, status, reason, message_of_the_day, category FROM releng_treestatus_trees) x),"
    "       (SELECT coalesce(json_agg(x ORDER BY x.id), '[]') FROM "
    "        (SELECT id, tree, \"when\", who, status, reason, tags FROM releng_treestatus_log) x),"
    "       (SELECT coalesce(json_agg(x ORDER BY x.id), '[]') FROM "
    "        (SELECT id, who, reason, \"when\", status FROM releng_treestatus_changes) x),"
    "       (SELECT coalesce(json_agg(x ORDER BY x.id), '[]') FROM "
    "        (SELECT id, stack_id, tree, last_state FROM releng_treestatus_change_trees) x)")
TABLES = ("releng_treestatus_trees", "releng_treestatus_log", "releng_treestatus_changes",
          "releng_treestatus_change_trees")


def snapshot(sql):
    """Full content of the four treestatus tables, one psql call (compare before/after with ==)."""
    (row,) = sql(_SNAPSHOT)
    return {t: jsonlib.loads(v) for t, v in zip(TABLES, row)}


def snapshot_diff(before, after):
    """Readable difference of two snapshots ("" when equal)."""
    out = []
    for t in TABLES:
        a = {jsonlib.dumps(r, sort_keys=True) for r in before[t]}
        b = {jsonlib.dumps(r, sort_keys=True) for r in after[t]}
        out += ["%s -%s" % (t, r) for r in sorted(a - b)]
        out += ["%s +%s" % (t, r) for r in sorted(b - a)]
    return "\n".join(out)


def assert_unchanged(sql, before):
    after = snapshot(sql)
    assert after == before, "the database changed:\n" + snapshot_diff(before, after)[:3000]


class DbGuard:
    """One snapshot per check: compares the database with the state at the previous check (or
    rebase()) and moves the baseline on, so that only the request that wrote fails."""

    def __init__(self, sql):
        self.sql = sql
        self.base = snapshot(sql)

    def rebase(self):
        self.base = snapshot(self.sql)

    def check(self):
        before, self.base = self.base, snapshot(self.sql)
        assert self.base == before, "the database changed:\n" + snapshot_diff(before, self.base)[:3000]


class SoftChecks:
    """Run several checks, report every failure at the end."""

    def __init__(self):
        self.errors = []

    def __call__(self, label, fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except AssertionError as e:
            self.errors.append("[%s] %s" % (label, str(e).split("\nassert ")[0][:1500]))
        except Exception as e:  # noqa: B902 - a connection error is a failure of that check
            self.errors.append("[%s] %r" % (label, e))

    def done(self):
        assert not self.errors, "%d check(s) failed:\n%s" % (len(self.errors), "\n".join(self.errors))


def log_rows(sql, tree):
    """[(id, status, reason, tags(list), who)] of TREE's log rows, by id."""
    return [(int(i), st, rs, jsonlib.loads(tg), who) for i, st, rs, tg, who in
            sql("SELECT id, status, reason, tags, who FROM releng_treestatus_log "
                "WHERE tree = %s ORDER BY id", tree)]


def count_logs(sql, tree):
    return int(sql("SELECT count(*) FROM releng_treestatus_log WHERE tree = %s", tree)[0][0])


def max_id(sql, table):
    return int(sql("SELECT coalesce(max(id), 0) FROM %s" % table)[0][0])


# ---- misc ----

def poll(fn, timeout, interval=0.02):
    """Call fn() until it returns a truthy value or TIMEOUT seconds pass; return
    (value, elapsed). A bounded wait, never a bare sleep."""
    t0 = time.monotonic()
    deadline = t0 + timeout
    while True:
        v = fn()
        if v or time.monotonic() >= deadline:
            return v, time.monotonic() - t0
        time.sleep(interval)


def run_threads(n, target):
    """Run target(i) in N threads started together; return the list of results (exceptions are
    returned in place of results)."""
    results = [None] * n
    barrier = threading.Barrier(n)

    def wrap(i):
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except BaseException as e:  # noqa: B902 - reported by the caller
            results[i] = e

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def combined(tree, status="open", reason="", motd="", tags=None, log_id=None, category="other"):
    """The expected tree object of GET /trees/{tree}."""
    return {"tree": tree, "status": status, "reason": reason, "message_of_the_day": motd,
            "tags": list(tags or []), "log_id": log_id, "category": category}


def last_state(status, reason, tags, log_id, cur_status, cur_reason, cur_tags, cur_log_id):
    return {"status": status, "reason": reason, "tags": tags, "log_id": log_id,
            "current_status": cur_status, "current_reason": cur_reason,
            "current_tags": cur_tags, "current_log_id": cur_log_id}


def ra_stack_seed(ts, as_="sheriff"):
    """RA's stack seed (catalogue 17) built through the API, on fresh names:
    trees t0, t1, t2 created open with reasons "tree0".."tree2"; change A = remember closed
    "bug 123" tags ["a"] on t0+t1; change B = remember closed "bug 456" tags ["b"] on t1+t2.
    Afterwards t0 = (closed, bug 123, [a]), t1 and t2 = (closed, bug 456, [b]).
    Returns a dict: t0 t1 t2, A and B (the stack entries as GET /stack shows them), logs
    {tree: [log entries newest first]}."""
    u = uuid.uuid4().hex[:10]
    t0, t1, t2 = ("tree%d-%s" % (i, u) for i in range(3))
    for i, t in enumerate((t0, t1, t2)):
        ts.create_tree(t, reason="tree%d" % i)
    ts.update([t0, t1], remember=True, status="closed", reason="bug 123", tags=["a"], as_=as_)
    ts.update([t1, t2], remember=True, status="closed", reason="bug 456", tags=["b"], as_=as_)
    entries = ts.stack_for([t0, t1, t2])
    assert len(entries) == 2, entries
    b, a = entries
    assert a["reason"] == "bug 123" and b["reason"] == "bug 456", entries
    return {"t0": t0, "t1": t1, "t2": t2, "A": a, "B": b,
            "logs": {t: ts.logs(t) for t in (t0, t1, t2)}}
