"""A fake Taskcluster auth service for the delegated-Hawk tests (loopback only).

    with FakeTaskcluster() as tc:            # listens on 127.0.0.1:<free port>, in a thread
        tc.answer(200, {"status": "auth-success", "clientId": "x", "scopes": ["a"]})
        ... TreestatusTaskclusterRootUrl tc.url ...
        tc.requests   # [{"path", "content_type", "json"}] of every request received

Only POST /api/auth/v1/authenticate-hawk is implemented (anything else: 404). ``delay``
makes it answer late (the sleep ends early when the server is closed).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AUTHENTICATE_HAWK = "/api/auth/v1/authenticate-hawk"


class FakeTaskcluster:
    def __init__(self):
        self.requests = []
        self.status = 200
        self.body = {"status": "auth-failed", "message": "not configured by the test"}
        self.delay = 0.0
        self._closed = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):   # keep pytest output clean
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                try:
                    doc = json.loads(raw)
                except ValueError:
                    doc = raw.decode("utf-8", "replace")
                with fake._lock:
                    fake.requests.append({"path": self.path,
                                          "content_type": self.headers.get("Content-Type"),
                                          "json": doc})
                    status, body, delay = fake.status, fake.body, fake.delay
                if self.path != AUTHENTICATE_HAWK:
                    status, body = 404, {"code": "ResourceNotFound", "message": "no such path"}
                if delay:
                    fake._closed.wait(delay)
                data = (json.dumps(body) if not isinstance(body, (bytes, str)) else body)
                data = data.encode() if isinstance(data, str) else data
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass   # the caller gave up (timeout): nothing to do

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def answer(self, status, body, delay=0.0):
        with self._lock:
            self.status, self.body, self.delay = status, body, delay

    def success(self, client_id, scopes, **extra):
        body = {"status": "auth-success", "clientId": client_id, "scopes": scopes,
                "scheme": "hawk", "expires": "2099-01-01T00:00:00.000Z"}
        body.update(extra)
        self.answer(200, body)

    def close(self):
        self._closed.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
