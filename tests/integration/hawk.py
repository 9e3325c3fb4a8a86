"""Hawk (v1, HMAC-SHA256) request signing for the integration tests; standard library only.

Builds the ``Authorization: Hawk id=..., ts=..., nonce=..., hash=..., mac=...`` header the
way the Hawk specification and ``tooltool.py`` do (../shared/spec/tooltool.md section 4.3):

    normalized = "hawk.1.header\\n" ts "\\n" nonce "\\n" METHOD "\\n" resource "\\n"
                 host "\\n" port "\\n" hash "\\n" ext "\\n"
    resource   = URL path + ("?" + query if there is one)
    host       = the URL's host name (lower case); port = explicit port, else 80/443
    hash       = base64(sha256("hawk.1.payload\\n" content-type-without-params "\\n" body "\\n"))
    mac        = base64(hmac-sha256(access token, normalized))

Every input can be overridden so tests can corrupt a header on purpose: a wrong key (bad MAC),
an old ``ts`` (stale), a fixed ``nonce`` (replay), another client id, a MAC computed for a
different resource/host/port/method, or a hand-tampered MAC (``mac=``).
"""

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

__all__ = ["payload_hash", "normalized", "mac", "header", "resource_of"]


def _b(v):
    return v if isinstance(v, bytes) else str(v).encode("utf-8")


def payload_hash(content_type, body):
    """base64 SHA-256 of the Hawk payload string (content type without parameters, lower case)."""
    ct = (content_type or "").split(";")[0].strip().lower()
    h = hashlib.sha256()
    h.update(b"hawk.1.payload\n")
    h.update(_b(ct) + b"\n")
    h.update(_b(body or b""))
    h.update(b"\n")
    return base64.b64encode(h.digest()).decode("ascii")


def resource_of(url):
    """(resource, host, port) of an absolute URL as Hawk signs them."""
    u = urlsplit(url)
    resource = u.path or "/"
    if u.query:
        resource += "?" + u.query
    port = u.port or (443 if u.scheme == "https" else 80)
    return resource, (u.hostname or "").lower(), port


def normalized(ts, nonce, method, resource, host, port, hash_="", ext=""):
    ext = (ext or "").replace("\\", "\\\\").replace("\n", "\\n")
    return "hawk.1.header\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n" % (
        ts, nonce, method.upper(), resource, host.lower(), port, hash_ or "", ext)


def mac(key, normalized_string):
    d = hmac.new(_b(key), _b(normalized_string), hashlib.sha256).digest()
    return base64.b64encode(d).decode("ascii")


def header(client_id, key, method, url, content_type=None, body=None, *,
           ts=None, ts_offset=0, nonce=None, with_hash=None, hash_=None, ext=None,
           sign_method=None, sign_resource=None, sign_host=None, sign_port=None,
           mac_=None, order=("id", "ts", "nonce", "hash", "ext", "mac")):
    """The Authorization header value for one request.

    client_id/key    credentials (use a wrong key for a bad MAC, an unknown id for an unknown client)
    ts / ts_offset   timestamp (default now; ts_offset=-3600 makes it stale)
    nonce            default: 6 random URL-safe characters; fix it to replay
    with_hash        include the payload hash (default: when the request has a body)
    hash_            use this hash value instead of the computed one
    sign_*           sign another method/resource/host/port than the request's (MAC mismatch)
    mac_             send this MAC instead of the computed one
    """
    resource, host, port = resource_of(url)
    if ts is None:
        ts = int(time.time()) + int(ts_offset)
    if nonce is None:
        nonce = secrets.token_urlsafe(4)[:6]
    if with_hash is None:
        with_hash = body is not None and len(_b(body)) > 0
    h = ""
    if with_hash:
        h = hash_ if hash_ is not None else payload_hash(content_type, body)
    norm = normalized(ts, nonce, sign_method or method,
                      sign_resource if sign_resource is not None else resource,
                      sign_host if sign_host is not None else host,
                      sign_port if sign_port is not None else port, h, ext or "")
    m = mac_ if mac_ is not None else mac(key, norm)
    attrs = {"id": client_id, "ts": str(ts), "nonce": nonce, "mac": m}
    if h:
        attrs["hash"] = h
    if ext:
        attrs["ext"] = ext
    return "Hawk " + ", ".join('%s="%s"' % (k, attrs[k]) for k in order if k in attrs)
