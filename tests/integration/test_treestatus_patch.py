"""TreeStatus PATCH /trees (spec 2.8, 3.1, 3.2; catalogue 19-29, 56-61; D3, D5, D6, D7, D16, D17).

Writes are signed as test/sheriff unless said otherwise; `who` in logs and stack entries is the
Hawk client id. Rejected requests must leave the four tables unchanged (snapshot ==).
"""

from datetime import datetime, timezone

import pytest

pytest.register_assert_rewrite("ts_client")
from ts_client import (WHEN_RE, Client, assert_json, assert_problem, combined, count_logs, describe,
                       last_state, log_rows, ra_stack_seed, run_threads, snapshot, two_trees,
                       uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture

TAGS_REQUIRED = "Tags are required when closing a tree."
REMEMBER_REQUIRED = "Must specify status, reason and tags to remember the change."


# ---------------------------------------------------------------- 19-22: refusals

def test_unknown_trees_are_404_and_nothing_written(ts, sql):
    """Catalogue 19: unknown names are listed in request order, only the missing ones."""
    mc, al = two_trees(ts)
    bad1, bad2 = uniq("badtree"), uniq("another")
    before = snapshot(sql)
    r = ts.patch("/trees", json={"trees": [bad1]}, as_="sheriff")
    assert_problem(r, 404, "Could not fetch the following trees: %s" % bad1)
    r = ts.patch("/trees", json={"trees": [mc, bad1, al, bad2], "status": "open", "reason": "because",
                                 "message_of_the_day": "x"}, as_="sheriff")
    assert_problem(r, 404, "Could not fetch the following trees: %s, %s" % (bad1, bad2))
    assert snapshot(sql) == before
    assert ts.tree(mc) == combined(mc)


@pytest.mark.parametrize("extra", [{}, {"reason": "bomb damage"}, {"tags": []},
                                   {"tags": [], "reason": "bomb damage", "remember": True}])
def test_closing_requires_tags(ts, sql, extra):
    """Catalogue 20, 21 and D5: absent or empty tags when closing -> 400."""
    mc, al = two_trees(ts)
    before = snapshot(sql)
    r = ts.patch("/trees", json=dict(extra, status="closed", trees=[al, mc]), as_="sheriff")
    assert_problem(r, 400, TAGS_REQUIRED)
    assert snapshot(sql) == before


@pytest.mark.parametrize("body", [
    {"reason": "somereason", "tags": ["sometag1", "sometag2"]},           # no status
    {"status": "open", "tags": ["sometag1", "sometag2"]},                 # no reason
    {"reason": "somereason", "status": "open"},                          # no tags
    {"reason": "all klear"},                                             # RA: status required
    {"status": "open"},                                                  # RA: reason required
    {"status": None, "reason": "r", "tags": ["t"]},                       # null counts as missing
    {"status": "open", "reason": None, "tags": ["t"]},
    {"status": "open", "reason": "r", "tags": None},
])
def test_remember_requires_status_reason_and_tags(ts, sql, body):
    """Catalogue 22 and D6."""
    mc, al = two_trees(ts)
    before = snapshot(sql)
    r = ts.patch("/trees", json=dict(body, remember=True, trees=[al, mc]), as_="sheriff")
    assert_problem(r, 400, REMEMBER_REQUIRED)
    assert snapshot(sql) == before


def test_check_order_existence_tags_remember_status(ts, sql):
    """D6: existence (404) -> tags (400) -> remember (400) -> status value (400)."""
    mc, _ = two_trees(ts)
    bad = uniq("nosuch")
    before = snapshot(sql)
    assert_problem(ts.patch("/trees", json={"trees": [mc, bad], "status": "closed", "remember": True},
                            as_="sheriff"), 404, "Could not fetch the following trees: " + bad)
    assert_problem(ts.patch("/trees", json={"trees": [mc], "status": "closed", "remember": True},
                            as_="sheriff"), 400, TAGS_REQUIRED)
    assert_problem(ts.patch("/trees", json={"trees": [mc], "status": "opened", "remember": True,
                                            "tags": ["x"]}, as_="sheriff"), 400, REMEMBER_REQUIRED)
    assert_problem(ts.patch("/trees", json={"trees": [mc], "status": "opened"}, as_="sheriff"), 400,
                   "'opened' is not one of ['open', 'closed', 'approval required'] - 'status'")
    assert snapshot(sql) == before


def test_empty_trees_list_is_400(ts, sql):
    """Catalogue 57 and D17."""
    before = snapshot(sql)
    assert_problem(ts.patch("/trees", json={"trees": [], "status": "open", "reason": "x"}, as_="sheriff"),
                   400, "trees must not be empty")
    assert snapshot(sql) == before


# ---------------------------------------------------------------- 23-24: success, remember or not

def test_patch_remember_success(ts, sql):
    """Catalogue 23 (LA-T test_api_patch_trees_success_remember) with the LA/D7 response body."""
    mc, al = two_trees(ts)
    r = ts.patch("/trees", json={"remember": True, "reason": "somereason", "status": "closed",
                                 "tags": ["sometag1", "sometag2"], "trees": [al, mc]}, as_="sheriff")
    assert_json(r, 200, [
        {"tree": mc, "status": "closed", "reason": "somereason", "message_of_the_day": None},
        {"tree": al, "status": "closed", "reason": "somereason", "message_of_the_day": None}])
    trees = ts.all_trees()
    for t in (mc, al):
        log = ts.logs(t)
        assert len(log) == 1
        assert trees[t] == combined(t, status="closed", reason="somereason",
                                    tags=["sometag1", "sometag2"], log_id=log[0]["id"])
        assert ts.tree(t) == trees[t]
    entries = ts.stack_for([mc, al])
    assert len(entries) == 1
    e = entries[0]
    assert (e["reason"], e["status"], e["who"]) == ("somereason", "closed", "test/sheriff")
    assert [t["tree"] for t in e["trees"]] == [mc, al]
    for t in e["trees"]:
        assert t["last_state"] == last_state("open", "", [], None, "closed", "somereason",
                                             ["sometag1", "sometag2"], ts.logs(t["tree"])[0]["id"])


def test_patch_without_remember_leaves_no_stack_entry(ts, sql):
    """Catalogue 24."""
    mc, al = two_trees(ts)
    n_changes = sql("SELECT count(*) FROM releng_treestatus_changes")
    for remember in (None, False):
        body = {"reason": "somereason", "status": "closed", "tags": ["t"], "trees": [mc, al]}
        if remember is not None:
            body["remember"] = remember
        r = ts.patch("/trees", json=body, as_="sheriff")
        assert_json(r, 200)
    trees = ts.all_trees()
    for t in (mc, al):
        assert (trees[t]["status"], trees[t]["reason"]) == ("closed", "somereason")
        assert len(ts.logs(t)) == 2
    assert ts.stack_for([mc, al]) == []
    assert sql("SELECT count(*) FROM releng_treestatus_changes") == n_changes


# ---------------------------------------------------------------- 25-27, 58-61: partial updates (D3)

def test_status_only_logs_the_current_reason(ts, sql):
    """Catalogue 25 with D3: the log gets the tree's current reason, never "no change"."""
    t = uniq("tree1")
    ts.create_tree(t, status="closed", reason="because", motd="enjoy troy")
    r = ts.patch("/trees", json={"trees": [t], "status": "approval required"}, as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "approval required", "reason": None,
                          "message_of_the_day": None}])
    rows = log_rows(sql, t)
    assert [(s, rs, tg, who) for _, s, rs, tg, who in rows] == [
        ("approval required", "because", [], "test/sheriff")]
    assert ts.tree(t) == combined(t, status="approval required", reason="because", motd="enjoy troy",
                                  log_id=rows[0][0])


def test_reason_only_keeps_the_status(ts, sql):
    """Catalogue 26 and 60 with D3."""
    t = uniq("tree1")
    ts.create_tree(t, status="closed", reason="because", motd="enjoy troy")
    r = ts.patch("/trees", json={"trees": [t], "reason": "slow mac builds"}, as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "closed", "reason": "slow mac builds",
                          "message_of_the_day": None}])
    rows = log_rows(sql, t)
    assert [(s, rs, tg) for _, s, rs, tg, _ in rows] == [("closed", "slow mac builds", [])]
    assert ts.tree(t) == combined(t, status="closed", reason="slow mac builds", motd="enjoy troy",
                                  log_id=rows[0][0])


def test_motd_only_is_not_logged(ts, sql):
    """Catalogue 27 and 58: MOTD-only updates change the MOTD, write no log and no stack entry;
    "" clears it."""
    t = uniq("tree1")
    ts.create_tree(t, status="closed", reason="because", motd="enjoy troy")
    ts.update([t], status="closed", reason="because", tags=["x"])
    log_id = ts.tree(t)["log_id"]
    n_changes = sql("SELECT count(*) FROM releng_treestatus_changes")
    r = ts.patch("/trees", json={"trees": [t], "message_of_the_day": "if it don't fit force it"},
                 as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "closed", "reason": None,
                          "message_of_the_day": "if it don't fit force it"}])
    assert ts.tree(t) == combined(t, status="closed", reason="because", tags=["x"], log_id=log_id,
                                  motd="if it don't fit force it")
    assert count_logs(sql, t) == 1
    ts.update([t], message_of_the_day="")
    assert ts.tree(t)["message_of_the_day"] == ""
    assert count_logs(sql, t) == 1
    assert sql("SELECT count(*) FROM releng_treestatus_changes") == n_changes
    assert sql("SELECT message_of_the_day FROM releng_treestatus_trees WHERE tree = %s", t) == [("",)]


def test_closing_without_reason_logs_the_current_reason(ts, sql):
    """D5: closing needs tags, not a reason; D3: the log gets the tree's reason."""
    t = uniq("tree")
    ts.create_tree(t, reason="all good")
    r = ts.patch("/trees", json={"trees": [t], "status": "closed", "tags": ["infra"]}, as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "closed", "reason": None, "message_of_the_day": None}])
    rows = log_rows(sql, t)
    assert [(s, rs, tg) for _, s, rs, tg, _ in rows] == [("closed", "all good", ["infra"])]
    assert ts.tree(t) == combined(t, status="closed", reason="all good", tags=["infra"], log_id=rows[0][0])


def test_empty_string_tag_when_not_closing(ts):
    """The RS/SA UI sends tags [""] for a non-closing update: accepted and stored as sent."""
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], status="approval required", reason="merge day", tags=[""])
    got = ts.tree(t)
    assert (got["status"], got["reason"], got["tags"]) == ("approval required", "merge day", [""])
    assert ts.logs(t)[0]["tags"] == [""]


def test_tags_only_is_not_logged(ts, sql):
    """Catalogue 59."""
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], status="closed", reason="bustage", tags=["infra"])
    before = ts.tree(t)
    r = ts.patch("/trees", json={"trees": [t], "tags": ["other"]}, as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "closed", "reason": None, "message_of_the_day": None}])
    assert ts.tree(t) == before
    assert count_logs(sql, t) == 1


def test_same_status_twice_logs_twice(ts, sql):
    """Catalogue 61: every update with a status or reason is logged, changed or not."""
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], status="open", reason="same")
    ts.update([t], status="open", reason="same")
    rows = log_rows(sql, t)
    assert [(s, rs) for _, s, rs, _, _ in rows] == [("open", "same"), ("open", "same")]
    assert ts.tree(t)["log_id"] == rows[1][0]


def test_status_change_without_tags_clears_tags(ts):
    """Tags live on log rows only: a later update without tags shows []."""
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], status="closed", reason="bustage", tags=["infra"])
    ts.update([t], status="open", reason="fixed")
    got = ts.tree(t)
    assert (got["status"], got["reason"], got["tags"]) == ("open", "fixed", [])


def test_tree_row_is_kept_in_sync(ts, sql):
    """D2: the tree row's status/reason follow every write (so row and latest log agree)."""
    t = uniq("tree")
    ts.create_tree(t)
    ts.update([t], status="closed", reason="bustage", tags=["infra"], message_of_the_day="m")
    assert sql("SELECT status, reason, message_of_the_day FROM releng_treestatus_trees WHERE tree = %s",
               t) == [("closed", "bustage", "m")]
    ts.update([t], status="approval required")
    assert sql("SELECT status, reason FROM releng_treestatus_trees WHERE tree = %s", t) == [
        ("approval required", "bustage")]


def test_all_statuses_are_accepted(ts):
    t = uniq("tree")
    ts.create_tree(t)
    for status in ("closed", "approval required", "open"):
        body = {"status": status, "reason": status}
        if status == "closed":
            body["tags"] = ["checkin_test"]
        ts.update([t], **body)
        assert ts.tree(t)["status"] == status


def test_duplicate_names_are_deduplicated(ts, sql):
    """Catalogue 56 and D17."""
    t = uniq("a")
    ts.create_tree(t)
    r = ts.patch("/trees", json={"trees": [t, t], "status": "closed", "reason": "dup", "tags": ["x"],
                                 "remember": True}, as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "closed", "reason": "dup", "message_of_the_day": None}])
    assert count_logs(sql, t) == 1
    entries = ts.stack_for([t])
    assert len(entries) == 1 and [x["tree"] for x in entries[0]["trees"]] == [t]


def test_unknown_body_keys_are_ignored(ts):
    """D28."""
    t = uniq("tree")
    ts.create_tree(t)
    r = ts.patch("/trees", json={"trees": [t], "status": "open", "reason": "r", "foo": {"bar": [1]},
                                 "who": "someone-else"}, as_="sheriff")
    assert_json(r, 200, [{"tree": t, "status": "open", "reason": "r", "message_of_the_day": None}])
    assert ts.logs(t)[0]["who"] == "test/sheriff"


def test_json_content_type_with_charset_is_accepted(ts):
    t = uniq("tree")
    ts.create_tree(t)
    r = ts.patch("/trees", data='{"trees": ["%s"], "reason": "caf\u00e9"}' % t,
                 headers={"Content-Type": "application/json; charset=utf-8"}, as_="sheriff")
    assert r.status_code == 200, describe(r)
    assert ts.tree(t)["reason"] == "caf\u00e9"


def test_multi_tree_update_is_one_transaction(ts, sql):
    """D27: all trees or none. A PATCH naming a tree deleted by another client at the same time
    cannot be staged here, so check the visible half: every tree of one request shares the
    request's outcome and gets exactly one log row."""
    u = uniq("x").split("-")[1]
    names = ["m%d-%s" % (i, u) for i in range(5)]
    for n in names:
        ts.create_tree(n)
    r = ts.patch("/trees", json={"trees": names, "status": "closed", "reason": "all", "tags": ["x"]},
                 as_="sheriff")
    assert [x["tree"] for x in assert_json(r, 200)] == sorted(names, reverse=True)
    for n in names:
        assert count_logs(sql, n) == 1
    before = snapshot(sql)
    r = ts.patch("/trees", json={"trees": names + [uniq("gone")], "status": "open", "reason": "none"},
                 as_="sheriff")
    assert r.status_code == 404
    assert snapshot(sql) == before


# ---------------------------------------------------------------- 28-29: with an existing stack

def test_no_remember_leaves_the_stack_alone(ts):
    """Catalogue 28 (RA-T test_patch_trees_no_remember)."""
    s = ra_stack_seed(ts)
    t0, t1, t2 = s["t0"], s["t1"], s["t2"]
    r = ts.patch("/trees", json={"trees": [t1, t0], "status": "open", "reason": "fire extinguished",
                                 "tags": [], "remember": False}, as_="sheriff")
    assert_json(r, 200, [
        {"tree": t1, "status": "open", "reason": "fire extinguished", "message_of_the_day": None},
        {"tree": t0, "status": "open", "reason": "fire extinguished", "message_of_the_day": None}])
    trees = ts.all_trees()
    assert [(trees[t]["status"], trees[t]["reason"]) for t in (t0, t1, t2)] == [
        ("open", "fire extinguished"), ("open", "fire extinguished"), ("closed", "bug 456")]
    assert ts.stack_for([t0, t1, t2]) == [s["B"], s["A"]]
    for t in (t0, t1):
        log = ts.logs(t)[0]
        assert (log["status"], log["reason"], log["tags"], log["who"]) == (
            "open", "fire extinguished", [], "test/sheriff")


def test_remember_with_an_existing_stack(ts):
    """Catalogue 29 (RA-T test_patch_trees_remember): a third entry with the pre-update state."""
    s = ra_stack_seed(ts)
    t0, t1, t2 = s["t0"], s["t1"], s["t2"]
    old = {t: s["logs"][t][0] for t in (t0, t1)}
    ts.update([t1, t0], status="closed", reason="bomb damage", tags=["c4"], remember=True)
    trees = ts.all_trees()
    assert [(trees[t]["status"], trees[t]["reason"]) for t in (t0, t1, t2)] == [
        ("closed", "bomb damage"), ("closed", "bomb damage"), ("closed", "bug 456")]
    entries = ts.stack_for([t0, t1, t2])
    assert entries[1:] == [s["B"], s["A"]]
    c = entries[0]
    assert c["id"] > s["B"]["id"]
    new = {t: ts.logs(t)[0] for t in (t0, t1)}
    for t in (t0, t1):
        assert (new[t]["status"], new[t]["reason"], new[t]["tags"]) == ("closed", "bomb damage", ["c4"])
    assert {k: c[k] for k in ("who", "reason", "status")} == {
        "who": "test/sheriff", "reason": "bomb damage", "status": "closed"}
    assert [x["tree"] for x in c["trees"]] == [t1, t0]
    assert c["trees"][0]["last_state"] == last_state(
        "closed", "bug 456", ["b"], old[t1]["id"], "closed", "bomb damage", ["c4"], new[t1]["id"])
    assert c["trees"][1]["last_state"] == last_state(
        "closed", "bug 123", ["a"], old[t0]["id"], "closed", "bomb damage", ["c4"], new[t0]["id"])


# ---------------------------------------------------------------- concurrency

def test_concurrent_patches_to_one_tree_are_each_logged_once(ts, sql, ts_url):
    """Reliability: N writers on one tree -> exactly N log rows and N stack entries, each
    stack entry pointing at its own log row; the displayed state is the newest log."""
    n = 16
    t = uniq("busy")
    ts.create_tree(t)

    def write(i):
        c = Client(ts_url, keepalive=False)
        status = "closed" if i % 2 else "open"
        return c.patch("/trees", json={"trees": [t], "status": status, "reason": "r%d" % i,
                                       "tags": ["t%d" % i], "remember": True}, as_="sheriff")

    results = run_threads(n, write)
    for res in results:
        assert not isinstance(res, BaseException), repr(res)
        assert res.status_code == 200, describe(res)
    rows = log_rows(sql, t)
    assert sorted(rs for _, _, rs, _, _ in rows) == sorted("r%d" % i for i in range(n))
    assert len(rows) == n
    by_reason = {rs: (i, st, tg) for i, st, rs, tg, _ in rows}
    entries = ts.stack_for([t])
    assert len(entries) == n
    assert len({e["trees"][0]["last_state"]["current_log_id"] for e in entries}) == n
    for e in entries:
        ls = e["trees"][0]["last_state"]
        log_id, status, tags = by_reason[e["reason"]]
        assert (ls["current_log_id"], ls["current_status"], ls["current_reason"], ls["current_tags"]) == (
            log_id, status, e["reason"], tags)
    logs = ts.logs(t)
    assert len(logs) == n
    got = ts.tree(t)
    assert (got["log_id"], got["reason"], got["status"]) == (
        logs[0]["id"], logs[0]["reason"], logs[0]["status"])


def test_concurrent_multi_tree_updates_in_any_order(ts, sql, ts_url):
    """Writers naming the same trees in different orders neither deadlock nor fail; each tree
    gets one log row per request."""
    u = uniq("x").split("-")[1]
    names = ["d%d-%s" % (i, u) for i in range(5)]
    for n in names:
        ts.create_tree(n)
    n_threads = 8

    def write(i):
        order = names[i % 5:] + names[:i % 5]
        if i % 2:
            order.reverse()
        return Client(ts_url, keepalive=False).patch(
            "/trees", json={"trees": order, "status": "closed", "reason": "r%d" % i, "tags": ["x"],
                            "remember": True}, as_="sheriff")

    results = run_threads(n_threads, write)
    for res in results:
        assert not isinstance(res, BaseException), repr(res)
        assert res.status_code == 200, describe(res)
        assert [x["tree"] for x in res.json()] == sorted(names, reverse=True)
    for n in names:
        assert count_logs(sql, n) == n_threads
    entries = ts.stack_for(names)
    assert len(entries) == n_threads
    for e in entries:
        assert [x["tree"] for x in e["trees"]] == sorted(names, reverse=True)


def test_patch_racing_a_delete_is_never_a_server_error(ts, ts_url, sql):
    """A PATCH of a tree being deleted at the same time: 200 or 404, never a 5xx, and no log
    row survives the tree."""
    for round_ in range(3):
        t = uniq("doomed")
        ts.create_tree(t)

        def act(i):
            c = Client(ts_url, keepalive=False)
            if i == 0:
                return c.delete("/trees/" + t, as_="admin")
            return c.patch("/trees", json={"trees": [t], "status": "open", "reason": "r%d" % i},
                           as_="sheriff")

        results = run_threads(6, act)
        for res in results:
            assert not isinstance(res, BaseException), repr(res)
            assert res.status_code in (200, 404), describe(res)
        assert results[0].status_code == 200, describe(results[0])
        assert count_logs(sql, t) == 0, "log rows of a deleted tree"


def test_when_is_utc_whatever_the_session_time_zone(ts, sql, env, httpd_control):
    """`when` is UTC (D18) even when the database's sessions run in another time zone."""
    db = env["db"]
    sql("ALTER DATABASE %s SET timezone = 'America/New_York'" % db)
    try:
        httpd_control.restart()               # new pooled connections pick the setting up
        t = uniq("tz")
        ts.create_tree(t)
        ts.update([t], status="closed", reason="tz", tags=["x"], remember=True)
        now = datetime.now(timezone.utc)
        log = ts.logs(t)[0]
        (entry,) = ts.stack_for([t])
        for when in (log["when"], entry["when"]):
            assert WHEN_RE.match(when), when
            assert abs((datetime.fromisoformat(when) - now).total_seconds()) < 120, (when, now.isoformat())
    finally:
        sql("ALTER DATABASE %s RESET timezone" % db)
        httpd_control.restart()
