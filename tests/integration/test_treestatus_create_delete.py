"""TreeStatus PUT /trees/{t}, DELETE /trees/{t}, DELETE /trees2 (spec 2.4, 2.9, 2.10;
catalogue 31-38; D7, D14, D15, D20)."""

from urllib.parse import quote

import pytest

pytest.register_assert_rewrite("ts_client")
from ts_client import (Client, SoftChecks, assert_json, assert_problem, combined, count_logs, describe,
                       ra_stack_seed, run_threads, snapshot, uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture

CATEGORIES = ["development", "release_stabilization", "try", "comm_repos", "other"]


def test_put_creates_a_tree_and_refuses_a_duplicate(ts, sql):
    """Catalogue 31 (LA-T test_api_put_trees) and 33."""
    t = uniq("tree")
    body = {"category": "other", "status": "open", "message_of_the_day": "", "tree": t, "reason": ""}
    r = ts.put("/trees/" + t, json=body, as_="admin")
    assert_json(r, 201, {"tree": t, "status": "open", "reason": "", "message_of_the_day": "",
                         "category": "other"})
    assert ts.get("/trees/" + t).json() == {"result": combined(t)}
    assert count_logs(sql, t) == 0, "creating a tree writes no log (D20)"
    before = snapshot(sql)
    r = ts.put("/trees/" + t, json=dict(body, status="closed"), as_="admin")
    assert_problem(r, 400, "Tree already exists.")
    assert snapshot(sql) == before
    assert ts.tree(t) == combined(t)


def test_put_with_the_four_legacy_fields(ts):
    """RA-T test_make_tree: no category -> "other"."""
    t = uniq("newtree")
    r = ts.put("/trees/" + t, json={"tree": t, "status": "open", "reason": "green",
                                    "message_of_the_day": "look right or say goodnight"}, as_="admin")
    assert_json(r, 201, {"tree": t, "status": "open", "reason": "green",
                         "message_of_the_day": "look right or say goodnight", "category": "other"})
    assert ts.tree(t) == combined(t, reason="green", motd="look right or say goodnight")


def test_put_defaults(ts, sql):
    """D20: only `tree` is required; status open, reason/motd "", category other."""
    t = uniq("tree")
    r = ts.put("/trees/" + t, json={"tree": t}, as_="admin")
    assert_json(r, 201, {"tree": t, "status": "open", "reason": "", "message_of_the_day": "",
                         "category": "other"})
    assert ts.tree(t) == combined(t)
    assert sql("SELECT status, reason, message_of_the_day, category FROM releng_treestatus_trees "
               "WHERE tree = %s", t) == [("open", "", "", "other")]


@pytest.mark.parametrize("category", CATEGORIES)
def test_put_each_category(ts, category):
    t = uniq("tree")
    r = ts.put("/trees/" + t, json={"tree": t, "category": category, "status": "closed",
                                    "reason": "new tree", "message_of_the_day": ""}, as_="admin")
    assert_json(r, 201, {"tree": t, "status": "closed", "reason": "new tree", "message_of_the_day": "",
                         "category": category})
    assert ts.tree(t) == combined(t, status="closed", reason="new tree", category=category)
    assert ts.all_trees()[t]["category"] == category


@pytest.mark.parametrize("status", ["open", "closed", "approval required"])
def test_put_each_status(ts, status):
    t = uniq("tree")
    ts.create_tree(t, status=status)
    assert ts.tree(t)["status"] == status


def test_put_name_mismatch(ts, sql):
    """Catalogue 32."""
    t = uniq("wrongname")
    before = snapshot(sql)
    r = ts.put("/trees/" + t, json={"category": "other", "status": "open", "message_of_the_day": "",
                                    "tree": uniq("tree"), "reason": ""}, as_="admin")
    assert_problem(r, 400, "Tree names must match.")
    assert snapshot(sql) == before
    assert_problem(ts.get("/trees/" + t), 404, "No such tree")


def test_put_without_tree_in_body(ts, sql):
    t = uniq("tree")
    before = snapshot(sql)
    r = ts.put("/trees/" + t, json={"status": "open", "reason": "", "message_of_the_day": ""}, as_="admin")
    assert_problem(r, 400, "'tree' is a required property")
    assert snapshot(sql) == before


@pytest.mark.parametrize("field,value,detail", [
    ("status", "opened", "'opened' is not one of ['open', 'closed', 'approval required'] - 'status'"),
    ("status", "Open", "'Open' is not one of ['open', 'closed', 'approval required'] - 'status'"),
    ("category", "cheese", lambda d: "'cheese'" in d and "'category'" in d),
    ("category", "", lambda d: "'category'" in d),
])
def test_put_invalid_values(ts, sql, field, value, detail):
    """D4, D20: status and category are validated before any write."""
    t = uniq("tree")
    before = snapshot(sql)
    r = ts.put("/trees/" + t, json={"tree": t, field: value}, as_="admin")
    assert_problem(r, 400, detail)
    assert snapshot(sql) == before


def test_put_forbidden_for_sheriff(ts, sql):
    """Catalogue 34."""
    t = uniq("tree9")
    before = snapshot(sql)
    r = ts.put("/trees/" + t, json={"tree": t, "status": "open", "reason": "", "message_of_the_day": ""},
               as_="sheriff")
    assert_problem(r, 403, None)
    assert snapshot(sql) == before


def test_delete_unknown_tree(ts, sql):
    """Catalogue 35."""
    before = snapshot(sql)
    assert_problem(ts.delete("/trees/" + uniq("unknowntree"), as_="admin"), 404, "No such tree")
    assert_problem(ts.delete("/trees/99999", as_="admin"), 404, "No such tree")
    assert snapshot(sql) == before


def test_delete_known_tree(ts):
    """Catalogue 36 (LA-T test_api_delete_trees_known)."""
    t = uniq("mozilla-central")
    ts.create_tree(t)
    assert ts.tree(t) == combined(t)
    assert_json(ts.delete("/trees/" + t, as_="admin"), 200, {"removed": t})
    assert_problem(ts.get("/trees/" + t), 404, "No such tree")
    assert_problem(ts.get("/v0/trees/" + t), 404, "No such tree")
    assert_problem(ts.get("/trees/%s/logs" % t), 404, "Could not find the requested tree %s." % t)
    assert t not in ts.all_trees()
    assert t not in [x["tree"] for x in ts.get("/trees2").json()["result"]]
    assert_problem(ts.delete("/trees/" + t, as_="admin"), 404, "No such tree")


def test_delete_removes_logs_and_stack_rows(ts, sql):
    """Catalogue 37 (RA-T test_delete_tree) and D15."""
    s = ra_stack_seed(ts)
    t0, t1, t2, a, b = s["t0"], s["t1"], s["t2"], s["A"], s["B"]
    ts.update([t1], status="closed", reason="extra", tags=["x"])
    assert ts.tree(t1)["reason"] == "extra"
    assert_json(ts.delete("/trees/" + t1, as_="admin"), 200, {"removed": t1})
    assert_problem(ts.get("/trees/" + t1), 404, "No such tree")
    assert count_logs(sql, t1) == 0
    assert sql("SELECT count(*) FROM releng_treestatus_change_trees WHERE tree = %s", t1) == [("0",)]
    a1 = dict(a, trees=[x for x in a["trees"] if x["tree"] != t1])
    b1 = dict(b, trees=[x for x in b["trees"] if x["tree"] != t1])
    assert ts.stack_for([t0, t1, t2]) == [b1, a1]
    # the other trees are untouched
    assert (ts.tree(t0)["reason"], ts.tree(t2)["reason"]) == ("bug 123", "bug 456")
    # deleting t0 empties change A: it must not be served with "trees": []
    assert_json(ts.delete("/trees/" + t0, as_="admin"), 200, {"removed": t0})
    stack = ts.stack()
    assert [e for e in stack if e["id"] == a["id"]] == []
    assert [e for e in stack if e["trees"] == []] == []
    assert ts.stack_for([t0, t1, t2]) == [b1]


def test_recreated_tree_starts_clean(ts):
    """D15: a tree deleted and created again does not inherit old logs (log_id null)."""
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], status="closed", reason="bustage", tags=["x"], remember=True)
    ts.delete("/trees/" + t, as_="admin")
    ts.create_tree(t, reason="fresh")
    assert ts.tree(t) == combined(t, reason="fresh")
    assert ts.logs(t) == []
    assert ts.stack_for([t]) == []


def test_delete_forbidden_for_sheriff(ts, sql):
    """Catalogue 38."""
    t = uniq("tree1")
    ts.create_tree(t)
    before = snapshot(sql)
    assert_problem(ts.delete("/trees/" + t, as_="sheriff"), 403, None)
    assert_problem(ts.delete("/trees2", json={"trees": [t]}, as_="sheriff"), 403, None)
    assert snapshot(sql) == before


def test_delete_trees2(ts, sql):
    """D7/D14: DELETE /trees2 removes several trees (with their logs) in one request."""
    u = uniq("x").split("-")[1]
    a, b, c = "a-" + u, "b-" + u, "c-" + u
    for t in (a, b, c):
        ts.create_tree(t)
    ts.update([a, b], status="closed", reason="r", tags=["x"], remember=True)
    r = ts.delete("/trees2", json={"trees": [b, a]}, as_="admin")
    body = assert_json(r, 200)
    assert list(body) == ["removed"] and sorted(body["removed"]) == sorted([a, b])
    trees = ts.all_trees()
    assert a not in trees and b not in trees and c in trees
    for t in (a, b):
        assert_problem(ts.get("/trees/" + t), 404, "No such tree")
        assert count_logs(sql, t) == 0
    assert ts.stack_for([a, b]) == []


def test_delete_trees2_is_atomic(ts, sql):
    """D14: an unknown name -> 404 and nothing deleted."""
    t = uniq("tree")
    ts.create_tree(t)
    before = snapshot(sql)
    assert_problem(ts.delete("/trees2", json={"trees": [t, uniq("unknown")]}, as_="admin"), 404, None)
    assert snapshot(sql) == before
    assert ts.tree(t) == combined(t)
    assert_problem(ts.delete("/trees2", json={"trees": []}, as_="admin"), 400, "trees must not be empty")
    assert snapshot(sql) == before


def test_64_character_name_is_accepted(ts):
    t = uniq("x") + "-" + "n" * 51
    assert len(t) == 64
    ts.create_tree(t)
    assert ts.tree(t) == combined(t)
    assert_json(ts.delete("/trees/" + t, as_="admin"), 200, {"removed": t})


def test_concurrent_creation_of_one_name(ts, ts_url, sql):
    """Racing PUTs of one new name: exactly one 201, the others "Tree already exists." (a
    unique violation must not become a 500)."""
    t = uniq("race")

    def put(i):
        return Client(ts_url, keepalive=False).put(
            "/trees/" + t, json={"tree": t, "reason": "r%d" % i}, as_="admin")

    results = run_threads(8, put)
    codes = []
    for res in results:
        assert not isinstance(res, BaseException), repr(res)
        codes.append(res.status_code)
        if res.status_code != 201:
            assert_problem(res, 400, "Tree already exists.")
    assert codes.count(201) == 1, codes
    assert sql("SELECT count(*) FROM releng_treestatus_trees WHERE tree = %s", t) == [("1",)]


def test_concurrent_deletion_of_one_tree(ts, ts_url, sql):
    t = uniq("race")
    ts.create_tree(t)
    ts.update([t], status="closed", reason="r", tags=["x"], remember=True)

    def delete(i):
        c = Client(ts_url, keepalive=False)
        if i % 2:
            return c.delete("/trees/" + t, as_="admin")
        return c.delete("/trees2", json={"trees": [t]}, as_="admin")

    results = run_threads(8, delete)
    codes = []
    for res in results:
        assert not isinstance(res, BaseException), repr(res)
        codes.append(res.status_code)
        if res.status_code != 200:
            assert_problem(res, 404, None)
    assert codes.count(200) == 1, codes
    assert count_logs(sql, t) == 0
    assert ts.stack_for([t]) == []


def test_recreated_tree_is_not_touched_by_an_old_change(ts, sql):
    """D15: the change-tree rows go with the deleted tree, so restoring an old change never
    reverts a new tree that happens to have the same name."""
    t = uniq("phoenix")
    ts.create_tree(t, reason="first life")
    ts.update([t], status="closed", reason="bustage", tags=["x"], remember=True)
    (e,) = ts.stack_for([t])
    ts.delete("/trees/" + t, as_="admin")
    ts.create_tree(t, status="approval required", reason="second life")
    r = ts.delete("/stack/%d?revert=1" % e["id"], as_="sheriff")
    assert r.status_code in (200, 404), describe(r)
    assert ts.tree(t) == combined(t, status="approval required", reason="second life")
    assert count_logs(sql, t) == 0


def test_names_with_special_characters_round_trip(ts, sql):
    """Quotes, backslashes, %, ?, #, spaces, control and non-ASCII characters in a name are
    decoded from the path once, stored as sent and escaped in every JSON document."""
    check = SoftChecks()
    for raw in ['a"b\\c', "a%b", "a?b", "a#b", "a b", "a\nb", "a\u2028b", "\u00e9\u6f22", "..x"]:
        t = raw + uniq("")

        def one():
            path = "/trees/" + quote(t, safe="")
            assert_json(ts.put(path, json={"tree": t}, as_="admin"), 201)
            assert ts.get(path).json() == {"result": combined(t)}
            ts.update([t], status="closed", reason="r", tags=["x"], remember=True)
            assert ts.all_trees()[t]["reason"] == "r"
            assert [x["tree"] for x in ts.logs(t)] == [t]
            assert [x["tree"] for x in ts.stack_for([t])[0]["trees"]] == [t]
            assert_problem(ts.patch("/trees", json={"trees": [t + "!"]}, as_="admin"), 404,
                           "Could not fetch the following trees: %s!" % t)
            assert_json(ts.delete(path, as_="admin"), 200, {"removed": t})
            assert sql("SELECT count(*) FROM releng_treestatus_trees WHERE tree = %s", t) == [("0",)]
        check(repr(raw), one)
    check.done()
