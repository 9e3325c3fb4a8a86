#!/usr/bin/python3
"""Write sigv4.json: S3 signatures made by botocore, for test_tt_sigv4.c.

    apt-get install python3-botocore      # Debian 12: botocore 1.29.27
    /usr/bin/python3 tests/unit/vectors/gen_sigv4.py > tests/unit/vectors/sigv4.json

Everything goes through a real botocore S3 client (no network is used):

  "presign": client.generate_presigned_url() for get_object and put_object
      (ContentType application/octet-stream), as tooltool V3 calls it, with
      signature_version "s3v4" (S3SigV4QueryAuth) or "s3" (HmacV1QueryAuth,
      SigV2), over a table of keys, regions, expiries, clocks, endpoints,
      addressing styles and session tokens;
  "headers": the requests the S3 backend makes itself (HEAD, GET with Range,
      DELETE, PUT object, CopyObject with x-amz-storage-class, PUT ?acl with
      x-amz-acl), captured at botocore's before-send event as they would go
      on the wire (S3SigV4Auth), plus direct S3SigV4Auth signatures of
      requests with awkward header values and query strings.

The clock is frozen the way botocore's own tests do it: botocore.auth's
`datetime` (SigV4) and `time` (SigV2 Expires) are replaced while signing.
The C test replays every vector with the same inputs and compares the URL or
the headers byte for byte; python is not needed to run it.
"""
import datetime
import hashlib
import json
import sys
import types
from unittest import mock

import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials

ACCESS = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
# a session token with characters that need encoding in a query string
TOKEN = ("IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+"
         "tok/en+with=padding==")

DIGEST = hashlib.sha512(b"tooltool").hexdigest()
KEYS = [
    "sha512/" + DIGEST,                 # what tooltool stores
    "test.txt",
    "a b+c$~/\u00fc.txt",               # space, +, $, ~, UTF-8
    "!'()*[]{}",                        # sub-delims python leaves alone elsewhere
    "q?x=1&y=2#frag%25;,:@",            # query/fragment syntax inside a key
    "dir/sub dir/file.tar.gz",
    "UPPER_lower-0.9~",
    "a//b/./c/../d",                    # S3 does not normalize: neither do we
    "\u65e5\u672c/\u00e9\u00e8 \u20ac",  # multi-byte UTF-8
    "tab\there",
]
REGIONS = ["us-east-1", "us-west-2", "eu-central-1"]
EXPIRES = [1, 60, 604800]
# seconds since the epoch: the AWS example day, a leap-day second before
# midnight, a new year, Y2K, and past 2038
NOWS = [1369353600, 1709251199, 1735689600, 946684800, 4102444800]
# (endpoint, path_style): None is AWS itself
TARGETS = [
    (None, False),                               # <bucket>.s3.amazonaws.com
    (None, True),                                # s3[.<region>].amazonaws.com/<bucket>
    ("https://s3.us-west-2.amazonaws.com", False),  # region-specific endpoint
    ("https://s3.eu-central-1.amazonaws.com", True),
    ("http://127.0.0.1:4569", True),             # s3rver
    ("http://localhost:9000", True),             # minio-like, explicit port
    ("https://minio.example.com:8443", False),   # virtual host with a port
    ("https://s3.example.com:443", True),        # default ports are not signed
    ("http://127.0.0.1:80", True),
    ("http://s3.local.test:4569", False),        # virtual host over http
    ("http://127.0.0.1:4569", False),            # an IP: path-style anyway
    ("http://[::1]:4569", True),                 # IPv6 literal
]
# a dotted bucket cannot be a virtual host (TLS wildcard): path-style anyway
BUCKETS = ["examplebucket", "tooltool-test", "mozilla-releng-tooltool.usw2"]


class FrozenClock:
    """Replace botocore.auth's datetime and time while signing."""

    def __init__(self, now):
        self.now = now

    def __enter__(self):
        fixed = datetime.datetime.utcfromtimestamp(self.now)

        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fixed

        self.patches = [
            mock.patch.object(botocore.auth, "datetime",
                              types.SimpleNamespace(datetime=Frozen)),
            mock.patch.object(botocore.auth, "time",
                              types.SimpleNamespace(time=lambda: self.now)),
        ]
        for p in self.patches:
            p.start()
        return self

    def __exit__(self, *exc):
        for p in reversed(self.patches):
            p.stop()


SESSION = botocore.session.get_session()


def client(region, endpoint, path_style, token, sigver="s3v4"):
    return SESSION.create_client(
        "s3", region_name=region, endpoint_url=endpoint,
        aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
        aws_session_token=token,
        config=Config(signature_version=sigver,
                      s3={"addressing_style": "path" if path_style
                          else "virtual"}))


def presign(sigver, method, bucket, key, region, endpoint, path_style,
            expires, now, token):
    c = client(region, endpoint, path_style, token,
               "s3v4" if sigver == 4 else "s3")
    params = {"Bucket": bucket, "Key": key}
    if method == "PUT":
        params["ContentType"] = "application/octet-stream"
    with FrozenClock(now):
        url = c.generate_presigned_url(
            "put_object" if method == "PUT" else "get_object",
            Params=params, ExpiresIn=expires)
    return {
        "sigver": sigver, "method": method, "bucket": bucket, "key": key,
        "region": region, "endpoint": endpoint, "path_style": path_style,
        "expires": expires, "now": now, "session_token": token,
        "content_type": params.get("ContentType"), "url": url,
    }


def presign_table():
    out = []
    i = 0
    # every region x target x method x token, for both signature versions;
    # keys, expiries, clocks and buckets rotate through their lists
    for sigver in (4, 2):
        for region in REGIONS:
            for endpoint, path_style in TARGETS:
                for method in ("GET", "PUT"):
                    for token in (None, TOKEN):
                        bucket = BUCKETS[i % len(BUCKETS)]
                        if (endpoint and not path_style and "." in bucket
                                and endpoint.split("//")[1][0].isdigit()):
                            # botocore 1.29 makes a host of bucket + IP
                            # ("b.usw2.127.0.0.1:4569"); we go path-style
                            bucket = "tooltool-test"
                        out.append(presign(
                            sigver, method, bucket,
                            KEYS[i % len(KEYS)], region, endpoint,
                            path_style, EXPIRES[i % len(EXPIRES)],
                            NOWS[i % len(NOWS)], token))
                        i += 1
    # every key x expiry on the two tooltool shapes (AWS virtual host and
    # s3rver path-style), both methods and versions
    for sigver in (4, 2):
        for endpoint, path_style in (TARGETS[0], TARGETS[4]):
            for key in KEYS:
                for expires in EXPIRES:
                    for method in ("GET", "PUT"):
                        out.append(presign(
                            sigver, method, "tooltool-test", key,
                            "us-west-2", endpoint, path_style, expires,
                            1369353600, None))
    return out


class Captured(Exception):
    pass


def capture(region, endpoint, path_style, token, now, operation, **params):
    """What botocore sends for one S3 call (stopped at before-send)."""
    c = client(region, endpoint, path_style, token)
    seen = {}

    def before_send(request, **kwargs):
        seen["method"] = request.method
        seen["url"] = request.url
        seen["headers"] = [(k, v.decode() if isinstance(v, bytes) else v)
                           for k, v in request.headers.items()]
        return AWSResponse(request.url, 200, {}, None)

    c.meta.events.register("before-send.s3", before_send)
    with FrozenClock(now):
        try:
            getattr(c, operation)(**params)
        except Exception:   # a parser complaining about the empty body
            pass
    return seen


def header_vector(name, region, token, now, seen, payload=None):
    h = {k.lower(): v for k, v in seen["headers"]}
    auth = h["authorization"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    ours = ("host", "x-amz-date", "x-amz-content-sha256",
            "x-amz-security-token")
    extra = [[k, v] for k, v in seen["headers"]
             if k.lower() in signed and k.lower() not in ours]
    return {
        "name": name, "region": region, "now": now, "session_token": token,
        "method": seen["method"], "url": seen["url"], "headers": extra,
        "payload_hash": h["x-amz-content-sha256"],
        "authorization": auth, "amz_date": h["x-amz-date"],
        "content_sha256": h["x-amz-content-sha256"],
        "security_token": h.get("x-amz-security-token"),
    }


def header_table():
    out = []
    key = "sha512/" + DIGEST
    cases = []
    for region, endpoint, path_style, bucket in (
            ("us-east-1", None, False, "tooltool-use1"),
            ("us-west-2", "https://s3.us-west-2.amazonaws.com", False,
             "tooltool-usw2"),
            ("eu-central-1", None, True, "tooltool-euc1"),
            ("us-east-1", "http://127.0.0.1:4569", True, "tooltool-test")):
        cases += [
            ("head", region, endpoint, path_style, "head_object",
             {"Bucket": bucket, "Key": key}),
            ("get", region, endpoint, path_style, "get_object",
             {"Bucket": bucket, "Key": key}),
            ("get-range", region, endpoint, path_style, "get_object",
             {"Bucket": bucket, "Key": key, "Range": "bytes=0-9"}),
            ("delete", region, endpoint, path_style, "delete_object",
             {"Bucket": bucket, "Key": key}),
            ("put", region, endpoint, path_style, "put_object",
             {"Bucket": bucket, "Key": key, "Body": b"Welcome to Amazon S3.",
              "ContentType": "application/octet-stream"}),
            ("copy", region, endpoint, path_style, "copy_object",
             {"Bucket": bucket, "Key": key,
              "CopySource": {"Bucket": "tooltool-src", "Key": key},
              "StorageClass": "STANDARD", "ACL": "private"}),
            ("acl", region, endpoint, path_style, "put_object_acl",
             {"Bucket": bucket, "Key": key, "ACL": "private"}),
            ("get-odd-key", region, endpoint, path_style, "get_object",
             {"Bucket": bucket, "Key": KEYS[2]}),
        ]
    for i, (name, region, endpoint, path_style, op, params) in \
            enumerate(cases):
        token = TOKEN if i % 3 == 2 else None
        now = NOWS[i % len(NOWS)]
        seen = capture(region, endpoint, path_style, token, now, op, **params)
        out.append(header_vector(f"{op}:{name}:{region}:{endpoint}", region,
                                 token, now, seen))

    # S3SigV4Auth directly: header values to trim and collapse, a repeated
    # header, mixed-case names, query strings, unsigned payloads
    direct = [
        ("trim", "GET", "https://b.s3.amazonaws.com/k",
         [("X-Amz-Meta-Note", "  two   spaces\tand tab  "),
          ("Range", "bytes=0-9")], False),
        ("repeated", "PUT", "http://127.0.0.1:4569/b/k",
         [("x-amz-meta-tag", "one"), ("x-amz-meta-tag", " two ")], True),
        ("query-acl", "PUT", "https://b.s3.us-west-2.amazonaws.com/k?acl",
         [("x-amz-acl", "private")], True),
        ("query-list", "GET",
         "http://localhost:9000/b?list-type=2&prefix=sha512%2Fab&max-keys=2",
         [], True),
        ("unsigned", "PUT", "https://b.s3.amazonaws.com/sha512/" + DIGEST,
         [("Content-Type", "application/octet-stream")], False),
    ]
    for i, (name, method, url, headers, sign_payload) in enumerate(direct):
        now = NOWS[i % len(NOWS)]
        token = TOKEN if i % 2 else None
        req = AWSRequest(method=method, url=url, data=b"")
        for k, v in headers:
            req.headers[k] = v
        req.context["client_config"] = Config(
            s3={"payload_signing_enabled": sign_payload})
        with FrozenClock(now):
            botocore.auth.S3SigV4Auth(
                Credentials(ACCESS, SECRET, token), "s3",
                "us-west-2").add_auth(req)
        seen = {"method": method, "url": url,
                "headers": list(req.headers.items())}
        out.append(header_vector("direct:" + name, "us-west-2", token, now,
                                 seen))
    return out


def main():
    doc = {
        "generator": "tests/unit/vectors/gen_sigv4.py",
        "botocore": botocore.__version__,
        "access_key": ACCESS,
        "secret_key": SECRET,
        "presign": presign_table(),
        "headers": header_table(),
    }
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
