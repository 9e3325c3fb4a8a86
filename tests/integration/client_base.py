"""What ts_client.py and tt_client.py share: the Hawk-signing HTTP client, response helpers,
werkzeug's default texts, and the bounded waits/thread helpers.

    from client_base import HawkClient, NOTSET, describe, media_type, assert_json, ...

Tests import these through ts_client / tt_client (which re-export them); only those two
modules subclass HawkClient (for their test identities and timeout). conftest.py registers
this module for pytest's assertion rewriting, like the test modules.
"""

import json as jsonlib
import threading
import time
import uuid

import requests

import hawk

NOTSET = object()   # "not given" (json=None sends a JSON null)

# reason phrases in the problem documents' titles
REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 413: "Request Entity Too Large",
    415: "Unsupported Media Type", 500: "Internal Server Error", 503: "Service Unavailable",
}
# werkzeug's default descriptions (spec 2.2)
NOT_FOUND = ("The requested URL was not found on the server. If you entered the URL manually "
             "please check your spelling and try again.")
NOT_ALLOWED = "The method is not allowed for the requested URL."


class HawkClient:
    """Signs and sends requests to one base URL (no redirects followed). Subclasses give
    credentials(as_) and TIMEOUT.

    keepalive=False: every request on a new connection ("Connection: close", no session
    defaults such as User-Agent); fresh=True does that for one request."""

    TIMEOUT = 30

    def __init__(self, base_url, keepalive=True):
        self.base = base_url.rstrip("/")
        self.keepalive = keepalive
        self.session = requests.Session() if keepalive else None

    def credentials(self, as_):
        """(clientId, accessToken) of the test identity AS_."""
        raise NotImplementedError

    def close(self):
        if self.session:
            self.session.close()

    def url(self, path):
        return self.base + path

    def request(self, method, path, json=NOTSET, data=None, headers=None, as_=None,
                hawk_opts=None, authorization=None, header_name="Authorization", fresh=False,
                timeout=NOTSET):
        """METHOD base+PATH. json= serializes (Content-Type application/json); data= raw
        bytes/str (set Content-Type yourself). as_ signs as that test client (hawk_opts go to
        hawk.header: key, client_id, ts_offset, nonce, mac_, sign_resource, ...);
        authorization= sends that header value verbatim; header_name= sends the credentials
        under another header (e.g. "Authentication"). fresh=True uses a new connection.
        timeout defaults to TIMEOUT."""
        if timeout is NOTSET:
            timeout = self.TIMEOUT
        hdrs = dict(headers or {})
        if json is not NOTSET:
            data = jsonlib.dumps(json).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(data, str):
            data = data.encode("utf-8")
        if not self.keepalive or fresh:
            hdrs.setdefault("Connection", "close")
        req = requests.Request(method, self.url(path), data=data, headers=hdrs)
        prep = (self.session.prepare_request(req) if (self.session and not fresh)
                else req.prepare())
        if as_ is not None or hawk_opts:
            opts = dict(hawk_opts or {})
            cid, key = self.credentials(as_) if as_ else (None, None)
            cid = opts.pop("client_id", cid)
            key = opts.pop("key", key)
            body = prep.body if isinstance(prep.body, (bytes, str)) else None
            prep.headers[header_name] = hawk.header(
                cid, key, prep.method, prep.url, prep.headers.get("Content-Type"), body, **opts)
        if authorization is not None:
            prep.headers[header_name] = authorization
        if self.session and not fresh:
            return self.session.send(prep, timeout=timeout, allow_redirects=False)
        with requests.Session() as s:
            return s.send(prep, timeout=timeout, allow_redirects=False)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def options(self, path, **kw):
        return self.request("OPTIONS", path, **kw)

    def patch(self, path, json=NOTSET, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def put(self, path, json=NOTSET, **kw):
        return self.request("PUT", path, json=json, **kw)

    def delete(self, path, json=NOTSET, **kw):
        return self.request("DELETE", path, json=json, **kw)

    def post(self, path, json=NOTSET, **kw):
        return self.request("POST", path, json=json, **kw)


def describe(r):
    """Short text of a response for assertion messages."""
    return "%s %s -> %d %s %r" % (r.request.method, r.request.url, r.status_code,
                                  r.headers.get("Content-Type"), r.text[:600])


def media_type(r):
    return (r.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def assert_json(r, status, body=NOTSET):
    """Status, application/json, and (optionally) the whole body with ==."""
    assert r.status_code == status, describe(r)
    assert media_type(r) == "application/json", describe(r)
    if body is not NOTSET:
        assert r.json() == body, describe(r)
    return r.json()


def uniq(prefix="t"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def poll_timed(fn, timeout, interval):
    """Call fn() until it returns a truthy value or TIMEOUT seconds pass; return
    (value, elapsed). A bounded wait, never a bare sleep."""
    t0 = time.monotonic()
    deadline = t0 + timeout
    while True:
        v = fn()
        if v or time.monotonic() >= deadline:
            return v, time.monotonic() - t0
        time.sleep(interval)


def fresh_within(check, t0, bound, what):
    """Repeat CHECK until it passes (a cache that may be stale for BOUND seconds after a change
    made at T0). A failed check is only wrong when it started more than BOUND after T0: how
    long a loaded machine takes to answer does not count against the server."""
    while True:
        started = time.monotonic()
        if check():
            return
        assert started - t0 <= bound, "%s: stale %.2fs after the change (bound %.1fs)" % (
            what, started - t0, bound)
        time.sleep(0.02)


def run_threads(n, target, join_timeout=120):
    """Run target(i) in N threads started together; return the list of results (exceptions are
    returned in place of results). Each thread is joined for at most JOIN_TIMEOUT seconds."""
    results = [None] * n
    barrier = threading.Barrier(n)

    def wrap(i):
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except BaseException as e:  # noqa: B902 - reported by the caller
            results[i] = e

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(join_timeout)
    return results
