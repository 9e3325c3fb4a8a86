"""Shared auth component, black box: Hawk clients kept in the svc_hawk_clients table
(`<Prefix>HawkClientsTable On`), for both modules.

Rows are looked up per request (no restart to add, change or expire a client); a client
configured by directive wins over a row with the same id; while the database is down a table
client gets 503 and directive clients keep working.
"""

import uuid

import pytest
import requests

from auth_helpers import TIMEOUT, module, sign  # noqa: F401
from test_ops import DB_DOWN_LOGS

ROLE = "Role project:test/role project:role/granted"


def cid(what):
    return "table/%s-%s" % (what, uuid.uuid4().hex[:10])


def insert(sql, client_id, token, scopes, expires=None):
    sql("INSERT INTO svc_hawk_clients (client_id, access_token, scopes, expires, description) "
        "VALUES (%s, %s, %s, " + ("now() + %s::interval" if expires else "%s") + ", %s)",
        client_id, token, scopes, expires, "auth integration test")


def get_as(module, client_id, key, **headers):
    # signed in Python (auth_helpers.sign): the real clients are covered by test_auth_hawk.py
    url = module.permissions_url
    headers["Authorization"] = sign(url, client_id=client_id, key=key)
    return requests.get(url, headers=headers, timeout=TIMEOUT)


@pytest.fixture
def table_on(module, httpd_control):
    httpd_control.set_extra_conf(module.conf(ROLE, "HawkClientsTable On",
                                             "HawkClient table/directive directive-token "
                                             "project:test/directive"))
    return module


def test_table_clients(table_on, sql):
    m = table_on
    a, b, old, future = cid("a"), cid("b"), cid("expired"), cid("future")
    insert(sql, a, "a-token", ["project:test/b", "assume:project:test/role", "project:test/b"])
    insert(sql, b, "b-token", [])
    insert(sql, old, "old-token", ["project:test/x"], expires="-1 minute")
    insert(sql, future, "future-token", ["project:test/x"], expires="1 hour")
    m.assert_permissions(get_as(m, a, "a-token"), a,
                         ["assume:project:test/role", "project:role/granted", "project:test/b"])
    m.assert_permissions(get_as(m, b, "b-token"), b, [])
    m.assert_permissions(get_as(m, future, "future-token"), future, ["project:test/x"])
    m.assert_hawk_401(get_as(m, a, "wrong-token"), "Bad mac")
    m.assert_hawk_401(get_as(m, old, "old-token"),
                      "Client with clientId '%s' not found" % old)
    missing = cid("missing")
    m.assert_hawk_401(get_as(m, missing, "x"), "Client with clientId '%s' not found" % missing)
    # directive clients still work beside the table
    m.assert_permissions(get_as(m, "table/directive", "directive-token"), "table/directive",
                         ["project:test/directive"])


def test_rows_take_effect_without_restart(table_on, sql):
    m = table_on
    c = cid("live")
    m.assert_hawk_401(get_as(m, c, "t1"), "Client with clientId '%s' not found" % c)
    insert(sql, c, "t1", ["project:test/one"])
    m.assert_permissions(get_as(m, c, "t1"), c, ["project:test/one"])
    sql("UPDATE svc_hawk_clients SET access_token = %s, scopes = %s WHERE client_id = %s",
        "t2", ["project:test/two"], c)
    m.assert_hawk_401(get_as(m, c, "t1"), "Bad mac")
    m.assert_permissions(get_as(m, c, "t2"), c, ["project:test/two"])
    sql("UPDATE svc_hawk_clients SET expires = now() - interval '1 second' WHERE client_id = %s", c)
    m.assert_hawk_401(get_as(m, c, "t2"), "Client with clientId '%s' not found" % c)


def test_directive_wins_over_a_row(table_on, sql):
    m = table_on
    sql("INSERT INTO svc_hawk_clients (client_id, access_token, scopes) VALUES (%s, %s, %s) "
        "ON CONFLICT (client_id) DO NOTHING", "table/directive", "row-token", ["project:test/row"])
    m.assert_permissions(get_as(m, "table/directive", "directive-token"), "table/directive",
                         ["project:test/directive"])
    m.assert_hawk_401(get_as(m, "table/directive", "row-token"), "Bad mac")


def test_table_off_by_default(module, httpd_control, sql):
    c = cid("off")
    insert(sql, c, "off-token", ["project:test/x"])
    httpd_control.set_extra_conf(module.conf("HawkClientsTable Off"))
    module.assert_hawk_401(get_as(module, c, "off-token"),
                           "Client with clientId '%s' not found" % c)


@pytest.mark.allow_log(*DB_DOWN_LOGS)
def test_database_down(table_on, sql, pg_control):
    m = table_on
    c = cid("down")
    insert(sql, c, "down-token", ["project:test/x"])
    m.assert_permissions(get_as(m, c, "down-token"), c, ["project:test/x"])
    pg_control.stop()
    try:
        m.assert_problem(get_as(m, c, "down-token"), 503,
                         "Credentials could not be checked (database unavailable)")
        # a client configured by directive needs no database
        m.assert_permissions(get_as(m, "table/directive", "directive-token"),
                             "table/directive", ["project:test/directive"])
    finally:
        pg_control.start()
