"""TreeStatus PATCH /log/{id} (spec 2.14, 3.5; catalogue 48, 64; D7, D21)."""

import pytest

pytest.register_assert_rewrite("ts_client")
from ts_client import (assert_json, assert_problem, combined, max_id, snapshot,
                       uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture


def closed_and_remembered(ts, reason="some reason for closing", tags=("sometag1", "sometag2")):
    t = uniq("autoland")
    ts.create_tree(t)
    ts.update([t], remember=True, status="closed", reason=reason, tags=list(tags))
    (log,) = ts.logs(t)
    (entry,) = ts.stack_for([t])
    return t, log, entry


def test_patch_log(ts):
    """Catalogue 48 (LA-T test_api_patch_log): the log and the stack's current_* follow."""
    t, log, _ = closed_and_remembered(ts)
    lid = ts.get("/trees/%s/logs" % t).json()["result"][0]["id"]
    assert lid == log["id"]
    assert_json(ts.patch("/log/%d" % lid, json={"reason": "new log reason"}, as_="sheriff"), 200,
                {"tags": None, "reason": "new log reason"})
    assert_json(ts.patch("/log/%d" % lid, json={"tags": ["new tag 1", "new tag 2"]}, as_="sheriff"), 200,
                {"tags": ["new tag 1", "new tag 2"], "reason": None})
    got = ts.get("/trees/%s/logs" % t).json()["result"][0]
    assert got == dict(log, reason="new log reason", tags=["new tag 1", "new tag 2"])
    ls = ts.stack_for([t])[0]["trees"][0]["last_state"]
    assert (ls["current_reason"], ls["current_tags"]) == ("new log reason", ["new tag 1", "new tag 2"])
    # the edited log is the tree's latest: the tree shows it at once (D21)
    assert ts.tree(t) == combined(t, status="closed", reason="new log reason",
                                  tags=["new tag 1", "new tag 2"], log_id=lid)
    assert ts.all_trees()[t]["reason"] == "new log reason"


def test_patch_log_both_fields(ts):
    t, log, entry = closed_and_remembered(ts)
    r = ts.patch("/log/%d" % log["id"], json={"reason": "r2", "tags": ["t2"]}, as_="sheriff")
    assert_json(r, 200, {"tags": ["t2"], "reason": "r2"})
    assert ts.logs(t)[0] == dict(log, reason="r2", tags=["t2"])
    (e,) = ts.stack_for([t])
    assert e["trees"][0]["last_state"] == dict(entry["trees"][0]["last_state"], current_reason="r2",
                                               current_tags=["t2"])
    assert e["reason"] == entry["reason"], "PATCH /log does not change the change's own reason"


def test_empty_values_update_the_log_but_not_the_stack(ts):
    """Catalogue 64 (D21 truthiness rule): "" and [] reach the log row, not current_*."""
    t, log, entry = closed_and_remembered(ts)
    assert_json(ts.patch("/log/%d" % log["id"], json={"tags": []}, as_="sheriff"), 200,
                {"tags": [], "reason": None})
    assert_json(ts.patch("/log/%d" % log["id"], json={"reason": ""}, as_="sheriff"), 200,
                {"tags": None, "reason": ""})
    assert ts.logs(t)[0] == dict(log, tags=[], reason="")
    assert ts.stack_for([t]) == [entry]
    got = ts.tree(t)
    assert (got["reason"], got["tags"]) == ("", [])


def test_patch_log_with_nothing_is_a_no_op(ts, sql):
    t, log, entry = closed_and_remembered(ts)
    before = snapshot(sql)
    for body in ({}, {"reason": None, "tags": None}, {"other": 1}):
        assert_json(ts.patch("/log/%d" % log["id"], json=body, as_="sheriff"), 200,
                    {"tags": None, "reason": None})
    assert snapshot(sql) == before


def test_patch_older_log(ts):
    """Editing a log that is not the latest changes the log only, not the displayed tree."""
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], status="closed", reason="first", tags=["a"])
    ts.update([t], status="open", reason="second")
    old, new = ts.logs(t)[1], ts.logs(t)[0]
    assert_json(ts.patch("/log/%d" % old["id"], json={"reason": "first (edited)"}, as_="sheriff"), 200,
                {"tags": None, "reason": "first (edited)"})
    assert ts.logs(t) == [new, dict(old, reason="first (edited)")]
    assert ts.tree(t) == combined(t, status="open", reason="second", log_id=new["id"])


def test_unknown_log(ts, sql):
    missing = max_id(sql, "releng_treestatus_log") + 1000
    before = snapshot(sql)
    assert_problem(ts.patch("/log/%d" % missing, json={"reason": "x"}, as_="sheriff"), 404,
                   "The tree log does not exist for id %d." % missing)
    assert snapshot(sql) == before


def test_patch_log_needs_trees_update_scope(ts, sql):
    t, log, _ = closed_and_remembered(ts)
    before = snapshot(sql)
    assert_problem(ts.patch("/log/%d" % log["id"], json={"reason": "x"}, as_="creator"), 403, None)
    assert_problem(ts.patch("/log/%d" % log["id"], json={"reason": "x"}), 401, None)
    assert snapshot(sql) == before
    assert_json(ts.patch("/log/%d" % log["id"], json={"reason": "by admin"}, as_="admin"), 200,
                {"tags": None, "reason": "by admin"})
