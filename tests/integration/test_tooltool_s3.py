"""ToolTool on the s3 storage backend (spec 3, D10, D19, D20, D6; catalogue C, E, G, H, M) against
s3rver: two s3 regions EAST/WEST (s3_fixture.py) replace the instance's local region.

Presigned SigV4 URLs (the client PUTs and GETs on s3rver itself), verification from S3 (HEAD
size, storage class and redirect, streamed GET through SHA-512, ACL reset that s3rver answers
with 501), invalid uploads deleted from the bucket, ?region= preference, delete_instances in
every bucket, the real client, configuration errors, and an unreachable store: a clear 5xx for
the request that needed it, nothing recorded, recovery once it is back. Replication:
test_tooltool_s3_replication.py.

Objects are read and planted directly in the buckets with anonymous requests (s3rver accepts
them); s3rver does not verify SigV4 signatures (their bytes are unit-tested against AWS vectors).
"""

import json
import os
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from s3_fixture import EAST, REGIONS, WEST, s3, s3_conf, s3_regions  # noqa: F401
from tt_client import (CLIENTS, NOT_FOUND, assert_file, assert_problem, blob,  # noqa: F401
                       describe, entry, expire_pending, file_json, instance_regions,
                       pending_rows, put_object, seed_file, tt, uniq, verify_now)

TIMEOUT = 30
CLIENT = "/work/shared/clients/tooltool.py"
PYTHON = "/usr/bin/python3"
DIGEST_RE = "[0-9a-f]{128}"


def bucket(region):
    return REGIONS[region][0]


def seed(sql, env, s3, data=None, instances=(), objects=None, **kw):
    """A File with INSTANCES (region names) and its object in the buckets of OBJECTS (default:
    the instance regions; a dict region -> bytes plants other content)."""
    f = seed_file(sql, env, data, instances=list(instances), objects={}, **kw)
    if objects is None:
        objects = {r: f["data"] for r in instances}
    elif not isinstance(objects, dict):
        objects = {r: f["data"] for r in objects}
    for r, content in objects.items():
        s3.put(bucket(r), f["digest"], content)
    return f


def presigned(url, s3, region, digest, method):
    """Asserts the shape of a SigV4 presigned URL on s3rver (path style, explicit port) and
    returns its query."""
    u = urlsplit(url)
    assert "%s://%s" % (u.scheme, u.netloc) == s3.url, url
    assert u.path == "/%s/sha512/%s" % (bucket(region), digest), url
    q = parse_qs(u.query, keep_blank_values=True)
    assert sorted(q) == ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                         "X-Amz-Signature", "X-Amz-SignedHeaders"], url
    q = {k: v[0] for k, v in q.items()}
    assert q["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert re.fullmatch(r"S3RVER/\d{8}/%s/s3/aws4_request" % REGIONS[region][1],
                        q["X-Amz-Credential"]), url
    assert re.fullmatch(r"[0-9a-f]{64}", q["X-Amz-Signature"]), url
    assert q["X-Amz-SignedHeaders"] == ("content-type;host" if method == "PUT" else "host")
    return q


def download(tt, digest, region=None, status=302):
    path = "/sha512/" + digest + ("?region=" + region if region is not None else "")
    r = tt.get(path)
    assert r.status_code == status, describe(r)
    return r.headers.get("Location")


def region_of(url):
    return next(name for name, (b, _) in REGIONS.items() if urlsplit(url).path.startswith("/%s/" % b))


def fetch(url):
    r = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return r.content


# ---------------------------------------------------------------- upload, verify, download

def test_s3_upload_verify_download(tt, sql, env, s3, s3_regions):
    """C/E12/H on s3: POST /upload?region=WEST -> a SigV4 PUT URL on s3rver (content-type signed,
    X-Amz-Expires = TooltoolUploadExpires); the object lands in WEST's bucket only; verification
    (HEAD, GET + SHA-512, ACL reset: s3rver's 501 is ignored) makes the WEST instance; the
    download redirect is a presigned GET for WEST that serves the bytes."""
    s3_regions("TooltoolUploadExpires 40\nTooltoolDownloadExpires 50\n")
    data, d = blob(10240)
    res = tt.upload_batch({"f.bin": entry(data)}, as_="up", region=WEST)
    put_url = res["files"]["f.bin"]["put_url"]
    assert presigned(put_url, s3, WEST, d, "PUT")["X-Amz-Expires"] == "40"
    assert [r for r, _ in pending_rows(sql, d)] == [WEST]
    r = put_object(put_url, data)
    assert r.status_code == 200, describe(r)
    assert s3.get(bucket(WEST), d) == data
    assert s3.get(bucket(EAST), d) is None
    # not verified before the URL has expired
    assert tt.complete(d).status_code == 409
    verify_now(tt, sql, d)
    assert instance_regions(sql, d) == [WEST]
    assert pending_rows(sql, d) == []
    assert s3.get(bucket(WEST), d) == data
    assert_file(tt.get("/file/sha512/" + d), file_json(d, 10240, instances=[WEST]))
    loc = download(tt, d)
    assert presigned(loc, s3, WEST, d, "GET")["X-Amz-Expires"] == "50"
    assert fetch(loc) == data


def test_s3_sigv2_urls_verified_by_the_store(tt, sql, s3, s3_regions):
    """signature=v2 (what upstream's botocore emitted): s3rver verifies SigV2 signatures, so the
    presigned PUT is accepted only as signed (Content-Type application/octet-stream, untampered)
    and the download URL serves the bytes."""
    s3_regions("TooltoolRegion %s none\nTooltoolRegion %s s3 bucket=%s endpoint=%s "
               "region=us-west-2 signature=v2 access_key=S3RVER secret_key=S3RVER\n"
               % (WEST, WEST, bucket(WEST), s3.url))
    data, d = blob(777)
    put_url = tt.upload_batch({"f": entry(data)}, as_="up", region=WEST)["files"]["f"]["put_url"]
    u = urlsplit(put_url)
    assert "%s://%s%s" % (u.scheme, u.netloc, u.path) == s3.object_url(bucket(WEST), d)
    q = {k: v[0] for k, v in parse_qs(u.query).items()}
    assert sorted(q) == ["AWSAccessKeyId", "Expires", "Signature", "content-type"], put_url
    assert q["AWSAccessKeyId"] == "S3RVER" and q["content-type"] == "application/octet-stream"
    tampered = put_url.replace("Signature=", "Signature=A")
    assert put_object(tampered, data).status_code == 403
    assert put_object(put_url, data, content_type="text/plain").status_code == 403
    assert s3.get(bucket(WEST), d) is None
    assert put_object(put_url, data).status_code == 200
    verify_now(tt, sql, d)
    assert instance_regions(sql, d) == [WEST]
    loc = download(tt, d)
    assert "Signature=" in loc and "AWSAccessKeyId=S3RVER" in loc
    assert fetch(loc) == data
    r = requests.get(loc.replace("Signature=", "Signature=A"), timeout=TIMEOUT)
    assert r.status_code == 403


def test_s3_upload_random_region(tt, sql, s3, s3_regions):
    """Without ?region= the PUT URL's region is one of the configured ones, the same as the
    pending upload's."""
    s3_regions()
    seen = set()
    for _ in range(12):
        data, d = blob(100)
        put_url = tt.upload_batch({"x": entry(data)}, as_="up")["files"]["x"]["put_url"]
        reg = region_of(put_url)
        presigned(put_url, s3, reg, d, "PUT")
        assert [r for r, _ in pending_rows(sql, d)] == [reg]
        seen.add(reg)
    assert seen == {EAST, WEST}


@pytest.mark.parametrize("case", ["content", "size", "storage-class", "redirect"])
def test_s3_invalid_upload_never_served(tt, sql, env, s3, s3_regions, case):
    """E1/E2/E3/E10, D19 on s3: the object is replaced in the bucket before verification (other
    bytes of the same size, a truncated copy, the right bytes with storage class
    REDUCED_REDUNDANCY, the right bytes with a website redirect): invalid -> object deleted from
    the bucket, pending upload deleted, no instance, never downloadable."""
    s3_regions()
    data, d = blob(4096)
    res = tt.upload_batch({"f": entry(data)}, as_="up", region=EAST)
    assert put_object(res["files"]["f"]["put_url"], data).status_code == 200
    headers = None
    if case == "content":
        planted = blob(4096)[0]
    elif case == "size":
        planted = data[:4000]
    elif case == "storage-class":
        planted, headers = data, {"x-amz-storage-class": "REDUCED_REDUNDANCY"}
    else:
        planted, headers = data, {"x-amz-website-redirect-location": "http://evil.example/"}
    s3.put(bucket(EAST), d, planted, headers)
    if headers:
        assert s3.head(bucket(EAST), d).headers.get(next(iter(headers))) == next(iter(headers.values()))
    verify_now(tt, sql, d)
    assert instance_regions(sql, d) == []
    assert pending_rows(sql, d) == []
    assert s3.get(bucket(EAST), d) is None
    assert_problem(tt.get("/sha512/" + d), 404, NOT_FOUND)
    assert_file(tt.get("/file/sha512/" + d),
                file_json(d, 4096, has_instances=False, instances=[]))


def test_s3_storage_class_check_off(tt, sql, env, s3, s3_regions):
    """storage_class_check=off: another storage class is accepted (a store reporting its own
    class names); a website redirect is still refused."""
    s3_regions("TooltoolRegion %s none\nTooltoolRegion %s s3 bucket=%s endpoint=%s region=us-west-2 "
               "access_key=S3RVER secret_key=S3RVER storage_class_check=off\n"
               % (WEST, WEST, bucket(WEST), s3.url))
    data, d = blob(300)
    res = tt.upload_batch({"f": entry(data)}, as_="up", region=WEST)
    s3.put(bucket(WEST), d, data, {"x-amz-storage-class": "STANDARD_IA"})
    verify_now(tt, sql, d)
    assert instance_regions(sql, d) == [WEST]
    data2, d2 = blob(300)
    res = tt.upload_batch({"f": entry(data2)}, as_="up", region=WEST)
    assert res["files"]["f"]["put_url"]
    s3.put(bucket(WEST), d2, data2, {"x-amz-website-redirect-location": "/elsewhere"})
    verify_now(tt, sql, d2)
    assert instance_regions(sql, d2) == []
    assert s3.get(bucket(WEST), d2) is None
    # tidy up: with the check on, later sweeps would refuse to copy it
    assert tt.patch("/file/sha512/" + d, json=[{"op": "delete_instances"}],
                    as_="mg").status_code == 200


def test_s3_not_uploaded_keeps_pending(tt, sql, s3, s3_regions):
    """E9 on s3: nothing in the bucket (HEAD 404) -> the pending upload stays, no instance."""
    s3_regions()
    data, d = blob(50)
    tt.upload_batch({"f": entry(data)}, as_="up", region=EAST)
    verify_now(tt, sql, d)
    assert [r for r, _ in pending_rows(sql, d)] == [EAST]
    assert instance_regions(sql, d) == []


# ---------------------------------------------------------------- D6: ?region=

def test_s3_download_region_preference(tt, sql, env, s3, s3_regions):
    """D6 (H9, H10) on s3: ?region= picks that region when the file has an instance there,
    otherwise a configured region holding one; without it any instance region. Every URL serves
    the bytes. Instances outside the configured regions are never picked."""
    s3_regions()
    both = seed(sql, env, s3, instances=[EAST, WEST])
    only_e = seed(sql, env, s3, instances=[EAST])
    only_w = seed(sql, env, s3, instances=[WEST, "us-west-1"], objects=[WEST])
    picked = set()
    for _ in range(6):
        for want in (EAST, WEST):
            loc = download(tt, both["digest"], want)
            assert region_of(loc) == want
            assert fetch(loc) == both["data"]
        assert region_of(download(tt, only_e["digest"], WEST)) == EAST
        assert region_of(download(tt, only_w["digest"], EAST)) == WEST
        assert region_of(download(tt, only_w["digest"], "us-west-1")) == WEST
        assert region_of(download(tt, only_w["digest"], "nowhere")) == WEST
        picked.add(region_of(download(tt, both["digest"])))
    assert fetch(download(tt, only_w["digest"])) == only_w["data"]
    assert picked <= {EAST, WEST}


# ---------------------------------------------------------------- D20: delete_instances

def test_s3_delete_instances_every_bucket(tt, sql, env, s3, s3_regions):
    """G (delete_instances), D20 on s3: the objects are deleted in every region holding an
    instance (one already missing counts as deleted), then the instances; the file stays,
    without instances, and is no longer downloadable."""
    s3_regions()
    f = seed(sql, env, s3, instances=[EAST, WEST])
    g = seed(sql, env, s3, instances=[EAST, WEST], objects=[EAST])
    for x in (f, g):
        r = tt.patch("/file/sha512/" + x["digest"], json=[{"op": "delete_instances"}], as_="mg")
        assert_file(r, file_json(x["digest"], x["size"], has_instances=False, instances=[]))
        assert instance_regions(sql, x["digest"]) == []
        for reg in (EAST, WEST):
            assert s3.get(bucket(reg), x["digest"]) is None
        assert_problem(tt.get("/sha512/" + x["digest"]), 404, NOT_FOUND)


# ---------------------------------------------------------------- the store is unreachable

@pytest.mark.allow_log(
    r"TT01200: S3 DELETE sha512/%s in region %s \(bucket tt-use1 at http://127\.0\.0\.1:\d+\) "
    r"failed: no answer: .*(Failed to connect|Couldn't connect).*" % (DIGEST_RE, EAST),
    r"TT01010: delete_instances %s: cannot delete sha512/%s in region %s$"
    % (DIGEST_RE, DIGEST_RE, EAST),
    r"TT01200: S3 HEAD sha512/%s in region %s \(bucket tt-usw2 at http://127\.0\.0\.1:\d+\) "
    r"failed: no answer: .*(Failed to connect|Couldn't connect).*" % (DIGEST_RE, WEST),
    r"TT01001: cannot stat sha512/%s in region %s$" % (DIGEST_RE, WEST),
)
def test_s3_unavailable_then_back(tt, sql, env, s3, s3_regions):
    """The store stops answering (s3rver stopped: connections refused):
    - PATCH delete_instances -> 503 "Storage unavailable: ...", instances and objects unchanged;
    - upload/complete of an expired upload -> 202 (it only asks to look), the pending upload is
      kept, no instance: nothing recorded;
    - presigning needs no store: POST /upload and the download redirect still answer.
    Once s3rver is back (same port and data): the same requests succeed."""
    s3_regions()
    f = seed(sql, env, s3, instances=[EAST, WEST])
    data, d = blob(2048)
    res = tt.upload_batch({"u": entry(data)}, as_="up", region=WEST)
    assert put_object(res["files"]["u"]["put_url"], data).status_code == 200
    expire_pending(sql, d)
    pending = pending_rows(sql, d)
    s3.stop()
    r = tt.patch("/file/sha512/" + f["digest"], json=[{"op": "delete_instances"}], as_="mg")
    assert_problem(r, 503, "Storage unavailable: could not delete the file in region %s" % EAST)
    assert instance_regions(sql, f["digest"]) == sorted([EAST, WEST])
    assert tt.complete(d).status_code == 202
    assert instance_regions(sql, d) == []
    assert [reg for reg, _ in pending_rows(sql, d)] == [reg for reg, _ in pending]
    new, nd = blob(10)
    assert "put_url" in tt.upload_batch({"n": entry(new)}, as_="up")["files"]["n"]
    assert download(tt, f["digest"]).startswith(s3.url + "/")
    # back on the same port, same data
    s3.start()
    assert s3.get(bucket(WEST), d) == data
    r = tt.patch("/file/sha512/" + f["digest"], json=[{"op": "delete_instances"}], as_="mg")
    assert_file(r, file_json(f["digest"], f["size"], has_instances=False, instances=[]))
    assert s3.get(bucket(EAST), f["digest"]) is None
    assert s3.get(bucket(WEST), f["digest"]) is None
    assert tt.complete(d).status_code == 202
    assert instance_regions(sql, d) == [WEST]
    assert pending_rows(sql, d) == []


# ---------------------------------------------------------------- the real client

class Tooltool:
    """tooltool.py (unmodified) in a directory, against the instance."""

    def __init__(self, cwd, url):
        self.cwd = str(cwd)
        self.url = url.rstrip("/") + "/"
        os.makedirs(self.cwd, exist_ok=True)

    def __call__(self, *args, timeout=90):
        envp = {k: v for k, v in os.environ.items()
                if not k.startswith("TASKCLUSTER_") and k != "TOOLTOOL_HOST"}
        p = subprocess.run([PYTHON, CLIENT, "--url", self.url] + [str(a) for a in args],
                           cwd=self.cwd, capture_output=True, text=True, env=envp,
                           timeout=timeout)
        text = "exit %d\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout, p.stderr)
        assert p.returncode == 0 and "Traceback" not in p.stderr, text
        return p

    def write(self, name, data):
        with open(os.path.join(self.cwd, name), "wb") as f:
            f.write(data)

    def read(self, name):
        with open(os.path.join(self.cwd, name), "rb") as f:
            return f.read()

    def creds(self, who):
        cid, token, _ = CLIENTS[who]
        with open(os.path.join(self.cwd, "creds.json"), "w") as f:
            json.dump({"clientId": cid, "accessToken": token}, f)
        return "creds.json"


def test_s3_real_client_upload_fetch(tt, sql, tmp_path, tt_url, s3, s3_regions):
    """M1/M2 on s3: tooltool.py add + upload (Hawk credentials; it PUTs to the presigned URLs on
    s3rver itself, waits X-Retry-After, completes) -> every file verified in the region its URL
    named, object in that bucket; then fetch (also with --region) into empty directories gets
    the same bytes through the presigned GET URLs."""
    s3_regions("TooltoolUploadExpires 2\n")
    up = Tooltool(tmp_path / "up", tt_url)
    files = {"a.bin": blob(3000)[0], "b.txt": blob(70000)[0], "c.bin": blob(1)[0]}
    for name, data in files.items():
        up.write(name, data)
    up("add", "--visibility", "public", *files)
    msg = uniq("s3 client upload")
    up("upload", "--message", msg, "--authentication-file", up.creds("up-ui"))
    with open(os.path.join(up.cwd, "manifest.tt")) as f:
        manifest = json.load(f)
    for rec in manifest:
        d = rec["digest"]
        (reg,) = instance_regions(sql, d)
        assert reg in (EAST, WEST)
        assert pending_rows(sql, d) == []
        assert s3.get(bucket(reg), d) == files[rec["filename"]]
    for n, extra in enumerate(([], ["--region", WEST])):
        down = Tooltool(tmp_path / ("down%d" % n), tt_url)
        down.write("manifest.tt", json.dumps(manifest).encode())
        down("fetch", *extra)
        for name, data in files.items():
            assert down.read(name) == data


# ---------------------------------------------------------------- configuration

def config_test(env, tmp_path, text):
    """(exit code, stderr) of apache2 -t on the instance's configuration + TEXT."""
    with open(env["httpd_conf"]) as f:
        conf = f.read()
    with open(env["extra_conf"]) as f:
        extra = f.read()
    path = tmp_path / "extra.conf"
    path.write_text(extra + text)
    copy = tmp_path / "httpd.conf"
    copy.write_text(conf.replace(env["extra_conf"], str(path)))
    p = subprocess.run([env["apache_bin"], "-t", "-f", str(copy)], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stderr


def test_s3_configuration(env, tmp_path, s3):
    """Configuration: the s3rver set-up of these tests is accepted; a credentials file is read at
    start-up and refused when group/others may read it; errors name the directive and region."""
    good = tmp_path / "creds"
    good.write_text("[default]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n")
    good.chmod(0o600)
    loose = tmp_path / "loose"
    loose.write_text("access_key=S3RVER\nsecret_key=S3RVER\n")
    loose.chmod(0o644)
    rc, err = config_test(env, tmp_path, s3_conf(s3, "TooltoolS3Timeout 10\n"))
    assert rc == 0 and "Syntax OK" in err, err
    rc, err = config_test(env, tmp_path, "TooltoolRegion us-east-1 none\nTooltoolRegion "
                          "us-east-1 s3 bucket=tt-use1 endpoint=%s credentials=%s\n" % (s3.url, good))
    assert rc == 0 and "Syntax OK" in err, err
    bad = [
        ("TooltoolRegion r2 s3 bucket=b endpoint=%s region=us-east-1 credentials=%s\n"
         % (s3.url, loose),
         r"TooltoolRegion: region r2: s3: credentials file %s is accessible to group or others "
         r"\(mode 0644\): make it readable by its owner only, e\.g\. chmod 600" % re.escape(str(loose))),
        ("TooltoolRegion r2 s3 endpoint=%s region=us-east-1 access_key=a secret_key=b\n" % s3.url,
         r"TooltoolRegion: region r2: s3: bucket=<name> is required"),
        ("TooltoolRegion us-east-1 s3 bucket=b access_key=a secret_key=b\n",
         r"TooltoolRegion: region us-east-1 is configured twice \(to replace it, "
         r"'TooltoolRegion us-east-1 none' first\)"),
        ("TooltoolRegion r2 s3 bucket=b colour=red\n",
         r"TooltoolRegion: region r2: s3: unknown option 'colour'.*"),
        ("TooltoolS3Timeout 0\n", r"TooltoolS3Timeout: expected whole seconds from 1 to 3600, got '0'"),
    ]
    for text, message in bad:
        rc, err = config_test(env, tmp_path, text)
        assert rc != 0, (text, err)
        assert re.search(message, err), (text, message, err)
        assert "S3RVER" not in err.replace(str(loose), "")
