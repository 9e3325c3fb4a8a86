"""s3rver for the tooltool s3 tests (tests/integration/test_tooltool_s3*.py).

    from s3_fixture import s3, s3_regions  # noqa: F401   (fixtures)

``s3`` (session fixture): one s3rver (tests/s3, npm; ``npm ci`` there first if node_modules does
not match package-lock.json) for the pytest session, i.e. one per MPM run: node
tests/s3/node_modules/s3rver/bin/s3rver.js on a free loopback port, its data directory under the
run's scratch directory, buckets ``tt-use1`` and ``tt-usw2``. Stopped (by pid) at the end of the
session. Its methods:

    .url                     http://127.0.0.1:<port>
    .stop() .start() .running()   stop it (the store is then unreachable: connections are
                             refused) and start it again on the same port and data directory
    .get(bucket, digest) -> bytes or None      (objects sha512/<digest>, anonymous requests:
    .put(bucket, digest, data, headers=None)    s3rver accepts them; it checks only the
    .delete(bucket, digest)                     parameters of signed ones)
    .head(bucket, digest) -> requests.Response

``s3_regions`` (fixture): reconfigures the instance under test (httpd_control.set_extra_conf,
restored after the test) for two s3 regions on that s3rver, replacing the template's local
region: ``TooltoolRegion us-east-1 none`` then

    EAST  s3-us-east-1  bucket tt-use1, signing region us-east-1
    WEST  s3-us-west-2  bucket tt-usw2, signing region us-west-2

path-style, access_key=S3RVER secret_key=S3RVER. The region names differ from the local
template's ``us-east-1`` on purpose: the database is shared by the whole run, and instances or
pending uploads that other tests left in ``us-east-1`` (objects in a local directory) must not
become replication sources or verification work here. Call ``s3_regions(extra)`` with more
directives (e.g. ``TooltoolSweepInterval 1``); it returns the configuration text.
"""

import os
import shutil
import subprocess
import time

import pytest
import requests

from conftest import REPO, free_port, npm_ci

S3_DIR = REPO / "tests" / "s3"
S3RVER = S3_DIR / "node_modules" / "s3rver" / "bin" / "s3rver.js"
BUCKETS = ("tt-use1", "tt-usw2")
EAST, WEST = "s3-us-east-1", "s3-us-west-2"
REGIONS = {EAST: ("tt-use1", "us-east-1"), WEST: ("tt-usw2", "us-west-2")}
TIMEOUT = 30
_START_WAIT = 20.0


class S3rver:
    def __init__(self, root):
        self.dir = os.path.join(root, "data")
        self.log = os.path.join(root, "s3rver.log")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None
        self.session = requests.Session()

    def start(self):
        assert not self.running(), "s3rver is already running"
        cmd = ["node", str(S3RVER), "-d", self.dir, "-a", "127.0.0.1", "-p", str(self.port)]
        for b in BUCKETS:
            cmd += ["--configure-bucket", b]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=str(S3_DIR))
        deadline = time.monotonic() + _START_WAIT
        while True:
            if self.proc.poll() is not None:
                pytest.fail("s3rver exited with %s; log %s:\n%s"
                            % (self.proc.returncode, self.log, self._log_tail()), pytrace=False)
            try:
                r = requests.get(self.url + "/" + BUCKETS[-1], timeout=2)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail("s3rver did not answer within %.0f s; log:\n%s"
                            % (_START_WAIT, self._log_tail()), pytrace=False)
            time.sleep(0.05)

    def stop(self):
        """Stops our node process (by pid) and waits until the port is closed."""
        if self.proc is None:
            return
        self.session.close()  # no kept-alive connection into the dead server
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _log_tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-30:])
        except OSError:
            return ""

    # ---- objects (anonymous requests)

    def object_url(self, bucket, digest):
        return "%s/%s/sha512/%s" % (self.url, bucket, digest)

    def get(self, bucket, digest):
        r = self.session.get(self.object_url(bucket, digest), timeout=TIMEOUT)
        if r.status_code == 404:
            return None
        assert r.status_code == 200, (r.status_code, r.text[:300])
        return r.content

    def head(self, bucket, digest):
        return self.session.head(self.object_url(bucket, digest), timeout=TIMEOUT)

    def put(self, bucket, digest, data, headers=None):
        hdrs = {"Content-Type": "application/octet-stream"}
        hdrs.update(headers or {})
        r = self.session.put(self.object_url(bucket, digest), data=data, headers=hdrs,
                             timeout=TIMEOUT)
        assert r.status_code == 200, (r.status_code, r.text[:300])

    def delete(self, bucket, digest):
        r = self.session.delete(self.object_url(bucket, digest), timeout=TIMEOUT)
        assert r.status_code in (200, 204), (r.status_code, r.text[:300])


@pytest.fixture(scope="session")
def s3(env):
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("node and npm are needed by the tooltool s3 tests", pytrace=False)
    npm_ci(S3_DIR, needs=S3RVER)   # node_modules as package-lock.json says (once per run)
    root = os.path.join(env["root"], "%s-s3rver" % env["mpm"])
    os.makedirs(root, exist_ok=True)
    srv = S3rver(root)
    srv.start()
    yield srv
    srv.stop()


def s3_conf(s3, extra=""):
    """httpd directives: the template's local us-east-1 removed, EAST and WEST on s3rver."""
    lines = ["TooltoolRegion us-east-1 none"]
    for name, (bucket, signing) in REGIONS.items():
        lines.append("TooltoolRegion %s s3 bucket=%s endpoint=%s region=%s style=path "
                     "access_key=S3RVER secret_key=S3RVER" % (name, bucket, s3.url, signing))
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def s3_regions(s3, httpd_control):
    """Applies s3_conf(s3, extra); returns the text. After the test s3rver is running again
    (a test may stop it) and httpd_control restores the instance's configuration."""
    def apply(extra=""):
        text = s3_conf(s3, extra)
        httpd_control.set_extra_conf(text)
        return text
    yield apply
    if not s3.running():
        s3.start()
