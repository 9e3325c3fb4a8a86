"""Shared auth component, black box: Hawk delegated to a Taskcluster deployment, both modules.

With `<Prefix>TaskclusterRootUrl http://127.0.0.1:<port> [timeout-ms]` every Hawk header is
sent to <url>/api/auth/v1/authenticate-hawk of a fake auth service (fake_taskcluster.py, a thread
on a free loopback port) whose answer decides: auth-success -> identity and scopes (expanded
with the configured roles), auth-failed -> 401 with its message, no answer or an HTTP error ->
503 "The authentication service is unavailable".
"""

import time

import pytest
import requests

from auth_helpers import (TIMEOUT, access_log_entry, each, marker, module, node,  # noqa: F401
                          sha256_hex, tooltool_client, tooltool_header)
from conftest import free_port
from fake_taskcluster import AUTHENTICATE_HAWK, FakeTaskcluster

CLIENT = ("tc/delegated@example.com", "delegated-token")
UNAVAILABLE = "The authentication service is unavailable"
ROLE = "Role project:test/role project:role/granted"


def log_line(what):
    """The error-log line of a failed call to the auth service (TS00051 / TT00051)."""
    return (r"\] T[ST]00051: Taskcluster authenticate-hawk at "
            r"http://127\.0\.0\.1:\d+(/no/such/prefix)? failed: " + what + "$")


@pytest.fixture
def fake_tc():
    with FakeTaskcluster() as tc:
        yield tc


@pytest.fixture
def delegated(module, httpd_control, fake_tc):
    httpd_control.set_extra_conf(module.conf("TaskclusterRootUrl %s/" % fake_tc.url, ROLE))
    return module


def creds(pair=CLIENT):
    return {"clientId": pair[0], "accessToken": pair[1]}


def get(url, header, method="GET", header_name="Authorization", **headers):
    headers[header_name] = header
    return requests.request(method, url, headers=headers, timeout=TIMEOUT)


def test_success_gives_identity_and_expanded_scopes(delegated, fake_tc, tooltool_client, env):
    fake_tc.success(CLIENT[0], ["project:test/b", "assume:project:test/role", "project:test/a",
                                "project:test/b"])
    url = delegated.permissions_url + "?x=1&y=a%2Fb"
    header = tooltool_header(tooltool_client, creds(), url)
    agent = marker()
    r = get(url, header, **{"User-Agent": agent})
    delegated.assert_permissions(r, CLIENT[0], ["assume:project:test/role", "project:role/granted",
                                                "project:test/a", "project:test/b"])
    assert access_log_entry(env, agent)[0] == CLIENT[0]
    assert fake_tc.requests == [{
        "path": AUTHENTICATE_HAWK, "content_type": "application/json",
        "json": {"method": "get", "resource": delegated.path + "/__permissions__?x=1&y=a%2Fb",
                 "host": "127.0.0.1", "port": env["httpd_port"], "authorization": header}}]


def test_what_is_sent_to_the_auth_service(delegated, fake_tc, node, env):
    fake_tc.success(CLIENT[0], [])
    path = delegated.path + "/__permissions__"
    url = delegated.permissions_url
    cases = [
        # (request method, extra headers, header name, expected host, expected port)
        ("GET", {"Host": "svc.example.org"}, "Authorization", "svc.example.org", env["httpd_port"]),
        ("GET", {"Host": "svc.example.org:8443"}, "Authorization", "svc.example.org", 8443),
        ("GET", {"Host": "svc.example.org", "X-Forwarded-Proto": "https"}, "Authorization",
         "svc.example.org", 443),
        ("GET", {"Host": "svc.example.org", "X-Forwarded-Proto": "http"}, "Authorization",
         "svc.example.org", 80),
        ("GET", {"Host": "svc.example.org", "X-Forwarded-Port": "9443"}, "Authorization",
         "svc.example.org", 9443),
        ("HEAD", {}, "Authorization", "127.0.0.1", env["httpd_port"]),
        # the Authentication header upstream also read
        ("GET", {}, "Authentication", "127.0.0.1", env["httpd_port"]),
    ]
    # any Hawk header is the auth service's business: this one is not even a known client
    headers = node.sign_many([dict(kind="hawk", uri="http://x.example%s?n=%d" % (path, i),
                                   method=c[0], id="anyone", key="k")
                              for i, c in enumerate(cases)])

    def check(i, case, header):
        del fake_tc.requests[:]
        r = get(url + "?n=%d" % i, header["header"], method=case[0], header_name=case[2],
                **case[1])
        assert r.status_code == 200, r.text
        assert fake_tc.requests == [{
            "path": AUTHENTICATE_HAWK, "content_type": "application/json",
            "json": {"method": case[0].lower(), "resource": path + "?n=%d" % i, "host": case[3],
                     "port": case[4], "authorization": header["header"]}}]
    each([(i, c, h) for i, (c, h) in enumerate(zip(cases, headers))], check)


def test_anonymous_and_bearer_do_not_call_the_auth_service(module, httpd_control, fake_tc):
    httpd_control.set_extra_conf(module.conf(
        "TaskclusterRootUrl " + fake_tc.url,
        "Token %s token/user - project:test/t" % sha256_hex("a-bearer-token")))
    module.assert_permissions(module.get_permissions(), None, [])
    r = module.get_permissions({"Authorization": "Bearer a-bearer-token"})
    module.assert_permissions(r, "token/user", ["project:test/t"])
    assert fake_tc.requests == []


def test_auth_failed_is_401_with_its_message(delegated, fake_tc, node):
    url = delegated.permissions_url
    cases = [
        ({"status": "auth-failed", "message": "ext.certificate.expiry < now"},
         "ext.certificate.expiry < now"),
        ({"status": "auth-failed", "message": "Unknown clientId: tc/nobody"},
         "Unknown clientId: tc/nobody"),
        ({"status": "auth-failed"}, "rejected by Taskcluster"),
        # auth-success without a clientId or a scopes list is not a success
        ({"status": "auth-success", "scopes": ["a"], "scheme": "hawk"}, "rejected by Taskcluster"),
        ({"status": "auth-success", "clientId": "x", "scopes": "a", "scheme": "hawk"},
         "rejected by Taskcluster"),
        ({"status": "auth-success", "clientId": "x", "scheme": "hawk"}, "rejected by Taskcluster"),
        ({"status": "AUTH-SUCCESS", "clientId": "x", "scopes": []}, "rejected by Taskcluster"),
        ([], "rejected by Taskcluster"),
        ("not json at all", "rejected by Taskcluster"),
    ]
    headers = node.sign_many([dict(kind="hawk", uri=url, method="GET", id=CLIENT[0], key=CLIENT[1])
                              for _ in cases])

    def check(case, header):
        fake_tc.answer(200, case[0])
        delegated.assert_hawk_401(get(url, header["header"]), case[1])
    each(zip(cases, headers), check)


def assert_unavailable(module, r):
    module.assert_problem(r, 503, UNAVAILABLE)
    assert "WWW-Authenticate" not in r.headers


@pytest.mark.allow_log(log_line("HTTP 500"), log_line("HTTP 404"), log_line("HTTP 401"))
def test_http_errors_are_503(module, httpd_control, fake_tc, tooltool_client):
    httpd_control.set_extra_conf(module.conf("TaskclusterRootUrl " + fake_tc.url))
    url = module.permissions_url
    for status in (500, 401):
        fake_tc.answer(status, {"code": "InternalServerError", "message": "boom"})
        assert_unavailable(module, get(url, tooltool_header(tooltool_client, creds(), url)))
    # a root URL whose auth service is not where it should be
    httpd_control.set_extra_conf(module.conf("TaskclusterRootUrl %s/no/such/prefix" % fake_tc.url))
    assert_unavailable(module, get(url, tooltool_header(tooltool_client, creds(), url)))
    assert [q["path"] for q in fake_tc.requests] == [AUTHENTICATE_HAWK] * 2 + [
        "/no/such/prefix" + AUTHENTICATE_HAWK]


@pytest.mark.allow_log(log_line(r"Failed to connect to 127\.0\.0\.1 port \d+ after \d+ ms: "
                                r"Couldn't connect to server"))
def test_service_down_is_503(module, httpd_control, tooltool_client):
    port = free_port()   # nothing listens there
    httpd_control.set_extra_conf(module.conf("TaskclusterRootUrl http://127.0.0.1:%d" % port))
    url = module.permissions_url
    t0 = time.monotonic()
    assert_unavailable(module, get(url, tooltool_header(tooltool_client, creds(), url)))
    assert time.monotonic() - t0 < 5


@pytest.mark.allow_log(log_line(r"Operation timed out after \d+ milliseconds with 0 bytes received"))
def test_slow_service_is_503_within_the_timeout(module, httpd_control, fake_tc, tooltool_client):
    httpd_control.set_extra_conf(module.conf("TaskclusterRootUrl %s 300" % fake_tc.url))
    fake_tc.answer(200, {"status": "auth-success", "clientId": "late", "scopes": []}, delay=5)
    url = module.permissions_url
    t0 = time.monotonic()
    r = get(url, tooltool_header(tooltool_client, creds(), url))
    elapsed = time.monotonic() - t0
    assert_unavailable(module, r)
    assert 0.25 < elapsed < 2.0, elapsed
    # a quick answer under the same configuration is fine
    fake_tc.success(CLIENT[0], ["project:test/a"])
    r = get(url, tooltool_header(tooltool_client, creds(), url))
    module.assert_permissions(r, CLIENT[0], ["project:test/a"])
