"""TreeStatus reads: GET /trees, /trees2, /trees/{t}, logs, /stack, /v0 (spec section 2, catalogue 1-18, 51, 54, 65).

Seeds are created through the API (PUT/PATCH) or, for data the API cannot produce (log rows
with given timestamps, legacy stack entries), with the `sql` fixture on fresh tree names, read
first through the per-tree endpoints (nothing cached yet) or after an API write that invalidates
the caches ("touch": a MOTD-only PATCH).

Catalogue map: 1-18, 49, 51, 54, 65 here; 19-30, 56-61 test_treestatus_patch.py; 31-38
test_treestatus_create_delete.py; 39-47, 62, 63 test_treestatus_stack.py; 48, 64
test_treestatus_log.py; 16, 50 (no stale read after a write), 53 test_treestatus_cache.py;
30, 34, 38, 43 also test_treestatus_auth.py. Not applicable: 52 (the V0 HTML-era log format;
V0 paths are out of scope, D13) and 55 (Lando's maintenance mode).
"""

import json
import os
import subprocess
from datetime import datetime
from urllib.parse import quote

import pytest
import requests

from conftest import REPO
pytest.register_assert_rewrite("ts_client")
from ts_client import (DEFAULT_404, WHEN_RE, Client, assert_json, assert_problem, combined,
                       describe, last_state, media_type, remember_open_then_closed, two_trees,
                       uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture


def seed_tree(sql, name, status="open", reason="", motd="", category="other"):
    sql("INSERT INTO releng_treestatus_trees (tree, status, reason, message_of_the_day, category) "
        "VALUES (%s, %s, %s, %s, %s)", name, status, reason, motd, category)


def seed_log(sql, tree, when, status, reason, tags, who="dustin"):
    return int(sql('INSERT INTO releng_treestatus_log (tree, "when", who, status, reason, tags) '
                   "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                   tree, when, who, status, reason, json.dumps(tags))[0][0])


def touch(ts, tree, motd):
    """An API write on TREE that changes nothing visible but invalidates cached reads."""
    ts.update([tree], message_of_the_day=motd)


def when(entry):
    return datetime.fromisoformat(entry["when"])


def assert_no_cache(r):
    assert r.headers.get("Cache-Control") == "no-cache", describe(r)


# ---------------------------------------------------------------- 1-3: /trees, /trees2

def test_empty_service_in_a_fresh_database(env, sql, httpd_factory):
    """Catalogue 1 and 3 (first half): no trees -> {"result": {}} and {"result": []}.
    The shared database is never empty, so a second instance serves a fresh migrated one."""
    db = "%s_empty_%s" % (env["db"], uniq("x").split("-")[1])
    sql("CREATE DATABASE %s" % db)
    try:
        dsn = "postgres://postgres@127.0.0.1:%d/%s" % (env["pg_port"], db)
        p = subprocess.run([str(REPO / "scripts" / "migrate.sh")], capture_output=True, text=True,
                           env=dict(os.environ, DATABASE_URL=dsn), timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        b = httpd_factory("empty", extra_conf=(
            'DBDParams "host=127.0.0.1 port=%d dbname=%s user=postgres connect_timeout=3 '
            'application_name=httpd"\n' % (env["pg_port"], db)))
        c = Client(b.ts_url)
        assert_json(c.get("/trees"), 200, {"result": {}})
        assert_json(c.get("/trees2"), 200, {"result": []})
        assert_json(c.get("/stack"), 200, {"result": []})
        assert_json(c.get("/v0/trees"), 200, {})
        assert_problem(c.get("/trees/mozilla-central"), 404, "No such tree")
        b.stop()
    finally:
        sql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)


def test_get_trees_has_new_tree_with_all_fields(ts):
    """Catalogue 2: a new tree (no log) appears in /trees with the 7 fields."""
    t = uniq("mozilla-central")
    ts.create_tree(t)
    r = ts.get("/trees")
    body = assert_json(r, 200)
    assert_no_cache(r)
    assert list(body) == ["result"] and isinstance(body["result"], dict)
    assert body["result"][t] == combined(t)
    for name, tree in body["result"].items():
        assert sorted(tree) == ["category", "log_id", "message_of_the_day", "reason", "status",
                                "tags", "tree"], tree
        assert tree["tree"] == name


def test_get_trees2_is_a_list_sorted_by_name_descending(ts):
    """Catalogue 3 and D16: /trees2 lists Tree objects, name descending."""
    u = uniq("x").split("-")[1]
    names = ["a-%s" % u, "b-%s" % u, "c-%s" % u]
    for n in (names[1], names[2], names[0]):
        ts.create_tree(n)
    r = ts.get("/trees2")
    body = assert_json(r, 200)
    assert_no_cache(r)
    assert list(body) == ["result"] and isinstance(body["result"], list)
    got = [t["tree"] for t in body["result"]]
    assert got == sorted(got, reverse=True)
    mine = [t for t in body["result"] if t["tree"] in names]
    assert mine == [combined(n) for n in sorted(names, reverse=True)]
    assert {t["tree"] for t in body["result"]} == set(ts.all_trees())


# ---------------------------------------------------------------- 4-7: /trees/{tree}

def test_get_single_tree(ts):
    """Catalogue 4."""
    t = uniq("mozilla-central")
    ts.create_tree(t)
    r = ts.get("/trees/" + t)
    assert_json(r, 200, {"result": combined(t)})
    assert_no_cache(r)


def test_get_single_tree_without_logs_shows_tree_row(ts, sql):
    """Catalogue 5 and 51: a tree row with no log -> combined view from the row."""
    t = uniq("mozilla-central")
    seed_tree(sql, t, status="open", reason="reason", motd="message")
    assert_json(ts.get("/trees/" + t), 200, {"result": {
        "category": "other", "log_id": None, "message_of_the_day": "message", "reason": "reason",
        "status": "open", "tags": [], "tree": t}})


def test_get_unknown_tree_is_404(ts):
    """Catalogue 6 and D8; names are case-sensitive and exact (spec 2.0)."""
    assert_problem(ts.get("/trees/" + uniq("unknowntree")), 404, "No such tree")
    t = uniq("Mozilla-Central")
    ts.create_tree(t)
    for other in (t.lower(), t.upper(), t + " ", " " + t, t[:-1]):
        assert_problem(ts.get("/trees/" + quote(other)), 404, "No such tree")
        assert_problem(ts.get("/trees/%s/logs" % quote(other)), 404, "Could not find the requested tree %s." % other)


def test_unicode_tree_name_round_trips(ts):
    t = uniq("caf\u00e9-\u6f22\u5b57")
    ts.create_tree(t, reason="r\u00e9sum\u00e9 \U0001F600", motd="motd \u2603")
    got = ts.tree(t)
    assert got == combined(t, reason="r\u00e9sum\u00e9 \U0001F600", motd="motd \u2603")
    assert ts.all_trees()[t] == got


def test_api_is_served_only_under_its_base(ts, env):
    """Catalogue 7 (D1): the API lives under the configured prefix only."""
    t = uniq("mozilla-central")
    ts.create_tree(t)
    root = "http://127.0.0.1:%d" % env["httpd_port"]
    assert ts.get("/trees/" + t).status_code == 200
    assert requests.get(root + "/trees", timeout=10).status_code == 404
    assert requests.get(root + "/trees/" + t, timeout=10).status_code == 404
    assert requests.get(root + "/treestatusX/trees", timeout=10).status_code == 404


def test_unknown_route_and_method(ts):
    assert_problem(ts.get("/nope"), 404, DEFAULT_404)
    assert_problem(ts.get("/trees/a/b/c"), 404, DEFAULT_404)
    r = ts.post("/trees", json={"trees": []}, as_="admin")
    assert_problem(r, 405, "The method is not allowed for the requested URL.")
    assert r.headers.get("Allow") == "GET, HEAD, PATCH, OPTIONS"
    r = ts.request("POST", "/stack/1", as_="admin")
    assert_problem(r, 405, "The method is not allowed for the requested URL.")
    assert r.headers.get("Allow") == "PATCH, DELETE, OPTIONS"


def test_head_and_options(ts):
    t = uniq("tree")
    ts.create_tree(t)
    g = ts.get("/trees/" + t)
    h = ts.head("/trees/" + t)
    assert h.status_code == 200 and h.content == b""
    assert media_type(h) == "application/json"
    assert h.headers.get("ETag") == g.headers.get("ETag")
    o = ts.options("/trees")
    assert o.status_code in (200, 204), describe(o)
    assert o.headers.get("Allow") == "GET, HEAD, PATCH, OPTIONS"
    o = ts.options("/trees/" + t)
    assert o.headers.get("Allow") == "GET, HEAD, PUT, DELETE, OPTIONS"


def test_what_a_landing_check_reads(ts):
    """Catalogue 49 through HTTP (Lando's is_open: unknown -> open, open/approval required ->
    open, closed -> closed): an unknown tree is a 404 and each status is served as stored."""
    assert_problem(ts.get("/trees/" + uniq("unknown")), 404, "No such tree")
    for status in ("open", "approval required", "closed"):
        t = uniq("land")
        ts.create_tree(t)
        body = {"status": status, "reason": status}
        if status == "closed":
            body["tags"] = ["checkin_test"]
        ts.update([t], **body)
        assert ts.get("/trees/" + t).json()["result"]["status"] == status


# ---------------------------------------------------------------- 8-11: logs

def test_logs_returns_five_newest_and_logs_all_everything(ts):
    """Catalogue 8 (LA-T test_api_get_logs), ids relative to the ones this test wrote. The GETs
    carry a JSON body and an Authorization header, which must be ignored."""
    t = uniq("tree")
    ts.create_tree(t, status="closed", category="other")
    assert ts.logs(t) == []
    steps = []
    for n in ("first", "second", "third", "fourth"):
        steps.append(("%s open" % n, "open", []))
        steps.append(("%s close" % n, "closed", ["sometag1"]))
    for reason, status, tags in steps:
        ts.update([t], reason=reason, status=status, tags=tags)
    junk = {"json": {"trees": ["x"]}, "as_": "admin"}

    r = ts.get("/trees/%s/logs_all" % t, **junk)
    body = assert_json(r, 200)
    entries = body["result"]
    assert len(entries) == 8
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 8
    expected = [{"id": i, "tree": t, "who": "test/sheriff", "status": s, "reason": rs, "tags": tg}
                for i, (rs, s, tg) in zip(ids, reversed(steps))]
    assert [{k: v for k, v in e.items() if k != "when"} for e in entries] == expected
    for e in entries:
        assert WHEN_RE.match(e["when"]), e["when"]
    assert [when(e) for e in entries] == sorted((when(e) for e in entries), reverse=True)

    r = ts.get("/trees/%s/logs" % t, **junk)
    assert_json(r, 200, {"result": entries[:5]})
    assert [e["reason"] for e in entries[:5]] == [
        "fourth close", "fourth open", "third close", "third open", "second close"]


def test_logs_are_sorted_by_when_not_id(ts, sql):
    """Catalogue 9 (RA-T test_get_logs): legacy rows with their own timestamps and statuses."""
    t1, t2 = uniq("tree1"), uniq("tree2")
    seed_tree(sql, t1, status="closed", reason="because", motd="enjoy troy")
    a = seed_log(sql, t1, "2015-07-13 17:44:00", "opened", "i wanted to", ["a"])
    b = seed_log(sql, t1, "2015-07-15 17:44:00", "opened", "i really wanted to", [])
    c = seed_log(sql, t1, "2015-07-14 17:44:00", "closed", "because", ["a", "b"])
    seed_log(sql, t2, "2015-07-11 17:44:00", "approval required", "so there", [])
    expected = [
        {"id": b, "tree": t1, "tags": [], "who": "dustin", "when": "2015-07-15T17:44:00+00:00",
         "reason": "i really wanted to", "status": "opened"},
        {"id": c, "tree": t1, "tags": ["a", "b"], "who": "dustin", "when": "2015-07-14T17:44:00+00:00",
         "reason": "because", "status": "closed"},
        {"id": a, "tree": t1, "tags": ["a"], "who": "dustin", "when": "2015-07-13T17:44:00+00:00",
         "reason": "i wanted to", "status": "opened"},
    ]
    r = ts.get("/trees/%s/logs" % t1)
    assert_json(r, 200, {"result": expected})
    assert_no_cache(r)
    assert_json(ts.get("/trees/%s/logs_all" % t1), 200, {"result": expected})


def test_logs_limit_and_all_parameter(ts, sql):
    """Catalogue 10 and D12: 8 rows -> /logs 5, /logs?all=1 8, /logs_all 8; other params ignored."""
    t = uniq("tree1")
    seed_tree(sql, t, status="closed", reason="because")
    ids = [seed_log(sql, t, "2015-07-%02d 10:00:00.25" % (10 + i), "closed", "r%d" % i, [])
           for i in range(8)]
    newest_first = list(reversed(ids))
    got = ts.get("/trees/%s/logs" % t).json()["result"]
    assert [e["id"] for e in got] == newest_first[:5]
    assert got[0]["when"] == "2015-07-17T10:00:00.250000+00:00"
    assert [e["id"] for e in ts.get("/trees/%s/logs?all=1" % t).json()["result"]] == newest_first
    assert [e["id"] for e in ts.get("/trees/%s/logs?all=0" % t).json()["result"]] == newest_first[:5]
    assert [e["id"] for e in ts.get("/trees/%s/logs_all" % t).json()["result"]] == newest_first
    assert [e["id"] for e in ts.get("/trees/%s/logs?format=json" % t).json()["result"]] == newest_first[:5]


def test_log_ties_are_broken_by_id(ts, sql):
    """D2/D16: equal timestamps -> the higher id is newer (list order and displayed state)."""
    t = uniq("tie")
    seed_tree(sql, t, status="open", reason="row")
    ids = [seed_log(sql, t, "2020-01-01 00:00:00", st, "r%d" % i, [])
           for i, st in enumerate(("closed", "open", "approval required"))]
    got = ts.get("/trees/%s/logs" % t).json()["result"]
    assert [e["id"] for e in got] == list(reversed(ids))
    assert ts.tree(t) == combined(t, status="approval required", reason="r2", log_id=ids[2])


def test_logs_of_unknown_tree(ts):
    """Catalogue 11."""
    t = uniq("NOSUCH")
    assert_problem(ts.get("/trees/%s/logs" % t), 404, "Could not find the requested tree %s." % t)
    assert_problem(ts.get("/trees/%s/logs_all" % t), 404, "Could not find the requested tree %s." % t)


# ---------------------------------------------------------------- 12-15: combined view, v0

def test_displayed_state_is_the_latest_log(ts, sql):
    """Catalogue 12 with D2: status/reason/tags/log_id come from the newest log (by when), MOTD
    from the tree row; every read endpoint agrees."""
    t = uniq("tree1")
    seed_tree(sql, t, status="closed", reason="because", motd="enjoy troy")
    seed_log(sql, t, "2015-07-13 17:44:00", "opened", "i wanted to", ["a"])
    newest = seed_log(sql, t, "2015-07-15 17:44:00", "opened", "i really wanted to", ["x"])
    seed_log(sql, t, "2015-07-14 17:44:00", "closed", "because", ["a", "b"])
    expected = combined(t, status="opened", reason="i really wanted to", motd="enjoy troy",
                        tags=["x"], log_id=newest)
    assert ts.tree(t) == expected
    touch(ts, t, "enjoy troy")      # invalidate the cached collections
    assert ts.tree(t) == expected
    assert ts.all_trees()[t] == expected
    assert [x for x in ts.get("/trees2").json()["result"] if x["tree"] == t] == [expected]
    assert ts.get("/v0/trees").json()[t] == expected
    assert ts.get("/v0/trees/" + t).json() == expected


@pytest.mark.parametrize("path", ["/v0/trees", "/v0/trees/", "/v0/trees?format=json"])
def test_v0_trees_is_unwrapped(ts, path):
    """Catalogue 13 (D13)."""
    t = uniq("tree1")
    ts.create_tree(t, reason="green", motd="look right")
    r = ts.get(path)
    body = assert_json(r, 200)
    assert_no_cache(r)
    assert body[t] == combined(t, reason="green", motd="look right")
    assert body == ts.all_trees()


@pytest.mark.parametrize("suffix", ["", "?format=json"])
def test_v0_single_tree_is_unwrapped(ts, suffix):
    """Catalogue 14."""
    t = uniq("tree1")
    ts.create_tree(t, status="closed", reason="because", motd="enjoy troy")
    r = ts.get("/v0/trees/" + t + suffix)
    assert_json(r, 200, combined(t, status="closed", reason="because", motd="enjoy troy"))
    assert_no_cache(r)


def test_v0_unknown_tree_is_404(ts):
    """Catalogue 65 (D8)."""
    assert_problem(ts.get("/v0/trees/" + uniq("nosuch")), 404, "No such tree")


def test_single_tree_headers_and_query_ignored(ts):
    """Catalogue 15; unknown query parameters are ignored (D12)."""
    t = uniq("tree1")
    ts.create_tree(t)
    r = ts.get("/trees/%s?format=json&x=1" % t)
    assert_json(r, 200, {"result": combined(t)})
    assert_no_cache(r)
    assert r.headers.get("ETag")


# ---------------------------------------------------------------- 17-18: /stack

def test_stack_legacy_entries_are_backfilled(ts, sql):
    """Catalogue 17 (RA-T test_get_stack) with D19: old {status, reason} last_state objects are
    served with the 8 keys back-filled; entries newest first."""
    u = uniq("x").split("-")[1]
    t0, t1, t2 = ("tree%d-%s" % (i, u) for i in range(3))
    for t, reason in ((t0, "bug 123"), (t1, "bug 456"), (t2, "bug 456")):
        seed_tree(sql, t, status="closed", reason=reason)

    def change(who, reason, when, trees):
        cid = int(sql('INSERT INTO releng_treestatus_changes (who, reason, "when", status) '
                      "VALUES (%s, %s, %s, 'closed') RETURNING id", who, reason, when)[0][0])
        cts = []
        for t, st in trees:
            cts.append(int(sql("INSERT INTO releng_treestatus_change_trees (stack_id, tree, last_state) "
                               "VALUES (%s, %s, %s) RETURNING id", cid, t, json.dumps(st))[0][0]))
        return cid, cts

    c1, ct1 = change("dustin", "bug 123", "2015-07-14 00:00:00",
                     [(t0, {"status": "open", "reason": "tree0"}), (t1, {"status": "open", "reason": "tree1"})])
    c2, ct2 = change("dustin", "bug 456", "2015-07-16 00:00:00",
                     [(t1, {"status": "closed", "reason": "bug 123"}), (t2, {"status": "open", "reason": "tree2"})])

    def legacy(status, reason):
        return last_state(status, reason, [], None, "closed", "New tree", [], None)

    r = ts.get("/stack")
    body = assert_json(r, 200)
    assert_no_cache(r)
    mine = [e for e in body["result"] if e["id"] in (c1, c2)]
    assert mine == [
        {"id": c2, "who": "dustin", "reason": "bug 456", "status": "closed", "when": "2015-07-16T00:00:00+00:00",
         "trees": [{"id": ct2[0], "tree": t1, "last_state": legacy("closed", "bug 123")},
                   {"id": ct2[1], "tree": t2, "last_state": legacy("open", "tree2")}]},
        {"id": c1, "who": "dustin", "reason": "bug 123", "status": "closed", "when": "2015-07-14T00:00:00+00:00",
         "trees": [{"id": ct1[0], "tree": t0, "last_state": legacy("open", "tree0")},
                   {"id": ct1[1], "tree": t1, "last_state": legacy("open", "tree1")}]},
    ]
    keys = [(when(e), e["id"]) for e in body["result"]]
    assert keys == sorted(keys, reverse=True), "GET /stack is not newest first (when, id)"


def test_orphan_change_trees_are_not_served(ts, sql):
    """Upstream databases hold change-tree rows whose change is gone (stack_id NULL, spec 1.4):
    GET /stack ignores them."""
    t = uniq("orphan")
    seed_tree(sql, t)
    sql("INSERT INTO releng_treestatus_change_trees (stack_id, tree, last_state) VALUES (NULL, %s, %s)",
        t, json.dumps({"status": "open", "reason": "x"}))
    r = ts.get("/stack")
    body = assert_json(r, 200)
    assert [e for e in body["result"] if t in [x["tree"] for x in e["trees"]]] == []


def test_legacy_no_change_placeholder_never_shows(ts, sql):
    """D3: RS/SA databases hold log rows with the placeholder "no change"; the displayed tree
    falls back to the tree row for that field (the logs themselves are served as stored)."""
    t1, t2 = uniq("nc1"), uniq("nc2")
    seed_tree(sql, t1, status="closed", reason="because")
    l1 = seed_log(sql, t1, "2019-01-01 10:00:00", "no change", "slow mac builds", [])
    seed_tree(sql, t2, status="approval required", reason="merge day")
    l2 = seed_log(sql, t2, "2019-01-01 10:00:00", "open", "no change", ["x"])
    assert ts.tree(t1) == combined(t1, status="closed", reason="slow mac builds", log_id=l1)
    assert ts.tree(t2) == combined(t2, status="open", reason="merge day", tags=["x"], log_id=l2)
    assert ts.logs(t1)[0]["status"] == "no change"


def test_get_stack_exact(ts):
    """Catalogue 18 (LA-D test_api_get_stack exact body), ids relative to this test's rows."""
    mc, al = two_trees(ts)
    remember_open_then_closed(ts, [mc, al])
    mc_logs, al_logs = ts.logs(mc), ts.logs(al)
    assert len(mc_logs) == len(al_logs) == 2
    l1, l3 = mc_logs[1]["id"], mc_logs[0]["id"]
    l2, l4 = al_logs[1]["id"], al_logs[0]["id"]
    assert l1 < l2 < l3 < l4, "logs are written in name-descending order (D16)"

    entries = ts.stack_for([mc, al])
    assert len(entries) == 2
    e2, e1 = entries
    assert e1["id"] < e2["id"]
    ct = [t["id"] for t in e1["trees"]] + [t["id"] for t in e2["trees"]]
    assert ct == sorted(ct) and len(set(ct)) == 4
    for e in entries:
        assert WHEN_RE.match(e["when"]), e
    assert when(e2) >= when(e1)
    assert entries == [
        {"id": e2["id"], "reason": "some reason to close", "status": "closed", "when": e2["when"],
         "who": "test/sheriff", "trees": [
             {"id": ct[2], "tree": mc, "last_state": last_state(
                 "open", "some reason for opening", ["sometag1", "sometag2"], l1,
                 "closed", "some reason to close", ["closingtag1", "closingtag2"], l3)},
             {"id": ct[3], "tree": al, "last_state": last_state(
                 "open", "some reason for opening", ["sometag1", "sometag2"], l2,
                 "closed", "some reason to close", ["closingtag1", "closingtag2"], l4)}]},
        {"id": e1["id"], "reason": "some reason for opening", "status": "open", "when": e1["when"],
         "who": "test/sheriff", "trees": [
             {"id": ct[0], "tree": mc, "last_state": last_state(
                 "open", "", [], None, "open", "some reason for opening", ["sometag1", "sometag2"], l1)},
             {"id": ct[1], "tree": al, "last_state": last_state(
                 "open", "", [], None, "open", "some reason for opening", ["sometag1", "sometag2"], l2)}]},
    ]
    # each log's time is at or before its stack entry's time (D18)
    assert when(mc_logs[0]) <= when(e2) and when(mc_logs[1]) <= when(e1)


# ---------------------------------------------------------------- cross-cutting

def test_get_ignores_body_content_type_and_bad_authorization(ts):
    """Reads are anonymous: a body, any content type and a broken Authorization are ignored."""
    t = uniq("tree")
    ts.create_tree(t)
    for kw in ({"data": b"{not json", "headers": {"Content-Type": "application/json"}},
               {"data": b"plain", "headers": {"Content-Type": "text/plain"}},
               {"authorization": 'Hawk id="nobody-here", ts="1", nonce="x", mac="AAAA"'},
               {"authorization": "Bearer nonsense"},
               {"as_": "nobody"}):
        r = ts.get("/trees/" + t, **kw)
        assert_json(r, 200, {"result": combined(t)})
        assert ts.get("/trees/%s/logs" % t, **kw).status_code == 200
        assert ts.get("/stack", **kw).status_code == 200


def test_cors_header_from_httpd_configuration(ts, httpd_control):
    """Catalogue 54 (D25): CORS is httpd configuration (mod_headers); the module's responses,
    errors included, carry what the configuration adds."""
    httpd_control.set_extra_conf('\n<Location "/treestatus">\n'
                                 '    Header always set Access-Control-Allow-Origin "*"\n'
                                 "</Location>\n")
    t = uniq("try")
    c = Client(ts.base)
    c.create_tree(t)
    for path, status in (("/trees/" + t, 200), ("/stack", 200), ("/trees", 200),
                         ("/trees/" + uniq("nosuch"), 404)):
        r = c.get(path, headers={"Origin": "treeherder"})
        assert r.status_code == status, describe(r)
        assert r.headers.get("Access-Control-Allow-Origin") == "*", describe(r)
    c.close()
