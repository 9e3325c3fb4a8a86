"""ToolTool authentication and scopes (catalogue I, D7, D8) and miscellaneous endpoints and
routing (catalogue K, path tricks).

Identities: tt_client.CLIENTS (Hawk, verified locally) and the Bearer token BEARER_TOKEN.
Invalid credentials are refused with 401 "Hawk authentication failed: <reason>", as the shared
auth component does for both modules (see the report: spec D8 would make them anonymous).
"""

import re
import secrets
import time

import pytest

from tt_client import (BEARER_ID, BEARER_TOKEN, CLIENTS, INVALID_DIGEST,  # noqa: F401
                       NOT_ALLOWED, NOT_FOUND, assert_json, assert_nothing_written, assert_problem,
                       assert_raw_problem, blob, describe, entry, raw_request,
                       region, seed_file, snapshot, tt, uniq)


def upload_body():
    return {"message": uniq("auth"), "files": {"f": entry(blob()[0])}}


# ---------------------------------------------------------------- I: identities

def test_permissions_anonymous(tt):
    """I1."""
    assert_json(tt.get("/__permissions__"), 200,
                {"description": "Permissions of a logged in user", "user_id": None,
                 "permissions": []})


@pytest.mark.parametrize("who", ["all", "up-ui", "none", "star"])
def test_permissions_hawk_client(tt, who):
    """I2: user_id = clientId, permissions = its scopes."""
    cid, _, scopes = CLIENTS[who]
    body = assert_json(tt.get("/__permissions__", as_=who), 200)
    assert body == {"description": "Permissions of a logged in user", "user_id": cid,
                    "permissions": body["permissions"]}
    assert sorted(body["permissions"]) == sorted(scopes)


def test_permissions_bearer(tt):
    """I9 (V2 relengapi-style tokens, D8 c)."""
    body = assert_json(tt.get("/__permissions__", authorization="Bearer " + BEARER_TOKEN), 200)
    assert body["user_id"] == BEARER_ID


@pytest.mark.parametrize("who", ["all", "services", "star"])
def test_wildcard_scopes_grant_everything(tt, sql, env, who):
    """I5: .../api/*, project:releng:services/*, * -> upload internal, download internal, PATCH."""
    res = tt.post("/upload", json={"message": "w", "files": {"i": entry(blob()[0], visibility="internal")}},
                  as_=who)
    assert assert_json(res, 200)["result"]["author"] == CLIENTS[who][0]
    reg = region(env)[0]
    f = seed_file(sql, env, visibility="internal", instances=[reg])
    assert tt.get("/sha512/" + f["digest"], as_=who).status_code == 302
    r = tt.patch("/file/sha512/" + f["digest"], json=[], as_=who)
    assert r.status_code == 200, describe(r)


def test_hawk_signs_the_query(tt, env):
    """D7/I7: a Hawk-signed POST /upload?region=<configured> is authenticated (V3 bug fixed)."""
    r = tt.post("/upload?region=" + region(env)[0], json=upload_body(), as_="up")
    assert assert_json(r, 200)["result"]["author"] == "tt/up"


def test_authentication_header_is_accepted(tt):
    """I8: credentials under "Authentication:" work like "Authorization:"."""
    r = tt.post("/upload", json=upload_body(), as_="up", header_name="Authentication")
    assert assert_json(r, 200)["result"]["author"] == "tt/up"


def test_bearer_token_downloads_internal(tt, sql, env):
    """I9: the Bearer identity's scopes apply (DI)."""
    f = seed_file(sql, env, visibility="internal", instances=[region(env)[0]])
    r = tt.get("/sha512/" + f["digest"], authorization="Bearer " + BEARER_TOKEN)
    assert r.status_code == 302, describe(r)


HAWK_FAILED = re.compile(r"Hawk authentication failed: .+")


@pytest.mark.parametrize("opts", [
    {"key": "not-the-secret"},
    {"mac_": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
    {"client_id": "tt/unknown", "key": "whatever"},
    {"ts_offset": -3600},
    {"sign_resource": "/tooltool/upload"},      # the V3 bug: query left out of the MAC
    {"sign_port": 443},
    {"hash_": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
], ids=["wrong-key", "tampered-mac", "unknown-client", "stale", "resource-without-query",
        "wrong-port", "wrong-payload-hash"])
def test_invalid_hawk_is_refused(tt, sql, env, opts):
    """Bad Hawk headers -> 401 problem naming the failure; nothing written."""
    before = snapshot(sql)
    r = tt.post("/upload?region=" + region(env)[0], json=upload_body(), as_="up", hawk_opts=opts)
    assert_problem(r, 401, HAWK_FAILED)
    assert_nothing_written(sql, before)


def test_replayed_hawk_nonce_is_refused(tt, sql):
    """A replayed (id, ts, nonce) -> 401; only the first request wrote."""
    body = upload_body()
    opts = {"nonce": secrets.token_urlsafe(4)[:6], "ts": int(time.time())}
    first = tt.post("/upload", json=body, as_="up", hawk_opts=dict(opts))
    assert first.status_code == 200, describe(first)
    before = snapshot(sql)
    again = tt.post("/upload", json=body, as_="up", hawk_opts=dict(opts))
    assert_problem(again, 401, HAWK_FAILED)
    assert_nothing_written(sql, before)


@pytest.mark.parametrize("header", ["Hawk", "Hawk id=", 'Hawk id="tt/up"', "Hawk " + "x" * 5000])
def test_malformed_hawk_header(tt, sql, header):
    before = snapshot(sql)
    r = tt.post("/upload", json=upload_body(), authorization=header)
    assert_problem(r, 401, HAWK_FAILED)
    assert_nothing_written(sql, before)


def test_unknown_bearer_token(tt, sql):
    before = snapshot(sql)
    r = tt.post("/upload", json=upload_body(), authorization="Bearer not-a-configured-token")
    assert_problem(r, 401, None)
    assert_nothing_written(sql, before)


# ---------------------------------------------------------------- K: routing

@pytest.mark.parametrize("method,path,allow", [
    ("DELETE", "/upload", "GET, HEAD, POST, OPTIONS"),
    ("PUT", "/upload", "GET, HEAD, POST, OPTIONS"),
    ("POST", "/upload/1", "GET, HEAD, OPTIONS"),
    ("POST", "/file", "GET, HEAD, OPTIONS"),
    ("DELETE", "/file/sha512/" + "0" * 128, "GET, HEAD, PATCH, OPTIONS"),
])
def test_wrong_method(tt, method, path, allow):
    """K4: 405 + Allow from the route table."""
    r = tt.request(method, path)
    assert_problem(r, 405, NOT_ALLOWED)
    assert r.headers["Allow"] == allow


@pytest.mark.parametrize("path", ["/nonexistent", "/api/upload?q=", "/tooltool/upload?q=",
                                  "/file/sha512", "/sha512", "/sha512/", "/upload/complete/sha512"])
def test_unknown_paths(tt, path):
    """K5, D1: nothing is served under /api or a second /tooltool prefix."""
    assert_problem(tt.get(path), 404, NOT_FOUND)


def test_path_tricks(tt_url, sql, env):
    """Dot segments (plain and percent-encoded) are resolved before routing: never a file
    outside the storage, never a 500."""
    base = "/" + tt_url.split("/", 3)[3]
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    d = f["digest"]
    for path in ("/sha512/../x", "/sha512/%2e%2e", "/file/sha512/%2e%2e", "/file/sha512/..",
                 "/sha512/%s/.." % d[:10], "/sha512/%s/" % d, "/upload/complete/sha512/%2E%2E/x",
                 "/__storage__/%s/sha512/../../../etc/passwd?Expires=1&Signature=x" % reg,
                 "/__storage__/%s/sha512/%%2e%%2e?Expires=1&Signature=x" % reg):
        assert_raw_problem(raw_request(tt_url, "GET", base + path), 404, NOT_FOUND)
    # resolved above the module's base: httpd's own 404, never the file
    st, _, body = raw_request(tt_url, "GET", base + "/__storage__/%s/sha512/../../../../etc/passwd"
                              "?Expires=1&Signature=x" % reg)
    assert st == 404 and b"root:" not in body
    assert_raw_problem(raw_request(tt_url, "GET", base + "/sha512/%s%%20" % d), 400, INVALID_DIGEST)
    assert_raw_problem(raw_request(tt_url, "GET", base + "/file/sha512/%s%%0a" % d), 400,
                       INVALID_DIGEST)
    st, headers, _ = raw_request(tt_url, "GET", base + "/sha512/./" + d)
    assert st == 302 and "/sha512/%s?" % d in headers["location"]
