"""TreeStatus authentication and authorization (spec 4.4, D24; catalogue 30, 34, 38, 43).

Scopes (prefix project:releng:services/treestatus/): PATCH /trees, PATCH /log -> trees/update;
PUT -> trees/create; DELETE /trees/{t}, DELETE /trees2 -> trees/delete; PATCH/DELETE /stack/{id}
and /stack2/* -> recent_changes/revert. Clients: see ts_client.py / auth.conf.in.
No credentials -> 401 + WWW-Authenticate: Hawk; valid credentials without the scope -> 403;
invalid credentials -> 401 naming the reason. Nothing is written by a refused request.
"""

import os
import re
from urllib.parse import urlsplit

import pytest

pytest.register_assert_rewrite("ts_client")
from ts_client import (Client, SoftChecks, assert_json, assert_problem, describe, snapshot,
                       snapshot_diff, uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture

UPDATE, CREATE, DELETE, REVERT = "update", "create", "delete", "revert"
ALLOWED = {
    "admin": {UPDATE, CREATE, DELETE, REVERT},
    "sheriff": {UPDATE, REVERT},
    "creator": {CREATE, DELETE},
    "nobody": set(),
}


_MISSING = {}


def _missing_ids(sql):
    """(change id, log id) that do not exist: far above the largest ids when first asked (this
    module creates only a handful of rows)."""
    if not _MISSING:
        (row,) = sql("SELECT (SELECT coalesce(max(id), 0) FROM releng_treestatus_changes), "
                     "(SELECT coalesce(max(id), 0) FROM releng_treestatus_log)")
        _MISSING["ids"] = (int(row[0]) + 1000000, int(row[1]) + 1000000)
    return _MISSING["ids"]


# (name, scope, method, path(change_id, log_id, tree), body(tree), status when allowed)
ENDPOINTS = [
    ("patch-trees", UPDATE, "PATCH", lambda c, l, t: "/trees", lambda t: {"trees": [t], "status": "open"}, 404),
    ("patch-log", UPDATE, "PATCH", lambda c, l, t: "/log/%d" % l, lambda t: {"reason": "x"}, 404),
    ("put-tree", CREATE, "PUT", lambda c, l, t: "/trees/" + t, lambda t: {"tree": t}, 201),
    ("delete-tree", DELETE, "DELETE", lambda c, l, t: "/trees/" + t, lambda t: None, 404),
    ("delete-trees2", DELETE, "DELETE", lambda c, l, t: "/trees2", lambda t: {"trees": [t]}, 404),
    ("patch-stack", REVERT, "PATCH", lambda c, l, t: "/stack/%d" % c, lambda t: {"reason": "x"}, 404),
    ("delete-stack", REVERT, "DELETE", lambda c, l, t: "/stack/%d?revert=1" % c, lambda t: None, 404),
    ("stack2-restore", REVERT, "DELETE", lambda c, l, t: "/stack2/restore/%d" % c, lambda t: None, 404),
    ("stack2-discard", REVERT, "DELETE", lambda c, l, t: "/stack2/discard/%d" % c, lambda t: None, 404),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_scope_matrix(ts, sql, endpoint):
    """For each caller: allowed ones get past authorization (to a 404 on an unknown target, or
    a 201 for PUT); the others get 403 (authenticated) or 401 (anonymous, with
    WWW-Authenticate: Hawk), and nothing is written."""
    _, scope, method, path, body, ok_status = endpoint
    change_id, log_id = _missing_ids(sql)
    check = SoftChecks()
    created = []
    before = snapshot(sql)
    for who in ("nobody", None, "creator", "sheriff", "admin"):
        t = uniq("authz")
        b = body(t)
        kw = {"json": b} if b is not None else {}

        def one():
            r = ts.request(method, path(change_id, log_id, t), as_=who, **kw)
            if who is None:
                assert_problem(r, 401, None)
                assert (r.headers.get("WWW-Authenticate") or "").startswith("Hawk"), describe(r)
            elif scope in ALLOWED[who]:
                assert r.status_code == ok_status, describe(r)
                if ok_status == 201:
                    created.append(t)
                    assert_json(r, 201, {"tree": t, "status": "open", "reason": "", "message_of_the_day": "",
                                         "category": "other"})
            else:
                assert_problem(r, 403, None)
        check(str(who), one)
    after = snapshot(sql)
    after["releng_treestatus_trees"] = [r for r in after["releng_treestatus_trees"] if r["tree"] not in created]
    check("database", lambda: assert_unchanged_snap(before, after))
    check.done()


def assert_unchanged_snap(before, after):
    assert before == after, "the database changed:\n" + snapshot_diff(before, after)[:3000]


def test_admin_only_user_cannot_update_or_revert(ts, sql):
    """Catalogue 30 and 43: roles are not hierarchical (creator has create+delete only)."""
    t = uniq("tree1")
    ts.create_tree(t, as_="creator")
    ts.update([t], remember=True, status="closed", reason="x", tags=["y"])
    (e,) = ts.stack_for([t])
    before = snapshot(sql)
    assert_problem(ts.patch("/trees", json={"trees": [t], "status": "open", "reason": "r"}, as_="creator"),
                   403, None)
    assert_problem(ts.delete("/stack/%d?revert=1" % e["id"], as_="creator"), 403, None)
    assert_problem(ts.delete("/stack/%d" % e["id"], as_="creator"), 403, None)
    assert snapshot(sql) == before
    assert_json(ts.delete("/trees/" + t, as_="creator"), 200, {"removed": t})


def test_who_is_the_hawk_client_id(ts):
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], remember=True, status="closed", reason="x", tags=["y"], as_="admin")
    assert ts.logs(t)[0]["who"] == "test/admin"
    (e,) = ts.stack_for([t])
    assert e["who"] == "test/admin"
    ts.delete("/stack/%d?revert=1" % e["id"], as_="sheriff")
    assert ts.logs(t)[0]["who"] == "test/sheriff"


def test_authorization_is_checked_before_the_body(ts, sql):
    """D24: an anonymous request with a broken body gets 401, a scope-less one 403."""
    before = snapshot(sql)
    bad = {"data": b"{not json", "headers": {"Content-Type": "application/json"}}
    assert_problem(ts.patch("/trees", **bad), 401, None)
    assert_problem(ts.patch("/trees", as_="nobody", **bad), 403, None)
    assert_problem(ts.put("/trees/x", as_="sheriff", **bad), 403, None)
    assert snapshot(sql) == before


# ---------------------------------------------------------------- invalid credentials

def _probe(ts, sql, **kw):
    """A PATCH /stack/<missing> that passes authorization with good credentials (-> 404)."""
    change_id, _ = _missing_ids(sql)
    return ts.patch("/stack/%d" % change_id, json={"reason": "x"}, **kw)


def _icontains(*words):
    rx = re.compile("|".join(re.escape(w) for w in words), re.I)
    return lambda d: bool(rx.search(d))


def test_good_credentials_pass(ts, sql):
    assert_problem(_probe(ts, sql, as_="admin"), 404, "The change stack does not exist.")


@pytest.mark.parametrize("name,opts,words", [
    ("wrong key", {"key": "not-the-secret"}, ("mac",)),
    ("tampered mac", {"mac_": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, ("mac",)),
    ("signed another method", {"sign_method": "DELETE"}, ("mac",)),
    ("signed another port", {"sign_port": 1}, ("mac",)),
    ("signed another host", {"sign_host": "example.org"}, ("mac",)),
    ("unknown client", {"client_id": "test/unknown", "key": "whatever"}, ("unknown client", "not found")),
    ("stale timestamp", {"ts_offset": -3600}, ("skew", "timestamp", "stale")),
    ("future timestamp", {"ts_offset": 3600}, ("skew", "timestamp", "stale")),
])
def test_invalid_credentials(ts, sql, name, opts, words):
    before = snapshot(sql)
    r = _probe(ts, sql, as_="admin", hawk_opts=opts)
    assert_problem(r, 401, _icontains(*words))
    assert snapshot(sql) == before


def test_resource_includes_the_query_string(ts, sql):
    """The MAC covers path AND query: a MAC made for the path alone is refused."""
    change_id, _ = _missing_ids(sql)
    path = "/stack/%d?revert=1" % change_id
    r = ts.delete(path, as_="admin",
                  hawk_opts={"sign_resource": urlsplit(ts.base).path + path.split("?")[0]})
    assert_problem(r, 401, _icontains("mac"))
    assert_problem(ts.delete(path, as_="admin"), 404, "The change could not be found.")


def test_replayed_nonce_is_refused(ts, sql):
    """A header accepted once is refused when sent again, by any child (new connections)."""
    change_id, _ = _missing_ids(sql)
    path = "/stack/%d" % change_id
    first = ts.patch(path, json={"reason": "x"}, as_="admin", hawk_opts={"nonce": uniq("n")[-6:]},
                     fresh=True)
    assert_problem(first, 404, "The change stack does not exist.")
    header = first.request.headers["Authorization"]
    c = Client(ts.base, keepalive=False)
    for _ in range(4):
        r = c.patch(path, json={"reason": "x"}, authorization=header)
        assert_problem(r, 401, _icontains("replay", "nonce"))


def test_replay_of_a_write_does_not_write_twice(ts, sql):
    t = uniq("tree")
    ts.create_tree(t)
    r = ts.patch("/trees", json={"trees": [t], "status": "open", "reason": "once"}, as_="sheriff", fresh=True)
    assert r.status_code == 200, describe(r)
    header = r.request.headers["Authorization"]
    before = snapshot(sql)
    r2 = Client(ts.base, keepalive=False).patch(
        "/trees", json={"trees": [t], "status": "open", "reason": "once"}, authorization=header)
    assert_problem(r2, 401, _icontains("replay", "nonce"))
    assert snapshot(sql) == before
    assert len(ts.logs(t)) == 1


@pytest.mark.parametrize("value", [
    'Hawk id="test/admin"',
    "Hawk garbage",
    'Hawk id="test/admin", ts="abc", nonce="x", mac="AAAA"',
    'Hawk id="test/admin", ts="1", nonce="x", mac="AAAA", id="dup"',
    "Hawk " + "x" * 5000,
])
def test_malformed_hawk_header(ts, sql, value):
    before = snapshot(sql)
    assert_problem(_probe(ts, sql, authorization=value), 401, None)
    assert snapshot(sql) == before


@pytest.mark.parametrize("value", ["Basic dGVzdDp0ZXN0", "Bearer not-a-configured-token", ""])
def test_other_schemes_are_not_credentials(ts, sql, value):
    before = snapshot(sql)
    r = _probe(ts, sql, authorization=value)
    assert_problem(r, 401, None)
    assert snapshot(sql) == before


def test_a_full_response_cache_never_evicts_a_nonce(ts, env, httpd_control):
    """Nonces live in a store of their own: a response cache far too small for what is read
    (8 KiB, shmcb's smallest) evicts documents, never a nonce, so a header accepted before the
    cache churned is still refused as a replay after it."""
    path = os.path.join(env["root"], "%s-tiny-cache" % env["mpm"])
    httpd_control.set_extra_conf('TreestatusCache "shmcb:%s(8192)"\n' % path)
    first = ts.get("/__permissions__", as_="admin", fresh=True)
    assert first.status_code == 200, describe(first)
    header = first.request.headers["Authorization"]
    trees = [uniq("churn") for _ in range(40)]
    for t in trees:
        ts.create_tree(t)
    for _ in range(3):
        for t in trees:
            assert ts.get("/trees/" + t, fresh=True).status_code == 200
    r = Client(ts.base, keepalive=False).get("/__permissions__", authorization=header)
    assert_problem(r, 401, _icontains("replay", "nonce"))
