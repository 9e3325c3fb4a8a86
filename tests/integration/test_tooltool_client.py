"""The unmodified real client /work/shared/clients/tooltool.py (catalogue L/M, spec 5) against the
module: add + upload (waiting X-Retry-After), fetch (+ cache), internal files with and without
credentials, --region uploads (Hawk over a query string, D7), delete / change-visibility with
and without manage (the error body must not crash the client), refused uploads, Bearer tokens.

The client runs as a subprocess of /usr/bin/python3 in a temporary directory, with
--url <tt_url>/ and no TASKCLUSTER_* environment.
"""

import json
import os
import re
import subprocess

import pytest

from conftest import free_port
from tt_client import (BEARER_TOKEN, CLIENTS, assert_json, assert_nothing_written,  # noqa: F401
                       blob, file_json, instance_regions, pending_rows, read_object, region,
                       seed_file, snapshot, tt, uniq)

CLIENT = "/work/shared/clients/tooltool.py"
PYTHON = "/usr/bin/python3"
WAITING = re.compile(r"Waiting (\d+) seconds for upload URLs to expire")


def dead_url():
    return "http://127.0.0.1:%d/tooltool/" % free_port()


class Tooltool:
    """Runs tooltool.py in a directory."""

    def __init__(self, cwd, url):
        self.cwd = str(cwd)
        self.url = url.rstrip("/") + "/"
        os.makedirs(self.cwd, exist_ok=True)

    def __call__(self, *args, url=None, timeout=90):
        envp = {k: v for k, v in os.environ.items()
                if not k.startswith("TASKCLUSTER_") and k != "TOOLTOOL_HOST"}
        cmd = [PYTHON, CLIENT, "--url", url or self.url] + [str(a) for a in args]
        p = subprocess.run(cmd, cwd=self.cwd, capture_output=True, text=True, env=envp,
                           timeout=timeout)
        p.text = "exit %d\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout, p.stderr)
        return p

    def write(self, name, data):
        with open(os.path.join(self.cwd, name), "wb") as f:
            f.write(data)

    def read(self, name):
        path = os.path.join(self.cwd, name)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def remove(self, name):
        os.unlink(os.path.join(self.cwd, name))

    def creds(self, who, name="creds.json"):
        cid, token, _ = CLIENTS[who]
        with open(os.path.join(self.cwd, name), "w") as f:
            json.dump({"clientId": cid, "accessToken": token}, f)
        return name

    def token_file(self, token=BEARER_TOKEN, name="token.txt"):
        with open(os.path.join(self.cwd, name), "w") as f:
            f.write(token + "\n")
        return name

    def manifest(self):
        with open(os.path.join(self.cwd, "manifest.tt")) as f:
            return json.load(f)


def ok(p):
    assert p.returncode == 0, p.text
    assert "Traceback" not in p.stderr, p.text
    return p


def failed(p, line=None, traceback_ok=False):
    """Exit 1, no Python traceback (fetch logs its failed attempts with exc_info at INFO level:
    TRACEBACK_OK), and (if given) the `name: description` ERROR line."""
    assert p.returncode == 1, p.text
    if not traceback_ok:
        assert "Traceback" not in p.stderr, p.text
    if line is not None:
        assert "ERROR - " + line in p.stderr.splitlines(), p.text
    return p


def manifest_for(tool, files, visibility="public"):
    """Write FILES {name: bytes} in the client's directory and `add` them."""
    for name, data in files.items():
        tool.write(name, data)
    ok(tool("add", "--visibility", visibility, *files))


def search_batch(tt, message):
    r = tt.get("/upload?q=" + message)
    (b,) = assert_json(r, 200)["result"]
    return b


# ---------------------------------------------------------------- upload

def test_client_upload(tt, sql, env, tmp_path, tt_url, httpd_control):
    """M1, L1, 5.5: add (public + internal) and upload with Hawk credentials (UP+UI) and
    TooltoolUploadExpires 2: the client waits X-Retry-After, exits 0; the batch has the message
    and the author; every file is verified. A second upload of the same manifest needs no PUT."""
    httpd_control.set_extra_conf("TooltoolUploadExpires 2\n")
    reg = region(env)[0]
    tool = Tooltool(tmp_path / "up", tt_url)
    files = {"pub-a.bin": blob(1000)[0], "pub-b.txt": blob(5000)[0]}
    internal = {"int-c.bin": blob(300)[0]}
    manifest_for(tool, files, "public")
    manifest_for(tool, internal, "internal")
    msg = uniq("Bug 1234567: add frobnicator")
    p = ok(tool("upload", "--message", msg, "--authentication-file", tool.creds("up-ui")))
    waits = [int(w) for w in WAITING.findall(p.stderr)]
    assert waits and all(1 <= w <= 3 for w in waits), p.text
    b = search_batch(tt, msg)
    expected = {}
    for vis, group in (("public", files), ("internal", internal)):
        for name, data in group.items():
            rec = next(r for r in tool.manifest() if r["filename"] == name)
            expected[name] = file_json(rec["digest"], len(data), vis)
            assert instance_regions(sql, rec["digest"]) == [reg]
            assert pending_rows(sql, rec["digest"]) == []
            assert read_object(region(env)[1], rec["digest"]) == data
    assert (b["author"], b["message"], b["files"]) == ("tt/up-ui", msg, expected)
    # again: everything exists, nothing to PUT, no waiting
    msg2 = uniq("again")
    p = ok(tool("upload", "--message", msg2, "--authentication-file", "creds.json"))
    assert not WAITING.search(p.stderr), p.text
    assert search_batch(tt, msg2)["files"] == expected


def test_client_upload_region(tt, sql, env, tmp_path, tt_url, httpd_control):
    """L3, D7: upload --region <configured> signs POST /upload?region=... with Hawk."""
    httpd_control.set_extra_conf("TooltoolUploadExpires 2\n")
    reg = region(env)[0]
    tool = Tooltool(tmp_path / "region", tt_url)
    data = blob(700)[0]
    manifest_for(tool, {"r.bin": data})
    msg = uniq("region upload")
    ok(tool("upload", "--region", reg, "--message", msg, "--authentication-file",
            tool.creds("up")))
    b = search_batch(tt, msg)
    assert b["author"] == "tt/up"
    d = tool.manifest()[0]["digest"]
    assert instance_regions(sql, d) == [reg]


def test_client_upload_bearer_token(tt, sql, env, tmp_path, tt_url, httpd_control):
    """L2, I9: a non-JSON authentication file is sent as a Bearer token (TooltoolToken)."""
    httpd_control.set_extra_conf("TooltoolUploadExpires 2\n")
    tool = Tooltool(tmp_path / "bearer", tt_url)
    manifest_for(tool, {"t.bin": blob(200)[0]}, "internal")
    msg = uniq("bearer upload")
    ok(tool("upload", "--message", msg, "--authentication-file", tool.token_file()))
    assert search_batch(tt, msg)["author"] == "tt/bearer"
    assert instance_regions(sql, tool.manifest()[0]["digest"]) == [region(env)[0]]


@pytest.mark.parametrize("who,line", [
    ("dp", "403 Forbidden: no permission to upload public files: "
           "no permission to upload public files"),
    (None, "403 Forbidden: no permission to upload public files: "
           "no permission to upload public files"),
])
def test_client_upload_refused(sql, tmp_path, tt_url, who, line):
    """L4, L6, L9: the server's refusal is printed as `name: description`, exit 1, nothing
    written."""
    tool = Tooltool(tmp_path / "refused", tt_url)
    manifest_for(tool, {"x.bin": blob(100)[0]})
    args = ["upload", "--message", "nope"]
    if who:
        args += ["--authentication-file", tool.creds(who)]
    before = snapshot(sql)
    failed(tool(*args), line)
    assert_nothing_written(sql, before)


def test_client_upload_bad_credentials(sql, tmp_path, tt_url):
    """Wrong accessToken: refused (401 printed as `name: description`), exit 1, no traceback."""
    tool = Tooltool(tmp_path / "badcreds", tt_url)
    manifest_for(tool, {"x.bin": blob(100)[0]})
    with open(os.path.join(tool.cwd, "creds.json"), "w") as f:
        json.dump({"clientId": "tt/up", "accessToken": "wrong"}, f)
    before = snapshot(sql)
    p = failed(tool("upload", "--message", "nope", "--authentication-file", "creds.json"))
    assert re.search(r"^ERROR - 401 Unauthorized: Hawk authentication failed: .+", p.stderr, re.M), \
        p.text
    assert_nothing_written(sql, before)


# ---------------------------------------------------------------- fetch

def seeded_manifest(tool, sql, env, visibility="public", n=2):
    """Seed N files (instances + objects) and a manifest for them in TOOL's directory; the
    local copies are removed. Returns {filename: bytes}."""
    reg = region(env)[0]
    files = {}
    for i in range(n):
        f = seed_file(sql, env, blob(2000 + i)[0], visibility=visibility, instances=[reg])
        files["file-%d.bin" % i] = f["data"]
    manifest_for(tool, files, visibility)
    for name in files:
        tool.remove(name)
    return files


def test_client_fetch_and_cache(sql, env, tmp_path, tt_url):
    """M2, L11, 5.4: fetch into an empty directory; with -c the files land in the cache, and a
    later fetch with the server unreachable is served from the cache."""
    tool = Tooltool(tmp_path / "fetch", tt_url)
    files = seeded_manifest(tool, sql, env)
    ok(tool("fetch"))
    for name, data in files.items():
        assert tool.read(name) == data
        tool.remove(name)
    cache = tmp_path / "cache"
    ok(tool("fetch", "-c", cache))
    for name, data in files.items():
        assert tool.read(name) == data
        d = next(r["digest"] for r in tool.manifest() if r["filename"] == name)
        assert (cache / d).read_bytes() == data
        tool.remove(name)
    ok(tool("fetch", "-c", cache, url=dead_url()))
    for name, data in files.items():
        assert tool.read(name) == data
    # without the cache the dead server is a failure
    for name in files:
        tool.remove(name)
    failed(tool("fetch", url=dead_url()), traceback_ok=True)


def test_client_fetch_region(sql, env, tmp_path, tt_url):
    """L10, D6: fetch --region sends ?region= (accepted as a preference)."""
    tool = Tooltool(tmp_path / "fetch-region", tt_url)
    files = seeded_manifest(tool, sql, env, n=1)
    ok(tool("fetch", "--region", region(env)[0]))
    for name, data in files.items():
        assert tool.read(name) == data


def test_client_fetch_internal(sql, env, tmp_path, tt_url):
    """M3: an internal file without credentials -> exit 1; with DI (Hawk) or the Bearer token
    -> exit 0."""
    tool = Tooltool(tmp_path / "internal", tt_url)
    files = seeded_manifest(tool, sql, env, "internal", n=1)
    (name, data), = files.items()
    failed(tool("fetch"), traceback_ok=True)
    assert tool.read(name) is None
    failed(tool("fetch", "--authentication-file", tool.creds("dp")), traceback_ok=True)
    assert tool.read(name) is None
    ok(tool("fetch", "--authentication-file", tool.creds("di")))
    assert tool.read(name) == data
    tool.remove(name)
    ok(tool("fetch", "--authentication-file", tool.token_file()))
    assert tool.read(name) == data


# ---------------------------------------------------------------- delete / change-visibility

def test_client_change_visibility_and_delete(tt, sql, env, tmp_path, tt_url):
    """M4, M5, L12: with manage: change-visibility and delete exit 0 and take effect; a later
    fetch fails."""
    reg, rdir = region(env)
    tool = Tooltool(tmp_path / "manage", tt_url)
    files = seeded_manifest(tool, sql, env, n=1)
    (name, data), = files.items()
    d = tool.manifest()[0]["digest"]
    ok(tool("change-visibility", "--digest", d, "--visibility", "internal",
            "--authentication-file", tool.creds("mg")))
    assert tt.file(d) == file_json(d, len(data), "internal", instances=[reg])
    ok(tool("change-visibility", "--digest", d, "--visibility", "public",
            "--authentication-file", "creds.json"))
    assert tt.file(d)["visibility"] == "public"
    ok(tool("delete", "--digest", d, "--authentication-file", "creds.json"))
    assert tt.file(d) == file_json(d, len(data), "public", has_instances=False, instances=[])
    assert read_object(rdir, d) is None
    failed(tool("fetch"), traceback_ok=True)
    assert tool.read(name) is None


@pytest.mark.parametrize("who", ["up-ui-di", None])
def test_client_manage_without_scope(tt, sql, env, tmp_path, tt_url, who):
    """M6, D3/D4: without manage the 401 body carries error.name/description: the client prints
    them and exits 1 instead of crashing; nothing changes."""
    reg, rdir = region(env)
    f = seed_file(sql, env, instances=[reg])
    tool = Tooltool(tmp_path / "nomanage", tt_url)
    auth = ["--authentication-file", tool.creds(who)] if who else []
    line = "401 Unauthorized: Invalid user permissions: Invalid user permissions"
    failed(tool("delete", "--digest", f["digest"], *auth), line)
    failed(tool("change-visibility", "--digest", f["digest"], "--visibility", "internal", *auth),
           line)
    assert tt.file(f["digest"]) == file_json(f["digest"], f["size"], instances=[reg])
    assert read_object(rdir, f["digest"]) == f["data"]
