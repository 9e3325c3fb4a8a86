"""ToolTool batches: GET /upload?q=, GET /upload/{id} (catalogue B) and POST /upload (catalogue C),
with D2 (V3 wrappers), D7 (Hawk signs the query), D15-D18 applied.

Every refused POST /upload leaves no Batch, BatchFile, PendingUpload or new File row
(snapshot before == after).
"""

import json
import time

import pytest

from tt_client import (BEARER_TOKEN, NOT_FOUND, NOT_JSON, NOW_2015_JSON, UPLOADED_RE,  # noqa: F401
                       assert_json, assert_nothing_written, assert_problem, batch_rows, blob,
                       describe, entry, file_json, file_row, instance_regions, max_body,
                       parse_signed_url, pending_rows, random_digest, region, regions,
                       seed_batch, seed_file, snapshot, tt, uniq)

EXTRA_FOO = "Extra query parameter(s) foo not in spec"
MISSING_Q = "Missing query parameter 'q'"


def search(tt, q):
    r = tt.get("/upload?q=" + q)
    body = assert_json(r, 200)
    assert sorted(body) == ["result"], describe(r)
    return body["result"]


def by_id(batches):
    return sorted(batches, key=lambda b: b["id"])


# ---------------------------------------------------------------- B: search / retrieval

def test_search_requires_q_and_unknown_q_is_empty(tt):
    """B1: GET /upload without q -> 400; a q nothing matches -> {"result": []}."""
    assert_problem(tt.get("/upload"), 400, MISSING_Q)
    assert_json(tt.get("/upload?q=" + uniq("nomatch")), 200, {"result": []})


@pytest.fixture
def b2(sql, env):
    """B2's data on fresh names: files ONE, TWO (public, instance in the first region);
    b1 me/first (one), b2 me/second (two), b3 you/third (1: ONE, 2: TWO), all at NOW_2015."""
    u = uniq("b2").split("-")[1]
    reg = region(env)[0]
    one = seed_file(sql, env, b"1\n" + u.encode(), instances=[reg])
    two = seed_file(sql, env, b"22\n" + u.encode(), instances=[reg])
    me, you = "me%s@me.com" % u, "you%s@you.com" % u
    f1 = file_json(one["digest"], one["size"])
    f2 = file_json(two["digest"], two["size"])
    ids = [seed_batch(sql, me, "first batch " + u, {"one": one["id"]}),
           seed_batch(sql, me, "second batch " + u, {"two": two["id"]}),
           seed_batch(sql, you, "third batch " + u, {"1": one["id"], "2": two["id"]})]
    b = [{"author": me, "uploaded": NOW_2015_JSON, "files": {"one": f1}, "id": ids[0],
          "message": "first batch " + u},
         {"author": me, "uploaded": NOW_2015_JSON, "files": {"two": f2}, "id": ids[1],
          "message": "second batch " + u},
         {"author": you, "uploaded": NOW_2015_JSON, "files": {"1": f1, "2": f2}, "id": ids[2],
          "message": "third batch " + u}]
    return {"u": u, "b": b, "one": one, "two": two, "f1": f1, "f2": f2}


def test_search_batches(tt, b2):
    """B2: substring match on author or message (order-insensitive), empty q matches all."""
    u, (b1, bb2, b3) = b2["u"], b2["b"]
    assert by_id(search(tt, "me" + u)) == [b1, bb2]
    assert by_id(search(tt, "ou%s@y" % u)) == [b3]
    assert by_id(search(tt, "econd batch " + u)) == [bb2]
    everything = search(tt, "")
    for b in (b1, bb2, b3):
        assert [x for x in everything if x["id"] == b["id"]] == [b]


def test_search_is_case_sensitive_like(tt, b2):
    """B9/D18: PostgreSQL LIKE semantics: case-sensitive, '_' and '%' act as wildcards."""
    u, (b1, bb2, b3) = b2["u"], b2["b"]
    assert search(tt, "ME" + u) == []
    assert by_id(search(tt, "first_batch_" + u)) == [b1]
    assert by_id(search(tt, "batch%25" + u)) == [b1, bb2, b3]   # q = "batch%<u>"


def test_get_batch_by_id(tt, b2):
    """B2/B5: GET /upload/{id} is the bare batch, equal to the search result element."""
    for b in b2["b"]:
        assert_json(tt.get("/upload/%d" % b["id"]), 200, b)


def test_uploaded_keeps_microseconds(tt, sql, env):
    """D17: YYYY-MM-DDTHH:MM:SS[.ffffff]Z (fraction only when non-zero)."""
    f = seed_file(sql, env)
    bid = seed_batch(sql, uniq("author"), uniq("msg"), {"x": f["id"]},
                     uploaded="2015-03-05 22:02:02.012345")
    assert assert_json(tt.get("/upload/%d" % bid), 200)["uploaded"] == "2015-03-05T22:02:02.012345Z"


@pytest.mark.parametrize("path", ["/upload/2147483647", "/upload/0", "/upload/-1", "/upload/abc",
                                  "/upload/99999999999999999999", "/upload/1.5", "/upload/"])
def test_get_batch_not_found(tt, path):
    """B3, B7: unknown, non-numeric or overflowing ids -> 404 with werkzeug's text."""
    assert_problem(tt.get(path), 404, NOT_FOUND)


@pytest.mark.parametrize("query,detail", [
    ("?q=x&foo=1", EXTRA_FOO),
    ("?foo=1&q=", EXTRA_FOO),
    ("?foo=1", EXTRA_FOO),          # connexion checks extra parameters first
    ("", MISSING_Q),
])
def test_search_strict_query_validation(tt, query, detail):
    """B8: undeclared query parameters -> 400."""
    assert_problem(tt.get("/upload" + query), 400, detail)


def test_post_upload_then_get_and_search(tt, sql):
    """B4, B5, B6, C17: a new batch is found by id and by message, author = the Hawk clientId,
    files without instances; GET /upload/{id} equals the search result element."""
    msg = uniq("batch with files")
    one, two = b"1\n" + msg.encode(), b"22\n" + msg.encode()
    res = tt.upload_batch({"one": entry(one), "two": entry(two)}, as_="dp-up", message=msg)
    assert res["author"] == "tt/dp-up" and res["message"] == msg
    found = search(tt, msg)
    assert len(found) == 1
    b = found[0]
    assert sorted(b) == ["author", "files", "id", "message", "uploaded"]
    assert UPLOADED_RE.match(b["uploaded"]), b["uploaded"]
    assert b == {"author": "tt/dp-up", "uploaded": b["uploaded"], "id": res["id"], "message": msg,
                 "files": {"one": file_json(entry(one)["digest"], len(one), has_instances=False),
                           "two": file_json(entry(two)["digest"], len(two), has_instances=False)}}
    assert_json(tt.get("/upload/%d" % res["id"]), 200, b)


# ---------------------------------------------------------------- C: POST /upload success

def test_upload_fresh(tt, sql, env, tt_url):
    """C12: 200 {"result": body echoed + author, id, put_url}; Batch, BatchFile, File (no
    instance) and PendingUpload(region, now + 60 s) rows; the put_url is a signed local-storage
    URL for sha512/<digest> expiring in 60 s."""
    data, d = blob(200)
    msg = uniq("a batch")
    t0 = time.time()
    r = tt.post("/upload", json={"message": msg, "files": {"one": entry(data)}}, as_="dp-up")
    body = assert_json(r, 200)
    assert sorted(body) == ["result"]
    res = body["result"]
    assert sorted(res) == ["author", "files", "id", "message"], res
    assert (res["author"], res["message"], sorted(res["files"])) == ("tt/dp-up", msg, ["one"])
    f = res["files"]["one"]
    put_url = f.pop("put_url")
    assert f == entry(data)
    reg, digest, expires, _ = parse_signed_url(put_url, tt_url, "PUT")
    assert (reg, digest) == (region(env)[0], d)
    assert t0 + 59 <= expires <= time.time() + 61, (expires, t0)
    assert file_row(sql, d)[1:] == (200, "public")
    assert instance_regions(sql, d) == []
    assert batch_rows(sql, res["id"]) == {"one": (d, 200, "public")}
    assert sql("SELECT author, message FROM releng_tooltool_batches WHERE id = %s",
               res["id"]) == [("tt/dp-up", msg)]
    ((preg, left),) = pending_rows(sql, d)
    assert preg == region(env)[0] and 57 <= left <= 61, left


def test_upload_echoes_unknown_keys(tt):
    """2.5: no additionalProperties: unknown keys are accepted and echoed back."""
    data, _ = blob()
    res = tt.upload_batch({"x": entry(data, note="hello")}, as_="up")
    assert res["files"]["x"]["note"] == "hello"
    r = tt.post("/upload", json={"message": "m", "files": {"y": entry(blob()[0])}, "extra": [1]},
                as_="up")
    assert assert_json(r, 200)["result"]["extra"] == [1]


def test_upload_refreshes_existing_pending_upload(tt, sql, env):
    """C13: an unexpired PendingUpload (expires now+30) is refreshed to now+60, still one row."""
    f = seed_file(sql, env, pending=30)
    res = tt.upload_batch({"one": entry(f["data"])}, as_="up")
    assert "put_url" in res["files"]["one"]
    ((reg, left),) = pending_rows(sql, f["digest"])
    assert reg == region(env)[0] and 57 <= left <= 61, left


def test_upload_existing_file_without_instances(tt, sql, env):
    """C14: an instance-less File gets a put_url, a PendingUpload and a BatchFile."""
    f = seed_file(sql, env)
    res = tt.upload_batch({"one": entry(f["data"])}, as_="up")
    assert "put_url" in res["files"]["one"]
    assert [reg for reg, _ in pending_rows(sql, f["digest"])] == [region(env)[0]]
    assert batch_rows(sql, res["id"]) == {"one": (f["digest"], f["size"], "public")}


def test_upload_some_existing_files_with_region_query(tt, sql, env, tt_url):
    """C15 + D7: Hawk-signed POST /upload?region=<configured>: the file with an instance gets no
    put_url and no PendingUpload; the new one gets a URL in that region."""
    reg = region(env)[0]
    one = seed_file(sql, env, instances=[reg])
    two_data, two_d = blob(3)
    res = tt.upload_batch({"one": entry(one["data"]), "two": entry(two_data)}, as_="up",
                          region=reg)
    assert res["files"]["one"] == entry(one["data"])
    assert parse_signed_url(res["files"]["two"].pop("put_url"), tt_url)[:2] == (reg, two_d)
    assert res["files"]["two"] == entry(two_data)
    assert batch_rows(sql, res["id"]) == {"one": (one["digest"], one["size"], "public"),
                                          "two": (two_d, 3, "public")}
    assert instance_regions(sql, one["digest"]) == [reg]
    assert pending_rows(sql, one["digest"]) == []
    assert [r for r, _ in pending_rows(sql, two_d)] == [reg]


def test_upload_unknown_region_uses_a_configured_one(tt, sql, env, tt_url):
    """C20: ?region=eu-north-9 (not configured) -> 200 with URLs for a configured region."""
    data, d = blob()
    res = tt.upload_batch({"a": entry(data)}, as_="up", region="eu-north-9")
    reg = parse_signed_url(res["files"]["a"]["put_url"], tt_url)[0]
    assert reg in regions(env)
    assert [r for r, _ in pending_rows(sql, d)] == [reg]


def test_upload_author_is_the_bearer_identity(tt):
    """C4 + I9: a Bearer token's configured identity is the author."""
    r = tt.post("/upload", json={"message": "bearer", "files": {"a": entry(blob()[0])}},
                authorization="Bearer " + BEARER_TOKEN)
    res = assert_json(r, 200)["result"]
    assert res["author"] == "tt/bearer"


def test_upload_huge_but_valid_size(tt, sql):
    """Sizes are 64-bit (2 GiB+ files): 5 TiB is accepted and stored exactly."""
    d = random_digest()
    res = tt.upload_batch({"big": entry(digest=d, size=5 * 2 ** 40)}, as_="up")
    assert res["files"]["big"]["size"] == 5 * 2 ** 40
    assert file_row(sql, d)[1] == 5 * 2 ** 40


# ---------------------------------------------------------------- C: refusals

def mk(data=None, **over):
    """mkbatch(): {"message": "a batch", "files": {"one": <entry of DATA>}} with overrides."""
    data = data if data is not None else blob(2)[0]
    body = {"message": "a batch", "files": {"one": entry(data)}}
    body.update(over)
    return body


def refused(tt, sql, body, status, detail, as_="dp-up", path="/upload", **kw):
    before = snapshot(sql)
    r = tt.post(path, json=body, as_=as_, **kw) if body is not None else tt.post(path, as_=as_, **kw)
    assert_problem(r, status, detail)
    assert_nothing_written(sql, before)
    return r


def test_upload_anonymous(tt, sql):
    """C1: anonymous -> 403."""
    refused(tt, sql, mk(), 403, "no permission to upload public files", as_=None)


def test_upload_without_scopes(tt, sql, env):
    """C9: a client without scopes (file already known) -> 403."""
    f = seed_file(sql, env, instances=[region(env)[0]])
    refused(tt, sql, mk(f["data"]), 403, "no permission to upload public files", as_="none")


def test_upload_internal_needs_its_own_scope(tt, sql, env):
    """C10: UP does not cover internal files; UI does not cover public ones."""
    f = seed_file(sql, env, instances=[region(env)[0]])
    body = mk(f["data"])
    body["files"]["two"] = entry(blob(3)[0], visibility="internal")
    refused(tt, sql, body, 403, "no permission to upload internal files", as_="dp-up")
    refused(tt, sql, mk(), 403, "no permission to upload public files", as_="ui")


def test_upload_empty_message(tt, sql):
    """C2."""
    refused(tt, sql, mk(message=""), 400, "message must be non-empty")


def test_upload_empty_message_checked_before_permission(tt, sql):
    """2.5 order: message (step 2) before permission (step 8)."""
    refused(tt, sql, mk(message=""), 400, "message must be non-empty", as_=None)


def test_upload_author_given(tt, sql):
    """C3: any author key -> 400 (null fails the schema first)."""
    refused(tt, sql, mk(author="me"), 400, "Author must NOT be specified for upload.")
    refused(tt, sql, mk(author=""), 400, "Author must NOT be specified for upload.")
    refused(tt, sql, mk(author=None), 400, "None is not of type 'string' - 'author'")


def test_upload_empty_files(tt, sql):
    """C5."""
    refused(tt, sql, mk(files={}), 400, "a batch must include at least one file")


def test_upload_bad_algorithm(tt, sql):
    """C6."""
    body = mk()
    body["files"]["one"]["algorithm"] = "md4"
    refused(tt, sql, body, 400, "`sha512` is the only allowed digest algorithm")


@pytest.mark.parametrize("digest", [
    "x" * 128, "123", "", "A" * 128, "0" * 127, "0" * 129, " " + "0" * 127, "g" + "0" * 127,
], ids=["x128", "short", "empty", "upper", "len127", "len129", "space", "non-hex"])
def test_upload_bad_digest(tt, sql, digest):
    """C7, A1: digest must be ^[0-9a-f]{128}$ (upper case is invalid)."""
    body = mk()
    body["files"]["one"]["digest"] = digest
    refused(tt, sql, body, 400, "Invalid sha512 digest")


def test_upload_upper_case_of_a_valid_digest(tt, sql):
    data, d = blob()
    body = mk(data)
    body["files"]["one"]["digest"] = d.upper()
    refused(tt, sql, body, 400, "Invalid sha512 digest")


def test_upload_bad_digest_after_a_good_file(tt, sql):
    """The whole batch is refused: the good first file leaves no row either."""
    body = mk()
    body["files"]["zz"] = entry(digest="x" * 128, size=1)
    refused(tt, sql, body, 400, "Invalid sha512 digest")


def test_upload_size_mismatch(tt, sql, env):
    """C8: the File has an instance and another size -> 400."""
    f = seed_file(sql, env, instances=[region(env)[0]])
    body = mk(f["data"])
    body["files"]["one"]["size"] = f["size"] + 2
    refused(tt, sql, body, 400, "Size mismatch for one")


def test_upload_change_visibility(tt, sql, env):
    """C16: an existing internal File (even without instances) cannot be re-uploaded public."""
    f = seed_file(sql, env, visibility="internal")
    refused(tt, sql, mk(f["data"]), 400, "Cannot change already existing file's visibility level.",
            as_="up-ui", path="/upload?region=" + region(env)[0])


def test_upload_duplicate_digest_in_batch(tt, sql):
    """C18/D15: the same digest under two filenames -> 400 (not a 500)."""
    data, d = blob()
    body = {"message": "m", "files": {"a": entry(data), "b": entry(data)}}
    refused(tt, sql, body, 400, "duplicate digest %s in batch" % d)


@pytest.mark.parametrize("key", ["algorithm", "digest", "size"])
def test_upload_entry_missing_key(tt, sql, key):
    """C19/D15: a file entry without algorithm, digest or size -> 400."""
    body = mk()
    del body["files"]["one"][key]
    refused(tt, sql, body, 400, "file one is missing %s" % key)


def test_upload_negative_size(tt, sql):
    """D15."""
    body = mk()
    body["files"]["one"]["size"] = -1
    refused(tt, sql, body, 400, "size must be non-negative")


def test_upload_no_visibility(tt, sql):
    """C11: schema -> 400 naming the path."""
    body = mk()
    del body["files"]["one"]["visibility"]
    refused(tt, sql, body, 400, "'visibility' is a required property - 'files.one'")


@pytest.mark.parametrize("body,detail", [
    ({"files": {"one": {"visibility": "public"}}}, "'message' is a required property"),
    ({"message": "m"}, "'files' is a required property"),
    ({"message": 5, "files": {}}, "5 is not of type 'string' - 'message'"),
    ({"message": "m", "files": []}, "[] is not of type 'object' - 'files'"),
    ({"message": "m", "files": {"one": 5}}, "5 is not of type 'object' - 'files.one'"),
    ({"message": "m", "files": {"one": {"visibility": "secret"}}},
     "'secret' is not one of ['public', 'internal'] - 'files.one.visibility'"),
    ({"message": "m", "files": {"one": {"visibility": "public", "size": "1"}}},
     "'1' is not of type 'integer' - 'files.one.size'"),
    ({"message": "m", "files": {"one": {"visibility": "public", "size": 1.5}}},
     "1.5 is not of type 'integer' - 'files.one.size'"),
    ({"message": "m", "files": {"one": {"visibility": "public", "size": True}}},
     "True is not of type 'integer' - 'files.one.size'"),
    ({"message": "m", "files": {"one": {"visibility": "public", "digest": 5}}},
     "5 is not of type 'string' - 'files.one.digest'"),
    ({"message": "m", "files": {"one": {"visibility": "public", "algorithm": None}}},
     "None is not of type 'string' - 'files.one.algorithm'"),
    ([], "[] is not of type 'object'"),
    ("str", "'str' is not of type 'object'"),
    (5, "5 is not of type 'object'"),
    (None, "None is not of type 'object'"),
], ids=["no-message", "no-files", "message-int", "files-list", "entry-int", "bad-visibility",
        "size-str", "size-float", "size-bool", "digest-int", "algorithm-null", "body-list",
        "body-str", "body-int", "body-null"])
def test_upload_schema_errors(tt, sql, body, detail):
    """C11/C19 family: wrong types, missing required keys, bad enum values."""
    before = snapshot(sql)
    r = tt.post("/upload", data=json.dumps(body), headers={"Content-Type": "application/json"},
                as_="dp-up")
    assert_problem(r, 400, detail)
    assert_nothing_written(sql, before)


@pytest.mark.parametrize("data,detail", [
    (b"not json", NOT_JSON),
    (b'{"message": "m", "files": {', NOT_JSON),
    (b'{"message": "a", "message": "b", "files": {}}', NOT_JSON + ": duplicate object key"),
    (b'{"message": "m", "files": {"one": {"visibility": "public", "size": 1e400}}}', NOT_JSON),
    (b'{"message": "m", "files": {"one": {"visibility": "public", "size": 9223372036854775808}}}',
     NOT_JSON),
    (b'{"message": "\xff\xfe", "files": {}}', NOT_JSON),
    (b'{"message": "a\\u0000b", "files": {}}', NOT_JSON),
    (b"[" * 5000 + b"]" * 5000, NOT_JSON),
    (b"", "None is not of type 'object'"),
], ids=["text", "truncated", "duplicate-keys", "huge-float", "int64-overflow", "bad-utf8",
        "nul-in-string", "deep-nesting", "empty"])
def test_upload_malformed_json(tt, sql, data, detail):
    """C21 and bad input: unparsable bodies under application/json -> 400, nothing written."""
    before = snapshot(sql)
    r = tt.post("/upload", data=data, headers={"Content-Type": "application/json"}, as_="dp-up")
    assert_problem(r, 400, detail)
    assert_nothing_written(sql, before)


@pytest.mark.parametrize("ct", ["text/plain", "application/x-www-form-urlencoded",
                                "application/octet-stream"])
def test_upload_wrong_content_type(tt, sql, ct):
    """C21: a body that is not declared JSON -> 415."""
    before = snapshot(sql)
    r = tt.post("/upload", data=json.dumps(mk()), headers={"Content-Type": ct}, as_="dp-up")
    assert_problem(r, 415, "Invalid Content-type (%s), expected JSON data" % ct)
    assert_nothing_written(sql, before)


def test_upload_huge_body(tt, sql, env):
    """Bad input: a body over the cap -> 413 problem, nothing written (declared length and
    chunked)."""
    cap = max_body(env)
    msg = "Request body is larger than %d bytes" % cap
    body = json.dumps(mk(message="x" * (cap + 10))).encode()
    before = snapshot(sql)
    assert_problem(tt.post("/upload", data=body, headers={"Content-Type": "application/json"},
                           as_="dp-up"), 413, msg)
    r = tt.post("/upload", data=iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
                headers={"Content-Type": "application/json"})
    assert_problem(r, 413, msg)
    assert_nothing_written(sql, before)


def test_upload_extra_query_parameter(tt, sql):
    """Strict validation on POST /upload: only region is declared."""
    before = snapshot(sql)
    r = tt.post("/upload?foo=1", json=mk(), as_="dp-up")
    assert_problem(r, 400, EXTRA_FOO)
    assert_nothing_written(sql, before)


def test_upload_bad_digest_is_checked_after_permission(tt, sql):
    """2.5 order: permission (step 8) before per-file checks (step 9)."""
    body = mk()
    body["files"]["one"]["digest"] = "x" * 128
    refused(tt, sql, body, 403, "no permission to upload public files", as_="none")


def test_reupload_after_instances_deleted(tt, sql, env):
    """C22 (status part): a File whose instances were deleted can be uploaded again."""
    f = seed_file(sql, env)
    res = tt.upload_batch({"one": entry(f["data"])}, as_="up")
    assert "put_url" in res["files"]["one"]
    assert [r for r, _ in pending_rows(sql, f["digest"])] == [region(env)[0]]
