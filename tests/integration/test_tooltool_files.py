"""ToolTool files: GET /file?q=, GET /file/sha512/{d} (catalogue F, A1, D5) and the administrative
PATCH /file/sha512/{d} (catalogue G, D4, D5, D15, D20).

PATCH needs .../api/manage (missing -> 401 "Invalid user permissions", D4); the body is validated
first (G15); an invalid digest on PATCH is a plain 404 (D5). Refused PATCHes change nothing.
"""

import json

import pytest

from tt_client import (INVALID_DIGEST, NO_MANAGE, NOT_FOUND, NOT_JSON, assert_file,  # noqa: F401
                       assert_json, assert_problem, entry, file_json, instance_regions, max_body,
                       random_digest, read_object, region, seed_batch, seed_file, tt,
                       uniq)

INVALID_DIGESTS = ["123", "x" * 128, "j" * 128, "0" * 127, "0" * 129, "A" * 128]
INVALID_IDS = ["123", "x128", "j128", "len127", "len129", "upper"]


def state(sql, env, f):
    """What a refused PATCH must not change: visibility, instances, objects."""
    reg, d = region(env)
    return (sql("SELECT visibility, size FROM releng_tooltool_files WHERE id = %s", f["id"]),
            instance_regions(sql, f["digest"]), read_object(d, f["digest"]))


# ---------------------------------------------------------------- F: search

def search(tt, q):
    body = assert_json(tt.get("/file?q=" + q), 200)
    assert sorted(body) == ["result"]
    return body["result"]


@pytest.fixture
def f2(sql, env):
    """F2 data: ONE, TWO (public, instance); batches {one-u: ONE}, {two-u: TWO},
    {1-u: ONE, 2-u: TWO}."""
    u = uniq("f2").split("-")[1]
    reg = region(env)[0]
    one = seed_file(sql, env, instances=[reg])
    two = seed_file(sql, env, instances=[reg], data=b"22\n" + u.encode())
    seed_batch(sql, "me@me.com", "first", {"one-" + u: one["id"]})
    seed_batch(sql, "me@me.com", "second", {"two-" + u: two["id"]})
    seed_batch(sql, "you@you.com", "third", {"1-" + u: one["id"], "2-" + u: two["id"]})
    return {"u": u, "one": one, "two": two, "F1": file_json(one["digest"], one["size"]),
            "F2": file_json(two["digest"], two["size"])}


def test_search_files(tt, f2):
    """F2: filename substring, digest prefix only, each file once although in two batches."""
    u, one, F1, F2 = f2["u"], f2["one"], f2["F1"], f2["F2"]
    assert search(tt, "one-" + u) == [F1]
    assert search(tt, "2-" + u) == [F2]
    assert search(tt, one["digest"][:8]) == [F1]
    assert search(tt, one["digest"]) == [F1]
    assert search(tt, one["digest"][10:20]) == []
    assert sorted(search(tt, "-" + u), key=lambda f: f["digest"]) == \
        sorted([F1, F2], key=lambda f: f["digest"])
    everything = search(tt, "")
    assert everything.count(F1) == 1 and everything.count(F2) == 1


def test_search_files_without_batch_never_appear(tt, sql, env):
    """2.8: files that belong to no batch are not found (digest match is via batch_files)."""
    f = seed_file(sql, env, instances=[region(env)[0]])
    assert search(tt, f["digest"]) == []


def test_search_files_query_validation(tt):
    """F6 + strict validation."""
    assert_problem(tt.get("/file"), 400, "Missing query parameter 'q'")
    assert_problem(tt.get("/file?q=a&bar=2"), 400, "Extra query parameter(s) bar not in spec")
    assert_json(tt.get("/file?q=" + uniq("nomatch")), 200, {"result": []})


# ---------------------------------------------------------------- F: get one file

def test_get_file(tt, sql, env):
    """F5: bare File with instances."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    assert_json(tt.get("/file/sha512/" + f["digest"]), 200,
                file_json(f["digest"], f["size"], instances=[reg]))


def test_get_file_not_verified(tt, sql, env):
    """F7: created by POST /upload, never verified -> has_instances false, instances []."""
    data = b"never uploaded " + uniq().encode()
    tt.upload_batch({"x": entry(data)}, as_="up")
    assert_json(tt.get("/file/sha512/" + entry(data)["digest"]), 200,
                file_json(entry(data)["digest"], len(data), has_instances=False, instances=[]))


def test_get_file_not_found(tt):
    """F4, A1: a valid unknown digest ("1"*128 too) -> 404."""
    assert_problem(tt.get("/file/sha512/" + random_digest()), 404, NOT_FOUND)
    assert_problem(tt.get("/file/sha512/" + "1" * 128), 404, NOT_FOUND)


@pytest.mark.parametrize("digest", INVALID_DIGESTS, ids=INVALID_IDS)
def test_get_file_invalid_digest(tt, digest):
    """A1, D5: -> 400 Invalid sha512 digest."""
    assert_problem(tt.get("/file/sha512/" + digest), 400, INVALID_DIGEST)


def test_get_file_upper_case_digest(tt, sql, env):
    f = seed_file(sql, env, instances=[region(env)[0]])
    assert_problem(tt.get("/file/sha512/" + f["digest"].upper()), 400, INVALID_DIGEST)
    assert_problem(tt.get("/file/sha512/" + f["digest"][:-1]), 400, INVALID_DIGEST)
    assert_problem(tt.get("/file/sha512/" + f["digest"] + "a"), 400, INVALID_DIGEST)
    assert_problem(tt.get("/file/sha512/a" + f["digest"]), 400, INVALID_DIGEST)


def test_get_file_other_algorithm(tt):
    """F3: no route for other algorithms."""
    assert_problem(tt.get("/file/md4/abcd"), 404, NOT_FOUND)


def test_get_file_extra_query(tt, sql, env):
    f = seed_file(sql, env)
    assert_problem(tt.get("/file/sha512/%s?x=1" % f["digest"]), 400,
                   "Extra query parameter(s) x not in spec")


# ---------------------------------------------------------------- G: PATCH

def patch(tt, digest, ops, as_="mg", **kw):
    return tt.patch("/file/sha512/" + digest, json=ops, as_=as_, **kw)


@pytest.mark.parametrize("who", [None, "up", "dp-up", "dp-ui", "di", "none", "dl-star"])
def test_patch_without_manage(tt, sql, env, who):
    """G1, G7, I3, I5: no manage scope -> 401 "Invalid user permissions" with the error member
    tooltool.py reads; nothing changes."""
    f = seed_file(sql, env, instances=[region(env)[0]])
    before = state(sql, env, f)
    for ops in ([{"op": "set_visibility", "visibility": "internal"}], [{"op": "delete_instances"}]):
        assert_problem(patch(tt, f["digest"], ops, as_=who), 401, NO_MANAGE)
    assert state(sql, env, f) == before


def test_set_visibility(tt, sql, env):
    """G1, G11: MG sets internal -> 200 bare File with instances; DB updated."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    assert_file(patch(tt, f["digest"], [{"op": "set_visibility", "visibility": "internal"}]),
                file_json(f["digest"], f["size"], "internal", instances=[reg]))
    assert sql("SELECT visibility FROM releng_tooltool_files WHERE id = %s", f["id"]) == [("internal",)]
    assert_file(tt.get("/file/sha512/" + f["digest"]),
                file_json(f["digest"], f["size"], "internal", instances=[reg]))


def test_set_visibility_no_change(tt, sql, env):
    """G12."""
    reg = region(env)[0]
    f = seed_file(sql, env, visibility="internal", instances=[reg])
    assert_file(patch(tt, f["digest"], [{"op": "set_visibility", "visibility": "internal"}]),
                file_json(f["digest"], f["size"], "internal", instances=[reg]))


def test_delete_instances(tt, sql, env):
    """G2, G9, D20: instances and the object are gone; the download is 404; the File row stays."""
    reg, d = region(env)
    f = seed_file(sql, env, visibility="internal", instances=[reg])
    assert read_object(d, f["digest"]) == f["data"]
    assert_file(patch(tt, f["digest"], [{"op": "delete_instances"}]),
                file_json(f["digest"], f["size"], "internal", has_instances=False, instances=[]))
    assert instance_regions(sql, f["digest"]) == []
    assert read_object(d, f["digest"]) is None
    assert_problem(tt.get("/sha512/" + f["digest"], as_="di"), 404, NOT_FOUND)
    assert sql("SELECT count(*) FROM releng_tooltool_files WHERE id = %s", f["id"]) == [("1",)]


def test_delete_instances_object_already_gone(tt, sql, env):
    """D20: a missing object counts as deleted."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg], objects=[])
    assert_file(patch(tt, f["digest"], [{"op": "delete_instances"}]),
                file_json(f["digest"], f["size"], has_instances=False, instances=[]))
    assert instance_regions(sql, f["digest"]) == []


def test_delete_instances_without_instances(tt, sql, env):
    """G8."""
    f = seed_file(sql, env)
    assert_file(patch(tt, f["digest"], [{"op": "delete_instances"}]),
                file_json(f["digest"], f["size"], has_instances=False, instances=[]))


def test_patch_multi_op(tt, sql, env):
    """G13 (one region): set public then delete instances in one request."""
    reg, d = region(env)
    f = seed_file(sql, env, visibility="internal", instances=[reg])
    assert_file(patch(tt, f["digest"], [{"op": "set_visibility", "visibility": "public"},
                                        {"op": "delete_instances"}]),
                file_json(f["digest"], f["size"], "public", has_instances=False, instances=[]))
    assert read_object(d, f["digest"]) is None


def test_patch_empty_ops(tt, sql, env):
    """G16: [] -> 200, unchanged."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    before = state(sql, env, f)
    assert_file(patch(tt, f["digest"], []), file_json(f["digest"], f["size"], instances=[reg]))
    assert state(sql, env, f) == before


def test_patch_unknown_file(tt):
    """G3: a valid unknown digest -> 404."""
    assert_problem(patch(tt, random_digest(), [{"op": "delete_instances"}]), 404, NOT_FOUND)


@pytest.mark.parametrize("digest", INVALID_DIGESTS + [".."], ids=INVALID_IDS + ["dots"])
def test_patch_invalid_digest_is_404(tt, digest):
    """D5: PATCH never validates the digest format: unknown -> 404."""
    assert_problem(patch(tt, digest, [{"op": "delete_instances"}]), 404, NOT_FOUND)


def test_patch_other_algorithm(tt):
    """G4."""
    assert_problem(tt.patch("/file/md3/" + random_digest(), json=[{"op": "delete_instances"}],
                            as_="mg"), 404, NOT_FOUND)


@pytest.mark.parametrize("ops,detail", [
    ([{"pop": "snap"}], "'op' is a required property - '0'"),
    ([{"op": "hop"}], "'hop' is not one of ['set_visibility', 'delete_instances'] - '0.op'"),
    ([{"op": "set_visibility", "visibility": "5-eyes"}],
     "'5-eyes' is not one of ['public', 'internal'] - '0.visibility'"),
    ([{"op": "delete_instances"}, {"op": "nope"}],
     "'nope' is not one of ['set_visibility', 'delete_instances'] - '1.op'"),
    ([5], "5 is not of type 'object' - '0'"),
    ({}, "{} is not of type 'array'"),
    ({"op": "delete_instances"}, "{'op': 'delete_instances'} is not of type 'array'"),
    (None, "None is not of type 'array'"),
    ([{"op": "set_visibility"}], "visibility is required for set_visibility"),
], ids=["no-op", "bad-op", "bad-visibility", "second-op-bad", "item-int", "object", "object-op",
        "null", "set-visibility-without-visibility"])
@pytest.mark.parametrize("who", ["mg", None])
def test_patch_invalid_body(tt, sql, env, ops, detail, who):
    """G5, G6, G10, G14 (D15), G15, G17: validation precedes authorization (anonymous gets the
    same 400) -- except D15's handler-level check, which only a manager reaches; nothing
    changes (not even the first valid op)."""
    if detail == "visibility is required for set_visibility" and who is None:
        detail, status = NO_MANAGE, 401
    else:
        status = 400
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    before = state(sql, env, f)
    assert_problem(patch(tt, f["digest"], ops, as_=who), status, detail)
    assert state(sql, env, f) == before


def test_patch_ops_applied_all_or_nothing(tt, sql, env):
    """One transaction: a refused second op leaves the first unapplied."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    before = state(sql, env, f)
    r = patch(tt, f["digest"], [{"op": "set_visibility", "visibility": "internal"},
                                {"op": "set_visibility"}])
    assert_problem(r, 400, "visibility is required for set_visibility")
    assert state(sql, env, f) == before


@pytest.mark.parametrize("data,ct,status,detail", [
    (b"[{", "application/json", 400, NOT_JSON),
    (b'[{"op": "delete_instances", "op": "x"}]', "application/json", 400,
     NOT_JSON + ": duplicate object key"),
    (b'[{"op": "delete_instances"}]', "text/plain", 415,
     "Invalid Content-type (text/plain), expected JSON data"),
])
def test_patch_malformed_body(tt, sql, env, data, ct, status, detail):
    f = seed_file(sql, env, instances=[region(env)[0]])
    before = state(sql, env, f)
    r = tt.patch("/file/sha512/" + f["digest"], data=data, headers={"Content-Type": ct}, as_="mg")
    assert_problem(r, status, detail)
    assert state(sql, env, f) == before


def test_patch_huge_body(tt, sql, env):
    f = seed_file(sql, env, instances=[region(env)[0]])
    before = state(sql, env, f)
    body = json.dumps([{"op": "delete_instances"}] * (max_body(env) // 20)).encode()
    assert len(body) > max_body(env)
    r = tt.patch("/file/sha512/" + f["digest"], data=body,
                 headers={"Content-Type": "application/json"}, as_="mg")
    assert_problem(r, 413, "Request body is larger than %d bytes" % max_body(env))
    assert state(sql, env, f) == before
