"""ToolTool upload completion GET|POST /upload/complete/sha512/{d} (catalogue D, D12, D14) and
verification of pending uploads (catalogue E, 3.3-3.4): an upload whose bytes or size do not
match is never served; the sweeper (TooltoolSweepInterval) verifies what upload/complete leaves
to the background (files above TooltoolVerifyInlineMax), with flat memory for 1 GiB.

"Run the verifier" = move the PendingUpload's expiry into the past (SQL) and GET upload/complete
(synchronous for small files, D12), or wait (bounded) for the sweeper with TooltoolSweepInterval 1.
"""

import hashlib
import http.client
import os
import threading
import time
from urllib.parse import urlsplit

import pytest

from tt_client import (INVALID_DIGEST, NOT_FOUND, assert_file, assert_json, assert_problem,  # noqa: F401
                       blob, describe, entry, expire_pending, file_json, instance_regions,
                       object_path, pending_expires_epoch, pending_rows, poll, put_object,
                       random_digest, read_object, region, retry_after_expected, seed_file, tt,
                       upload_and_put, verify_now, write_object)

INVALID_DIGESTS = ["xyz", "x" * 128, "0" * 127, "0" * 129, "A" * 128]
INVALID_IDS = ["xyz", "x128", "len127", "len129", "upper"]


def assert_202(r):
    """D14: 202 with the reference's JSON string body "{}"."""
    assert_json(r, 202, "{}")


def assert_409(r, expires_epoch, sent_at):
    """E4: 409, empty body, X-Retry-After = 1 + floor(seconds left) (1 s tolerance)."""
    assert r.status_code == 409, describe(r)
    assert r.content == b"", describe(r)
    got = int(r.headers["X-Retry-After"])
    assert abs(got - retry_after_expected(expires_epoch, sent_at)) <= 1, (got, expires_epoch, sent_at)
    return got


def never_served(tt, sql, env, f):
    """Invalid upload: no instance, no PendingUpload, object deleted, 404 download,
    has_instances false."""
    reg, rdir = region(env)
    assert instance_regions(sql, f["digest"]) == []
    assert pending_rows(sql, f["digest"]) == []
    assert read_object(rdir, f["digest"]) is None
    assert_problem(tt.get("/sha512/" + f["digest"]), 404, NOT_FOUND)
    assert_problem(tt.get("/sha512/" + f["digest"], as_="all"), 404, NOT_FOUND)
    assert_file(tt.get("/file/sha512/" + f["digest"]),
                file_json(f["digest"], f["size"], f["visibility"], has_instances=False,
                          instances=[]))


# ---------------------------------------------------------------- D: completion

@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("digest", INVALID_DIGESTS, ids=INVALID_IDS)
def test_complete_invalid_digest(tt, method, digest):
    """D3, D5, D14: -> 400 Invalid sha512 digest."""
    assert_problem(tt.complete(digest, method), 400, INVALID_DIGEST)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_complete_unknown_digest(tt, method):
    """D5, D14: a valid unknown digest -> 202."""
    assert_202(tt.complete(random_digest(), method))


def test_complete_extra_query(tt):
    assert_problem(tt.get("/upload/complete/sha512/%s?x=1" % random_digest()), 400,
                   "Extra query parameter(s) x not in spec")


def test_complete_wrong_method(tt):
    r = tt.request("PUT", "/upload/complete/sha512/" + random_digest())
    assert_problem(r, 405, "The method is not allowed for the requested URL.")
    assert r.headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_complete_while_url_valid_is_409(tt, sql, env):
    """D2, E6: PendingUpload expiring in 5.5 s -> 409 + X-Retry-After; nothing is checked."""
    reg, rdir = region(env)
    f = seed_file(sql, env, objects=[reg], pending=5.5)
    exp = pending_expires_epoch(sql, f["digest"])
    for method in ("GET", "POST"):
        t = time.time()
        assert_409(tt.complete(f["digest"], method), exp, t)
    assert instance_regions(sql, f["digest"]) == []
    assert len(pending_rows(sql, f["digest"])) == 1
    assert read_object(rdir, f["digest"]) == f["data"]


def test_upload_complete_verify_flow(tt, sql, env):
    """D4, E14, A2: POST /upload, PUT, complete at once -> 409 (~60 s); after expiry -> 202
    and the file is verified synchronously: instance, no PendingUpload, object kept,
    downloadable."""
    reg, rdir = region(env)
    data, d = blob(1)
    res, f = upload_and_put(tt, data, as_="up", filename="test.txt")
    exp = pending_expires_epoch(sql, d)
    t = time.time()
    assert 59 <= assert_409(tt.complete(d), exp, t) <= 61
    verify_now(tt, sql, d)
    assert_file(tt.get("/file/sha512/" + d), file_json(d, 1, instances=[reg]))
    assert pending_rows(sql, d) == []
    assert read_object(rdir, d) == data
    assert object_path(rdir, d).endswith("/sha512/" + d)
    r = tt.get("/sha512/" + d)
    assert r.status_code == 302, describe(r)


# ---------------------------------------------------------------- E: verification outcomes

def test_verify_success(tt, sql, env):
    """D1, E5, E12: expired PendingUpload + correct object -> 202; instance added, PendingUpload
    deleted, object kept."""
    reg, rdir = region(env)
    f = seed_file(sql, env, blob(10240)[0], objects=[reg], pending=-90)
    assert_202(tt.complete(f["digest"]))
    assert instance_regions(sql, f["digest"]) == [reg]
    assert pending_rows(sql, f["digest"]) == []
    assert read_object(rdir, f["digest"]) == f["data"]
    assert_file(tt.get("/file/sha512/" + f["digest"]), file_json(f["digest"], 10240, instances=[reg]))


def test_verify_success_via_post(tt, sql, env):
    """D14: POST is an alias of GET."""
    reg = region(env)[0]
    f = seed_file(sql, env, objects=[reg], pending=-2)
    assert_202(tt.complete(f["digest"], "POST"))
    assert instance_regions(sql, f["digest"]) == [reg]


def test_verify_bad_size(tt, sql, env):
    """E1: the object is the right content but File.size differs -> invalid: object, PendingUpload
    deleted, no instance."""
    reg = region(env)[0]
    data = blob(10240)[0]
    f = seed_file(sql, env, data, size=10242, objects=[reg], pending=-90)
    assert_202(tt.complete(f["digest"]))
    never_served(tt, sql, env, f)


def test_verify_bad_digest(tt, sql, env):
    """E2, E10: object sha512/X holds other bytes of the same size -> invalid, deleted."""
    reg, rdir = region(env)
    f = seed_file(sql, env, blob(10240)[0], objects=[], pending=-90)
    write_object(rdir, f["digest"], blob(10240)[0])
    assert_202(tt.complete(f["digest"]))
    never_served(tt, sql, env, f)


def test_verify_abandoned(tt, sql, env):
    """E7: expired more than a day ago -> PendingUpload deleted without checking storage."""
    reg = region(env)[0]
    f = seed_file(sql, env, objects=[reg], pending=-(86400 * 2))
    assert_202(tt.complete(f["digest"]))
    assert pending_rows(sql, f["digest"]) == []
    assert instance_regions(sql, f["digest"]) == []


def test_verify_unconfigured_region(tt, sql, env):
    """E8: a PendingUpload for a region that is not configured -> deleted, no instance."""
    f = seed_file(sql, env, pending=-90, pending_region="xx-nowhere-1")
    assert_202(tt.complete(f["digest"]))
    assert pending_rows(sql, f["digest"]) == []
    assert instance_regions(sql, f["digest"]) == []


def test_verify_nothing_uploaded(tt, sql, env):
    """E9: expired, no object -> PendingUpload kept (not uploaded yet), no instance."""
    f = seed_file(sql, env, pending=-90)
    assert_202(tt.complete(f["digest"]))
    assert [r for r, _ in pending_rows(sql, f["digest"])] == [region(env)[0]]
    assert instance_regions(sql, f["digest"]) == []


def test_verify_instance_already_there(tt, sql, env):
    """E11: the instance exists already -> success, exactly one instance, object kept."""
    reg, rdir = region(env)
    f = seed_file(sql, env, instances=[reg], pending=-90)
    assert_202(tt.complete(f["digest"]))
    assert instance_regions(sql, f["digest"]) == [reg]
    assert pending_rows(sql, f["digest"]) == []
    assert read_object(rdir, f["digest"]) == f["data"]


def test_verify_only_the_completed_file(tt, sql, env):
    """E13: upload/complete checks only that digest's PendingUploads."""
    reg = region(env)[0]
    a = seed_file(sql, env, objects=[reg], pending=-5)
    b = seed_file(sql, env, objects=[reg], pending=-5)
    assert_202(tt.complete(a["digest"]))
    assert instance_regions(sql, a["digest"]) == [reg]
    assert instance_regions(sql, b["digest"]) == []
    assert len(pending_rows(sql, b["digest"])) == 1


def test_corrupted_upload_is_never_served(tt, sql, env):
    """Reliability: bytes that differ from the digest (same size) are PUT; complete -> 409 while
    the URL is valid, 202 after; the object is deleted and the file never served. A correct
    re-upload afterwards is verified."""
    reg, rdir = region(env)
    data, d = blob(4096)
    res = tt.upload_batch({"c": entry(data)}, as_="up")
    assert put_object(res["files"]["c"]["put_url"], blob(4096)[0]).status_code == 200
    r = tt.complete(d)
    assert r.status_code == 409 and r.content == b"", describe(r)
    verify_now(tt, sql, d)
    never_served(tt, sql, env, {"digest": d, "size": 4096, "visibility": "public"})
    # a correct upload later on works
    res = tt.upload_batch({"c": entry(data)}, as_="up")
    assert put_object(res["files"]["c"]["put_url"], data).status_code == 200
    verify_now(tt, sql, d)
    assert instance_regions(sql, d) == [reg]
    assert read_object(rdir, d) == data


def test_short_upload_is_never_served(tt, sql, env):
    """A PUT of fewer bytes than the recorded size (whatever the PUT answers) never becomes an
    instance."""
    reg, rdir = region(env)
    data, d = blob(4096)
    res = tt.upload_batch({"s": entry(data)}, as_="up")
    put_object(res["files"]["s"]["put_url"], data[:1000])
    verify_now(tt, sql, d)
    never_served(tt, sql, env, {"digest": d, "size": 4096, "visibility": "public"})


# ---------------------------------------------------------------- sweeper

def test_sweeper_verifies_without_complete(tt, sql, env, httpd_control):
    """3.4 periodic trigger (TooltoolSweepInterval 1): an expired PendingUpload with a good object
    becomes an instance, one with a bad object is rejected, both without any request."""
    httpd_control.set_extra_conf("TooltoolSweepInterval 1\n")
    reg, rdir = region(env)
    good = seed_file(sql, env, objects=[reg], pending=-2)
    bad = seed_file(sql, env, objects=[], pending=-2)
    write_object(rdir, bad["digest"], blob(bad["size"])[0])
    assert poll(lambda: instance_regions(sql, good["digest"]) == [reg], 15), "good never verified"
    assert poll(lambda: pending_rows(sql, bad["digest"]) == [], 15), "bad never checked"
    assert pending_rows(sql, good["digest"]) == []
    never_served(tt, sql, env, bad)


def test_above_inline_max_is_verified_by_the_sweeper(tt, sql, env, httpd_control):
    """D12: above TooltoolVerifyInlineMax upload/complete answers 202 and leaves the check to
    the background; the sweeper (TooltoolSweepInterval 1) verifies it."""
    httpd_control.set_extra_conf("TooltoolVerifyInlineMax 1024\nTooltoolSweepInterval 1\n")
    reg = region(env)[0]
    data, d = blob(64 * 1024)
    upload_and_put(tt, data, as_="up")
    expire_pending(sql, d)
    assert_202(tt.complete(d))
    assert poll(lambda: instance_regions(sql, d) == [reg], 15), "never verified"
    assert pending_rows(sql, d) == []
    # a bad one above the threshold is rejected in the background too
    bad_data, bad_d = blob(64 * 1024)
    res = tt.upload_batch({"b": entry(bad_data)}, as_="up")
    assert put_object(res["files"]["b"]["put_url"], blob(64 * 1024)[0]).status_code == 200
    expire_pending(sql, bad_d)
    assert_202(tt.complete(bad_d))
    assert poll(lambda: pending_rows(sql, bad_d) == [], 15), "bad never checked"
    never_served(tt, sql, env, {"digest": bad_d, "size": 64 * 1024, "visibility": "public"})


# ---------------------------------------------------------------- 1 GiB, flat memory

class RssSampler:
    """Samples VmRSS (and VmHWM) of the httpd parent and every descendant (children, and any
    process they fork)."""

    def __init__(self, parent):
        self.parent = parent
        self.base = {}
        self.peak = {}
        self.stop_ev = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _children(self):
        kids, parents = [], {self.parent}
        procs = {}
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open("/proc/%s/stat" % p) as f:
                        procs[int(p)] = int(f.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    pass
        changed = True
        while changed:
            changed = False
            for pid, ppid in procs.items():
                if ppid in parents and pid not in parents:
                    parents.add(pid)
                    kids.append(pid)
                    changed = True
        return kids

    @staticmethod
    def _status(pid):
        out = {}
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith(("VmRSS:", "VmHWM:")):
                        k, v = line.split(":")
                        out[k] = int(v.split()[0]) * 1024
        except OSError:
            pass
        return out

    def sample(self):
        for pid in [self.parent] + self._children():
            st = self._status(pid)
            if "VmRSS" in st:
                self.base.setdefault(pid, st["VmRSS"])
                # the parent's high-water mark dates from start-up: its samples only
                hwm = st.get("VmHWM", 0) if pid != self.parent else 0
                self.peak[pid] = max(self.peak.get(pid, 0), st["VmRSS"], hwm)

    def _run(self):
        while not self.stop_ev.is_set():
            self.sample()
            time.sleep(0.02)

    def start(self):
        self.sample()
        assert self.base, "no httpd children found under pid %d" % self.parent
        self.initial = max(self.base.values())
        self.initial_pids = set(self.base)
        self.thread.start()

    def stop(self):
        if not self.stop_ev.is_set():
            self.stop_ev.set()
            self.thread.join(10)
            self.sample()

    def growth(self):
        """Largest peak - starting RSS over all children (new children: vs the largest initial
        RSS)."""
        return max(self.peak[p] - (self.base[p] if p in self.initial_pids else self.initial)
                   for p in self.peak)


def test_one_gib_upload_verified_with_flat_memory(tt, sql, env, httpd_control, tmp_path):
    """A 1 GiB upload streamed through the signed PUT URL and verified in the background
    (above TooltoolVerifyInlineMax, TooltoolSweepInterval 1): the instance appears and no httpd
    child grows by 64 MiB or more."""
    httpd_control.set_extra_conf("TooltoolSweepInterval 1\n")
    reg, rdir = region(env)
    size = 1 << 30
    path = tmp_path / "one-gib"
    h = hashlib.sha512()
    block = os.urandom(1 << 20)
    with open(path, "wb") as out:
        for i in range(1024):
            chunk = i.to_bytes(8, "big") + block[8:]
            out.write(chunk)
            h.update(chunk)
    d = h.hexdigest()
    sampler = RssSampler(httpd_control.pid())
    sampler.start()
    try:
        res = tt.upload_batch({"one-gib": entry(digest=d, size=size)}, as_="up")
        u = urlsplit(res["files"]["one-gib"]["put_url"])
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120, blocksize=1 << 20)
        with open(path, "rb") as body:
            conn.request("PUT", u.path + "?" + u.query, body=body,
                         headers={"Content-Type": "application/octet-stream",
                                  "Content-Length": str(size)})
            resp = conn.getresponse()
            resp.read()
        conn.close()
        assert resp.status == 200
        assert os.path.getsize(object_path(rdir, d)) == size
        expire_pending(sql, d)
        assert_202(tt.complete(d))
        assert poll(lambda: instance_regions(sql, d) == [reg], 60, 0.2), "1 GiB never verified"
        sampler.stop()
        growth = sampler.growth()
        print("1 GiB upload: largest httpd child growth %.1f MiB over %d children"
              % (growth / 2 ** 20, len(sampler.peak)))
        assert growth < 64 * 1024 * 1024, "an httpd child grew by %.1f MiB" % (growth / 2 ** 20)
    finally:
        sampler.stop()
        os.unlink(path)
        if instance_regions(sql, d):
            tt.patch("/file/sha512/" + d, json=[{"op": "delete_instances"}], as_="mg")
        if os.path.exists(object_path(rdir, d)):
            os.unlink(object_path(rdir, d))
