"""Shared auth component, black box: a bad auth directive stops `apache2 -t` with a message
naming the directive (and, where it has one, the culprit), for both modules.

Each case runs `<apache_bin> -t -f <copy of the instance's httpd.conf>` whose extra include is a
file holding the bad lines: the running instance is never touched.
"""

import re
import subprocess

import pytest
import requests

from auth_helpers import TIMEOUT, module  # noqa: F401

H = "ab" * 32        # a well-formed SHA-256 in hex
# (lines after the directive prefix, line number of the error, the message: regex for the
# whole message line; {P} is the directive prefix)
CASES = [
    (["Token nothex id -"], 1,
     r"{P}Token: 'nothex' is not a SHA-256 in hex \(64 digits: printf %s \"\$TOKEN\" \| "
     r"sha256sum\).*"),
    (["Token %s" % H], 1, r"{P}Token: .*needs the token's SHA-256 \(hex\), an identity and an "
                          r"expiry.*"),
    (["Token %s who tomorrow" % H], 1,
     r"{P}Token: invalid expiry 'tomorrow' \(use -, epoch seconds, YYYY-MM-DD or "
     r"YYYY-MM-DDTHH:MM:SSZ\).*"),
    (["Token %s who 2020-13-01" % H], 1, r"{P}Token: invalid expiry '2020-13-01'.*"),
    (["Token %s who -1" % H], 1, r"{P}Token: invalid expiry '-1'.*"),
    (["Token %s who -" % H, "{P}Token %s other -" % H.upper()], 2,
     r"{P}Token: token abababab\.\.\. is configured twice.*"),
    (["HawkClient onlyone"], 1, r"{P}HawkClient needs a clientId and an accessToken"),
    (["HawkClient a b", "{P}HawkClient a c"], 2, r"{P}HawkClient: client 'a' defined twice"),
    (["Role project:a assume:project:b", "{P}Role project:b assume:project:a"], 2,
     r"{P}Role project:b: Roles may not contain dependency cycles, found: 'assume:project:b' -> "
     r"'assume:project:a' -> 'assume:project:b'"),
    (["Role project:a assume:project:a"], 1,
     r"{P}Role project:a: Roles may not contain dependency cycles, found: 'assume:project:a' -> "
     r"'assume:project:a'"),
    # a star role that its own expansion would assume again
    (["Role repo:* assume:repo:<..>/x"], 1,
     r"{P}Role repo:\*: Roles may not contain dependency cycles, found: .*"),
    (["Role project:a x", "{P}Role project:a y"], 2,
     r"{P}Role project:a: role 'project:a' is defined twice"),
    (["Role repo:* x<..>y<..>"], 1,
     r"{P}Role repo:\*: role 'repo:\*': parameterized scope 'x<..>y<..>' contains multiple "
     r"'<..>'"),
    (["Role"], 1, r"{P}Role needs a role id"),
    (["TaskclusterRootUrl ftp://tc.example.org"], 1,
     r"{P}TaskclusterRootUrl: 'ftp://tc\.example\.org' is not an http\(s\) URL"),
    (["TaskclusterRootUrl http://tc.example.org 0"], 1,
     r"{P}TaskclusterRootUrl: invalid timeout '0' \(milliseconds\)"),
    (["TaskclusterRootUrl http://tc.example.org soon"], 1,
     r"{P}TaskclusterRootUrl: invalid timeout 'soon' \(milliseconds\)"),
    (["HawkSkew -5"], 1, r"{P}HawkSkew: expected seconds, got '-5'"),
    (["HawkSkew 0"], 1, r"{P}HawkSkew: expected seconds, got '0'"),
    (["HawkSkew 15m"], 1, r"{P}HawkSkew: expected seconds, got '15m'"),
    (["UserScopes"], 1, r"{P}UserScopes needs a user name"),
    (["GroupScopes"], 1, r"{P}GroupScopes needs a group name"),
    (["GroupMembers admins"], 1, r"{P}GroupMembers needs a group and at least one user"),
    (["HawkClientsTable maybe"], 1, r"{P}HawkClientsTable must be On or Off"),
    (["CacheMaxAge -1"], 1, r"{P}CacheMaxAge: expected a number of seconds from 0 to 86400 "
                            r"\(decimals allowed\), got '-1'"),
    (["CacheMaxAge 1s"], 1, r"{P}CacheMaxAge: expected .*, got '1s'"),
    (["CacheMaxAge 86401"], 1, r"{P}CacheMaxAge: expected .*, got '86401'"),
]


def config_test(env, tmp_path, lines):
    """(exit code, stderr, extra file) of apache2 -t on the instance's config + LINES."""
    with open(env["httpd_conf"]) as f:
        conf = f.read()
    assert env["extra_conf"] in conf
    extra = tmp_path / "bad-auth.conf"
    extra.write_text("".join(line + "\n" for line in lines))
    copy = tmp_path / "httpd.conf"
    copy.write_text(conf.replace(env["extra_conf"], str(extra)))
    p = subprocess.run([env["apache_bin"], "-t", "-f", str(copy)], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stderr, extra


@pytest.mark.parametrize("lines,line_no,message", CASES,
                         ids=[" / ".join(c[0])[:40] for c in CASES])
def test_bad_directive_fails_the_config_test(module, env, tmp_path, lines, line_no, message):
    lines = [(ln if ln.startswith("{P}") else "{P}" + ln).format(P=module.prefix) for ln in lines]
    rc, err, extra = config_test(env, tmp_path, lines)
    assert rc == 1, err
    first, second = (err.rstrip("\n").split("\n") + [""])[:2]
    assert first == "AH00526: Syntax error on line %d of %s:" % (line_no, extra)
    assert re.fullmatch(message.format(P=module.prefix), second), second


def test_good_directives_pass_the_config_test(module, env, tmp_path):
    p = module.prefix
    rc, err, _ = config_test(env, tmp_path, [
        p + "HawkClient cfg/a token project:a assume:project:r",
        p + "HawkClient cfg/b token",
        p + "Role project:r project:s",
        p + "Role repo:* index:<..>.* assume:project:r",
        p + "Token %s cfg/t - project:a" % H,
        p + "Token %s cfg/u 2099-01-01 project:a" % ("cd" * 32),
        p + "Token %s cfg/v 2099-01-01T12:00:00Z" % ("ef" * 32),
        p + "Token %s cfg/w 4102444800" % ("01" * 32),
        p + "UserScopes alice project:a",
        p + "GroupScopes admins project:*",
        p + "GroupMembers admins alice bob",
        p + "GroupsVariable OIDC_CLAIM_groups",
        p + "TaskclusterRootUrl https://tc.example.org/ 2500",
        p + "HawkSkew 60",
        p + "CacheMaxAge 0.25",
        p + 'NonceCache "shmcb:/tmp/nonces(1048576)"',
        p + "HawkClientsTable Off",
        p + "ScopePrefix project:releng:treestatus/",
    ])
    assert (rc, err) == (0, "Syntax OK\n")


def test_the_running_instance_is_untouched(module, env, tmp_path, httpd_control):
    pid = httpd_control.pid()
    rc, _, _ = config_test(env, tmp_path, [module.prefix + "HawkClient onlyone"])
    assert rc == 1
    assert httpd_control.pid() == pid
    r = requests.get(module.url + "/__lbheartbeat__", timeout=TIMEOUT)
    assert (r.status_code, r.text) == (200, "OK!")
