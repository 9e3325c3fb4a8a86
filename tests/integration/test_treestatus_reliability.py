"""TreeStatus reliability (DESIGN "Reliability"): PostgreSQL restarted or down without an httpd
restart, and a graceful httpd restart under load. (Concurrent writers: test_treestatus_patch.py.)

Requests use new connections so that every child (each with its own pooled, now dead, database
connections) is exercised.
"""

import threading

import pytest

pytest.register_assert_rewrite("ts_client")
from ts_client import (Client, assert_problem, describe, poll, run_threads, uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture

# What mod_dbd / the module may log while PostgreSQL is down (and nothing else).
DB_DOWN_LOG = (
    r"\[dbd:error\] .*AH00629: Can't connect to pgsql: connection to server at \"127\.0\.0\.1\", port \d+ "
    r"failed: Connection refused",
    r"\[dbd:error\] .*AH00639: DBD \[pgsql\] Error: connection to server at \"127\.0\.0\.1\", port \d+ "
    r"failed: Connection refused",
    r"\[dbd:error\] .*AH02655: Failed to acquire DBD connection from pool!$",
)


def _mixed_requests(c, t, n, tag):
    """N requests over new connections, reads and writes; returns the responses."""
    out = []
    for i in range(n):
        k = i % 5
        if k == 0:
            out.append(c.get("/trees/%s/logs" % t))
        elif k == 1:
            out.append(c.get("/stack"))
        elif k == 2:
            out.append(c.patch("/trees", json={"trees": [t], "status": "open", "reason": "%s %d" % (tag, i)},
                               as_="sheriff"))
        elif k == 3:
            out.append(c.get("/trees/" + t))
        else:
            out.append(c.get("/trees/" + uniq("never-cached")))
    return out


def _expected_ok(r):
    path = r.request.path_url
    if "never-cached" in path:
        return r.status_code == 404
    return r.status_code == 200


def test_postgresql_restart_between_requests(ts, ts_url, sql, pg_control):
    """After a PostgreSQL restart the next requests succeed, without restarting httpd."""
    t = uniq("pgrestart")
    ts.create_tree(t)
    c = Client(ts_url, keepalive=False)
    for r in _mixed_requests(c, t, 30, "before"):      # every child holds pooled connections
        assert _expected_ok(r), describe(r)
    pg_control.restart()
    for r in _mixed_requests(c, t, 40, "after"):
        assert _expected_ok(r), describe(r)
    assert [x["reason"] for x in ts.logs(t) if x["reason"].startswith("after")] == [
        "after %d" % i for i in reversed(range(40)) if i % 5 == 2]


@pytest.mark.allow_log(*DB_DOWN_LOG)
def test_postgresql_down_is_503_then_recovers(ts, ts_url, sql, pg_control):
    t = uniq("pgdown")
    ts.create_tree(t)
    c = Client(ts_url, keepalive=False)
    for r in _mixed_requests(c, t, 10, "warm"):
        assert _expected_ok(r), describe(r)
    pg_control.stop()
    try:
        for _ in range(3):
            assert_problem(c.get("/trees/" + uniq("never-cached")), 503, "Database unavailable")
            assert_problem(c.get("/trees/%s/logs" % uniq("never-cached")), 503, "Database unavailable")
            assert_problem(c.patch("/trees", json={"trees": [t], "status": "closed", "reason": "down",
                                                   "tags": ["infra"]}, as_="sheriff"),
                           503, "Database unavailable")
            n = uniq("new")
            assert_problem(c.put("/trees/" + n, json={"tree": n}, as_="admin"), 503, "Database unavailable")
            r = c.get("/__heartbeat__")
            assert_problem(r, 503, "Database unavailable")
    finally:
        pg_control.start()
    for r in _mixed_requests(c, t, 40, "back"):
        assert _expected_ok(r), describe(r)
    assert c.get("/__heartbeat__").status_code == 200
    assert "down" not in [x["reason"] for x in ts.logs(t)]


def test_graceful_restart_under_load(ts, ts_url, sql, httpd_control):
    """Readers and a writer keep going through a graceful restart: no failed request, no lost
    write, and reads after the restart show the last write."""
    t = uniq("graceful")
    ts.create_tree(t)
    stop = threading.Event()
    counts = [0] * 5
    failures = []
    writes = []

    def reader(i):
        c = Client(ts_url, keepalive=False)
        paths = ["/trees/" + t, "/trees", "/trees2", "/stack"]
        while not stop.is_set():
            try:
                r = c.get(paths[counts[i] % len(paths)])
                if r.status_code != 200:
                    failures.append(describe(r))
            except Exception as e:      # noqa: B902 - any failure is reported
                failures.append(repr(e))
            counts[i] += 1

    def writer(i):
        c = Client(ts_url, keepalive=False)
        n = 0
        while not stop.is_set():
            reason = "w%d" % n
            try:
                r = c.patch("/trees", json={"trees": [t], "status": "open", "reason": reason}, as_="sheriff")
                if r.status_code == 200:
                    writes.append(reason)
                else:
                    failures.append(describe(r))
            except Exception as e:      # noqa: B902
                failures.append(repr(e))
            n += 1
            counts[i] += 1

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(4)]
    threads.append(threading.Thread(target=writer, args=(4,)))
    for th in threads:
        th.start()
    try:
        ok, _ = poll(lambda: min(counts) >= 5, 20)
        assert ok, "load did not start: %r" % counts
        mark = list(counts)
        httpd_control.graceful()
        ok, _ = poll(lambda: all(c >= m + 10 for c, m in zip(counts, mark)), 30)
        assert ok, "load stalled after the graceful restart: %r -> %r" % (mark, counts)
    finally:
        stop.set()
        for th in threads:
            th.join(30)
    assert failures == []
    logged = [x["reason"] for x in ts.logs(t)]
    assert sorted(logged) == sorted(writes), "every acknowledged write is logged exactly once"
    got = ts.tree(t, fresh=True)
    assert got["reason"] == writes[-1]
    assert ts.all_trees(fresh=True)[t]["reason"] == writes[-1]


def test_parallel_readers_during_writes_never_see_errors(ts, ts_url):
    """Mixed concurrent load on one tree: every response is a 200 with a consistent body."""
    t = uniq("mixed")
    ts.create_tree(t)

    def work(i):
        c = Client(ts_url, keepalive=False)
        out = []
        for k in range(8):
            if i % 4 == 0:
                r = c.patch("/trees", json={"trees": [t], "status": "open", "reason": "p%d-%d" % (i, k)},
                            as_="sheriff")
            else:
                r = c.get(["/trees/" + t, "/trees", "/trees2"][k % 3])
            out.append(r)
        return out

    results = run_threads(12, work)
    for res in results:
        assert not isinstance(res, BaseException), repr(res)
        for r in res:
            assert r.status_code == 200, describe(r)
            r.json()
    assert len(ts.logs(t)) == 3 * 8
