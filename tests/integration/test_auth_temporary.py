"""Shared auth component, black box: Taskcluster temporary credentials (ext.certificate) and
authorizedScopes, verified locally, for both modules.

Credentials and headers come from the npm `taskcluster-client` (createTemporaryCredentials, a
client with authorizedScopes; node/sign.mjs); certificates it refuses to make (too long, forged)
are built by hand exactly as it builds them (make_certificate) and sent with the npm `hawk`.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time

import pytest
import requests

from auth_helpers import TIMEOUT, access_log_entry, each, marker, module, node  # noqa: F401

ISSUER = ("tc/issuer", "issuer-access-token-0123456789abcdef")
ISSUER_SCOPES = ["project:test/*", "assume:project:test/role", "auth:create-client:tc/named/*"]
ROLE = "Role project:test/role project:role/granted"
HOUR = 3600 * 1000


def conf(module):
    return module.conf(ROLE, "HawkClient %s %s %s" % (ISSUER + (" ".join(ISSUER_SCOPES),)))


@pytest.fixture
def issuer(module, httpd_control):
    httpd_control.set_extra_conf(conf(module))
    return module


def now_ms():
    return int(time.time() * 1000)


def temporary(scopes, start=None, expiry=None, client_id=None):
    t = {"scopes": scopes, "start": start if start is not None else now_ms(),
         "expiry": expiry if expiry is not None else now_ms() + HOUR}
    if client_id:
        t["clientId"] = client_id
    return t


def tc_spec(url, temp=None, authorized=None, credentials=ISSUER):
    spec = dict(kind="taskcluster", uri=url, method="get", clientId=credentials[0],
                accessToken=credentials[1])
    if temp is not None:
        spec["temporary"] = temp
    if authorized is not None:
        spec["authorizedScopes"] = authorized
    return spec


def get(url, header, **headers):
    return requests.get(url, headers=dict(headers, Authorization=header), timeout=TIMEOUT)


def make_certificate(issuer, scopes, start, expiry, client_id=None, seed=None):
    """(certificate, temporary access token) as taskcluster-client's createTemporaryCredentials."""
    seed = seed or base64.urlsafe_b64encode(secrets.token_bytes(33)).decode()[:44]
    text = "version:1\n"
    if client_id:
        text += "clientId:%s\nissuer:%s\n" % (client_id, issuer[0])
    text += "seed:%s\nstart:%d\nexpiry:%d\nscopes:\n%s" % (seed, start, expiry, "\n".join(scopes))
    key = issuer[1].encode()
    cert = {"version": 1, "scopes": scopes, "start": start, "expiry": expiry, "seed": seed,
            "signature": base64.b64encode(hmac.new(key, text.encode(), hashlib.sha256).digest())
            .decode()}
    if client_id:
        cert["issuer"] = issuer[0]
    token = base64.urlsafe_b64encode(hmac.new(key, seed.encode(), hashlib.sha256).digest())
    return cert, token.decode().rstrip("=")


def ext_of(obj):
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


def hawk_spec(url, client_id, key, ext):
    return dict(kind="hawk", uri=url, method="GET", id=client_id, key=key, ext=ext)


# ---------------------------------------------------------------- accepted

def test_temporary_credentials(issuer, node, env):
    url = issuer.permissions_url
    cases = [
        # (temporary options, expected user_id, expected permissions)
        (temporary(["project:test/x"]), ISSUER[0], ["project:test/x"]),
        # certificate scopes are satisfied through the issuer's roles, and expanded themselves
        (temporary(["project:role/granted", "project:test/y"]), ISSUER[0],
         ["project:role/granted", "project:test/y"]),
        (temporary(["assume:project:test/role"]), ISSUER[0],
         ["assume:project:test/role", "project:role/granted"]),
        (temporary([]), ISSUER[0], []),
        # named: the issuer holds auth:create-client:<name>
        (temporary(["project:test/x", "project:test/*"], client_id="tc/named/worker-1"),
         "tc/named/worker-1", ["project:test/*"]),
        # the auth service allows 5 minutes of clock skew on start and expiry
        (temporary(["project:test/x"], start=now_ms() + 4 * 60 * 1000), ISSUER[0],
         ["project:test/x"]),
        (temporary(["project:test/x"], start=now_ms() - 2 * HOUR,
                   expiry=now_ms() - 4 * 60 * 1000), ISSUER[0], ["project:test/x"]),
    ]
    signed = node.sign_many([tc_spec(url, temp) for temp, _, _ in cases])

    def check(case, s):
        assert json.loads(base64.b64decode(s["ext"]))["certificate"] == \
            json.loads(s["credentials"]["certificate"])
        agent = marker()
        issuer.assert_permissions(get(url, s["header"], **{"User-Agent": agent}), case[1],
                                  case[2])
        # %u is the clientId (the temporary one when named)
        assert access_log_entry(env, agent)[0] == case[1]
    each(zip(cases, signed), check)


def test_authorized_scopes(issuer, node):
    url = issuer.permissions_url
    cases = [
        # (temporary, authorizedScopes, expected user_id, permissions)
        (None, ["project:test/a"], ISSUER[0], ["project:test/a"]),
        (None, ["project:role/granted", "assume:project:test/role"], ISSUER[0],
         ["assume:project:test/role", "project:role/granted"]),
        (None, [], ISSUER[0], []),
        (temporary(["project:test/a", "project:test/b"]), ["project:test/b"], ISSUER[0],
         ["project:test/b"]),
        (temporary(["project:test/*"], client_id="tc/named/limited"), ["project:test/c"],
         "tc/named/limited", ["project:test/c"]),
    ]
    signed = node.sign_many([tc_spec(url, temp, auth) for temp, auth, _, _ in cases])

    def check(case, s):
        ext = json.loads(base64.b64decode(s["ext"]))
        assert ext["authorizedScopes"] == case[1]
        issuer.assert_permissions(get(url, s["header"]), case[2], case[3])
    each(zip(cases, signed), check)


# ---------------------------------------------------------------- refused

def test_authorized_scopes_beyond_the_credentials(issuer, node):
    url = issuer.permissions_url
    cases = [
        (None, ["project:other/x"], '"project:other/x"'),
        (None, ["project:test/a", "project:other/x", "project:other/y"],
         '{"AllOf":["project:other/x","project:other/y"]}'),
        (temporary(["project:test/a"]), ["project:test/b"], '"project:test/b"'),
        (temporary(["project:test/a"], client_id="tc/named/x"), ["project:test/*"],
         '"project:test/*"'),
    ]
    signed = node.sign_many([tc_spec(url, temp, auth) for temp, auth, _ in cases])

    def check(case, s):
        issuer.assert_hawk_401(get(url, s["header"]), "Supplied credentials do not satisfy "
                               "authorizedScopes (missing %s)" % case[2])
    each(zip(cases, signed), check)


def test_refused_temporary_credentials(issuer, node):
    url = issuer.permissions_url
    now = now_ms()
    expired = temporary(["project:test/x"], start=now - 3 * HOUR, expiry=now - HOUR)
    future = temporary(["project:test/x"], start=now + HOUR, expiry=now + 2 * HOUR)
    cases = [
        (tc_spec(url, expired), "ext.certificate.expiry < now"),
        (tc_spec(url, future), "ext.certificate.start > now"),
        (tc_spec(url, temporary(["project:other/x", "project:test/x"])),
         "ext.certificate issuer `tc/issuer` doesn't satisfy all certificate scopes "
         "project:other/x,project:test/x.  The temporary credentials were not generated "
         "correctly."),
        (tc_spec(url, temporary(["project:test/x"], client_id="someone/else")),
         "ext.certificate issuer `tc/issuer` doesn't have `auth:create-client:someone/else` for "
         "supplied clientId."),
        # signed with another key than the issuer's
        (tc_spec(url, temporary(["project:test/x"]), credentials=(ISSUER[0], "wrong-key")),
         "ext.certificate.signature is not valid"),
        (tc_spec(url, temporary(["project:test/x"], client_id="tc/named/a"),
                 credentials=(ISSUER[0], "wrong-key")),
         "ext.certificate.signature is not valid, or wrong clientId provided"),
        (tc_spec(url, temporary(["project:test/x"]), credentials=("tc/unknown", "k")),
         "Client with clientId 'tc/unknown' not found"),
    ]
    signed = node.sign_many([spec for spec, _ in cases])

    def check(case, s):
        issuer.assert_hawk_401(get(url, s["header"]), case[1])
    each(zip(cases, signed), check)


def test_forged_certificates(issuer, node):
    """Hand-built certificates (as taskcluster-client builds them) it would refuse to make."""
    url = issuer.permissions_url
    now = now_ms()
    good, token = make_certificate(ISSUER, ["project:test/x"], now, now + HOUR)
    # sanity: the hand-built certificate is accepted
    specs = [hawk_spec(url, ISSUER[0], token, ext_of({"certificate": good}))]
    expect = [None]
    # scopes changed after signing
    forged = dict(good, scopes=["project:test/*"])
    specs.append(hawk_spec(url, ISSUER[0], token, ext_of({"certificate": forged})))
    expect.append("ext.certificate.signature is not valid")
    # a named certificate presented under another clientId
    named, ntoken = make_certificate(ISSUER, ["project:test/x"], now, now + HOUR,
                                     client_id="tc/named/a")
    specs.append(hawk_spec(url, "tc/named/b", ntoken, ext_of({"certificate": named})))
    expect.append("ext.certificate.signature is not valid, or wrong clientId provided")
    # issuer = the clientId itself
    specs.append(hawk_spec(url, ISSUER[0], ntoken, ext_of({"certificate": named})))
    expect.append("ext.certificate.issuer must differ from the supplied clientId")
    # longer than 31 days
    long_cert, ltoken = make_certificate(ISSUER, ["project:test/x"], now, now + 32 * 24 * HOUR)
    specs.append(hawk_spec(url, ISSUER[0], ltoken, ext_of({"certificate": long_cert})))
    expect.append("ext.certificate cannot last longer than 31 days!")
    # the permanent access token with a certificate: the MAC must use the temporary one
    specs.append(hawk_spec(url, ISSUER[0], ISSUER[1], ext_of({"certificate": good})))
    expect.append("Bad mac")
    # malformed certificates
    for bad, reason in [
        (dict(good, version=2), "ext.certificate.version must be 1"),
        (dict(good, seed="short"), "ext.certificate.seed must be 44 characters"),
        (dict(good, start="now"), "ext.certificate.start must be a number"),
        (dict(good, scopes="project:test/x"), "ext.certificate.scopes must be an array"),
    ]:
        specs.append(hawk_spec(url, ISSUER[0], token, ext_of({"certificate": bad})))
        expect.append(reason)
    signed = node.sign_many(specs)

    def check(reason, s):
        r = get(url, s["header"])
        if reason is None:
            issuer.assert_permissions(r, ISSUER[0], ["project:test/x"])
        else:
            issuer.assert_hawk_401(r, reason)
    each(zip(expect, signed), check)
