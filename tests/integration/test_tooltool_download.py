"""ToolTool downloads GET /sha512/{d} (catalogue H, I5, D5, D6, D9) and the local storage backend's
signed URLs <tt_url>/__storage__/<region>/sha512/<d>?Expires=..&Signature=.. (PUT and GET).

A refused storage request is a 403 (expired, tampered, wrong method) or 413 (more bytes than the
File's size) problem document and stores nothing. The contract fixes no detail text for those,
so only their shape is compared exactly (assert_problem(..., None)).
"""

import os
import time

import pytest
import requests

from tt_client import (FORBIDDEN, INVALID_DIGEST, NOT_FOUND, assert_file, assert_problem,  # noqa: F401
                       blob, describe, entry, expire_pending, file_json, instance_regions,
                       make_region_dir, parse_signed_url, pending_rows, put_object, random_digest,
                       read_object, region, regions, seed_file, tt, uniq, wait_past)


def location(r, tt_url):
    assert r.status_code == 302, describe(r)
    return r.headers["Location"], parse_signed_url(r.headers["Location"], tt_url, "GET")


def fetch(url):
    return requests.get(url, timeout=30, allow_redirects=False)


# ---------------------------------------------------------------- H: redirects

def test_download_public_anonymously(tt, sql, env, tt_url):
    """H8, H11, H15, D9 (default on): anonymous 302 to a signed GET URL of the instance region,
    expiring in 60 s; the URL serves the bytes without credentials."""
    reg, d = region(env)
    f = seed_file(sql, env, blob(3000)[0], instances=[reg])
    t0 = time.time()
    url, (lreg, digest, expires, _) = location(tt.get("/sha512/" + f["digest"]), tt_url)
    assert (lreg, digest) == (reg, f["digest"])
    assert t0 + 59 <= expires <= time.time() + 61
    r = fetch(url)
    assert r.status_code == 200, describe(r)
    assert r.content == f["data"]
    assert r.headers["Content-Length"] == str(len(f["data"]))


@pytest.mark.parametrize("who", ["dp-up", "dp", "up", "di", "none"])
def test_download_public_with_any_identity(tt, sql, env, tt_url, who):
    """H5: anonymous public download on: any caller gets the public file."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    assert location(tt.get("/sha512/" + f["digest"], as_=who), tt_url)[1][:2] == (reg, f["digest"])


@pytest.mark.parametrize("who,status", [
    (None, 403), ("dp-up", 403), ("dp", 403), ("up-ui", 403), ("mg", 403),
    ("di", 302), ("all", 302), ("services", 302), ("star", 302), ("dl-star", 302),
    ("up-ui-di", 302),
])
def test_download_internal(tt, sql, env, tt_url, who, status):
    """H4, H7, H11, I5: internal files need download/internal (wildcards match by prefix)."""
    reg = region(env)[0]
    f = seed_file(sql, env, visibility="internal", instances=[reg])
    r = tt.get("/sha512/" + f["digest"], as_=who)
    if status == 403:
        assert_problem(r, 403, FORBIDDEN)
    else:
        url, _ = location(r, tt_url)
        assert fetch(url).content == f["data"]


def test_download_unknown(tt):
    """H1, A1 ("1"*128 is a valid digest)."""
    assert_problem(tt.get("/sha512/" + random_digest()), 404, NOT_FOUND)
    assert_problem(tt.get("/sha512/" + "1" * 128), 404, NOT_FOUND)


def test_download_without_instances(tt, sql, env):
    """H3: a File without instance -> 404 (also with a PendingUpload and an object on disk)."""
    reg = region(env)[0]
    f = seed_file(sql, env, objects=[reg], pending=30)
    assert_problem(tt.get("/sha512/" + f["digest"]), 404, NOT_FOUND)
    assert_problem(tt.get("/sha512/" + f["digest"], as_="all"), 404, NOT_FOUND)


@pytest.mark.parametrize("digest", ["abcd", "123", "x" * 128, "j" * 128, "0" * 127, "0" * 129,
                                    "A" * 128],
                         ids=["abcd", "123", "x128", "j128", "len127", "len129", "upper"])
def test_download_invalid_digest(tt, digest):
    """H2 with D5: validated first -> 400 (also with ?region=, D6)."""
    assert_problem(tt.get("/sha512/" + digest), 400, INVALID_DIGEST)
    assert_problem(tt.get("/sha512/%s?region=us-east-1" % digest), 400, INVALID_DIGEST)


def test_download_upper_case_of_existing_digest(tt, sql, env):
    f = seed_file(sql, env, instances=[region(env)[0]])
    assert_problem(tt.get("/sha512/" + f["digest"].upper()), 400, INVALID_DIGEST)


@pytest.mark.parametrize("query,detail", [
    ("?foo=1", "Extra query parameter(s) foo not in spec"),
    ("?region=us-east-1&foo=1", "Extra query parameter(s) foo not in spec"),
])
def test_download_strict_query(tt, sql, env, query, detail):
    """D6: only region is accepted; anything else -> 400."""
    f = seed_file(sql, env, instances=[region(env)[0]])
    assert_problem(tt.get("/sha512/" + f["digest"] + query), 400, detail)


def test_download_region_query_single_region(tt, sql, env, tt_url):
    """D6: ?region=<configured> or an unknown region -> the instance's region."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    for q in (reg, "eu-north-9", ""):
        r = tt.get("/sha512/%s?region=%s" % (f["digest"], q))
        assert location(r, tt_url)[1][:2] == (reg, f["digest"])


@pytest.mark.allow_log(r"No available regions for file")
def test_download_instance_only_in_unconfigured_region(tt, sql, env):
    """H12: instances only outside the configured regions -> 500 No available regions."""
    f = seed_file(sql, env, instances=["xx-nowhere-1"], objects=[])
    assert_problem(tt.get("/sha512/" + f["digest"]), 500, "No available regions for file")


@pytest.mark.parametrize("method,allow", [("PUT", "GET, HEAD, OPTIONS"),
                                          ("POST", "GET, HEAD, OPTIONS"),
                                          ("DELETE", "GET, HEAD, OPTIONS")])
def test_download_wrong_method(tt, method, allow):
    r = tt.request(method, "/sha512/" + random_digest())
    assert_problem(r, 405, "The method is not allowed for the requested URL.")
    assert r.headers["Allow"] == allow


# ---------------------------------------------------------------- K3, D22: GET /tooltool.py

UPSTREAM_CLIENT = "https://raw.githubusercontent.com/mozilla-releng/tooltool/master/client/tooltool.py"


def test_client_redirect(tt):
    """K3: 302 to the client (upstream's URL by default), empty body, for anyone."""
    for who in (None, "none", "all"):
        r = tt.get("/tooltool.py", as_=who)
        assert r.status_code == 302, describe(r)
        assert r.headers["Location"] == UPSTREAM_CLIENT
        assert r.content == b""
    assert_problem(tt.get("/tooltool.py?x=1"), 400, "Extra query parameter(s) x not in spec")
    r = tt.post("/tooltool.py")
    assert_problem(r, 405, "The method is not allowed for the requested URL.")
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_client_redirect_configured(tt, httpd_control):
    """D22: TooltoolClientUrl points elsewhere (a mirror), or 'none' answers 404."""
    mirror = "https://mirror.example.org/releng/tooltool.py?v=1.4.0"
    httpd_control.set_extra_conf("TooltoolClientUrl %s\n" % mirror)
    r = tt.get("/tooltool.py")
    assert (r.status_code, r.headers.get("Location")) == (302, mirror), describe(r)
    httpd_control.set_extra_conf("TooltoolClientUrl none\n")
    assert_problem(tt.get("/tooltool.py"), 404, NOT_FOUND)


# ---------------------------------------------------------------- D9: anonymous download off

def test_anonymous_public_download_off(tt, sql, env, tt_url, httpd_control):
    """H6, H14, D9: TooltoolAnonymousPublicDownload Off -> public files need download/public
    (internal does not imply public); internal still needs download/internal."""
    httpd_control.set_extra_conf("TooltoolAnonymousPublicDownload Off\n")
    reg = region(env)[0]
    pub = seed_file(sql, env, instances=[reg])
    internal = seed_file(sql, env, visibility="internal", instances=[reg])
    for who in (None, "up", "di", "none", "mg"):
        assert_problem(tt.get("/sha512/" + pub["digest"], as_=who), 403, FORBIDDEN)
    for who in ("dp", "dp-up", "dl-star", "all"):
        assert location(tt.get("/sha512/" + pub["digest"], as_=who), tt_url)[1][1] == pub["digest"]
    assert_problem(tt.get("/sha512/" + internal["digest"], as_="dp"), 403, FORBIDDEN)
    assert location(tt.get("/sha512/" + internal["digest"], as_="di"), tt_url)[1][1] == \
        internal["digest"]


# ---------------------------------------------------------------- D6: two regions

@pytest.fixture
def two_regions(env, httpd_control):
    """The configured region plus a second local region (a fresh directory)."""
    first, _ = region(env)
    name = next(n for n in ("us-west-2", "us-west-1", "eu-central-1", "tt-second")
                if n not in regions(env))
    d = os.path.join(env["root"], "%s-%s" % (env["mpm"], uniq("tt-second")))
    make_region_dir(d)
    httpd_control.set_extra_conf('TooltoolRegion %s local "%s"\n' % (name, d))
    assert list(regions(env)) == [first, name]
    return first, name


def test_download_region_preference(tt, sql, env, tt_url, two_regions):
    """D6 (H9, H10): ?region= picks that region when the file has an instance there, otherwise
    a configured region holding one; without it any instance region."""
    r1, r2 = two_regions
    both = seed_file(sql, env, instances=[r1, r2])
    only1 = seed_file(sql, env, instances=[r1])
    only2 = seed_file(sql, env, instances=[r2])
    for _ in range(5):
        for want in (r1, r2):
            url, (got, _, _, _) = location(tt.get("/sha512/%s?region=%s" % (both["digest"], want)),
                                           tt_url)
            assert got == want
            assert fetch(url).content == both["data"]
        assert location(tt.get("/sha512/%s?region=%s" % (only1["digest"], r2)), tt_url)[1][0] == r1
        assert location(tt.get("/sha512/%s?region=%s" % (only2["digest"], r1)), tt_url)[1][0] == r2
        assert location(tt.get("/sha512/%s?region=nowhere" % only2["digest"]), tt_url)[1][0] == r2
        assert location(tt.get("/sha512/" + both["digest"]), tt_url)[1][0] in (r1, r2)


def test_upload_to_second_region_and_verify(tt, sql, env, tt_url, two_regions):
    """C15 with two regions: ?region=<second> -> PUT URL, PendingUpload, object and instance in
    that region."""
    r1, r2 = two_regions
    data, d = blob(500)
    res = tt.upload_batch({"f": entry(data)}, as_="up", region=r2)
    put_url = res["files"]["f"]["put_url"]
    assert parse_signed_url(put_url, tt_url, "PUT")[:2] == (r2, d)
    assert [r for r, _ in pending_rows(sql, d)] == [r2]
    assert put_object(put_url, data).status_code == 200
    assert read_object(regions(env)[r2], d) == data
    assert read_object(regions(env)[r1], d) is None
    expire_pending(sql, d)
    assert tt.complete(d).status_code == 202
    assert instance_regions(sql, d) == [r2]


def test_patch_multi_op_two_regions(tt, sql, env, two_regions):
    """G13: set public + delete instances: both objects deleted, no instance left."""
    r1, r2 = two_regions
    f = seed_file(sql, env, visibility="internal", instances=[r1, r2])
    r = tt.patch("/file/sha512/" + f["digest"], as_="mg",
                 json=[{"op": "set_visibility", "visibility": "public"}, {"op": "delete_instances"}])
    assert_file(r, file_json(f["digest"], f["size"], "public", has_instances=False, instances=[]))
    assert read_object(regions(env)[r1], f["digest"]) is None
    assert read_object(regions(env)[r2], f["digest"]) is None
    assert instance_regions(sql, f["digest"]) == []


def test_get_file_lists_both_regions(tt, sql, env, two_regions):
    f = seed_file(sql, env, instances=list(two_regions))
    assert_file(tt.get("/file/sha512/" + f["digest"]),
                file_json(f["digest"], f["size"], instances=list(two_regions)))


# ---------------------------------------------------------------- signed URLs

def tamper(url, tt_url, **what):
    """Rebuild a storage URL with one part changed (region, digest, expires, signature)."""
    reg, d, exp, sig = parse_signed_url(url, tt_url)
    reg, d = what.get("region", reg), what.get("digest", d)
    exp, sig = what.get("expires", exp), what.get("signature", sig)
    return "%s/__storage__/%s/sha512/%s?Expires=%s&Signature=%s" % (tt_url, reg, d, exp, sig)


def flip(sig):
    c = sig[len(sig) // 2]
    return sig[:len(sig) // 2] + ("A" if c != "A" else "B") + sig[len(sig) // 2 + 1:]


def test_put_signed_url_stores_the_object(tt, sql, env, tt_url):
    """A2 + 3.2: PUT with Content-Type application/octet-stream -> 200; the object is
    <region dir>/sha512/<digest>, readable back through a download URL."""
    reg, rdir = region(env)
    data, d = blob(1234)
    res = tt.upload_batch({"a": entry(data)}, as_="up")
    url = res["files"]["a"]["put_url"]
    assert url.split("?")[0].endswith("/sha512/" + d)
    r = put_object(url, data)
    assert r.status_code == 200, describe(r)
    assert read_object(rdir, d) == data


def test_put_signed_url_tampered(tt, sql, env, tt_url):
    """Tampered signature, expiry, digest or region, a GET through a PUT URL -> 403; nothing
    stored."""
    reg, rdir = region(env)
    data, d = blob(100)
    other_data, other = blob(100)
    res = tt.upload_batch({"a": entry(data), "b": entry(other_data)}, as_="up")
    url = res["files"]["a"]["put_url"]
    _, _, exp, sig = parse_signed_url(url, tt_url)
    for bad in (tamper(url, tt_url, signature=flip(sig)),
                tamper(url, tt_url, signature=""),
                tamper(url, tt_url, expires=exp + 1),
                tamper(url, tt_url, expires=exp - 1),
                tamper(url, tt_url, digest=other),
                tamper(url, tt_url, region="xx-nowhere-1"),
                url.split("?")[0],
                url.split("&")[0]):
        assert_problem(put_object(bad, data), 403, None)
    assert read_object(rdir, d) is None and read_object(rdir, other) is None
    # used for GET (before anything was stored): refused as well
    assert_problem(fetch(url), 403, None)
    # the genuine URL still works
    assert put_object(url, data).status_code == 200
    assert read_object(rdir, d) == data


def test_get_signed_url_tampered(tt, sql, env, tt_url):
    """Tampered GET URLs and a GET URL used for PUT -> 403; the object is unchanged."""
    reg, rdir = region(env)
    f = seed_file(sql, env, instances=[reg])
    g = seed_file(sql, env, instances=[reg])
    url, (_, _, exp, sig) = location(tt.get("/sha512/" + f["digest"]), tt_url)
    for bad in (tamper(url, tt_url, signature=flip(sig)),
                tamper(url, tt_url, expires=exp + 100),
                tamper(url, tt_url, digest=g["digest"]),
                tamper(url, tt_url, region="xx-nowhere-1"),
                url.split("?")[0]):
        assert_problem(fetch(bad), 403, None)
    r = put_object(url, b"evil" * 16)
    assert_problem(r, 403, None)
    assert read_object(rdir, f["digest"]) == f["data"]
    assert fetch(url).content == f["data"]


def test_put_more_than_the_recorded_size(tt, sql, env, tt_url):
    """More bytes than the File's size -> 413, nothing stored (declared length and chunked)."""
    reg, rdir = region(env)
    data, d = blob(100)
    res = tt.upload_batch({"a": entry(data)}, as_="up")
    url = res["files"]["a"]["put_url"]
    assert_problem(put_object(url, data + b"x"), 413, None)
    assert read_object(rdir, d) is None
    chunks = iter([data[:60], data[60:], b"overflow"])
    assert_problem(put_object(url, chunks), 413, None)
    assert read_object(rdir, d) is None
    assert put_object(url, data).status_code == 200
    assert read_object(rdir, d) == data


def test_signed_urls_expire(tt, sql, env, tt_url, httpd_control):
    """3.2: a PUT or GET URL used after its expiry (TooltoolUploadExpires 1 /
    TooltoolDownloadExpires 1) -> 403 and nothing stored; fresh ones work."""
    httpd_control.set_extra_conf("TooltoolUploadExpires 1\nTooltoolDownloadExpires 1\n")
    reg, rdir = region(env)
    data, d = blob(100)
    t0 = time.time()
    res = tt.upload_batch({"a": entry(data)}, as_="up")
    put_url = res["files"]["a"]["put_url"]
    exp = parse_signed_url(put_url, tt_url)[2]
    assert t0 - 1 <= exp <= time.time() + 2
    f = seed_file(sql, env, instances=[reg])
    get_url, (_, _, gexp, _) = location(tt.get("/sha512/" + f["digest"]), tt_url)
    assert t0 - 1 <= gexp <= time.time() + 2
    wait_past(max(exp, gexp))
    assert_problem(put_object(put_url, data), 403, None)
    assert read_object(rdir, d) is None
    assert_problem(fetch(get_url), 403, None)
    # fresh URLs, used at once, work
    res = tt.upload_batch({"a": entry(data)}, as_="up")
    assert put_object(res["files"]["a"]["put_url"], data).status_code == 200
    assert read_object(rdir, d) == data
    url, _ = location(tt.get("/sha512/" + f["digest"]), tt_url)
    assert fetch(url).content == f["data"]
