"""Failing tests for bugs found by the auth integration tests (kept out of the commit)."""
import os
import subprocess
import time

import requests

from auth_helpers import TIMEOUT, module, node, sign, world_readable_dir  # noqa: F401
from test_auth_config import config_test
from test_auth_httpd import MODULES, MODDIR


def test_bug_nested_location_routes_to_404(module, httpd_control, env):
    """BUG 1: auth on <Location /<module>/__permissions__> (no <Prefix>Base) -> 404."""
    d = world_readable_dir(env, "htpasswd")
    path = os.path.join(d, "htpasswd")
    subprocess.run(["htpasswd", "-cbB", path, "alice", "pw"], check=True, capture_output=True)
    os.chmod(path, 0o644)
    loads = "".join("<IfModule !%s>\nLoadModule %s %s/%s\n</IfModule>\n" % (n, n, MODDIR, so)
                    for n, so in MODULES)
    httpd_control.set_extra_conf(loads + """<Location "%s/__permissions__">
    AuthType Basic
    AuthName "svc"
    AuthBasicProvider file
    AuthUserFile "%s"
    Require valid-user
</Location>
""" % (module.path, path))
    r = requests.get(module.permissions_url, auth=("alice", "pw"), timeout=TIMEOUT)
    module.assert_permissions(r, "alice", [])


def test_bug_replay_accepted_without_cache(module, httpd_control):
    """BUG 3: with <Prefix>Cache none a replayed Hawk header is accepted, silently."""
    httpd_control.set_extra_conf(module.conf("HawkClient bug/a key", "Cache none"))
    url = module.permissions_url
    h = sign(url, client_id="bug/a", key="key")
    module.assert_permissions(requests.get(url, headers={"Authorization": h}, timeout=TIMEOUT),
                              "bug/a", [])
    module.assert_hawk_401(requests.get(url, headers={"Authorization": h}, timeout=TIMEOUT),
                           "replayed request (nonce already used)")


def test_nonce_cache_none_turns_replay_protection_off(module, httpd_control):
    """<Prefix>NonceCache none is the documented way to do without the nonce store: the same
    header is then accepted twice (only the timestamp skew bounds it)."""
    httpd_control.set_extra_conf(module.conf("HawkClient bug/a key", "NonceCache none"))
    url = module.permissions_url
    h = sign(url, client_id="bug/a", key="key")
    for _ in range(2):
        module.assert_permissions(requests.get(url, headers={"Authorization": h},
                                               timeout=TIMEOUT), "bug/a", [])


def test_bug_impossible_token_expiry_dates_accepted(module, env, tmp_path):
    """BUG 4: 2020-02-30 and T25:00:00Z pass apache2 -t (normalized silently)."""
    for expiry in ("2020-02-30", "2020-01-01T25:00:00Z", "2020-01-01T00:61:00Z"):
        rc, err, _ = config_test(env, tmp_path, [module.prefix + "Token %s who %s" % ("ab" * 32,
                                                                                    expiry)])
        assert rc == 1, (expiry, err)


from fake_taskcluster import FakeTaskcluster  # noqa: E402
from test_auth_hawk import BODY_ENDPOINTS  # noqa: E402


def test_bug_delegated_payload_hash_not_checked(module, httpd_control, node):
    """BUG 5: with TaskclusterRootUrl, a body that does not match the header's hash is accepted
    (req->hawk is only set by hawk_local, so svc_auth_check_payload never checks)."""
    method, path, body, scope = BODY_ENDPOINTS[module.name]
    url = module.url + path
    with FakeTaskcluster() as tc:
        httpd_control.set_extra_conf(module.conf("TaskclusterRootUrl " + tc.url))
        header = node.hawk(url, method, "tc/writer", "k", payload=body.decode(),
                           contentType="application/json")
        h = header.split(' hash="')[1].split('"')[0]
        # what Taskcluster answers for a header with a hash: the hash, for the server to check
        tc.success("tc/writer", [scope], hash=h)
        r = requests.request(method, url, headers={"Authorization": header,
                                                   "Content-Type": "application/json"},
                             data=body.replace(b"svc", b"SVC"), timeout=TIMEOUT)
        module.assert_hawk_401(r, "the payload hash does not match the body")


def test_bug_delegated_undecodable_header_is_503(module, httpd_control, env):
    """BUG 6: with TaskclusterRootUrl, a Hawk header holding a non-UTF-8 byte gets 503 'The
    authentication service is unavailable' and an error-level log line (TS00051 ... request not
    encodable): client input, so a 401 (locally: 'Bad attribute value: id')."""
    import socket
    with FakeTaskcluster() as tc:
        httpd_control.set_extra_conf(module.conf("TaskclusterRootUrl " + tc.url))
        port = env["httpd_port"]
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET " + module.path.encode() + b"/__permissions__ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b'Authorization: Hawk id="\xff", ts="1", nonce="n", mac="m"\r\n'
                  b"Connection: close\r\n\r\n")
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        s.close()
        assert data.split(b"\r\n")[0] == b"HTTP/1.1 401 Unauthorized", data


LUA = '''
function check_user(r)
    local h = r.headers_in["Authorization"] or ""
    if h:sub(1, 12) == "Bearer oidc-" then
        r.user = "oidc-user@example.com"
        return apache2.OK
    end
    return apache2.DECLINED
end
'''


def test_bug_bearer_authenticated_by_httpd_is_refused(module, httpd_control, env):
    """BUG 7: a Bearer token validated by an httpd module (mod_auth_openidc 'AuthType oauth20',
    here a mod_lua check_user_id hook standing in) sets r->user, but svc_auth_identify tries its
    own Bearer tokens first and answers 401 'Bearer token is not valid' without falling back to
    r->user."""
    d = world_readable_dir(env, "lua")
    with open(d + "/auth.lua", "w") as f:
        f.write(LUA)
    os.chmod(d + "/auth.lua", 0o644)
    loads = "".join("<IfModule !%s>\nLoadModule %s %s/%s\n</IfModule>\n" % (n, n, MODDIR, so)
                    for n, so in [("lua_module", "mod_lua.so"),
                                  ("authn_core_module", "mod_authn_core.so"),
                                  ("authz_user_module", "mod_authz_user.so")])
    httpd_control.set_extra_conf(loads + """<Location "%s/__permissions__">
    AuthType oidc-bearer
    AuthName x
    LuaHookCheckUserID %s/auth.lua check_user
    Require valid-user
    %sBase %s
</Location>
""" % (module.path, d, module.prefix, module.path) + module.conf(
        "UserScopes oidc-user@example.com project:test/oidc"))
    r = requests.get(module.permissions_url, headers={"Authorization": "Bearer oidc-abc"},
                     timeout=TIMEOUT)
    module.assert_permissions(r, "oidc-user@example.com", ["project:test/oidc"])
