"""TreeStatus recent changes: DELETE /stack/{id}[?revert=], /stack2/restore|discard/{id},
PATCH /stack/{id} (spec 2.11-2.13, 3.3-3.6; catalogue 39-47, 62, 63; D7, D11, D21, D22)."""

import json

import pytest

pytest.register_assert_rewrite("ts_client")
from ts_client import (Client, assert_json, assert_problem, combined, count_logs, describe, last_state,
                       max_id, ra_stack_seed, remember_open_then_closed, run_threads, snapshot,
                       two_trees, uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture

NO_CHANGE = "The change could not be found."
NO_STACK = "The change stack does not exist."
BAD_REVERT = "Unexpected value for `revert`."


def la_setup(ts):
    """LA-T setup of 39/40: mozilla-central + autoland, remember open then remember closed."""
    mc, al = two_trees(ts)
    remember_open_then_closed(ts, [mc, al])
    e2, e1 = ts.stack_for([mc, al])
    assert (e2["reason"], e2["status"], len(e2["trees"])) == ("some reason to close", "closed", 2)
    for x in e2["trees"]:
        ls = x["last_state"]
        assert (ls["current_status"], ls["current_reason"], ls["status"], ls["reason"], ls["tags"]) == (
            "closed", "some reason to close", "open", "some reason for opening", ["sometag1", "sometag2"])
    return mc, al, e1, e2


def stack_ids(ts, trees):
    return [e["id"] for e in ts.stack_for(trees)]


# ---------------------------------------------------------------- 39-41, 46: restore / discard

@pytest.mark.parametrize("how", ["/stack/%d?revert=1", "/stack2/restore/%d"])
def test_restore(ts, sql, how):
    """Catalogue 39 and 41: restore re-applies the old state as a new log row, then deletes the
    change; the other entry is untouched."""
    mc, al, e1, e2 = la_setup(ts)
    last_log = max(ts.logs(mc)[0]["id"], ts.logs(al)[0]["id"])
    r = ts.delete(how % e2["id"], as_="sheriff")
    assert_json(r, 200, {"id": e2["id"], "reverted": True})
    assert ts.stack_for([mc, al]) == [e1]
    for t in (al, mc):
        logs = ts.logs(t)
        assert len(logs) == 3
        new = logs[0]
        assert new["id"] > last_log
        assert (new["status"], new["reason"], new["tags"], new["who"]) == (
            "open", "some reason for opening", ["sometag1", "sometag2"], "test/sheriff")
        assert ts.tree(t) == combined(t, status="open", reason="some reason for opening",
                                      tags=["sometag1", "sometag2"], log_id=new["id"])
    assert ts.all_trees()[al]["status"] == "open"


@pytest.mark.parametrize("how", ["/stack/%d?revert=0", "/stack2/discard/%d", "/stack/%d"])
def test_discard(ts, sql, how):
    """Catalogue 40, 41 and 46 (absent revert = discard, D11): trees and logs unchanged."""
    mc, al, e1, e2 = la_setup(ts)
    trees_before = {t: ts.tree(t) for t in (mc, al)}
    logs_before = {t: ts.logs(t) for t in (mc, al)}
    r = ts.delete(how % e2["id"], as_="sheriff")
    assert_json(r, 200, {"id": e2["id"], "reverted": False})
    assert ts.stack_for([mc, al]) == [e1]
    for t in (mc, al):
        assert ts.tree(t) == trees_before[t]
        assert ts.logs(t) == logs_before[t]
    got = ts.tree(al)
    assert (got["reason"], got["status"], got["tags"]) == (
        "some reason to close", "closed", ["closingtag1", "closingtag2"])
    assert got["log_id"] == e2["trees"][1]["last_state"]["current_log_id"]


def test_ra_revert(ts):
    """Catalogue 42 (RA-T test_revert_stack): restoring B puts t1 back to A's state and t2 back
    to its creation state; A stays."""
    s = ra_stack_seed(ts)
    t0, t1, t2 = s["t0"], s["t1"], s["t2"]
    assert_json(ts.delete("/stack/%d?revert=1" % s["B"]["id"], as_="sheriff"), 200,
                {"id": s["B"]["id"], "reverted": True})
    trees = ts.all_trees()
    assert [(trees[t]["status"], trees[t]["reason"], trees[t]["tags"]) for t in (t0, t1, t2)] == [
        ("closed", "bug 123", ["a"]), ("closed", "bug 123", ["a"]), ("open", "tree2", [])]
    assert ts.stack_for([t0, t1, t2]) == [s["A"]]
    assert ts.logs(t0) == s["logs"][t0]
    l1, l2 = ts.logs(t1)[0], ts.logs(t2)[0]
    assert (l1["status"], l1["reason"], l1["tags"], l1["who"]) == ("closed", "bug 123", ["a"], "test/sheriff")
    assert (l2["status"], l2["reason"], l2["tags"], l2["who"]) == ("open", "tree2", [], "test/sheriff")


def test_restore_an_older_entry(ts):
    """3.2: entries are independent; restoring the older one leaves the newer one alone."""
    s = ra_stack_seed(ts)
    t0, t1, t2 = s["t0"], s["t1"], s["t2"]
    assert_json(ts.delete("/stack2/restore/%d" % s["A"]["id"], as_="sheriff"), 200,
                {"id": s["A"]["id"], "reverted": True})
    trees = ts.all_trees()
    assert [(trees[t]["status"], trees[t]["reason"]) for t in (t0, t1, t2)] == [
        ("open", "tree0"), ("open", "tree1"), ("closed", "bug 456")]
    assert ts.stack_for([t0, t1, t2]) == [s["B"]]


def test_restore_skips_deleted_trees(ts, sql):
    """Catalogue 62 and D22."""
    s = ra_stack_seed(ts)
    t0, t1, t2 = s["t0"], s["t1"], s["t2"]
    assert_json(ts.delete("/trees/" + t2, as_="admin"), 200, {"removed": t2})
    logs_t0 = ts.logs(t0)
    r = ts.delete("/stack/%d?revert=1" % s["B"]["id"], as_="sheriff")
    assert_json(r, 200, {"id": s["B"]["id"], "reverted": True})
    assert ts.tree(t1)["reason"] == "bug 123"
    assert ts.logs(t0) == logs_t0, "t0 is not in change B"
    assert_problem(ts.get("/trees/" + t2), 404, "No such tree")
    assert count_logs(sql, t2) == 0
    assert sql("SELECT count(*) FROM releng_treestatus_trees WHERE tree = %s", t2) == [("0",)]


def _legacy_change(sql, trees):
    """A pre-2019 change (last_state = {status, reason} only), inserted with SQL."""
    cid = int(sql('INSERT INTO releng_treestatus_changes (who, reason, "when", status) '
                  "VALUES ('dustin', 'bug 1', '2016-01-01 00:00:00', 'closed') RETURNING id")[0][0])
    for t, st in trees:
        sql("INSERT INTO releng_treestatus_change_trees (stack_id, tree, last_state) VALUES (%s, %s, %s)",
            cid, t, json.dumps(st))
    return cid


def test_restore_a_legacy_entry(ts, sql):
    """D19: a legacy last_state is back-filled when restored too (tags [])."""
    t0, t1 = uniq("old0"), uniq("old1")
    ts.create_tree(t0)
    ts.create_tree(t1)
    ts.update([t0, t1], status="closed", reason="bug 1", tags=["x"])
    cid = _legacy_change(sql, [(t0, {"status": "open", "reason": "tree0"}),
                               (t1, {"status": "approval required", "reason": "tree1"})])
    ts.update([t0], message_of_the_day="")      # any write: the stack is not cached anyway
    assert_json(ts.delete("/stack/%d?revert=1" % cid, as_="sheriff"), 200, {"id": cid, "reverted": True})
    for t, st, rs in ((t0, "open", "tree0"), (t1, "approval required", "tree1")):
        got = ts.tree(t)
        assert (got["status"], got["reason"], got["tags"]) == (st, rs, [])
        assert ts.logs(t)[0]["who"] == "test/sheriff"


def test_amending_a_legacy_entry_is_not_a_server_error(ts, sql):
    """A legacy entry has no current_log_id (spec 2.11): amending it is refused or applied to
    the stack only, never a 5xx."""
    t = uniq("old")
    ts.create_tree(t)
    cid = _legacy_change(sql, [(t, {"status": "open", "reason": "x"})])
    r = ts.patch("/stack/%d" % cid, json={"reason": "amended", "tags": ["y"]}, as_="sheriff")
    assert r.status_code in (200, 400, 404), describe(r)
    if r.status_code == 200:
        assert_json(r, 200, {"id": cid, "tags": ["y"], "reason": "amended"})
    else:
        assert_problem(r, r.status_code, None)
    assert ts.logs(t) == []


def test_change_can_be_restored_only_once(ts, sql):
    mc, al, e1, e2 = la_setup(ts)
    ts.delete("/stack/%d?revert=1" % e2["id"], as_="sheriff")
    before = snapshot(sql)
    assert_problem(ts.delete("/stack/%d?revert=1" % e2["id"], as_="sheriff"), 404, NO_CHANGE)
    assert_problem(ts.delete("/stack2/discard/%d" % e2["id"], as_="sheriff"), 404, NO_CHANGE)
    assert snapshot(sql) == before


# ---------------------------------------------------------------- 44, 45, 63: refusals

@pytest.mark.parametrize("how", ["/stack/%d", "/stack/%d?revert=1", "/stack/%d?revert=0",
                                 "/stack2/restore/%d", "/stack2/discard/%d"])
def test_unknown_change(ts, sql, how):
    """Catalogue 44."""
    missing = max_id(sql, "releng_treestatus_changes") + 1000
    before = snapshot(sql)
    assert_problem(ts.delete(how % missing, as_="sheriff"), 404, NO_CHANGE)
    assert snapshot(sql) == before


def test_unknown_stack_on_patch(ts, sql):
    missing = max_id(sql, "releng_treestatus_changes") + 1000
    before = snapshot(sql)
    assert_problem(ts.patch("/stack/%d" % missing, json={"reason": "x"}, as_="sheriff"), 404, NO_STACK)
    assert snapshot(sql) == before


@pytest.mark.parametrize("value", ["2", "-1", "abc", "", "1.0", "true", "01x"])
def test_bad_revert_value(ts, sql, value):
    """Catalogue 45 and 63 (D11): only 0 and 1."""
    mc, al, e1, e2 = la_setup(ts)
    before = snapshot(sql)
    assert_problem(ts.delete("/stack/%d?revert=%s" % (e2["id"], value), as_="sheriff"), 400, BAD_REVERT)
    assert snapshot(sql) == before
    assert ts.stack_for([mc, al]) == [e2, e1]


def test_revert_check_on_unknown_change(ts, sql):
    """A bad revert value is refused whatever the id (400 wins over 404 is not required): the
    request is refused and nothing changes."""
    missing = max_id(sql, "releng_treestatus_changes") + 1000
    before = snapshot(sql)
    r = ts.delete("/stack/%d?revert=7" % missing, as_="sheriff")
    assert r.status_code in (400, 404)
    assert_problem(r, r.status_code, BAD_REVERT if r.status_code == 400 else NO_CHANGE)
    assert snapshot(sql) == before


# ---------------------------------------------------------------- 47: amend

def test_patch_stack(ts):
    """Catalogue 47 (LA-T test_api_patch_stack, LA-D exact): amend entry 1; entry 2 unchanged."""
    t = uniq("autoland")
    ts.create_tree(t)
    ts.update([t], remember=True, status="open", reason="some reason for opening",
              tags=["sometag1", "sometag2"])
    ts.update([t], remember=True, status="closed", reason="the tree is closed.", tags=["closed tree"])
    e2, e1 = ts.stack_for([t])
    assert e1["reason"] == "some reason for opening"
    assert e1["trees"][0]["last_state"]["current_tags"] == ["sometag1", "sometag2"]
    l1 = e1["trees"][0]["last_state"]["current_log_id"]
    r = ts.patch("/stack/%d" % e1["id"], json={"reason": "updated reason", "tags": ["updated tags"]},
                 as_="sheriff")
    assert_json(r, 200, {"id": e1["id"], "tags": ["updated tags"], "reason": "updated reason"})
    n2, n1 = ts.stack_for([t])
    assert n2 == e2, "the other entry is unchanged (its last_state keeps the old log's values)"
    assert n2["trees"][0]["last_state"]["reason"] == "some reason for opening"
    assert n2["trees"][0]["last_state"]["tags"] == ["sometag1", "sometag2"]
    assert n2["trees"][0]["last_state"]["log_id"] == l1
    expected_ls = dict(e1["trees"][0]["last_state"], current_reason="updated reason",
                       current_tags=["updated tags"])
    assert n1 == dict(e1, reason="updated reason", trees=[dict(e1["trees"][0], last_state=expected_ls)])
    log = [x for x in ts.logs(t) if x["id"] == l1][0]
    assert (log["reason"], log["tags"], log["status"]) == ("updated reason", ["updated tags"], "open")
    # the amended log is not the latest: the tree still shows the closing
    got = ts.tree(t)
    assert (got["status"], got["reason"], got["tags"]) == ("closed", "the tree is closed.", ["closed tree"])


def test_patch_stack_partial_and_cache(ts):
    """D21: only the keys present are changed (response echoes null for absent ones); amending
    the latest change is visible on the tree at once."""
    t = uniq("autoland")
    ts.create_tree(t)
    ts.update([t], remember=True, status="closed", reason="bustage", tags=["checkin_test"])
    assert ts.tree(t)["reason"] == "bustage"
    (e,) = ts.stack_for([t])
    r = ts.patch("/stack/%d" % e["id"], json={"reason": "bustage (bug 42)"}, as_="sheriff")
    assert_json(r, 200, {"id": e["id"], "tags": None, "reason": "bustage (bug 42)"})
    got = ts.tree(t)
    assert (got["reason"], got["tags"], got["status"]) == ("bustage (bug 42)", ["checkin_test"], "closed")
    r = ts.patch("/stack/%d" % e["id"], json={"tags": ["infra"]}, as_="sheriff")
    assert_json(r, 200, {"id": e["id"], "tags": ["infra"], "reason": None})
    got = ts.tree(t)
    assert (got["reason"], got["tags"]) == ("bustage (bug 42)", ["infra"])
    (n,) = ts.stack_for([t])
    assert n["reason"] == "bustage (bug 42)" and n["status"] == "closed"
    assert (n["trees"][0]["last_state"]["current_reason"], n["trees"][0]["last_state"]["current_tags"]) == (
        "bustage (bug 42)", ["infra"])
    r = ts.patch("/stack/%d" % e["id"], json={}, as_="sheriff")
    assert_json(r, 200, {"id": e["id"], "tags": None, "reason": None})
    assert ts.stack_for([t]) == [n]


def test_patch_stack_empty_values_and_several_trees(ts):
    """D21: PATCH /stack applies keys that are present, empty ones included (unlike PATCH /log),
    to every tree of the change and to each tree's log."""
    mc, al, e1, e2 = la_setup(ts)
    r = ts.patch("/stack/%d" % e2["id"], json={"reason": "", "tags": []}, as_="sheriff")
    assert_json(r, 200, {"id": e2["id"], "tags": [], "reason": ""})
    n2, n1 = ts.stack_for([mc, al])
    assert n1 == e1
    assert n2["reason"] == ""
    for x in n2["trees"]:
        ls = x["last_state"]
        assert (ls["current_reason"], ls["current_tags"]) == ("", [])
        log = ts.logs(x["tree"])[0]
        assert (log["id"], log["reason"], log["tags"], log["status"]) == (ls["current_log_id"], "", [], "closed")
        got = ts.tree(x["tree"])
        assert (got["status"], got["reason"], got["tags"]) == ("closed", "", [])


# ---------------------------------------------------------------- 3.6: the worked example

def test_worked_example(ts):
    """Spec 3.6, end to end."""
    t = uniq("autoland")
    r = ts.put("/trees/" + t, json={"tree": t, "status": "open", "reason": "", "message_of_the_day": "",
                                    "category": "development"}, as_="admin")
    assert_json(r, 201, {"tree": t, "status": "open", "reason": "", "message_of_the_day": "",
                         "category": "development"})
    assert_json(ts.get("/trees/" + t), 200, {"result": combined(t, category="development")})
    r = ts.patch("/trees", json={"trees": [t], "status": "closed", "reason": "bustage",
                                 "tags": ["checkin_test"], "remember": True}, as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "closed", "reason": "bustage", "message_of_the_day": None}])
    (log1,) = ts.logs(t)
    assert {k: log1[k] for k in ("tree", "status", "reason", "tags", "who")} == {
        "tree": t, "status": "closed", "reason": "bustage", "tags": ["checkin_test"], "who": "test/sheriff"}
    (e,) = ts.stack_for([t])
    assert {k: e[k] for k in ("status", "reason", "who")} == {
        "status": "closed", "reason": "bustage", "who": "test/sheriff"}
    assert [x["tree"] for x in e["trees"]] == [t]
    assert e["trees"][0]["last_state"] == last_state("open", "", [], None, "closed", "bustage",
                                                     ["checkin_test"], log1["id"])
    r = ts.patch("/stack/%d" % e["id"], json={"reason": "bustage (bug 42)"}, as_="sheriff")
    assert_json(r, 200, {"id": e["id"], "tags": None, "reason": "bustage (bug 42)"})
    assert ts.logs(t)[0]["reason"] == "bustage (bug 42)"
    (e,) = ts.stack_for([t])
    assert e["reason"] == "bustage (bug 42)"
    assert e["trees"][0]["last_state"]["current_reason"] == "bustage (bug 42)"
    assert_json(ts.delete("/stack/%d?revert=1" % e["id"], as_="sheriff"), 200,
                {"id": e["id"], "reverted": True})
    logs = ts.logs(t)
    assert len(logs) == 2
    assert (logs[0]["status"], logs[0]["reason"], logs[0]["tags"]) == ("open", "", [])
    assert ts.tree(t) == combined(t, category="development", log_id=logs[0]["id"])
    assert ts.stack_for([t]) == []


@pytest.mark.parametrize("how", ["/stack/%d?revert=1", "/stack2/restore/%d"])
def test_concurrent_restores_of_one_change(ts, ts_url, sql, how):
    """Racing restores of one change: one 200, the others 404, and the restore is logged once."""
    mc, al, e1, e2 = la_setup(ts)
    n_before = {t: count_logs(sql, t) for t in (mc, al)}

    def restore(i):
        return Client(ts_url, keepalive=False).delete(how % e2["id"], as_="sheriff")

    results = run_threads(6, restore)
    codes = []
    for res in results:
        assert not isinstance(res, BaseException), repr(res)
        codes.append(res.status_code)
        if res.status_code == 200:
            assert_json(res, 200, {"id": e2["id"], "reverted": True})
        else:
            assert_problem(res, 404, NO_CHANGE)
    assert codes.count(200) == 1, codes
    for t in (mc, al):
        assert count_logs(sql, t) == n_before[t] + 1
    assert ts.stack_for([mc, al]) == [e1]
