"""TreeStatus caching: ETag / If-None-Match on GET /trees, /trees2, /trees/{t} (Cache-Control:
no-cache), read-after-write for every kind of write, across children and across two httpd
instances sharing one database (DESIGN "Caching is correct before it is fast", D23).

Reads in the read-after-write tests use a new connection each (so different children and
threads answer). The second instance may be up to 1 s stale: it must be fresh within 1.5 s,
and is not required to be fresh at once.
"""

import threading
import time

import pytest

pytest.register_assert_rewrite("ts_client")
from client_base import fresh_within
from ts_client import (Client, assert_json, combined, describe, uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture

CACHED = ["/trees", "/trees2", "/trees/%s"]
SECOND_INSTANCE_BOUND = 1.5


def _paths(t):
    return [p % t if "%s" in p else p for p in CACHED]


@pytest.mark.parametrize("template", CACHED)
def test_etag_and_not_modified(ts, template):
    t = uniq("tree")
    ts.create_tree(t)
    path = template % t if "%s" in template else template
    r = ts.get(path)
    assert r.status_code == 200, describe(r)
    assert r.headers.get("Cache-Control") == "no-cache", describe(r)
    etag = r.headers.get("ETag")
    assert etag and etag.endswith('"'), describe(r)
    r304 = ts.get(path, headers={"If-None-Match": etag})
    assert r304.status_code == 304, describe(r304)
    assert r304.content == b""
    assert r304.headers.get("ETag") == etag
    assert ts.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert ts.get(path, headers={"If-None-Match": '"something-else", %s' % etag}).status_code == 304
    assert ts.head(path, headers={"If-None-Match": etag}).status_code == 304
    # RFC 9110: If-None-Match uses the weak comparison, and "*" matches any representation
    assert ts.get(path, headers={"If-None-Match": "W/" + etag}).status_code == 304
    assert ts.get(path, headers={"If-None-Match": "*"}).status_code == 304
    again = ts.get(path, fresh=True)
    if again.headers.get("ETag") == etag:
        assert again.content == r.content, "same ETag for different bodies"


class Observed:
    """Remembers body and ETag of the cached URLs; check() verifies the conditional GET after a
    write: 304 only if the content did not change, a changed body always has a new ETag."""

    def __init__(self, client, t):
        self.c = client
        self.seen = {}
        for p in _paths(t):
            r = client.get(p, fresh=True)
            assert r.status_code in (200, 404), describe(r)
            self.seen[p] = (r.headers.get("ETag"), r.status_code, r.content)

    def check(self):
        now = {}
        for p, (etag, status, body) in self.seen.items():
            hdr = {"If-None-Match": etag} if etag else {}
            r = self.c.get(p, headers=hdr, fresh=True)
            full = self.c.get(p, fresh=True)
            if r.status_code == 304:
                assert full.status_code == status and full.content == body, \
                    "304 for %s although its content changed: %s" % (p, describe(full))
            else:
                assert r.status_code == full.status_code, describe(r)
                if full.content != body and full.status_code == 200 and status == 200:
                    assert full.headers.get("ETag") != etag, "new content, old ETag on " + p
            now[p] = full
        return now


def _write_cases():
    """(name, setup(ts) -> ctx, write(ts, ctx), expect(ts, ctx) -> None)."""

    def setup_tree(ts):
        t = uniq("tree")
        ts.create_tree(t)
        return {"t": t}

    def setup_change(ts):
        t = uniq("tree")
        ts.create_tree(t)
        ts.update([t], remember=True, status="closed", reason="bustage", tags=["x"])
        (e,) = ts.stack_for([t])
        return {"t": t, "e": e, "log": e["trees"][0]["last_state"]["current_log_id"]}

    def exp_tree(**kw):
        def check(ts, ctx):
            want = combined(ctx["t"], **kw)
            got = ts.tree(ctx["t"], fresh=True)
            assert dict(got, log_id=None) == want
            assert ts.all_trees(fresh=True)[ctx["t"]] == got
            assert [x for x in ts.get("/trees2", fresh=True).json()["result"] if x["tree"] == ctx["t"]] == [got]
        return check

    def exp_gone(ts, ctx):
        r = ts.get("/trees/" + ctx["t"], fresh=True)
        assert r.status_code == 404, describe(r)
        assert ctx["t"] not in ts.all_trees(fresh=True)
        assert ctx["t"] not in [x["tree"] for x in ts.get("/trees2", fresh=True).json()["result"]]

    def exp_new(ts, ctx):
        assert ts.tree(ctx["new"], fresh=True)["reason"] == "brand new"
        assert ctx["new"] in ts.all_trees(fresh=True)
        assert ctx["new"] in [x["tree"] for x in ts.get("/trees2", fresh=True).json()["result"]]

    def put_new(ts, ctx):
        ctx["new"] = ctx["t"] + "-new"
        ts.create_tree(ctx["new"], reason="brand new")

    return [
        ("patch-trees", setup_tree,
         lambda ts, ctx: ts.update([ctx["t"]], status="closed", reason="bustage", tags=["x"]),
         exp_tree(status="closed", reason="bustage", tags=["x"])),
        ("patch-motd", setup_tree,
         lambda ts, ctx: ts.update([ctx["t"]], message_of_the_day="new motd"),
         exp_tree(motd="new motd")),
        ("put", setup_tree, put_new, exp_new),
        ("delete-tree", setup_tree,
         lambda ts, ctx: ts.delete("/trees/" + ctx["t"], as_="admin"), exp_gone),
        ("delete-trees2", setup_tree,
         lambda ts, ctx: ts.delete("/trees2", json={"trees": [ctx["t"]]}, as_="admin"), exp_gone),
        ("restore", setup_change,
         lambda ts, ctx: ts.delete("/stack/%d?revert=1" % ctx["e"]["id"], as_="sheriff"),
         exp_tree(status="open", reason="", tags=[])),
        ("discard", setup_change,
         lambda ts, ctx: ts.delete("/stack2/discard/%d" % ctx["e"]["id"], as_="sheriff"),
         exp_tree(status="closed", reason="bustage", tags=["x"])),
        ("patch-log", setup_change,
         lambda ts, ctx: ts.patch("/log/%d" % ctx["log"], json={"reason": "edited", "tags": ["y"]},
                                  as_="sheriff"),
         exp_tree(status="closed", reason="edited", tags=["y"])),
        ("patch-stack", setup_change,
         lambda ts, ctx: ts.patch("/stack/%d" % ctx["e"]["id"], json={"reason": "amended"}, as_="sheriff"),
         exp_tree(status="closed", reason="amended", tags=["x"])),
    ]


WRITES = _write_cases()


@pytest.mark.parametrize("case", WRITES, ids=[w[0] for w in WRITES])
def test_read_after_write(ts, case):
    """After each kind of write the next GET of every cached URL (any child) shows the new
    state; a conditional GET with the old ETag is a 304 only if nothing changed. Two rounds."""
    _, setup, write, expect = case
    for _ in range(2):
        ctx = setup(ts)
        obs = Observed(ts, ctx["t"])
        for _ in range(3):              # warm the cache in several children
            Observed(ts, ctx["t"])
        r = write(ts, ctx)
        if r is not None and hasattr(r, "status_code"):
            assert r.status_code == 200, describe(r)
        obs.check()
        for _ in range(3):
            expect(ts, ctx)


def test_read_after_write_twenty_iterations(ts):
    """20 alternating write/read iterations over new connections: every read is fresh."""
    t = uniq("flip")
    ts.create_tree(t)
    etags = set()
    for i in range(20):
        status = ["closed", "open", "approval required"][i % 3]
        body = {"status": status, "reason": "iteration %d" % i}
        if status == "closed":
            body["tags"] = ["t%d" % i]
        r = ts.patch("/trees", json=dict(body, trees=[t]), as_="sheriff", fresh=True)
        assert r.status_code == 200, describe(r)
        single = ts.get("/trees/" + t, fresh=True)
        assert single.status_code == 200, describe(single)
        got = single.json()["result"]
        assert (got["status"], got["reason"], got["tags"]) == (status, "iteration %d" % i, body.get("tags", []))
        etags.add(single.headers.get("ETag"))
        every = ts.get("/trees", fresh=True).json()["result"][t]
        assert every == got
        listed = [x for x in ts.get("/trees2", fresh=True).json()["result"] if x["tree"] == t]
        assert listed == [got]
        assert ts.get("/v0/trees/" + t, fresh=True).json() == got
    assert len(etags) == 20, "every state had its own ETag"


def test_second_instance_sees_writes_within_the_bound(ts, httpd_factory):
    """Two httpd nodes on one database: writes made through A are visible on B within 1.5 s
    (B may serve its cached copy for up to 1 s, so B is polled, not required to be instant)."""
    b = httpd_factory("b")
    cb = Client(b.ts_url, keepalive=False)
    t = uniq("shared")
    ts.create_tree(t)

    def b_state():
        """(single tree, /trees entry, /trees2 entry) as B serves them now."""
        r = cb.get("/trees/" + t)
        single = r.json()["result"] if r.status_code == 200 else None
        every = cb.get("/trees").json()["result"].get(t)
        listed = [x for x in cb.get("/trees2").json()["result"] if x["tree"] == t]
        return single, every, listed[0] if listed else None

    def fresh_on_b(check, what):
        fresh_within(check, time.monotonic(), SECOND_INSTANCE_BOUND, "B: " + what)

    fresh_on_b(lambda: b_state()[0] is not None, "new tree")
    for i in range(2):
        for _ in range(3):               # B has every document cached (several children)
            b_state()
        reason = "round %d" % i
        ts.update([t], status="closed" if i % 2 else "open", reason=reason, tags=["r%d" % i])
        want = ts.tree(t)
        fresh_on_b(lambda: b_state() == (want, want, want), reason)
    # a tree created and deleted through A
    n = uniq("shared-new")
    cb.get("/trees")
    ts.create_tree(n)
    fresh_on_b(lambda: n in cb.get("/trees").json()["result"] and cb.get("/trees/" + n).status_code == 200,
               "created")
    ts.delete("/trees/" + n, as_="admin")
    fresh_on_b(lambda: cb.get("/trees/" + n).status_code == 404 and n not in cb.get("/trees").json()["result"],
               "deleted")
    assert_json(cb.get("/trees/" + t), 200, {"result": ts.tree(t)})


def test_reads_never_go_back_in_time_under_load(ts, ts_url):
    """Readers hammer the cached documents while a writer updates the tree: a read that
    starts after write k was acknowledged shows write k or a later one (no stale cache entry
    survives a write, whatever child rendered it and when)."""
    t = uniq("rw")
    ts.create_tree(t)
    acked = []                      # (k, monotonic time the response arrived)
    reads = []                      # (monotonic start, path, k seen)
    failures = []
    stop = threading.Event()
    paths = ["/trees/" + t, "/trees", "/trees2", "/v0/trees/" + t]

    def seen_k(path, body):
        if path == "/trees":
            tree = body["result"][t]
        elif path == "/trees2":
            tree = [x for x in body["result"] if x["tree"] == t][0]
        elif path.startswith("/v0/"):
            tree = body
        else:
            tree = body["result"]
        return int(tree["reason"][1:]) if tree["reason"] else -1

    def reader(i):
        c = Client(ts_url, keepalive=False)
        n = 0
        while not stop.is_set():
            path = paths[(i + n) % len(paths)]
            n += 1
            start = time.monotonic()
            try:
                r = c.get(path)
                if r.status_code != 200:
                    failures.append(describe(r))
                    continue
                reads.append((start, path, seen_k(path, r.json())))
            except Exception as e:      # noqa: B902
                failures.append(repr(e))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    try:
        w = Client(ts_url, keepalive=False)
        for k in range(30):
            r = w.patch("/trees", json={"trees": [t], "status": "open", "reason": "k%03d" % k}, as_="sheriff")
            assert r.status_code == 200, describe(r)
            acked.append((k, time.monotonic()))
    finally:
        stop.set()
        for th in threads:
            th.join(30)
    assert failures == []
    stale = []
    for start, path, k in reads:
        before = [kk for kk, at in acked if at < start]
        if before and k < max(before):
            stale.append("%s showed k=%d although k=%d was acknowledged before the read" % (path, k, max(before)))
    assert stale == [], "%d stale reads of %d:\n%s" % (len(stale), len(reads), "\n".join(stale[:20]))
    assert len(reads) > 50


def test_without_a_cache_everything_is_read_from_the_database(ts, httpd_factory):
    """Catalogue 53 (RA test_memcache_*: with no cache configured everything is a miss): an
    instance with `TreestatusCache none` serves the same documents, ETags and 304s, and sees
    writes made elsewhere at once."""
    b = httpd_factory("nocache", extra_conf="TreestatusCache none\n")
    cb = Client(b.ts_url, keepalive=False)
    t = uniq("nocache")
    ts.create_tree(t)
    for i in range(5):
        ts.update([t], status="open", reason="r%d" % i)
        r = cb.get("/trees/" + t)
        assert_json(r, 200, {"result": ts.tree(t)})
        assert cb.get("/trees").json()["result"][t]["reason"] == "r%d" % i
        etag = r.headers.get("ETag")
        assert etag and r.headers.get("Cache-Control") == "no-cache"
        assert cb.get("/trees/" + t, headers={"If-None-Match": etag}).status_code == 304
        assert ts.get("/trees/" + t).headers.get("ETag") == etag, "same document, same ETag"
