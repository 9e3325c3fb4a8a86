#!/usr/bin/python3
"""Write hawk_tooltool.json: Hawk headers made by the real tooltool.py.

    /usr/bin/python3 tests/unit/vectors/gen_tooltool_hawk.py [path/to/tooltool.py]

tooltool.py (GPL-2) is imported from where it lives (default
/work/shared/clients/tooltool.py, or $TOOLTOOL_PY); it is never copied here.
Its make_taskcluster_header() picks ts and nonce itself; they are read back
from the header and recorded, and test_svc_hawk.c verifies each header with
`now` = that ts. gen_hawk.js re-verifies them with the npm hawk server.
"""
import importlib.util
import json
import os
import re
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = (sys.argv[1] if len(sys.argv) > 1 else
       os.environ.get("TOOLTOOL_PY", "/work/shared/clients/tooltool.py"))

spec = importlib.util.spec_from_file_location("tooltool", SRC)
tooltool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tooltool)

CLIENT = {"clientId": "project/releng/tooltool-uploader",
          "accessToken": "tt-access-token-Vq2mJm9yRsi0bm1f9bXw7Q"}
DIGEST = "f68e" + "0" * 120 + "e7bc"
BODY = json.dumps({"message": "test upload", "files": {"a.txt": {
    "size": 15, "digest": DIGEST, "algorithm": "sha512",
    "visibility": "public"}}}).encode()

# What tooltool.py does for upload (POST with ?region), fetch (GET) and
# delete (PATCH), against a base URL with a port and a path prefix.
REQUESTS = [
    ("upload", "http://127.0.0.1:18765/tt/upload?region=us-west-2", "POST", BODY),
    ("fetch", "http://127.0.0.1:18765/tt/sha512/" + DIGEST, "GET", None),
    ("complete", "https://tooltool.example.com/upload/complete/sha512/" + DIGEST,
     "GET", None),
    ("delete", "https://tooltool.example.com:8443/file/sha512/" + DIGEST,
     "PATCH", json.dumps([{"op": "delete_instances"}]).encode()),
]

vectors = []
for name, url, method, data in REQUESTS:
    req = urllib.request.Request(url, data=data, method=method)
    header = tooltool.make_taskcluster_header(CLIENT, req)
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', header))
    parts = tooltool.parse_url(url)
    vectors.append({
        "name": "tooltool.py " + name,
        "request": {
            "authorization": header,
            "method": method,
            "resource": parts["resource"],
            "host": parts["hostname"],
            "port": parts["port"],
            # tooltool.py hashes the body as application/json and sends it so
            "content_type": "application/json" if data is not None else None,
            "body": data.decode() if data is not None else None,
            "require_hash": data is not None,
            "now": int(attrs["ts"]),
        },
        "ts": attrs["ts"],
        "nonce": attrs["nonce"],
    })

out = os.path.join(HERE, "hawk_tooltool.json")
with open(out, "w") as f:
    json.dump({"generated_by": "tests/unit/vectors/gen_tooltool_hawk.py with "
               + os.path.basename(SRC), "client": CLIENT,
               "vectors": vectors}, f, indent=1)
    f.write("\n")
print("wrote %s: %d headers" % (out, len(vectors)))
