"""ToolTool test client and shared helpers for tests/integration/test_tooltool_*.py.

    from tt_client import tt, Client, assert_problem, ...      # tt is a fixture

``tt`` (fixture) is a Client on tt_url; ``tt.get/post/patch/put/delete(path, json=..., as_=NAME)``
signs the request with Hawk (hawk.py) as the test client NAME (see CLIENTS) unless ``as_`` is None;
what is signed is exactly what is sent (path + query, host, explicit port, payload hash).

Test identities (tests/integration/tt_auth.conf.in, rendered into every instance's extra include):
UP/UI/DP/DI/MG = project:releng:services/tooltool/api/{upload/public, upload/internal,
download/public, download/internal, manage}; clients are named after what they hold
("dp-up" = DP + UP); "all" holds .../api/*, "none" nothing. The Bearer token BEARER_TOKEN is
configured (by its SHA-256) as identity BEARER_ID with UP, UI, DI.

Storage is the `local` backend: each `TooltoolRegion <name> local <dir>` line of the instance's
configuration is a region whose objects live at <dir>/sha512/<digest> (owned by nobody). Seeding
writes rows with the `sql` fixture and objects into those directories. The database is shared by
all tests of a run: every helper works on random content (unique digests) and unique names.
"""

import grp
import hashlib
import http.client
import json as jsonlib
import math
import os
import pwd
import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

# shared with ts_client; assert_json, run_threads, uniq, NOT_FOUND, NOT_ALLOWED are
# re-exported for the tests
from client_base import (NOT_ALLOWED, NOT_FOUND, NOTSET as _NOTSET, REASONS,  # noqa: F401
                         HawkClient, assert_json, describe, media_type, poll_timed, run_threads,
                         uniq)

SCOPE = "project:releng:services/tooltool/api/"
UP, UI = SCOPE + "upload/public", SCOPE + "upload/internal"
DP, DI = SCOPE + "download/public", SCOPE + "download/internal"
MG = SCOPE + "manage"

# name -> (clientId, accessToken, scopes); keep in sync with tt_auth.conf.in
CLIENTS = {
    "up": ("tt/up", "tt-up-secret", [UP]),
    "ui": ("tt/ui", "tt-ui-secret", [UI]),
    "up-ui": ("tt/up-ui", "tt-up-ui-secret", [UP, UI]),
    "up-ui-di": ("tt/up-ui-di", "tt-up-ui-di-secret", [UP, UI, DI]),
    "dp": ("tt/dp", "tt-dp-secret", [DP]),
    "di": ("tt/di", "tt-di-secret", [DI]),
    "dp-up": ("tt/dp-up", "tt-dp-up-secret", [DP, UP]),
    "dp-ui": ("tt/dp-ui", "tt-dp-ui-secret", [DP, UI]),
    "mg": ("tt/mg", "tt-mg-secret", [MG]),
    "all": ("tt/all", "tt-all-secret", [SCOPE + "*"]),
    "services": ("tt/services", "tt-services-secret", ["project:releng:services/*"]),
    "star": ("tt/star", "tt-star-secret", ["*"]),
    "dl-star": ("tt/dl-star", "tt-dl-star-secret", [SCOPE + "download/*"]),
    "none": ("tt/none", "tt-none-secret", []),
}
BEARER_TOKEN = "tt-bearer-token-3f1d0c9a5e"
BEARER_ID = "tt/bearer"

# werkzeug's default descriptions (spec 2.2; NOT_FOUND and NOT_ALLOWED come from client_base)
FORBIDDEN = ("You don't have the permission to access the requested resource. It is either "
             "read-protected or not readable by the server.")
INVALID_DIGEST = "Invalid sha512 digest"
NO_MANAGE = "Invalid user permissions"
NOT_JSON = "Request body is not valid JSON"

NOW_2015 = "2015-03-05 22:02:02"          # catalogue NOW, as stored (naive UTC)
NOW_2015_JSON = "2015-03-05T22:02:02Z"
UPLOADED_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")
TIMEOUT = 30


# ---------------------------------------------------------------- HTTP client

class Client(HawkClient):
    """Signs and sends requests to one ToolTool base URL (client_base.HawkClient: request, get,
    post, patch, put, delete, ...; header_name= sends the credentials under another header,
    e.g. "Authentication"); as_ names one of CLIENTS (KeyError for an unknown name)."""

    TIMEOUT = TIMEOUT

    def credentials(self, as_):
        cid, key, _ = CLIENTS[as_]
        return cid, key

    # ---- API shortcuts ----

    def upload_batch(self, files, as_="up-ui", message=None, region=None, status=200):
        """POST /upload (files: {filename: entry}); asserts STATUS; returns result (200) or the
        response."""
        path = "/upload" + ("?region=" + region if region is not None else "")
        r = self.post(path, json={"message": message or uniq("batch"), "files": files}, as_=as_)
        if status != 200:
            return r
        assert r.status_code == 200, describe(r)
        assert media_type(r) == "application/json", describe(r)
        body = r.json()
        assert sorted(body) == ["result"], describe(r)
        return body["result"]

    def file(self, digest):
        r = self.get("/file/sha512/" + digest)
        assert r.status_code == 200, describe(r)
        return r.json()

    def complete(self, digest, method="GET"):
        return self.request(method, "/upload/complete/sha512/" + digest)


@pytest.fixture
def tt(tt_url):
    c = Client(tt_url)
    yield c
    c.close()


def raw_request(base_url, method, path, body=None, headers=None, timeout=TIMEOUT):
    """Send METHOD with PATH exactly as given (no client-side normalisation of '..' or
    percent-escapes). Returns (status, {lower-case header: value}, body bytes)."""
    u = urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        hdrs = dict(headers or {})
        if body is not None:
            hdrs.setdefault("Content-Length", str(len(body)))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


# ---------------------------------------------------------------- assertions

def problem(status, detail):
    """The whole error body tooltool sends (DESIGN "Errors")."""
    top = {"detail": detail, "instance": "about:blank", "status": status,
           "title": "%d %s: %s" % (status, REASONS[status], detail), "type": "about:blank"}
    return dict(top, error=dict(top, name=top["title"], description=detail))


def check_problem(status, headers, body, detail, what=""):
    """Shared by assert_problem and raw responses. DETAIL: exact text, or a compiled regex
    (fullmatch), or None (any non-empty text: only where the contract fixes no message)."""
    assert (headers.get("Content-Type") or headers.get("content-type")) == "application/json", \
        "%s: Content-Type %r" % (what, headers.get("Content-Type") or headers.get("content-type"))
    try:
        doc = jsonlib.loads(body)
    except ValueError:
        raise AssertionError("%s: problem body is not JSON: %r" % (what, body[:300]))
    assert isinstance(doc, dict), what
    got = doc.get("detail")
    assert isinstance(got, str) and got, what
    if isinstance(detail, re.Pattern):
        assert detail.fullmatch(got), "%s: detail %r does not match %r" % (what, got, detail.pattern)
        detail = got
    elif detail is None:
        detail = got
    assert doc == problem(status, detail), what
    return got


def assert_problem(r, status, detail):
    """Status, Content-Type application/json and exactly problem(status, detail) as body."""
    assert r.status_code == status, describe(r)
    return check_problem(status, r.headers, r.content, detail, describe(r))


def assert_raw_problem(resp, status, detail):
    st, headers, body = resp
    assert st == status, (st, headers, body[:300])
    return check_problem(status, headers, body, detail, "raw %d %r" % (st, body[:300]))


def file_json(digest, size, visibility="public", has_instances=True, instances=_NOTSET):
    """A File as the API renders it (instances only where the endpoint includes them)."""
    d = {"algorithm": "sha512", "digest": digest, "has_instances": has_instances, "size": size,
         "visibility": visibility}
    if instances is not _NOTSET:
        d["instances"] = instances
    return d


def assert_file(r, expected):
    """GET/PATCH /file/sha512/<d>: bare File with instances (compared order-insensitively)."""
    body = assert_json(r, 200)
    assert isinstance(body, dict) and isinstance(body.get("instances"), list), describe(r)
    got = dict(body, instances=sorted(body["instances"]))
    assert got == dict(expected, instances=sorted(expected["instances"])), describe(r)
    return body


# ---------------------------------------------------------------- content

def sha512(data):
    return hashlib.sha512(data).hexdigest()


def blob(n=64):
    """(random bytes, their sha512)."""
    data = secrets.token_bytes(n)
    return data, sha512(data)


def random_digest():
    return secrets.token_hex(64)


# ---------------------------------------------------------------- configuration / storage

_REGION_RE = re.compile(r'^\s*TooltoolRegion\s+("[^"]+"|\S+)\s+local\s+("[^"]+"|\S+)\s*$',
                        re.I | re.M)
_MAXBODY_RE = re.compile(r"^\s*TooltoolMaxBody\s+(\d+)\s*$", re.I | re.M)


def _conf_text(env):
    text = ""
    for key in ("httpd_conf", "extra_conf"):
        with open(env[key]) as f:
            text += f.read() + "\n"
    return text


def regions(env):
    """{region name: directory} of every local region of the instance as configured now
    (template + extra include), in configuration order."""
    out = {}
    for name, d in _REGION_RE.findall(_conf_text(env)):
        out.setdefault(name.strip('"'), d.strip('"'))
    assert out, ("no 'TooltoolRegion <name> local <dir>' line in %s or %s"
                 % (env["httpd_conf"], env["extra_conf"]))
    return out


def region(env):
    """(name, directory) of the first configured region."""
    return next(iter(regions(env).items()))


def max_body(env):
    m = _MAXBODY_RE.findall(_conf_text(env))
    return int(m[-1]) if m else 1048576


def _nobody():
    return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid


def make_region_dir(path):
    """A region directory the httpd children (nobody) can write."""
    uid, gid = _nobody()
    for d in (path, os.path.join(path, "sha512")):
        os.makedirs(d, exist_ok=True)
        os.chown(d, uid, gid)
        os.chmod(d, 0o755)


def object_path(directory, digest):
    return os.path.join(directory, "sha512", digest)


def write_object(directory, digest, data):
    """Store DATA as object sha512/<digest> of a local region (owner nobody, mode 0644)."""
    if not os.path.isdir(os.path.join(directory, "sha512")):
        make_region_dir(directory)
    path = object_path(directory, digest)
    with open(path, "wb") as f:
        f.write(data)
    uid, gid = _nobody()
    os.chown(path, uid, gid)
    os.chmod(path, 0o644)
    return path


def read_object(directory, digest):
    path = object_path(directory, digest)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read()


def parse_signed_url(url, tt_url, method_hint=""):
    """Split a local-storage signed URL <tt_url>/__storage__/<region>/sha512/<d>?Expires=&Signature=
    into (region, digest, expires:int, signature) asserting its shape (absolute, explicit port)."""
    u, base = urlsplit(url), urlsplit(tt_url)
    assert u.scheme == base.scheme and u.hostname == base.hostname, url
    assert u.netloc == "%s:%d" % (base.hostname, base.port), "no explicit port: " + url
    m = re.fullmatch(re.escape(base.path) + r"/__storage__/([^/?]+)/sha512/([0-9a-f]{128})", u.path)
    assert m, "%s URL path: %s" % (method_hint, url)
    q = parse_qs(u.query, keep_blank_values=True)
    assert sorted(q) == ["Expires", "Signature"], url
    assert all(len(v) == 1 for v in q.values()), url
    assert re.fullmatch(r"\d+", q["Expires"][0]) and q["Signature"][0], url
    return m.group(1), m.group(2), int(q["Expires"][0]), q["Signature"][0]


def put_object(url, data, content_type="application/octet-stream", headers=None):
    """PUT DATA to a signed URL the way tooltool.py does."""
    hdrs = {"Content-Type": content_type}
    hdrs.update(headers or {})
    return requests.put(url, data=data, headers=hdrs, timeout=TIMEOUT, allow_redirects=False)


# ---------------------------------------------------------------- database seeding

# SQL expression: naive UTC now + a %s float parameter of seconds
UTC_PLUS = "((now() AT TIME ZONE 'UTC') + make_interval(secs => %s))"


def seed_file(sql, env, data=None, *, size=None, digest=None, visibility="public",
              instances=(), objects=None, pending=None, pending_region=None):
    """Insert a File (random content unless DATA) with instances in INSTANCES (region names) and
    store its object in every instance region's directory (or in OBJECTS: region names, or {}
    for none). PENDING = seconds from now for a PendingUpload's expiry (negative: expired) in
    PENDING_REGION (default: the first configured region). Returns a dict (id, digest, size,
    data, visibility)."""
    if data is None:
        data = secrets.token_bytes(64)
    digest = digest or sha512(data)
    size = len(data) if size is None else size
    (row,) = sql(
        "WITH f AS (INSERT INTO releng_tooltool_files (size, sha512, visibility) "
        "           VALUES (%s, %s, %s) RETURNING id),"
        "     i AS (INSERT INTO releng_tooltool_file_instances (file_id, region) "
        "           SELECT f.id, r FROM f, json_array_elements_text(%s::json) r),"
        "     p AS (INSERT INTO releng_tooltool_pending_upload (file_id, expires, region) "
        "           SELECT f.id, (now() AT TIME ZONE 'UTC') + make_interval(secs => x.s), x.r "
        "           FROM f, (SELECT %s::float8 AS s, %s::text AS r) x WHERE x.s IS NOT NULL) "
        "SELECT id FROM f", size, digest, visibility, list(instances),
        None if pending is None else float(pending), pending_region or region(env)[0])
    fid = int(row[0])
    regs = regions(env)
    for reg in (instances if objects is None else objects):
        write_object(regs[reg], digest, data)
    return {"id": fid, "digest": digest, "size": size, "data": data, "visibility": visibility}


def seed_batch(sql, author, message, files, uploaded=NOW_2015):
    """Insert a Batch with BatchFiles {filename: file id}; returns its id."""
    (row,) = sql(
        "WITH b AS (INSERT INTO releng_tooltool_batches (uploaded, author, message) "
        "           VALUES (%s, %s, %s) RETURNING id),"
        "     bf AS (INSERT INTO releng_tooltool_batch_files (file_id, batch_id, filename) "
        "            SELECT (e.value)::int, b.id, e.key FROM b, json_each_text(%s::json) e) "
        "SELECT id FROM b", uploaded, author, message, {k: int(v) for k, v in files.items()})
    return int(row[0])


def file_row(sql, digest):
    """(id, size, visibility) or None."""
    rows = sql("SELECT id, size, visibility FROM releng_tooltool_files WHERE sha512 = %s", digest)
    return (int(rows[0][0]), int(rows[0][1]), rows[0][2]) if rows else None


def instance_regions(sql, digest):
    return sorted(r for (r,) in sql(
        "SELECT i.region FROM releng_tooltool_file_instances i "
        "JOIN releng_tooltool_files f ON f.id = i.file_id WHERE f.sha512 = %s", digest))


def pending_rows(sql, digest):
    """[(region, seconds until expiry as float)] of the file's PendingUploads."""
    return [(reg, float(left)) for reg, left in sql(
        "SELECT p.region, extract(epoch FROM p.expires - (now() AT TIME ZONE 'UTC')) "
        "FROM releng_tooltool_pending_upload p JOIN releng_tooltool_files f ON f.id = p.file_id "
        "WHERE f.sha512 = %s", digest)]


def pending_expires_epoch(sql, digest):
    (row,) = sql("SELECT extract(epoch FROM p.expires) FROM releng_tooltool_pending_upload p "
                 "JOIN releng_tooltool_files f ON f.id = p.file_id WHERE f.sha512 = %s", digest)
    return float(row[0])


def expire_pending(sql, digest, seconds_ago=1.0):
    """Move the file's PendingUpload expiry into the past (as if UPLOAD_EXPIRES_IN had passed)."""
    sql("UPDATE releng_tooltool_pending_upload SET expires = " + UTC_PLUS +
        " WHERE file_id = (SELECT id FROM releng_tooltool_files WHERE sha512 = %s)",
        -float(seconds_ago), digest)


def batch_rows(sql, batch_id):
    """{filename: (digest, size, visibility)} of a batch."""
    return {fn: (d, int(s), v) for fn, d, s, v in sql(
        "SELECT bf.filename, f.sha512, f.size, f.visibility FROM releng_tooltool_batch_files bf "
        "JOIN releng_tooltool_files f ON f.id = bf.file_id WHERE bf.batch_id = %s", batch_id)}


def snapshot(sql):
    """Batches, BatchFiles, Files and PendingUploads (sets of rows), one psql call."""
    (row,) = sql(
        "SELECT (SELECT coalesce(json_agg(json_build_array(id, uploaded, author, message)), '[]') "
        "        FROM releng_tooltool_batches),"
        "       (SELECT coalesce(json_agg(json_build_array(file_id, batch_id, filename)), '[]') "
        "        FROM releng_tooltool_batch_files),"
        "       (SELECT coalesce(json_agg(json_build_array(id, size, sha512, visibility)), '[]') "
        "        FROM releng_tooltool_files),"
        "       (SELECT coalesce(json_agg(json_build_array(file_id, expires, region)), '[]') "
        "        FROM releng_tooltool_pending_upload)")
    return tuple({tuple(x) for x in jsonlib.loads(v)} for v in row)


def assert_nothing_written(sql, before):
    """No Batch/BatchFile/File row added or changed and no PendingUpload added or changed since
    BEFORE (a background sweep may only have removed PendingUploads of other tests)."""
    after = snapshot(sql)
    names = ("batches", "batch_files", "files")
    for name, b, a in zip(names, before[:3], after[:3]):
        assert a == b, "%s changed: added %r, removed %r" % (name, sorted(a - b)[:5], sorted(b - a)[:5])
    assert after[3] <= before[3], "pending uploads added/changed: %r" % sorted(after[3] - before[3])[:5]


# ---------------------------------------------------------------- API seeding

def entry(data=None, digest=None, size=None, visibility="public", **extra):
    """A POST /upload file entry for DATA."""
    d = {"algorithm": "sha512", "digest": digest or sha512(data),
         "size": len(data) if size is None else size, "visibility": visibility}
    d.update(extra)
    return d


def upload_and_put(tt, data, visibility="public", as_="up-ui", filename=None, region=None):
    """POST /upload for DATA and PUT it to the signed URL; returns (batch result, file entry)."""
    filename = filename or uniq("f")
    res = tt.upload_batch({filename: entry(data, visibility=visibility)}, as_=as_, region=region)
    f = res["files"][filename]
    r = put_object(f["put_url"], data)
    assert r.status_code == 200, describe(r)
    return res, f


def verify_now(tt, sql, digest):
    """Expire the PendingUpload and call upload/complete (verification is synchronous for
    small files, D12); asserts the 202."""
    expire_pending(sql, digest)
    r = tt.complete(digest)
    assert r.status_code == 202, describe(r)
    return r


def retry_after_expected(expires_epoch, now=None):
    """Appendix C: 1 + floor(seconds until expiry)."""
    now = time.time() if now is None else now
    return 1 + math.floor(expires_epoch - now)


def poll(fn, timeout, interval=0.05):
    """Call fn() until truthy or TIMEOUT seconds pass; returns the last value (bounded wait)."""
    return poll_timed(fn, timeout, interval)[0]


def wait_past(epoch, margin=1.05, timeout=30):
    """Wait until wall-clock time is past EPOCH + MARGIN (signed-URL expiry: the server may
    compare whole seconds); bounded."""
    assert epoch - time.time() < timeout, "expiry %r too far in the future" % epoch
    while time.time() < epoch + margin:
        time.sleep(min(0.05, max(0.0, epoch + margin - time.time())))
