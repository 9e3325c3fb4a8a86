"""TreeStatus bad input of every kind (DESIGN "Reliability", D4, D17, D28): a 4xx problem,
never a 500, and nothing written (snapshot of the four tables before == after; tests of one
kind are grouped so that each test takes one snapshot and reports every failing request).

Requests are signed as test/admin (every scope), so what is refused is the input, not the caller.
"""

from urllib.parse import quote

import pytest

import hawk
pytest.register_assert_rewrite("ts_client")
from ts_client import (CLIENTS, DEFAULT_404, Client, DbGuard, SoftChecks, assert_problem, describe,
                       uniq)

pytest_plugins = ["ts_client"]   # the `ts` fixture

NOT_JSON = "Request body is not valid JSON"
MAX_BODY = 1048576


@pytest.fixture(scope="module")
def target(ts_url):
    """An existing tree, one remembered change and its log (never modified by these tests)."""
    c = Client(ts_url)
    t = uniq("target")
    c.create_tree(t)
    c.update([t], remember=True, status="closed", reason="r", tags=["x"])
    (e,) = c.stack_for([t])
    c.close()
    return {"tree": t, "change": e["id"], "log": e["trees"][0]["last_state"]["current_log_id"]}


@pytest.fixture(scope="module")
def guard(sql, target):
    """Database snapshots: each test ends with guard.check() (nothing written since the
    previous check); tests that write on purpose end with guard.rebase()."""
    return DbGuard(sql)


# (name, method, path(target, new_name))
BODY_ENDPOINTS = [
    ("patch-trees", "PATCH", lambda g, n: "/trees"),
    ("put-tree", "PUT", lambda g, n: "/trees/" + n),
    ("delete-trees2", "DELETE", lambda g, n: "/trees2"),
    ("patch-stack", "PATCH", lambda g, n: "/stack/%d" % g["change"]),
    ("patch-log", "PATCH", lambda g, n: "/log/%d" % g["log"]),
]


def _is_not_object(d):
    return d.endswith(" is not of type 'object'")


MALFORMED = [
    ("truncated", b'{"trees": [', NOT_JSON),
    ("trailing garbage", b'{"trees": []} x', NOT_JSON),
    ("single quotes", b"{'trees': []}", NOT_JSON),
    ("empty", b"", NOT_JSON),
    ("whitespace", b"  \n", NOT_JSON),
    ("duplicate keys", b'{"trees": ["a"], "trees": ["b"]}', NOT_JSON + ": duplicate object key"),
    ("duplicate nested keys", b'{"trees": ["a"], "x": {"k": 1, "k": 2}}', NOT_JSON + ": duplicate object key"),
    ("invalid utf-8", b'{"trees": ["\xff\xfe"], "reason": "\xc3"}', NOT_JSON),
    ("nul escape", b'{"trees": ["a"], "reason": "a\\u0000b", "tree": "a\\u0000b"}', NOT_JSON),
    ("lone surrogate", b'{"trees": ["a"], "reason": "\\ud800"}', NOT_JSON),
    ("number overflow", b'{"trees": ["a"], "reason": "x", "n": 1e999}', NOT_JSON),
    ("deep nesting", b"[" * 100000, NOT_JSON),
    ("array", b"[1, 2]", _is_not_object),
    ("string", b'"trees"', "'trees' is not of type 'object'"),
    ("null", b"null", "None is not of type 'object'"),
    ("number", b"42", "42 is not of type 'object'"),
]


@pytest.mark.parametrize("case", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_body(ts, guard, target, case):
    """Every endpoint with a body refuses it the same way."""
    _, body, detail = case
    check = SoftChecks()
    for name, method, path in BODY_ENDPOINTS:
        check(name, lambda: assert_problem(
            ts.request(method, path(target, uniq("new")), data=body,
                       headers={"Content-Type": "application/json"}, as_="admin"), 400, detail))
    check("database", guard.check)
    check.done()


CONTENT_TYPES = [
    ("text/plain", "text/plain"),
    ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
    ("multipart/form-data; boundary=x", "multipart/form-data; boundary=x"),
    ("application/jsonp", "application/jsonp"),
    (None, ""),
]


@pytest.mark.parametrize("ctype,shown", CONTENT_TYPES, ids=[c[1] or "none" for c in CONTENT_TYPES])
def test_wrong_content_type(ts, guard, target, ctype, shown):
    check = SoftChecks()
    for name, method, path in BODY_ENDPOINTS:
        new = uniq("new")
        body = ('{"trees": ["%s"], "tree": "%s", "reason": "x"}' % (target["tree"], new)).encode()
        headers = {"Content-Type": ctype} if ctype else {}
        check(name, lambda: assert_problem(
            ts.request(method, path(target, new), data=body, headers=headers, as_="admin"),
            415, "Invalid Content-type (%s), expected JSON data" % shown))
    check("database", guard.check)
    check.done()


def _padded(target, size):
    """A valid JSON object of exactly SIZE bytes naming the target tree."""
    head = '{"trees": ["%s"], "tree": "x", "pad": "' % target["tree"]
    tail = '"}'
    return (head + "p" * (size - len(head) - len(tail)) + tail).encode()


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS, ids=[e[0] for e in BODY_ENDPOINTS])
def test_oversize_body(ts, guard, target, endpoint):
    """> 1 MiB -> 413, whether announced by Content-Length or streamed chunked."""
    _, method, path = endpoint
    body = _padded(target, MAX_BODY + 1)
    url_path = path(target, uniq("new"))
    check = SoftChecks()

    def with_length():
        r = ts.request(method, url_path, data=body, headers={"Content-Type": "application/json"},
                       as_="admin", fresh=True)
        assert_problem(r, 413, "Request body is larger than %d bytes" % MAX_BODY)

    def chunked():
        cid, key = CLIENTS["admin"]
        auth = hawk.header(cid, key, method, ts.url(url_path), "application/json", body)

        def gen():
            for i in range(0, len(body), 65536):
                yield body[i:i + 65536]
        r = ts.request(method, url_path, data=gen(), headers={"Content-Type": "application/json"},
                       authorization=auth, fresh=True)
        assert "chunked" in (r.request.headers.get("Transfer-Encoding") or "")
        assert_problem(r, 413, "Request body is larger than %d bytes" % MAX_BODY)

    check("content-length", with_length)
    check("chunked", chunked)
    check("database", guard.check)
    check.done()


def test_body_of_exactly_the_limit_is_read(ts, guard, target):
    t = uniq("tree")
    ts.create_tree(t)
    body = _padded({"tree": t}, MAX_BODY)
    assert len(body) == MAX_BODY
    r = ts.request("PATCH", "/trees", data=body, headers={"Content-Type": "application/json"}, as_="admin")
    guard.rebase()
    assert r.status_code == 200, describe(r)


# ---------------------------------------------------------------- wrong JSON types

def _mentions(key):
    return lambda d: ("'%s'" % key) in d


def _any(d):
    return True


WRONG_TYPES = [
    # (id, endpoint name, body(target, name), detail)
    ("trees-string", "patch-trees", lambda g, n: {"trees": "abc"}, _mentions("trees")),
    ("trees-null", "patch-trees", lambda g, n: {"trees": None}, _mentions("trees")),
    ("trees-object", "patch-trees", lambda g, n: {"trees": {"a": 1}}, _mentions("trees")),
    ("trees-item-int", "patch-trees", lambda g, n: {"trees": [g["tree"], 1]}, _any),
    ("trees-item-null", "patch-trees", lambda g, n: {"trees": [None]}, _any),
    ("trees-missing", "patch-trees", lambda g, n: {"status": "open"}, "'trees' is a required property"),
    ("status-int", "patch-trees", lambda g, n: {"trees": [g["tree"]], "status": 5}, _mentions("status")),
    ("status-bool", "patch-trees", lambda g, n: {"trees": [g["tree"]], "status": True}, _mentions("status")),
    ("status-unknown", "patch-trees", lambda g, n: {"trees": [g["tree"]], "status": "opened"},
     "'opened' is not one of ['open', 'closed', 'approval required'] - 'status'"),
    ("status-empty", "patch-trees", lambda g, n: {"trees": [g["tree"]], "status": ""},
     "'' is not one of ['open', 'closed', 'approval required'] - 'status'"),
    ("status-no-change", "patch-trees", lambda g, n: {"trees": [g["tree"]], "status": "no change"},
     "'no change' is not one of ['open', 'closed', 'approval required'] - 'status'"),
    ("reason-list", "patch-trees", lambda g, n: {"trees": [g["tree"]], "reason": ["x"]}, _mentions("reason")),
    ("motd-int", "patch-trees", lambda g, n: {"trees": [g["tree"]], "message_of_the_day": 1},
     _mentions("message_of_the_day")),
    ("tags-string", "patch-trees", lambda g, n: {"trees": [g["tree"]], "reason": "x", "tags": "x"},
     _mentions("tags")),
    ("tags-item-int", "patch-trees", lambda g, n: {"trees": [g["tree"]], "reason": "x", "tags": [1]}, _any),
    ("remember-string", "patch-trees", lambda g, n: {"trees": [g["tree"]], "reason": "x", "remember": "yes"},
     _mentions("remember")),
    ("remember-int", "patch-trees", lambda g, n: {"trees": [g["tree"]], "reason": "x", "remember": 1},
     _mentions("remember")),
    ("tree-int", "put-tree", lambda g, n: {"tree": 5}, _mentions("tree")),
    ("put-status-int", "put-tree", lambda g, n: {"tree": n, "status": 1}, _mentions("status")),
    ("put-status-unknown", "put-tree", lambda g, n: {"tree": n, "status": "closed-ish"},
     "'closed-ish' is not one of ['open', 'closed', 'approval required'] - 'status'"),
    ("put-reason-null-list", "put-tree", lambda g, n: {"tree": n, "reason": [None]}, _mentions("reason")),
    ("put-motd-object", "put-tree", lambda g, n: {"tree": n, "message_of_the_day": {}},
     _mentions("message_of_the_day")),
    ("put-category-int", "put-tree", lambda g, n: {"tree": n, "category": 3}, _mentions("category")),
    ("put-category-unknown", "put-tree", lambda g, n: {"tree": n, "category": "Development"},
     _mentions("category")),
    ("trees2-string", "delete-trees2", lambda g, n: {"trees": g["tree"]}, _mentions("trees")),
    ("trees2-missing", "delete-trees2", lambda g, n: {}, "'trees' is a required property"),
    ("trees2-empty", "delete-trees2", lambda g, n: {"trees": []}, "trees must not be empty"),
    ("stack-reason-int", "patch-stack", lambda g, n: {"reason": 1}, _mentions("reason")),
    ("stack-tags-string", "patch-stack", lambda g, n: {"tags": "x"}, _mentions("tags")),
    ("stack-tags-item", "patch-stack", lambda g, n: {"tags": [{}]}, _any),
    ("log-reason-bool", "patch-log", lambda g, n: {"reason": False}, _mentions("reason")),
    ("log-tags-object", "patch-log", lambda g, n: {"tags": {"a": "b"}}, _mentions("tags")),
]
_EP = {e[0]: e for e in BODY_ENDPOINTS}


@pytest.mark.parametrize("case", WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_wrong_json_types(ts, guard, target, case):
    _, ep, body, detail = case
    _, method, path = _EP[ep]
    name = uniq("new")
    r = ts.request(method, path(target, name), json=body(target, name), as_="admin")
    try:
        assert_problem(r, 400, detail)
    finally:
        guard.check()


# ---------------------------------------------------------------- ids in the path

BAD_IDS = ["abc", "1.5", "-1", "0", "0x10", "1e3", "99999999999999999999", "2147483648",
           "%D9%A1", "1%20", "%201"]


ID_ENDPOINTS = [
    ("patch-stack", "PATCH", "/stack/%s", "The change stack does not exist."),
    ("delete-stack", "DELETE", "/stack/%s", "The change could not be found."),
    ("restore-stack", "DELETE", "/stack/%s?revert=1", "The change could not be found."),
    ("stack2-restore", "DELETE", "/stack2/restore/%s", "The change could not be found."),
    ("stack2-discard", "DELETE", "/stack2/discard/%s", "The change could not be found."),
    ("patch-log", "PATCH", "/log/%s", None),
]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_non_integer_or_out_of_range_ids(ts, guard, bad):
    """Never a 500: an id that cannot exist is a 404 (the route's default text or the
    endpoint's own "not found" text)."""
    check = SoftChecks()
    for name, method, template, specific in ID_ENDPOINTS:
        kw = {"json": {"reason": "x"}} if method == "PATCH" else {}

        def one():
            r = ts.request(method, template % bad, as_="admin", **kw)
            assert_problem(r, 404, lambda d: d == DEFAULT_404 or d == specific or (
                specific is None and d.startswith("The tree log does not exist for id ")))
        check(name, one)
    check("database", guard.check)
    check.done()


# ---------------------------------------------------------------- tree names

def test_over_long_tree_names(ts, guard):
    """Names longer than the 64-character column never reach a failing INSERT (no 500)."""
    n65 = uniq("x") + "-" + "n" * 52
    assert len(n65) == 65
    long = "l" * 300                   # longer than a file name may be
    huge = "h" * 5000
    check = SoftChecks()
    check("put 65", lambda: assert_problem(ts.put("/trees/" + n65, json={"tree": n65}, as_="admin"), 400, None))
    for name in (n65, long, huge):
        n = len(name)
        check("get %d" % n, lambda: assert_problem(ts.get("/trees/" + name), 404, "No such tree"))
        check("v0 %d" % n, lambda: assert_problem(ts.get("/v0/trees/" + name), 404, "No such tree"))
        check("logs %d" % n, lambda: assert_problem(ts.get("/trees/%s/logs" % name), 404,
                                                    "Could not find the requested tree %s." % name))
        check("delete %d" % n, lambda: assert_problem(ts.delete("/trees/" + name, as_="admin"), 404,
                                                      "No such tree"))
        check("patch %d" % n, lambda: assert_problem(
            ts.patch("/trees", json={"trees": [name], "status": "open"}, as_="admin"), 404,
            "Could not fetch the following trees: " + name))
    check("trees2", lambda: assert_problem(ts.delete("/trees2", json={"trees": [n65]}, as_="admin"), 404, None))
    check("database", guard.check)
    check.done()


def test_invalid_utf8_tree_name_in_path(ts, guard):
    """%FF is not UTF-8: it can name no tree (and must not reach PostgreSQL as text)."""
    check = SoftChecks()
    check("get", lambda: assert_problem(ts.get("/trees/%FFab"), 404, "No such tree"))
    check("v0", lambda: assert_problem(ts.get("/v0/trees/%FFab"), 404, "No such tree"))
    check("logs", lambda: assert_problem(ts.get("/trees/%FFab/logs"), 404,
                                         lambda d: d.startswith("Could not find the requested tree ")))
    check("delete", lambda: assert_problem(ts.delete("/trees/%FFab", as_="admin"), 404, "No such tree"))
    check("put", lambda: assert_problem(ts.put("/trees/%FFab", json={"tree": "\u00ffab"}, as_="admin"),
                                        400, None))
    check("database", guard.check)
    check.done()


def test_path_tricks_are_never_a_server_error(ts, guard):
    check = SoftChecks()
    for path in ("/trees/a%2Fb", "/trees/..%2F..%2Fetc%2Fpasswd", "/trees/%2e%2e", "/trees/a%00b",
                 "/trees/%", "/trees/a%zz", "/trees/a;b", "/trees/a?b=%ff"):
        for method in ("GET", "DELETE"):
            def one():
                r = ts.request(method, path, as_="admin" if method == "DELETE" else None)
                assert r.status_code in (400, 403, 404), describe(r)
            check("%s %s" % (method, path), one)
    check("database", guard.check)
    check.done()


def test_put_name_with_spaces_and_unicode_round_trips(ts, guard):
    name = uniq("my tree \u00e9")
    r = ts.put("/trees/" + quote(name), json={"tree": name}, as_="admin")
    guard.rebase()
    assert r.status_code == 201, describe(r)
    assert ts.get("/trees/" + quote(name)).json()["result"]["tree"] == name
