"""Shared auth component, black box: roles and scope expansion (assume:<role>), both modules.

Clients are local Hawk clients; GET <module>/__permissions__ shows their scopes expanded with
the configured roles and normalized (sorted as Taskcluster's scopeCompare, duplicates and
scopes implied by a held `*` scope removed).
"""

import requests

from auth_helpers import (TIMEOUT, TS_ADMIN, TS_SHERIFF, each, module, node,  # noqa: F401
                          tooltool_client, tooltool_header, treestatus)

ROLES = [
    "Role project:test/role-a project:test/from-a assume:project:test/role-b",
    "Role project:test/role-b project:test/from-b project:test/from-a",
    # a star role: <..> is what the * matched
    "Role repo:hg.mozilla.org/* index:gecko.<..>.* queue:route:<..> project:test/any-repo",
    "Role project:test/empty",
    "Role project:test/to-star project:test/stars/*",
]
CLIENTS = {
    # name: (scopes, expected permissions)
    "plain": (["project:test/role-a"], ["project:test/role-a"]),
    "chain": (["assume:project:test/role-a", "project:test/z"],
              ["assume:project:test/role-a", "assume:project:test/role-b", "project:test/from-a",
               "project:test/from-b", "project:test/z"]),
    "param": (["assume:repo:hg.mozilla.org/try", "assume:repo:hg.mozilla.org/mozilla-central"],
              ["assume:repo:hg.mozilla.org/mozilla-central", "assume:repo:hg.mozilla.org/try",
               "index:gecko.mozilla-central.*", "index:gecko.try.*", "project:test/any-repo",
               "queue:route:mozilla-central", "queue:route:try"]),
    # a held star scope assumes every role it could name
    "star-held": (["assume:project:test/role-*"],
                  ["assume:project:test/role-*", "project:test/from-a", "project:test/from-b"]),
    "star-repo": (["assume:repo:hg.mozilla.org/*"],
                  ["assume:repo:hg.mozilla.org/*", "index:gecko.*", "project:test/any-repo",
                   "queue:route:*"]),
    "empty-role": (["assume:project:test/empty"], ["assume:project:test/empty"]),
    # scopes implied by a star scope are dropped
    "implied": (["assume:project:test/to-star", "project:test/stars/one", "project:test/stars/*"],
                ["assume:project:test/to-star", "project:test/stars/*"]),
    "everything": (["*", "assume:project:test/role-a"], ["*"]),
    "no-role": (["assume:project:test/undefined"], ["assume:project:test/undefined"]),
}


def client_lines(module, clients):
    return ["HawkClient roles/%s %s-token %s" % (name, name, " ".join(scopes))
            for name, (scopes, _) in clients.items()]


def get_as(module, node, names):
    url = module.permissions_url
    headers = node.sign_many([dict(kind="hawk", uri=url, method="GET", id="roles/" + n,
                                   key=n + "-token") for n in names])
    return [requests.get(url, headers={"Authorization": h["header"]}, timeout=TIMEOUT)
            for h in headers]


def test_configured_roles(module, httpd_control, node):
    httpd_control.set_extra_conf(module.conf(*(ROLES + client_lines(module, CLIENTS))))
    names = list(CLIENTS)

    def check(name, resp):
        module.assert_permissions(resp, "roles/" + name, CLIENTS[name][1])
    each(zip(names, get_as(module, node, names)), check)


def test_roles_apply_to_the_real_client(module, httpd_control, tooltool_client):
    httpd_control.set_extra_conf(module.conf(*(ROLES + client_lines(module, CLIENTS))))
    url = module.permissions_url
    header = tooltool_header(tooltool_client, {"clientId": "roles/chain",
                                               "accessToken": "chain-token"}, url)
    r = requests.get(url, headers={"Authorization": header}, timeout=TIMEOUT)
    module.assert_permissions(r, "roles/chain", CLIENTS["chain"][1])


BUILTIN = {
    "sheriff": ["assume:project:releng:treestatus/sheriff"],
    "admin": ["assume:project:releng:treestatus/admin"],
    "both": ["assume:project:releng:treestatus/sheriff", "assume:project:releng:treestatus/admin"],
    "star": ["assume:project:releng:treestatus/*"],
}


def builtin_clients(expected):
    return {name: (BUILTIN[name], expected[name]) for name in BUILTIN}


def test_builtin_treestatus_roles(module, httpd_control, node):
    if module.name == "treestatus":
        expected = {
            "sheriff": ["assume:project:releng:treestatus/sheriff"] + TS_SHERIFF,
            "admin": ["assume:project:releng:treestatus/admin"] + TS_ADMIN,
            "both": ["assume:project:releng:treestatus/admin",
                     "assume:project:releng:treestatus/sheriff"] + TS_ADMIN,
            "star": ["assume:project:releng:treestatus/*"] + TS_ADMIN,
        }
    else:
        # tooltool has no built-in role: the scopes stay as they are
        expected = {
            "sheriff": BUILTIN["sheriff"], "admin": BUILTIN["admin"],
            "both": ["assume:project:releng:treestatus/admin",
                     "assume:project:releng:treestatus/sheriff"],
            "star": BUILTIN["star"],
        }
    clients = builtin_clients(expected)
    httpd_control.set_extra_conf(module.conf(*client_lines(module, clients)))

    def check(name, resp):
        module.assert_permissions(resp, "roles/" + name, expected[name])
    each(zip(list(clients), get_as(module, node, list(clients))), check)


def test_scope_prefix_changes_the_builtin_roles(treestatus, httpd_control, node):
    module = treestatus
    p = "project:releng:treestatus/"     # RS (2017-2019) prefix
    expected = {
        "sheriff": ["assume:project:releng:treestatus/sheriff", p + "recent_changes/revert",
                    p + "trees/update"],
        "admin": ["assume:project:releng:treestatus/admin", p + "*"],
        # admin's p* implies the sheriff's scopes (not the assume: ones)
        "both": ["assume:project:releng:treestatus/admin",
                 "assume:project:releng:treestatus/sheriff", p + "*"],
        "star": ["assume:project:releng:treestatus/*", p + "*"],
    }
    clients = builtin_clients(expected)
    httpd_control.set_extra_conf(module.conf("ScopePrefix " + p, *client_lines(module, clients)))

    def check(name, resp):
        module.assert_permissions(resp, "roles/" + name, expected[name])
    each(zip(list(clients), get_as(module, node, list(clients))), check)


def test_configured_role_replaces_a_builtin_one(treestatus, httpd_control, node):
    module = treestatus
    clients = {"sheriff": (BUILTIN["sheriff"], ["assume:project:releng:treestatus/sheriff",
                                               "project:custom/close-trees"]),
               "admin": (BUILTIN["admin"], ["assume:project:releng:treestatus/admin"] + TS_ADMIN)}
    httpd_control.set_extra_conf(module.conf(
        "Role project:releng:treestatus/sheriff project:custom/close-trees",
        *client_lines(module, clients)))

    def check(name, resp):
        module.assert_permissions(resp, "roles/" + name, clients[name][1])
    each(zip(list(clients), get_as(module, node, list(clients))), check)
