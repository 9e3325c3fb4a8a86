"""Shared auth component, black box: Bearer tokens configured by their SHA-256, both modules.

`<Prefix>Token <sha256 hex of the token> <identity> <expiry> <scope>...`, expiry `-` (never),
`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or epoch seconds. tooltool.py sends
`Authorization: Bearer <file content>` when its --authentication-file is not JSON.
"""

import json

import pytest

from auth_helpers import (access_log_entry, each, marker, module, sha256_hex,  # noqa: F401
                          tooltool_authorize, tooltool_client)

TOKENS = {
    # token: (expiry as configured, identity, configured scopes, expected permissions or None
    #         when expired)
    "never-expires-4f1c2a": ("-", "token/never", ["project:test/b", "project:test/a"],
                             ["project:test/a", "project:test/b"]),
    "until-2099-9d8e7f": ("2099-01-01", "token/2099", ["assume:project:test/role"],
                          ["assume:project:test/role", "project:role/granted"]),
    "until-epoch-4102444800": ("4102444800", "token/epoch-future", [], []),
    "epoch-zero-never": ("0", "token/epoch-zero", ["project:test/zero"], ["project:test/zero"]),
    "expired-2020-aa11bb": ("2020-01-01T00:00:00Z", "token/2020", ["project:test/x"], None),
    "expired-date-cc22dd": ("2021-06-30", "token/2021", ["project:test/x"], None),
    "expired-epoch-ee33ff": ("1577836800", "token/epoch-past", ["project:test/x"], None),
}
ROLE = "Role project:test/role project:role/granted"


def token_conf(module, upper=False):
    lines = [ROLE]
    for token, (expiry, who, scopes, _) in TOKENS.items():
        digest = sha256_hex(token)
        lines.append("Token %s %s %s %s" % (digest.upper() if upper else digest, who, expiry,
                                            " ".join(scopes)))
    return module.conf(*lines)


@pytest.fixture
def tokens(module, httpd_control):
    httpd_control.set_extra_conf(token_conf(module))
    return module


def test_tokens_and_expiry(tokens, env):
    def check(token, spec):
        agent = marker()
        r = tokens.get_permissions({"Authorization": "Bearer " + token, "User-Agent": agent})
        if spec[3] is None:
            tokens.assert_401(r, "Bearer token has expired")
            assert access_log_entry(env, agent)[0] == "-"
        else:
            tokens.assert_permissions(r, spec[1], spec[3])
            # %u is the token's identity
            assert access_log_entry(env, agent) == (
                spec[1], "GET %s/__permissions__ HTTP/1.1" % tokens.path, 200)
    each(list(TOKENS.items()), check)


def test_unknown_and_malformed_tokens(tokens):
    cases = [
        ("Bearer not-a-configured-token", "Bearer token is not valid"),
        # the hash, not the token, is what the configuration holds
        ("Bearer " + sha256_hex("never-expires-4f1c2a"), "Bearer token is not valid"),
        ("Bearer never-expires-4f1c2a-and-more", "Bearer token is not valid"),
        ("Bearer NEVER-EXPIRES-4F1C2A", "Bearer token is not valid"),
        # the scheme alone (httpd strips trailing blanks: "Bearer " too)
        ("Bearer", "Bearer token is empty"),
        ("Bearer   ", "Bearer token is empty"),
    ]

    def check(header, detail):
        tokens.assert_401(tokens.get_permissions({"Authorization": header}), detail)
    each(cases, check)


def test_scheme_and_spaces(tokens):
    for header in ("bearer never-expires-4f1c2a", "BEARER never-expires-4f1c2a",
                   "Bearer   never-expires-4f1c2a", "Bearer\tnever-expires-4f1c2a"):
        r = tokens.get_permissions({"Authorization": header})
        tokens.assert_permissions(r, "token/never", ["project:test/a", "project:test/b"])
    # upstream's fallback header works for Bearer too
    r = tokens.get_permissions({"Authentication": "Bearer never-expires-4f1c2a"})
    tokens.assert_permissions(r, "token/never", ["project:test/a", "project:test/b"])


def test_hash_in_upper_case(module, httpd_control):
    httpd_control.set_extra_conf(token_conf(module, upper=True))
    r = module.get_permissions({"Authorization": "Bearer never-expires-4f1c2a"})
    module.assert_permissions(r, "token/never", ["project:test/a", "project:test/b"])


def test_tooltool_client_bearer_file(tokens, tooltool_client, tmp_path, env):
    url = tokens.permissions_url
    auth_file = tmp_path / "token"
    auth_file.write_text("never-expires-4f1c2a\n")      # the client strips the file's content
    header = tooltool_authorize(tooltool_client, auth_file, url)
    assert header == "Bearer never-expires-4f1c2a"
    agent = marker()
    r = tokens.get_permissions({"Authorization": header, "User-Agent": agent})
    tokens.assert_permissions(r, "token/never", ["project:test/a", "project:test/b"])
    assert access_log_entry(env, agent)[0] == "token/never"

    auth_file.write_text("expired-2020-aa11bb")
    r = tokens.get_permissions({"Authorization": tooltool_authorize(tooltool_client, auth_file,
                                                                    url)})
    tokens.assert_401(r, "Bearer token has expired")

    auth_file.write_text("some-token-nobody-configured")
    r = tokens.get_permissions({"Authorization": tooltool_authorize(tooltool_client, auth_file,
                                                                    url)})
    tokens.assert_401(r, "Bearer token is not valid")


def test_tooltool_client_json_file_is_hawk(tokens, tooltool_client, tmp_path):
    # the same option with a JSON file makes the client sign with Hawk: no such client here
    auth_file = tmp_path / "creds.json"
    auth_file.write_text(json.dumps({"clientId": "token/never", "accessToken": "x"}))
    header = tooltool_authorize(tooltool_client, auth_file, tokens.permissions_url)
    assert header.startswith("Hawk mac=")
    tokens.assert_hawk_401(tokens.get_permissions({"Authorization": header}),
                           "Client with clientId 'token/never' not found")


def test_tokens_unconfigured(module):
    # the instance as started (no token configured): refused, never anonymous
    module.assert_401(module.get_permissions({"Authorization": "Bearer anything"}),
                      "Bearer token is not valid")
