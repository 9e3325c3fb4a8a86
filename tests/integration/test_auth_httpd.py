"""Shared auth component, black box: identities set by httpd's own authentication (r->user,
here mod_auth_basic with an htpasswd file) mapped to scopes, both modules.

`<Prefix>UserScopes user scope...`, `<Prefix>GroupScopes group scope...`,
`<Prefix>GroupMembers group user...` and `<Prefix>GroupsVariable VAR` (the user's groups in an
environment variable, comma or space separated, as mod_auth_openidc exports claims; set here
with SetEnvIf from a request header, or SetEnv). Scopes are expanded with the roles.
"""

import os
import subprocess

import pytest
import requests

from auth_helpers import (TIMEOUT, access_log_entry, each, marker, module,  # noqa: F401
                          world_readable_dir)

MODDIR = "/usr/lib/apache2/modules"
MODULES = [("auth_basic_module", "mod_auth_basic.so"), ("authn_file_module", "mod_authn_file.so"),
           ("authn_core_module", "mod_authn_core.so"), ("authz_user_module", "mod_authz_user.so"),
           ("setenvif_module", "mod_setenvif.so"), ("env_module", "mod_env.so")]
USERS = ["alice", "bob", "carol", "dave", "eve"]
ROLE = "Role project:test/role project:role/granted"
SHERIFF = ["assume:project:test/role", "project:role/granted"]


def password(user):
    return user + "-password"


@pytest.fixture
def htpasswd(env):
    d = world_readable_dir(env, "htpasswd")
    path = os.path.join(d, "htpasswd")
    for i, user in enumerate(USERS):
        subprocess.run(["htpasswd", "-b" + ("c" if i == 0 else "") + "B", path, user,
                        password(user)], check=True, capture_output=True, timeout=30)
    os.chmod(path, 0o644)
    return path


def basic_conf(module, htpasswd, location_extra, *directives):
    loads = "".join("<IfModule !%s>\n    LoadModule %s %s/%s\n</IfModule>\n" % (name, name, MODDIR, so)
                    for name, so in MODULES)
    return loads + """<Location "{path}/__permissions__">
    AuthType Basic
    AuthName "svc auth tests"
    AuthBasicProvider file
    AuthUserFile "{htpasswd}"
    Require valid-user
    {prefix}Base {path}
{extra}</Location>
""".format(path=module.path, htpasswd=htpasswd, prefix=module.prefix,
           extra="".join("    %s\n" % ln for ln in location_extra)) + module.conf(ROLE, *directives)


MAPPING = [
    "UserScopes alice assume:project:test/role project:test/alice",
    "UserScopes alice project:test/alice-more",          # repeated lines add up
    "GroupScopes sheriffs assume:project:test/role",
    "GroupScopes testers project:test/testing project:test/testing",
    "GroupScopes admins project:test/*",
    "GroupMembers sheriffs bob",
    "GroupMembers sheriffs eve carol",
    "UserScopes eve project:test/eve",
    "GroupsVariable SVC_TEST_GROUPS",
]


def get_as(module, user, groups=None, **headers):
    if groups is not None:
        headers["X-Test-Groups"] = groups
    return requests.get(module.permissions_url, auth=(user, password(user)), headers=headers,
                        timeout=TIMEOUT)


def test_users_and_groups(module, httpd_control, htpasswd, env):
    httpd_control.set_extra_conf(basic_conf(
        module, htpasswd, ['SetEnvIf X-Test-Groups "^(.+)$" SVC_TEST_GROUPS=$1'], *MAPPING))
    cases = [
        # (user, groups variable, expected permissions)
        ("alice", None, ["assume:project:test/role", "project:role/granted", "project:test/alice",
                         "project:test/alice-more"]),
        ("bob", None, SHERIFF),                                        # static member
        ("carol", None, SHERIFF),
        ("eve", None, SHERIFF + ["project:test/eve"]),                 # user + group scopes
        ("dave", None, []),                                            # no mapping at all
        ("dave", "testers", ["project:test/testing"]),                 # groups from the variable
        ("dave", "testers,admins", ["project:test/*"]),
        ("dave", "admins, testers", ["project:test/*"]),
        ("dave", "sheriffs testers", SHERIFF + ["project:test/testing"]),
        ("dave", "testers-not, admin, sheriff", []),                   # whole names only
        ("bob", "testers", SHERIFF + ["project:test/testing"]),        # static + variable
    ]

    def check(user, groups, expected):
        agent = marker()
        r = get_as(module, user, groups, **{"User-Agent": agent})
        module.assert_permissions(r, user, expected)
        # %u is the httpd user
        assert access_log_entry(env, agent) == (user, "GET %s/__permissions__ HTTP/1.1"
                                                % module.path, 200)
    each(cases, check)


def test_groups_variable_set_with_setenv(module, httpd_control, htpasswd):
    httpd_control.set_extra_conf(basic_conf(
        module, htpasswd, ['SetEnv SVC_TEST_GROUPS "testers, sheriffs"'], *MAPPING))
    for user, expected in [("dave", SHERIFF + ["project:test/testing"]),
                           ("alice", ["assume:project:test/role", "project:role/granted",
                                      "project:test/alice", "project:test/alice-more",
                                      "project:test/testing"])]:
        module.assert_permissions(get_as(module, user), user, expected)


def test_groups_variable_not_configured(module, httpd_control, htpasswd):
    # without <Prefix>GroupsVariable the variable means nothing
    httpd_control.set_extra_conf(basic_conf(
        module, htpasswd, ['SetEnv SVC_TEST_GROUPS "testers"'],
        *[m for m in MAPPING if not m.startswith("GroupsVariable")]))
    module.assert_permissions(get_as(module, "dave"), "dave", [])
    module.assert_permissions(get_as(module, "bob"), "bob", SHERIFF)


@pytest.mark.allow_log(r"\[auth_basic:error\] .* AH01617: user alice: authentication failure for "
                       r"\"/(treestatus|tooltool)/__permissions__\": Password Mismatch$")
def test_httpd_refuses_before_the_module(module, httpd_control, htpasswd):
    httpd_control.set_extra_conf(basic_conf(module, htpasswd, [], *MAPPING))
    for auth in (None, ("alice", "wrong-password")):
        r = requests.get(module.permissions_url, auth=auth, timeout=TIMEOUT)
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"] == 'Basic realm="svc auth tests"'
    # the rest of the module is untouched by the <Location> on /__permissions__
    r = requests.get(module.url + "/__lbheartbeat__", timeout=TIMEOUT)
    assert (r.status_code, r.text) == (200, "OK!")
