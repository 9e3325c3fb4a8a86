"""Shared auth component, black box: local Hawk verification, for both modules.

Headers come from the real clients (tooltool.py's make_taskcluster_header and the npm `hawk`
package); hand-made headers (auth_helpers.sign) only for what no real client sends. The
endpoint is GET <module>/__permissions__ (identity and expanded scopes, or a 401 problem).
Each test configures its clients with httpd_control.set_extra_conf (one restart), so related
cases share a test; `each()` reports every failing case, not only the first.
"""

import time

import pytest
import requests

from auth_helpers import (TIMEOUT, access_log_entry, b64json, each, marker, module, node,  # noqa: F401
                          sign, tooltool_client, tooltool_header)

ALICE = ("auth/alice@example.com", "alice-secret-token-0123456789")
ALICE_SCOPES = ["project:test/zeta", "project:test/alpha", "project:test/alpha"]
ALICE_PERMS = ["project:test/alpha", "project:test/zeta"]     # normalized: sorted, no duplicates
OTHER = ("auth/other", "other-secret")
FAILED = "Hawk authentication failed: "


def hawk_conf(module, *extra):
    return module.conf("HawkClient %s %s %s" % (ALICE + (" ".join(ALICE_SCOPES),)),
                       "HawkClient %s %s" % OTHER, *extra)


@pytest.fixture
def alice(module, httpd_control):
    """The module with the local Hawk clients configured."""
    httpd_control.set_extra_conf(hawk_conf(module))
    return module


def creds(pair=ALICE):
    return {"clientId": pair[0], "accessToken": pair[1]}


def send(url, header, headers=None, header_name="Authorization", method="GET", **kw):
    h = dict(headers or {})
    h[header_name] = header
    return requests.request(method, url, headers=h, timeout=TIMEOUT, **kw)


def assert_stale(module, r, ts, before, after, skew):
    assert r.status_code == 401, r.text
    details = [FAILED + "Stale timestamp (ts %d, server time %d, allowed skew %d s)"
               % (ts, now, skew) for now in range(before, after + 1)]
    detail = r.json()["detail"]
    assert detail in details
    module.assert_401(r, detail)


# ---------------------------------------------------------------- the real clients

def test_tooltool_client_headers(alice, tooltool_client, env):
    url = alice.permissions_url
    agent = marker()
    r = send(url, tooltool_header(tooltool_client, creds(), url), {"User-Agent": agent})
    alice.assert_permissions(r, ALICE[0], ALICE_PERMS)
    # the access log's %u is the Hawk clientId
    assert access_log_entry(env, agent) == (ALICE[0], "GET %s/__permissions__ HTTP/1.1" % alice.path,
                                            200)

    # tooltool.py signs path + "?" + query (upload --region does this): so must the server
    qurl = url + "?region=us-east-1&x=a%2Fb"
    r = send(qurl, tooltool_header(tooltool_client, creds(), qurl))
    alice.assert_permissions(r, ALICE[0], ALICE_PERMS)

    # with a body it adds hash= (payload hash over application/json and the body)
    body = b'{"message": "payload hash", "n": 1}'
    header = tooltool_header(tooltool_client, creds(), url, data=body, method="GET")
    assert ', hash="' in header
    r = send(url, header, {"Content-Type": "application/json"}, data=body)
    alice.assert_permissions(r, ALICE[0], ALICE_PERMS)

    # upstream also read the `Authentication` header
    r = send(url, tooltool_header(tooltool_client, creds(), url), header_name="Authentication")
    alice.assert_permissions(r, ALICE[0], ALICE_PERMS)


def test_npm_hawk_headers(alice, node, env):
    url = alice.permissions_url
    qurl = url + "?a=1&b=two"
    body = '{"tree": "autoland", "status": "closed"}'
    specs = [
        dict(uri=qurl, method="GET", id=ALICE[0], key=ALICE[1]),
        dict(uri=url, method="GET", id=ALICE[0], key=ALICE[1], payload=body,
             contentType="application/json; charset=utf-8"),
        # Taskcluster's ext is base64 JSON; members it does not know are ignored
        dict(uri=url, method="GET", id=ALICE[0], key=ALICE[1], ext=b64json({"app": "svc"})),
        dict(uri=url, method="GET", id=OTHER[0], key=OTHER[1]),
    ]
    h = [x["header"] for x in node.sign_many([dict(s, kind="hawk") for s in specs])]
    agent = marker()
    alice.assert_permissions(send(qurl, h[0], {"User-Agent": agent}), ALICE[0], ALICE_PERMS)
    assert access_log_entry(env, agent)[0] == ALICE[0]
    assert ' hash="' in h[1]
    r = send(url, h[1], {"Content-Type": "application/json; charset=utf-8"}, data=body.encode())
    alice.assert_permissions(r, ALICE[0], ALICE_PERMS)
    alice.assert_permissions(send(url, h[2]), ALICE[0], ALICE_PERMS)
    alice.assert_permissions(send(url, h[3]), OTHER[0], [])


def test_default_skew_is_900s(alice, node, tooltool_client, monkeypatch):
    url = alice.permissions_url
    now = int(time.time())
    cases = [(-850, True), (850, True), (-950, False), (950, False)]
    headers = node.sign_many([dict(kind="hawk", uri=url, method="GET", id=ALICE[0], key=ALICE[1],
                                   timestamp=now + off) for off, _ in cases])

    def check(case, header):
        before = int(time.time())
        r = send(url, header["header"])
        if case[1]:
            alice.assert_permissions(r, ALICE[0], ALICE_PERMS)
        else:
            assert_stale(alice, r, now + case[0], before, int(time.time()), 900)
    each(zip(cases, headers), check)

    # the real tooltool.py with its clock 1000 s late
    ts = int(time.time()) - 1000
    monkeypatch.setattr(tooltool_client, "utc_now", lambda offset_in_seconds=0.0: ts)
    header = tooltool_header(tooltool_client, creds(), url)
    before = int(time.time())
    assert_stale(alice, send(url, header), ts, before, int(time.time()), 900)


def test_configured_skew(module, httpd_control, node):
    httpd_control.set_extra_conf(hawk_conf(module, "HawkSkew 60"))
    url = module.permissions_url
    now = int(time.time())
    offsets = [-30, 30, -120, 120]
    headers = node.sign_many([dict(kind="hawk", uri=url, method="GET", id=ALICE[0], key=ALICE[1],
                                   timestamp=now + off) for off in offsets])

    def check(off, header):
        before = int(time.time())
        r = send(url, header["header"])
        if abs(off) < 60:
            module.assert_permissions(r, ALICE[0], ALICE_PERMS)
        else:
            assert_stale(module, r, now + off, before, int(time.time()), 60)
    each(zip(offsets, headers), check)


# ---------------------------------------------------------------- host and port

SIGNED_HOSTS = [
    # Host with an explicit port: that port is signed, whatever port we listen on
    ("http://svc.example.org:8443", {"Host": "svc.example.org:8443"}),
    ("http://svc.example.org:80", {"Host": "svc.example.org:80"}),
    ("http://SVC.Example.org:8443", {"Host": "svc.example.org:8443"}),
    # no port in Host: a TLS-terminating proxy tells which
    ("https://svc.example.org:9443", {"Host": "svc.example.org", "X-Forwarded-Port": "9443"}),
    ("https://svc.example.org", {"Host": "svc.example.org", "X-Forwarded-Proto": "https"}),
    ("http://svc.example.org", {"Host": "svc.example.org", "X-Forwarded-Proto": "http"}),
    # X-Forwarded-Port wins over -Proto
    ("https://svc.example.org:8000", {"Host": "svc.example.org", "X-Forwarded-Port": "8000",
                                      "X-Forwarded-Proto": "https"}),
    # neither: the port the request came in on
    ("http://svc.example.org:{port}", {"Host": "svc.example.org"}),
]


def test_signed_host_and_port(alice, node, tooltool_client, env):
    """Non-default ports, Host with a port, X-Forwarded-Port/-Proto when Host has none."""
    path = alice.path + "/__permissions__?q=1"
    urls = [base.format(port=env["httpd_port"]) + path for base, _ in SIGNED_HOSTS]
    npm = node.sign_many([dict(kind="hawk", uri=u, method="GET", id=ALICE[0], key=ALICE[1])
                          for u in urls])

    def check(url, headers, npm_header):
        for header in (tooltool_header(tooltool_client, creds(), url), npm_header["header"]):
            r = send(alice.permissions_url + "?q=1", header, headers)
            alice.assert_permissions(r, ALICE[0], ALICE_PERMS)
    each(zip(urls, [h for _, h in SIGNED_HOSTS], npm), check)


MISMATCHED_HOSTS = [
    ("http://svc.example.org:8443", {"Host": "svc.example.org:8444"}),
    ("http://svc.example.org:8443", {"Host": "svc.example.org"}),
    ("http://other.example.org:8443", {"Host": "svc.example.org:8443"}),
    ("https://svc.example.org", {"Host": "svc.example.org", "X-Forwarded-Proto": "http"}),
    ("https://svc.example.org", {"Host": "svc.example.org", "X-Forwarded-Port": "8443"}),
    # Host's port wins over X-Forwarded-Port
    ("https://svc.example.org:8443", {"Host": "svc.example.org:8080", "X-Forwarded-Port": "8443"}),
    ("http://127.0.0.1:{port}", {"Host": "127.0.0.1:{other}"}),
]


def test_signed_host_or_port_mismatch(alice, node, env):
    path = alice.path + "/__permissions__"
    urls = [base.format(port=env["httpd_port"]) + path for base, _ in MISMATCHED_HOSTS]
    npm = node.sign_many([dict(kind="hawk", uri=u, method="GET", id=ALICE[0], key=ALICE[1])
                          for u in urls])

    def check(headers, header):
        headers = {k: v.format(other=env["httpd_port"] + 1) for k, v in headers.items()}
        alice.assert_hawk_401(send(alice.permissions_url, header["header"], headers), "Bad mac")
    each(zip([h for _, h in MISMATCHED_HOSTS], npm), check)


# ---------------------------------------------------------------- failures

def test_bad_credentials(alice, node, tooltool_client):
    url = alice.permissions_url
    h = [x["header"] for x in node.sign_many([
        dict(kind="hawk", uri=url, method="GET", id=ALICE[0], key="not-the-token"),
        dict(kind="hawk", uri=url, method="GET", id="auth/nobody", key="whatever"),
        dict(kind="hawk", uri=url, method="GET", id=ALICE[0], key=ALICE[1],
             ext="some-application-data"),
    ])]
    alice.assert_hawk_401(send(url, h[0]), "Bad mac")
    bad = tooltool_header(tooltool_client, creds((ALICE[0], "not-the-token")), url)
    alice.assert_hawk_401(send(url, bad), "Bad mac")
    alice.assert_hawk_401(send(url, h[1]), "Client with clientId 'auth/nobody' not found")
    alice.assert_hawk_401(send(url, h[2]), "Failed to parse ext")


def test_unknown_client_when_none_is_configured(module, node):
    # the instance as started (no client configured): a Hawk header is a 401, never anonymous
    url = module.permissions_url
    r = send(url, node.hawk(url, "GET", *ALICE))
    module.assert_hawk_401(r, "Client with clientId '%s' not found" % ALICE[0])


def test_tampered_requests(alice, node):
    url = alice.permissions_url
    queries = [("?a=1", "?a=2"), ("?a=1", ""), ("", "?a=1"), ("?a=1&b=2", "?b=2&a=1"),
               ("?a=%2F", "?a=/")]
    specs = [dict(kind="hawk", uri=url + signed, method="GET", id=ALICE[0], key=ALICE[1])
             for signed, _ in queries]
    specs += [dict(kind="hawk", uri=alice.url + "/__version__", method="GET", id=ALICE[0],
                   key=ALICE[1]),
              dict(kind="hawk", uri=url, method="POST", id=ALICE[0], key=ALICE[1]),
              dict(kind="hawk", uri=url, method="GET", id=ALICE[0], key=ALICE[1], payload="{}",
                   contentType="application/json"),
              dict(kind="hawk", uri=url, method="GET", id=ALICE[0], key=ALICE[1], payload="[]",
                   contentType="application/json")]
    h = [x["header"] for x in node.sign_many(specs)]

    def check_query(case, header):
        alice.assert_hawk_401(send(url + case[1], header), "Bad mac")
    each(zip(queries, h), check_query)
    # another path, another method
    alice.assert_hawk_401(send(url, h[5]), "Bad mac")
    alice.assert_hawk_401(send(url, h[6]), "Bad mac")
    # the hash attribute is covered by the MAC even where the body is not read
    forged = h[7].replace(attr(h[7], "hash"), attr(h[8], "hash"))
    assert forged != h[7]
    r = send(url, forged, {"Content-Type": "application/json"}, data="[]")
    alice.assert_hawk_401(r, "Bad mac")


def attr(header, name):
    return header.split(' %s="' % name)[1].split('"')[0]


def test_replay_is_refused_across_connections(alice, node, tooltool_client):
    url = alice.permissions_url
    now = int(time.time())
    spec = dict(kind="hawk", uri=url, method="GET", id=ALICE[0], key=ALICE[1])
    npm = [h["header"] for h in node.sign_many([
        spec,
        # the same nonce with other timestamps: other requests
        dict(spec, timestamp=now - 1, nonce="fixed1"), dict(spec, timestamp=now - 2,
                                                             nonce="fixed1")])]
    for header in (npm[0], tooltool_header(tooltool_client, creds(), url)):
        alice.assert_permissions(send(url, header), ALICE[0], ALICE_PERMS)
        # each requests.request opens a new connection: other children and threads
        for i in range(6):
            alice.assert_hawk_401(send(url, header, header_name=("Authorization",
                                                                  "Authentication")[i % 2]),
                                  "replayed request (nonce already used)")
    for header in npm[1:]:
        alice.assert_permissions(send(url, header), ALICE[0], ALICE_PERMS)


def test_replay_across_children_with_keepalive(alice, node):
    """The first use on one kept-alive connection, the replay on others in parallel."""
    url = alice.permissions_url
    header = node.hawk(url, "GET", *ALICE)
    with requests.Session() as s:
        s.get(alice.url + "/__lbheartbeat__", timeout=TIMEOUT)
        r = s.get(url, headers={"Authorization": header}, timeout=TIMEOUT)
        alice.assert_permissions(r, ALICE[0], ALICE_PERMS)
    sessions = [requests.Session() for _ in range(4)]
    try:
        for s in sessions:
            r = s.get(url, headers={"Authorization": header}, timeout=TIMEOUT)
            alice.assert_hawk_401(r, "replayed request (nonce already used)")
    finally:
        for s in sessions:
            s.close()


MALFORMED = [
    ('Hawk id="{id}", ts="{ts}", nonce="abc123"', "Missing attributes"),
    ('Hawk ts="{ts}", nonce="abc123", mac="bWFj"', "Missing attributes"),
    ('Hawk id="{id}", nonce="abc123", mac="bWFj"', "Missing attributes"),
    ('Hawk id="{id}", ts="{ts}", mac="bWFj"', "Missing attributes"),
    ('Hawk id="{id}", id="{id}", ts="{ts}", nonce="abc123", mac="bWFj"', "Duplicate attribute: id"),
    ('Hawk id="{id}", ts="{ts}", nonce="abc123", mac="bWFj", mac="bWFj"', "Duplicate attribute: mac"),
    ('Hawk id="{id}", ts="{ts}", nonce="abc123", mac="bWFj", color="red"', "Unknown attribute: color"),
    ('Hawk id="", ts="{ts}", nonce="abc123", mac="bWFj"', "Bad attribute value: id"),
    ('Hawk id="{id}", ts="soon", nonce="abc123", mac="bWFj"',
     "Bad attribute value: ts (not a number of seconds)"),
    ('Hawk id="{id}" ts="{ts}" nonce="abc123" mac="bWFj"', "Bad header format"),
    ('Hawk id={id}, ts="{ts}", nonce="abc123", mac="bWFj"', "Bad header format"),
    ('Hawk id="{id}, ts="{ts}", nonce="abc123", mac="bWFj"', "Bad header format"),
    ("Hawk garbage", "Bad header format"),
    # the scheme alone (httpd strips trailing blanks: "Hawk " too)
    ("Hawk", "Invalid header syntax"),
    ("Hawk   ", "Invalid header syntax"),
    ("Hawk ,,,", "Bad header format"),
    ('Hawk id="{id}", ts="{ts}", nonce="abc123", mac="bWFj", ' + "x" * 4100,
     "Header length too long"),
]


def test_malformed_headers(alice):
    def check(template, reason):
        header = template.format(id=ALICE[0], ts=int(time.time()))
        alice.assert_hawk_401(send(alice.permissions_url, header), reason)
    each(MALFORMED, check)


def test_schemes(alice, env):
    url = alice.permissions_url
    # the scheme is case-insensitive, and any blank may follow it (hawk: ^(\w+)(?:\s+(.*))?$)
    header = sign(url, client_id=ALICE[0], key=ALICE[1])
    alice.assert_permissions(send(url, "hawk" + header[4:]), ALICE[0], ALICE_PERMS)
    header = sign(url, client_id=ALICE[0], key=ALICE[1])
    alice.assert_permissions(send(url, "Hawk\t" + header[5:]), ALICE[0], ALICE_PERMS)
    # other schemes are not ours: anonymous
    for other in ("Basic dXNlcjpwYXNz", 'Hawkish id="x"', 'Digest username="x"'):
        alice.assert_permissions(send(url, other), None, [])
    # no header: anonymous, %u is "-"
    agent = marker()
    r = requests.get(url, headers={"User-Agent": agent}, timeout=TIMEOUT)
    alice.assert_permissions(r, None, [])
    assert access_log_entry(env, agent)[0] == "-"
    # a refused Hawk header is not logged as its client
    agent = marker()
    r = send(url, sign(url, client_id=ALICE[0], key="wrong"), {"User-Agent": agent})
    alice.assert_hawk_401(r, "Bad mac")
    assert access_log_entry(env, agent) == ("-", "GET %s/__permissions__ HTTP/1.1" % alice.path,
                                            401)


# ---------------------------------------------------------------- payload hash on body-reading endpoints

BODY_ENDPOINTS = {
    # module: (method, path, body, writer scope)
    "treestatus": ("PATCH", "/trees", b'{"trees": ["svc-auth-no-such-tree"], "status": "open", '
                   b'"reason": "", "tags": [], "remember": false}',
                   "project:releng:services/treestatus/*"),
    "tooltool": ("POST", "/upload", b'{"message": "svc auth test", "files": {}}',
                 "project:releng:services/tooltool/api/*"),
}
WRITER = ("auth/writer", "writer-secret")


def test_payload_hash_is_checked_where_the_body_is_read(module, httpd_control, node,
                                                        tooltool_client):
    method, path, body, scope = BODY_ENDPOINTS[module.name]
    url = module.url + path
    if requests.options(url, timeout=TIMEOUT).status_code == 404:
        pytest.skip("%s %s is not implemented yet" % (method, path))
    httpd_control.set_extra_conf(module.conf("HawkClient %s %s %s" % (WRITER + (scope,))))
    ct = {"Content-Type": "application/json"}
    tampered = body.replace(b"svc", b"SVC")
    spec = dict(kind="hawk", uri=url, method=method, id=WRITER[0], key=WRITER[1],
                payload=body.decode(), contentType="application/json")
    npm = [h["header"] for h in node.sign_many([
        spec, spec, spec,
        # the hash covers the media type without its parameters
        dict(spec, contentType="application/json; charset=utf-8")])]
    good = [(tooltool_header(tooltool_client, creds(WRITER), url, data=body, method=method), ct),
            (npm[0], ct), (npm[3], {"Content-Type": "Application/JSON; charset=utf-8"})]
    # the signed body: whatever the endpoint answers, it is not an authentication failure
    for header, headers in good:
        r = send(url, header, headers, method=method, data=body)
        assert r.status_code != 401, r.text
    # another body under the same header (a fresh nonce each time, so not a replay)
    bad = [tooltool_header(tooltool_client, creds(WRITER), url, data=body, method=method),
           npm[1], npm[2]]
    for header in bad:
        r = send(url, header, ct, method=method, data=tampered)
        module.assert_hawk_401(r, "the payload hash does not match the body")
