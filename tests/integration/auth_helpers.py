"""Helpers for the black-box authentication tests (tests/integration/test_auth_*.py).

    from auth_helpers import MODULES, module, node, tooltool_client, ...

* ``module`` (fixture, parametrized over both modules): a ``Mod`` with the module's name, base
  URL, directive prefix and error style, plus the expected-response assertions
  (``assert_permissions``, ``assert_401``, ``assert_problem``).
* ``node`` (session fixture): headers made by the real npm ``hawk`` and ``taskcluster-client``
  packages (tests/integration/node/sign.mjs); runs ``npm ci`` there once if node_modules is
  missing. CI needs node and npm.
* ``tooltool_client`` (session fixture): the real client ../shared/clients/tooltool.py,
  imported from where it lives (it is GPL-2: never copied into this repository).
* ``sign()``: a small standard-library Hawk signer used only to build headers the real
  clients would never send (wrong key, tampered query, odd attributes).
* ``access_log_user()``: the ``%u`` field of the access-log line of one request, found by a
  unique User-Agent.
"""

import base64
import hashlib
import hmac
import importlib.util
import json
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import time
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from conftest import npm_ci

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
NODE_DIR = HERE / "node"
TOOLTOOL_PY = REPO.parent / "shared" / "clients" / "tooltool.py"
TIMEOUT = 10

REASONS = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 503: "Service Unavailable"}
PERMISSIONS_DESCRIPTION = "Permissions of a logged in user"

# The built-in treestatus roles (mod_treestatus.c) with the default scope prefix.
TS_PREFIX = "project:releng:services/treestatus/"
TS_SHERIFF = [TS_PREFIX + "recent_changes/revert", TS_PREFIX + "trees/update"]
TS_ADMIN = [TS_PREFIX + "*"]


def problem(status, detail, wrapped):
    doc = {"type": "about:blank", "instance": "about:blank", "status": status,
           "title": "%d %s: %s" % (status, REASONS[status], detail), "detail": detail}
    if wrapped:
        doc["error"] = dict(doc, name=doc["title"], description=detail)
    return doc


class Mod:
    """One module under test: where it is and how it answers."""

    def __init__(self, name, url):
        self.name = name
        self.url = url
        self.prefix = "Treestatus" if name == "treestatus" else "Tooltool"
        self.wrapped = name == "tooltool"
        self.problem_type = "application/json" if self.wrapped else "application/problem+json"
        self.permissions_url = url + "/__permissions__"
        self.path = urlsplit(url).path          # /treestatus or /tooltool
        self.log_tag = "TS" if name == "treestatus" else "TT"

    def __repr__(self):
        return "Mod(%s)" % self.name

    def conf(self, *lines):
        """Directive lines with the module's prefix: conf("HawkClient a b") ->
        "TreestatusHawkClient a b\n"."""
        return "".join(self.prefix + ln + "\n" for ln in lines)

    def get_permissions(self, headers=None, query="", **kw):
        return requests.get(self.permissions_url + query, headers=headers or {}, timeout=TIMEOUT,
                            **kw)

    def assert_permissions(self, resp, user_id, permissions):
        # explicit messages: pytest does not rewrite the asserts of this helper module
        assert resp.status_code == 200, "%d %s" % (resp.status_code, resp.text)
        _same(resp.headers.get("Content-Type"), "application/json", "Content-Type")
        _same(resp.headers.get("Cache-Control"), "private, no-store", "Cache-Control")
        _same(resp.json(), {"description": PERMISSIONS_DESCRIPTION, "user_id": user_id,
                            "permissions": permissions}, "body")

    def assert_problem(self, resp, status, detail):
        assert resp.status_code == status, "%d (expected %d) %s" % (resp.status_code, status,
                                                                    resp.text)
        _same(resp.headers.get("Content-Type"), self.problem_type, "Content-Type")
        _same(resp.json(), problem(status, detail, self.wrapped), "body")

    def assert_401(self, resp, detail):
        self.assert_problem(resp, 401, detail)
        _same(resp.headers.get("WWW-Authenticate"), "Hawk", "WWW-Authenticate")

    def assert_hawk_401(self, resp, reason):
        self.assert_401(resp, "Hawk authentication failed: " + reason)


def _same(actual, expected, what):
    assert actual == expected, "%s:\n  actual   %r\n  expected %r" % (what, actual, expected)


@pytest.fixture(params=["treestatus", "tooltool"])
def module(request, ts_url, tt_url):
    return Mod(request.param, ts_url if request.param == "treestatus" else tt_url)


@pytest.fixture
def treestatus(ts_url):
    """Only mod_treestatus (for what tooltool does not have, e.g. built-in roles)."""
    return Mod("treestatus", ts_url)


# ---------------------------------------------------------------- Hawk by hand

def payload_hash(payload, content_type):
    ct = content_type.split(";")[0].strip().lower()
    h = hashlib.sha256(b"hawk.1.payload\n" + ct.encode() + b"\n" + _b(payload) + b"\n")
    return base64.b64encode(h.digest()).decode()


def _b(v):
    return v if isinstance(v, bytes) else str(v).encode("utf-8")


def sign(url, method="GET", client_id="c", key="k", *, ts=None, nonce=None, payload=None,
         content_type="application/json", ext=None, host=None, port=None, resource=None):
    """A Hawk header for URL as hawk computes it; every part can be overridden."""
    u = urlsplit(url)
    ts = str(int(time.time()) if ts is None else ts)
    nonce = nonce or secrets.token_urlsafe(6)[:6]
    if resource is None:
        resource = (u.path or "/") + ("?" + u.query if u.query else "")
    host = (u.hostname if host is None else host).lower()
    if port is None:
        port = u.port or (443 if u.scheme == "https" else 80)
    h = payload_hash(payload, content_type) if payload is not None else ""
    norm = "hawk.1.header\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n" % (
        ts, nonce, method.upper(), resource, host, port, h, ext or "")
    mac = base64.b64encode(hmac.new(_b(key), norm.encode(), hashlib.sha256).digest()).decode()
    parts = ['id="%s"' % client_id, 'ts="%s"' % ts, 'nonce="%s"' % nonce]
    if h:
        parts.append('hash="%s"' % h)
    if ext:
        parts.append('ext="%s"' % ext)
    parts.append('mac="%s"' % mac)
    return "Hawk " + ", ".join(parts)


def b64json(obj):
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


# ---------------------------------------------------------------- the real clients

class NodeClients:
    """Headers from the npm packages (node/sign.mjs)."""

    def sign_many(self, specs):
        p = subprocess.run(["node", str(NODE_DIR / "sign.mjs")], input=json.dumps(specs),
                           capture_output=True, text=True, cwd=str(NODE_DIR), timeout=60)
        if p.returncode != 0:
            raise RuntimeError("node sign.mjs failed:\n%s" % p.stderr)
        return json.loads(p.stdout)

    def hawk(self, uri, method, client_id, key, **options):
        """Hawk.client.header(uri, method, {credentials, payload, contentType, ext, timestamp, nonce})."""
        spec = dict(kind="hawk", uri=uri, method=method, id=client_id, key=key, **options)
        return self.sign_many([spec])[0]["header"]

    def taskcluster(self, uri, method, client_id, access_token, temporary=None,
                    authorized_scopes=None):
        """What taskcluster-client sends: {"header", "ext", "credentials"}."""
        spec = dict(kind="taskcluster", uri=uri, method=method, clientId=client_id,
                    accessToken=access_token)
        if temporary is not None:
            spec["temporary"] = temporary
        if authorized_scopes is not None:
            spec["authorizedScopes"] = authorized_scopes
        return self.sign_many([spec])[0]


@pytest.fixture(scope="session")
def node():
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("node and npm are needed by the auth tests (Debian: apt-get install nodejs npm)",
                    pytrace=False)
    npm_ci(NODE_DIR)
    return NodeClients()


@pytest.fixture(scope="session")
def tooltool_client():
    """The real tooltool.py module (imported from ../shared/clients, never copied)."""
    if not TOOLTOOL_PY.is_file():
        pytest.fail("%s is missing" % TOOLTOOL_PY, pytrace=False)
    spec = importlib.util.spec_from_file_location("tooltool_client_under_test", str(TOOLTOOL_PY))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def tooltool_header(tooltool, credentials, url, data=None, method=None):
    """The Authorization header tooltool.py computes for a urllib request."""
    req = urllib.request.Request(url, data=data, method=method)
    return tooltool.make_taskcluster_header(credentials, req)


def tooltool_authorize(tooltool, auth_file, url, data=None, method=None):
    """tooltool.py's own _authorize(): the header it adds for an --authentication-file."""
    req = urllib.request.Request(url, data=data, method=method)
    tooltool._authorize(req, str(auth_file))
    return req.unredirected_hdrs["Authorization"]


# ---------------------------------------------------------------- access log

def marker():
    """A unique User-Agent, to find a request's access-log line."""
    return "svc-auth-test/" + uuid.uuid4().hex


_LOG_LINE = re.compile(r'^(\S+) \S+ (\S+) \[[^\]]+\] "([^"]*)" (\d{3}) \S+ \d+ "([^"]*)"$')


def access_log_entry(env, agent, deadline_s=5.0):
    """(user, request line, status) of the access-log line whose User-Agent is AGENT."""
    end = time.monotonic() + deadline_s
    while True:
        with open(env["access_log"], encoding="utf-8", errors="replace") as f:
            for line in f:
                m = _LOG_LINE.match(line.rstrip("\n"))
                if m and m.group(5) == agent:
                    return m.group(2), m.group(3), int(m.group(4))
        if time.monotonic() > end:
            raise AssertionError("no access-log line with User-Agent %s" % agent)
        time.sleep(0.05)


# ---------------------------------------------------------------- misc

def each(cases, check):
    """check(*case) for every case; fails listing every failing case (not only the first)."""
    errors = []
    for case in cases:
        case = case if isinstance(case, tuple) else (case,)
        try:
            check(*case)
        except AssertionError as e:
            errors.append("case %s:\n    %s" % (_short(case), str(e).replace("\n", "\n    ")))
    assert not errors, "%d case(s) failed:\n%s" % (len(errors), "\n".join(errors))


def _short(case):
    text = repr(case)
    return text if len(text) < 300 else text[:300] + "..."


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def world_readable_dir(env, what):
    """A fresh directory under the run's scratch root that httpd children (nobody) can read."""
    d = os.path.join(env["root"], "%s-%s-%s" % (env["mpm"], what, uuid.uuid4().hex[:8]))
    os.makedirs(d)
    os.chmod(d, 0o755)
    return d
