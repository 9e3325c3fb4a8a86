"""ToolTool reliability (DESIGN "Reliability"): concurrent writers never produce a 500 or duplicate
rows, and an upload whose bytes do not match is never served -- not even when a second PUT
through a still-valid URL is still streaming while the first upload is verified.
"""

import http.client
import time
from urllib.parse import urlsplit

import requests

from tt_client import (Client, assert_json, blob, describe, entry, instance_regions,  # noqa: F401
                       parse_signed_url, pending_rows, put_object, read_object, region,
                       run_threads, seed_file, tt, uniq, wait_past)

JOIN_TIMEOUT = 60   # seconds each thread of run_threads is waited for


def test_concurrent_batches_of_the_same_new_file(sql, env, tt_url):
    """8 batches announcing the same new digest at once: all 200 with a put_url, one File row,
    one PendingUpload, 8 batches."""
    data, d = blob(300)
    msg = uniq("concurrent")

    def post(i):
        c = Client(tt_url)
        try:
            return c.post("/upload", json={"message": "%s-%d" % (msg, i),
                                           "files": {"f%d" % i: entry(data)}}, as_="up")
        finally:
            c.close()

    results = run_threads(8, post, JOIN_TIMEOUT)
    for r in results:
        assert not isinstance(r, BaseException), repr(r)
        body = assert_json(r, 200)
        assert "put_url" in next(iter(body["result"]["files"].values())), describe(r)
    assert sql("SELECT count(*) FROM releng_tooltool_files WHERE sha512 = %s", d) == [("1",)]
    assert len(pending_rows(sql, d)) == 1
    assert sql("SELECT count(*) FROM releng_tooltool_batches WHERE message LIKE %s",
               msg + "-%") == [("8",)]


def test_concurrent_completions(sql, env, tt_url):
    """8 simultaneous upload/complete calls for one expired upload: all 202, one instance."""
    reg, rdir = region(env)
    f = seed_file(sql, env, blob(100000)[0], objects=[reg], pending=-2)

    def complete(i):
        return requests.get("%s/upload/complete/sha512/%s" % (tt_url, f["digest"]), timeout=30)

    for r in run_threads(8, complete, JOIN_TIMEOUT):
        assert not isinstance(r, BaseException), repr(r)
        assert r.status_code == 202, describe(r)
    assert instance_regions(sql, f["digest"]) == [reg]
    assert pending_rows(sql, f["digest"]) == []
    assert read_object(rdir, f["digest"]) == f["data"]


def test_put_still_streaming_at_verification_never_replaces_the_file(tt, sql, env, tt_url,
                                                                     httpd_control):
    """The invariant behind 3.3: after verification nobody can alter the object. A second PUT
    (other bytes, same size) starts while the URL is valid and is still streaming when the URL
    expires and the first upload is verified; once it finishes, the stored and served bytes are
    still the verified ones (or, if the implementation dropped the file, nothing is served)."""
    httpd_control.set_extra_conf("TooltoolUploadExpires 2\n")
    reg, rdir = region(env)
    size = 256 * 1024
    good, d = blob(size)
    evil = blob(size)[0]
    res = tt.upload_batch({"g": entry(good)}, as_="up")
    url = res["files"]["g"]["put_url"]
    expires = parse_signed_url(url, tt_url)[2]
    assert put_object(url, good).status_code == 200
    u = urlsplit(url)
    slow = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    slow.putrequest("PUT", u.path + "?" + u.query)
    slow.putheader("Content-Type", "application/octet-stream")
    slow.putheader("Content-Length", str(size))
    slow.endheaders()
    slow.send(evil[:size // 2])
    try:
        wait_past(expires)
        # the verifier runs now (synchronously: small file)
        deadline = time.monotonic() + 15
        while True:
            r = tt.complete(d)
            if r.status_code == 202 or time.monotonic() > deadline:
                break
            assert r.status_code == 409, describe(r)
            time.sleep(0.2)
        assert r.status_code == 202, describe(r)
        try:
            slow.send(evil[size // 2:])
            resp = slow.getresponse()
            late_status = resp.status
            resp.read()
        except OSError:
            late_status = None                      # the server cut the late upload off
    finally:
        slow.close()
    # finished after the expiry: refused like any use of an expired URL (or cut off)
    assert late_status in (403, None), late_status
    if instance_regions(sql, d):
        assert read_object(rdir, d) == good
        r = tt.get("/sha512/" + d)
        assert r.status_code == 302, describe(r)
        assert requests.get(r.headers["Location"], timeout=30).content == good
    else:
        assert tt.get("/sha512/" + d).status_code == 404
