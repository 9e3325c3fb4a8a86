"""Replication between regions by the sweeper (spec 3.5, D13, catalogue J1-J5) on the s3
backend: two s3 regions on one s3rver (server-side CopyObject), TooltoolSweepInterval 1, waits
bounded by a deadline.

J1: only files with instances in some but not all configured regions are copied (a file in both
is left alone, a file without instances too); J2: an instance in a region that is not configured
is no source; J3: a bad object already in the target is replaced; J4: the copy and its instance.
An instance whose object is missing, or may not be served (storage class), is reported (one
warning) and not replicated, and holds up no other file. An upload through the API is verified
in one region and then replicated into the other.

Other pairs: two s3 regions on different stores (here one s3rver addressed as 127.0.0.1 and as
localhost: not the same endpoint, so no CopyObject) copy through a temporary file checked
against the digest; a local region is copied into an s3 region (a move to S3); the reverse is
not supported and says so.
"""

import re
import time

from s3_fixture import EAST, REGIONS, WEST, s3, s3_regions  # noqa: F401
from tt_client import (blob, entry, instance_regions, poll, put_object, read_object, region,  # noqa: F401
                       seed_file, tt, verify_now)

DEADLINE = 20


def bucket(region):
    return REGIONS[region][0]


def seed(sql, env, s3, instances, objects, headers=None):
    """A File with INSTANCES; OBJECTS: region -> bytes planted in its bucket (None: its data)."""
    f = seed_file(sql, env, blob(5000)[0], instances=list(instances), objects={})
    for reg, content in objects.items():
        s3.put(bucket(reg), f["digest"], f["data"] if content is None else content, headers)
    return f


def warnings(env, pattern):
    with open(env["error_log"], errors="replace") as log:
        return [ln for ln in log if re.search(pattern, ln)]


def both_regions(sql, *files):
    return all(instance_regions(sql, f["digest"]) == sorted([EAST, WEST]) for f in files)


def test_s3_replication(tt, sql, env, s3, s3_regions):
    s3_regions("TooltoolSweepInterval 1\n")
    j4 = seed(sql, env, s3, [EAST], {EAST: None})
    j3 = seed(sql, env, s3, [EAST], {EAST: None, WEST: b"BAD"})
    back = seed(sql, env, s3, [WEST], {WEST: None})
    # J1: in both regions already: never touched (the different bytes stay)
    full = seed(sql, env, s3, [EAST, WEST], {EAST: None, WEST: b"left alone"})
    # J1: no instance at all; J2: only in a region that is not configured
    none = seed(sql, env, s3, [], {EAST: None})
    j2 = seed(sql, env, s3, ["us-west-1"], {EAST: None})
    # newer than the others, so looked at first: a source that may not be served is this
    # file's problem, not the target region's
    refused = seed(sql, env, s3, [WEST], {WEST: None}, {"x-amz-storage-class": "GLACIER"})
    # an upload through the API: verified in EAST, then copied
    data, d = blob(20000)
    res = tt.upload_batch({"u": entry(data)}, as_="up", region=EAST)
    assert put_object(res["files"]["u"]["put_url"], data).status_code == 200
    verify_now(tt, sql, d)
    uploaded = {"digest": d, "data": data}

    assert poll(lambda: both_regions(sql, j4, j3, back, uploaded), DEADLINE, 0.2), \
        [instance_regions(sql, f["digest"]) for f in (j4, j3, back, uploaded)]
    for f in (j4, j3, back, uploaded):
        for reg in (EAST, WEST):
            assert s3.get(bucket(reg), f["digest"]) == f["data"], (f["digest"], reg)
        # the copy is a plain STANDARD object
        assert s3.head(bucket(WEST), f["digest"]).headers.get("x-amz-storage-class") in (None, "STANDARD")
    # a download may now be sent to either region
    for reg in (EAST, WEST):
        r = tt.get("/sha512/%s?region=%s" % (d, reg))
        assert r.status_code == 302 and "/%s/" % bucket(reg) in r.headers["Location"]
    # one more sweep at least: the others stay as they were
    time.sleep(1.5)
    assert s3.get(bucket(WEST), full["digest"]) == b"left alone"
    assert instance_regions(sql, none["digest"]) == []
    assert s3.get(bucket(WEST), none["digest"]) is None
    assert instance_regions(sql, j2["digest"]) == ["us-west-1"]
    assert s3.get(bucket(WEST), j2["digest"]) is None
    assert instance_regions(sql, refused["digest"]) == [WEST]
    assert s3.get(bucket(EAST), refused["digest"]) is None
    assert len(warnings(env, r"TT01231: sweeper: cannot replicate %s into region %s: region %s: "
                             r"storage class GLACIER \(only STANDARD is served\) \(instances in "
                             r"%s\); tried again in 3600 s"
                        % (refused["digest"], EAST, WEST, WEST))) == 1
    # tidy up: later sweeps of this run need not meet it again
    assert tt.patch("/file/sha512/" + refused["digest"], json=[{"op": "delete_instances"}],
                    as_="mg").status_code == 200


def test_s3_replication_without_source_object(tt, sql, env, s3, s3_regions):
    """An instance whose object is missing from its bucket: no copy, no instance, one warning
    (the file is tried again an hour later, not at every sweep)."""
    s3_regions("TooltoolSweepInterval 1\n")
    f = seed(sql, env, s3, [EAST], {})
    line = (r"TT01231: sweeper: cannot replicate %s into region %s: no object in the regions "
            r"holding an instance \(instances in %s\); tried again in 3600 s"
            % (f["digest"], WEST, EAST))
    assert poll(lambda: warnings(env, line), DEADLINE, 0.2)
    time.sleep(2.5)
    assert len(warnings(env, line)) == 1
    assert instance_regions(sql, f["digest"]) == [EAST]
    assert s3.get(bucket(WEST), f["digest"]) is None


def test_s3_replication_between_stores(tt, sql, env, s3, s3_regions):
    """Different endpoints: GET into a temporary file, digest checked, PUT. A source whose bytes
    do not match its key is not copied (warning), the others are."""
    other = s3.url.replace("127.0.0.1", "localhost")
    s3_regions("TooltoolSweepInterval 1\nTooltoolRegion %s none\nTooltoolRegion %s s3 bucket=%s "
               "endpoint=%s region=us-west-2 access_key=S3RVER secret_key=S3RVER\n"
               % (WEST, WEST, bucket(WEST), other))
    good = seed(sql, env, s3, [EAST], {EAST: None})
    bad = seed(sql, env, s3, [EAST], {EAST: b"not what the digest says"})
    assert poll(lambda: both_regions(sql, good), DEADLINE, 0.2), instance_regions(sql, good["digest"])
    assert s3.get(bucket(WEST), good["digest"]) == good["data"]
    line = (r"TT01231: sweeper: cannot replicate %s into region %s: region %s: its content does "
            r"not match its key" % (bad["digest"], WEST, EAST))
    assert poll(lambda: warnings(env, line), DEADLINE, 0.2)
    assert instance_regions(sql, bad["digest"]) == [EAST]
    assert s3.get(bucket(WEST), bad["digest"]) is None
    tt.patch("/file/sha512/" + bad["digest"], json=[{"op": "delete_instances"}], as_="mg")


def test_s3_replication_from_local(tt, sql, env, s3, httpd_control):
    """The instance's local region plus the two s3 regions: local files are copied into both
    buckets (PUT of the file); an s3-only file cannot be copied into the local region (warning)
    but still reaches the other s3 region."""
    conf = "TooltoolSweepInterval 1\n"
    for name, (b, signing) in REGIONS.items():
        conf += ("TooltoolRegion %s s3 bucket=%s endpoint=%s region=%s access_key=S3RVER "
                 "secret_key=S3RVER\n" % (name, b, s3.url, signing))
    httpd_control.set_extra_conf(conf)
    local, local_dir = region(env)
    f = seed_file(sql, env, blob(3000)[0], instances=[local])
    s3_only = seed(sql, env, s3, [EAST], {EAST: None})
    assert poll(lambda: instance_regions(sql, f["digest"]) == sorted([EAST, WEST, local]),
                DEADLINE, 0.2), instance_regions(sql, f["digest"])
    for reg in (EAST, WEST):
        assert s3.get(bucket(reg), f["digest"]) == f["data"]
    line = (r"TT01231: sweeper: cannot replicate %s into region %s: the region cannot copy from "
            r"them \(storage types\) \(instances in %s\)" % (s3_only["digest"], local, EAST))
    assert poll(lambda: warnings(env, line), DEADLINE, 0.2)
    assert poll(lambda: instance_regions(sql, s3_only["digest"]) == sorted([EAST, WEST]),
                DEADLINE, 0.2), instance_regions(sql, s3_only["digest"])
    assert s3.get(bucket(WEST), s3_only["digest"]) == s3_only["data"]
    assert read_object(local_dir, s3_only["digest"]) is None
