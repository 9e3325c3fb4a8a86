"""ToolTool's cache of GET /sha512/{digest} lookups (visibility and regions of a file, in the
module's shared memory, keyed by the generation of sql/tooltool/002_download_generation.sql).

Writes through this httpd are seen by the very next download in any child; changes made
behind the module's back, or through another httpd on the same database, within
TooltoolCacheMaxAge (default 1 s); with `TooltoolCache none` at once. Reads use a new
connection each, so different children and threads answer.
"""

import time

import requests

from client_base import fresh_within
from tt_client import (FORBIDDEN, NOT_FOUND, Client, assert_problem, describe, region,  # noqa: F401
                       seed_file, tt)

SECOND_INSTANCE_BOUND = 1.5


def download(base_url, digest, **kw):
    """Anonymous GET /sha512/DIGEST on a new connection: (status, Location or None)."""
    r = requests.get(base_url + "/sha512/" + digest, allow_redirects=False, timeout=30, **kw)
    assert r.status_code in (302, 403, 404), describe(r)
    return r.status_code, r.headers.get("Location")


def warm(base_url, digest, times=6):
    """Several anonymous downloads (different children): every one a 302."""
    for _ in range(times):
        assert download(base_url, digest)[0] == 302


def generation(sql):
    (row,) = sql("SELECT generation FROM svc_tooltool_generation WHERE id = 1")
    return int(row[0])


def patch(tt, digest, ops):
    r = tt.patch("/file/sha512/" + digest, json=ops, as_="mg")
    assert r.status_code == 200, describe(r)
    return r.json()


def test_set_visibility_is_seen_by_the_next_download(tt, sql, env, tt_url):
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    for _ in range(3):
        warm(tt_url, f["digest"])
        assert patch(tt, f["digest"], [{"op": "set_visibility", "visibility": "internal"}]
                     )["visibility"] == "internal"
        for _ in range(6):
            assert_problem(tt.get("/sha512/" + f["digest"]), 403, FORBIDDEN)
            assert download(tt_url, f["digest"])[0] == 403
        assert tt.get("/sha512/" + f["digest"], as_="di").status_code == 302
        patch(tt, f["digest"], [{"op": "set_visibility", "visibility": "public"}])
        warm(tt_url, f["digest"])


def test_delete_instances_is_seen_by_the_next_download(tt, sql, env, tt_url):
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    warm(tt_url, f["digest"])
    assert patch(tt, f["digest"], [{"op": "delete_instances"}])["instances"] == []
    for _ in range(6):
        assert_problem(tt.get("/sha512/" + f["digest"]), 404, NOT_FOUND)
        assert download(tt_url, f["digest"])[0] == 404
    assert int(sql("SELECT count(*) FROM releng_tooltool_file_instances WHERE file_id = %s",
                   f["id"])[0][0]) == 0


def test_every_change_to_files_or_instances_bumps_the_generation(sql, env):
    """The triggers of migration 002, whoever writes: a new generation per committed change of
    releng_tooltool_files or releng_tooltool_file_instances, none for reads or other tables."""
    reg = region(env)[0]
    g0 = generation(sql)
    f = seed_file(sql, env, instances=[reg])
    g1 = generation(sql)
    assert g1 > g0
    sql("SELECT * FROM releng_tooltool_files WHERE id = %s", f["id"])
    sql("INSERT INTO releng_tooltool_batches (uploaded, author, message) "
        "VALUES (now(), 'gen-test', 'gen-test')")
    assert generation(sql) == g1
    sql("UPDATE releng_tooltool_files SET visibility = 'internal' WHERE id = %s", f["id"])
    g2 = generation(sql)
    assert g2 > g1
    sql("DELETE FROM releng_tooltool_file_instances WHERE file_id = %s", f["id"])
    g3 = generation(sql)
    assert g3 > g2
    # a statement that changes no row still counts as a change: never fewer bumps than changes
    sql("UPDATE releng_tooltool_files SET size = size WHERE id = %s", f["id"])
    assert generation(sql) > g3


def test_changes_behind_the_modules_back_within_the_bound(tt, sql, env, tt_url):
    """A psql fix (visibility, instances) is served within TooltoolCacheMaxAge (1 s)."""
    reg = region(env)[0]
    f = seed_file(sql, env, instances=[reg])
    warm(tt_url, f["digest"])
    sql("UPDATE releng_tooltool_files SET visibility = 'internal' WHERE id = %s", f["id"])
    fresh_within(lambda: download(tt_url, f["digest"])[0] == 403, time.monotonic(),
                 SECOND_INSTANCE_BOUND, "visibility changed with psql")
    for _ in range(6):
        assert download(tt_url, f["digest"])[0] == 403


def test_second_instance(tt, sql, env, tt_url, httpd_factory):
    """Two httpd nodes on one database. B with TooltoolCacheMaxAge 60 keeps serving what it
    cached while A changes the file (which is what proves that B answers from its cache), and
    sees the change once a write through B itself publishes a newer generation; C with the
    default bound sees A's writes within 1.5 s."""
    reg = region(env)[0]
    b = httpd_factory("b", extra_conf="TooltoolCacheMaxAge 60\n")
    c = httpd_factory("c")
    f = seed_file(sql, env, instances=[reg])
    other = seed_file(sql, env, instances=[reg])
    warm(b.tt_url, f["digest"])
    warm(c.tt_url, f["digest"])
    patch(tt, f["digest"], [{"op": "set_visibility", "visibility": "internal"}])
    t0 = time.monotonic()
    assert download(tt_url, f["digest"])[0] == 403
    for _ in range(6):
        assert download(b.tt_url, f["digest"])[0] == 302, "B asked the database"
    fresh_within(lambda: download(c.tt_url, f["digest"])[0] == 403, t0,
                 SECOND_INSTANCE_BOUND, "visibility changed through A, seen on C")
    # a write through B: B reads the generation again, A's change included
    cb = Client(b.tt_url)
    try:
        r = cb.patch("/file/sha512/" + other["digest"],
                     json=[{"op": "set_visibility", "visibility": "internal"}], as_="mg")
        assert r.status_code == 200, describe(r)
    finally:
        cb.close()
    for _ in range(6):
        assert download(b.tt_url, f["digest"])[0] == 403
        assert download(b.tt_url, other["digest"])[0] == 403


def test_without_a_cache_every_change_is_seen_at_once(tt, sql, env, httpd_factory):
    """`TooltoolCache none`: every download asks the database (and Hawk nonces are still
    remembered: the shared memory exists for them)."""
    reg = region(env)[0]
    b = httpd_factory("nocache", extra_conf="TooltoolCache none\n")
    f = seed_file(sql, env, instances=[reg])
    for i in range(4):
        vis = "internal" if i % 2 == 0 else "public"
        assert download(b.tt_url, f["digest"])[0] == (302 if vis == "internal" else 403)
        sql("UPDATE releng_tooltool_files SET visibility = %s WHERE id = %s", vis, f["id"])
        assert download(b.tt_url, f["digest"])[0] == (403 if vis == "internal" else 302)
    sql("DELETE FROM releng_tooltool_file_instances WHERE file_id = %s", f["id"])
    assert download(b.tt_url, f["digest"])[0] == 404
