"""TreeStatus test client and shared helpers for tests/integration/test_treestatus_*.py.

    from ts_client import ts, Client, assert_problem, uniq, snapshot, ...   # ts is a fixture

``ts`` (fixture) is a Client (a client_base.HawkClient) on the instance under test;
``ts.get/patch/put/delete(path, json=..., as_="admin"|"sheriff"|"creator"|"nobody"|None)`` sign
the request with Hawk (see hawk.py) unless ``as_`` is None. Paths are relative to ts_url
("/trees/x?y=1"); what is signed is exactly what is sent (the prepared request's path and query,
body and Content-Type).

Test clients (tests/integration/auth.conf.in):
    test/admin    assume:project:releng:treestatus/admin     every treestatus scope
    test/sheriff  assume:project:releng:treestatus/sheriff   trees/update + recent_changes/revert
    test/creator  trees/create + trees/delete                (RA's "admin only" user)
    test/nobody   no scopes
"""

import json as jsonlib
import re
from urllib.parse import quote
import uuid

import pytest

# shared with tt_client; assert_json, run_threads, uniq are re-exported for the tests
from client_base import (NOT_ALLOWED, NOT_FOUND, REASONS, HawkClient, assert_json,  # noqa: F401
                         describe, media_type, poll_timed, run_threads, uniq)

CLIENTS = {
    "admin": ("test/admin", "admin-secret-token"),
    "sheriff": ("test/sheriff", "sheriff-secret-token"),
    "creator": ("test/creator", "creator-secret-token"),
    "nobody": ("test/nobody", "nobody-secret-token"),
}
SCOPE_PREFIX = "project:releng:services/treestatus/"

WHEN_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$")
STATUSES = ["open", "closed", "approval required"]
DEFAULT_404 = NOT_FOUND
DEFAULT_405 = NOT_ALLOWED
TIMEOUT = 15


class Client(HawkClient):
    """Signs and sends requests to one TreeStatus base URL (client_base.HawkClient: request,
    get, head, options, patch, put, delete, post; keepalive=False or fresh=True for new
    connections); as_ names one of CLIENTS (an unknown name signs without credentials)."""

    TIMEOUT = TIMEOUT

    def credentials(self, as_):
        return CLIENTS.get(as_, (None, None))

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
    return poll_timed(fn, timeout, interval)


def combined(tree, status="open", reason="", motd="", tags=None, log_id=None, category="other"):
    """The expected tree object of GET /trees/{tree}."""
    return {"tree": tree, "status": status, "reason": reason, "message_of_the_day": motd,
            "tags": list(tags or []), "log_id": log_id, "category": category}


def last_state(status, reason, tags, log_id, cur_status, cur_reason, cur_tags, cur_log_id):
    return {"status": status, "reason": reason, "tags": tags, "log_id": log_id,
            "current_status": cur_status, "current_reason": cur_reason,
            "current_tags": cur_tags, "current_log_id": cur_log_id}


def two_trees(ts):
    """LA-T's pair mozilla-central-<u> and autoland-<u> (fresh names), created open."""
    u = uniq("x").split("-")[1]
    mc, al = "mozilla-central-" + u, "autoland-" + u
    ts.create_tree(mc)
    ts.create_tree(al)
    return mc, al


def remember_open_then_closed(ts, trees):
    """LA-T's two remembered changes on TREES (catalogue 18, 39, 40), signed as test/sheriff:
    open "some reason for opening" [sometag1, sometag2], then closed "some reason to close"
    [closingtag1, closingtag2]."""
    ts.update(trees, remember=True, status="open", reason="some reason for opening",
              tags=["sometag1", "sometag2"])
    ts.update(trees, remember=True, status="closed", reason="some reason to close",
              tags=["closingtag1", "closingtag2"])


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
