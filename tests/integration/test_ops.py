"""Issue 3: operational endpoints, routing errors and database outages, for both modules."""

import time

import pytest
import requests

NOT_FOUND = ("The requested URL was not found on the server. If you entered the URL "
             "manually please check your spelling and try again.")
NOT_ALLOWED = "The method is not allowed for the requested URL."


def problem(status, detail, reason):
    return {"type": "about:blank", "instance": "about:blank", "status": status,
            "detail": detail, "title": f"{status} {reason}: {detail}"}


def assert_problem(resp, status, detail, reason, wrapped):
    assert resp.status_code == status, resp.text
    body = resp.json()
    expected = problem(status, detail, reason)
    if wrapped:   # tooltool: application/json with the "error" member tooltool.py reads
        assert resp.headers["Content-Type"] == "application/json"
        expected["error"] = dict(expected, name=expected["title"], description=detail)
    else:
        assert resp.headers["Content-Type"] == "application/problem+json"
    assert body == expected


@pytest.fixture(params=["treestatus", "tooltool"])
def module(request, ts_url, tt_url):
    return {"name": request.param, "url": ts_url if request.param == "treestatus" else tt_url,
            "wrapped": request.param == "tooltool"}


def test_heartbeat_ok(module):
    r = requests.get(module["url"] + "/__heartbeat__", timeout=5)
    assert (r.status_code, r.text, r.headers["Content-Type"]) == (200, "OK", "text/plain")
    assert r.headers["Cache-Control"] == "no-cache"


def test_lbheartbeat(module):
    r = requests.get(module["url"] + "/__lbheartbeat__", timeout=5)
    assert (r.status_code, r.text) == (200, "OK!")


def test_version(module):
    r = requests.get(module["url"] + "/__version__", timeout=5)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    # Dockerflow's version.json (spec K3) plus the module's name
    assert sorted(body) == ["build", "commit", "name", "source", "version"]
    assert body["name"] == module["name"]
    assert body["commit"] != "" and body["version"].count(".") == 2
    assert body["source"] != "" and body["build"] != ""


def test_head_has_no_body(module):
    r = requests.head(module["url"] + "/__version__", timeout=5)
    assert r.status_code == 200 and r.content == b""


@pytest.mark.parametrize("path", ["/nope", "/__heartbeat__/", "/__version__/x", "", "/"])
def test_unknown_path_is_404_problem(module, path):
    r = requests.get(module["url"] + path, timeout=5)
    assert_problem(r, 404, NOT_FOUND, "Not Found", module["wrapped"])


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "BREW"])
def test_wrong_method_is_405_with_allow(module, method):
    r = requests.request(method, module["url"] + "/__heartbeat__", timeout=5)
    assert_problem(r, 405, NOT_ALLOWED, "Method Not Allowed", module["wrapped"])
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_options_lists_methods(module):
    r = requests.options(module["url"] + "/__version__", timeout=5)
    assert r.status_code == 204
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert r.content == b""


def test_paths_outside_the_base_are_not_ours(module, env):
    # a sibling prefix must not be routed to the module
    r = requests.get(f"http://127.0.0.1:{env['httpd_port']}/{module['name']}x/__version__",
                     timeout=5)
    assert r.status_code == 404
    assert "application/json" not in r.headers.get("Content-Type", "")


def wait_status(url, status, deadline_s=15):
    end = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < end:
        try:
            last = requests.get(url, timeout=5)
            if last.status_code == status:
                return last
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered {status}; last: "
                         f"{last.status_code if last is not None else None}")


DB_DOWN_LOGS = (r"AH00629: Can't connect to pgsql", r"AH02655: Failed to acquire DBD connection",
                r"AH00633: failed to initialise", r"AH00639: DBD \[pgsql\] Error",
                r"AH00636: child init failed")


@pytest.mark.allow_log(*DB_DOWN_LOGS)
def test_heartbeat_follows_the_database_without_httpd_restart(pg_control, httpd_control,
                                                               ts_url, tt_url):
    pid = httpd_control.pid()
    for url in (ts_url, tt_url):
        # warm several pooled connections so the restart catches them idle
        for _ in range(8):
            assert requests.get(url + "/__heartbeat__", timeout=5).status_code == 200
    pg_control.stop()
    for url, wrapped in ((ts_url, False), (tt_url, True)):
        for _ in range(4):
            r = requests.get(url + "/__heartbeat__", timeout=10)
            assert_problem(r, 503, "Database unavailable", "Service Unavailable", wrapped)
    pg_control.start()
    for url in (ts_url, tt_url):
        wait_status(url + "/__heartbeat__", 200)
        for _ in range(8):   # every pooled connection recovered, not just one
            assert requests.get(url + "/__heartbeat__", timeout=5).status_code == 200
    assert httpd_control.pid() == pid


@pytest.mark.allow_log(*DB_DOWN_LOGS)
def test_database_restart_between_requests(pg_control, httpd_control, ts_url, tt_url):
    for url in (ts_url, tt_url):
        for _ in range(8):
            assert requests.get(url + "/__heartbeat__", timeout=5).status_code == 200
    pid = httpd_control.pid()
    pg_control.restart()
    # stale pooled connections are reset and their statements prepared again:
    # the very first request after the restart already succeeds
    for url in (ts_url, tt_url):
        for _ in range(8):
            r = requests.get(url + "/__heartbeat__", timeout=10)
            assert r.status_code == 200, r.text
    assert httpd_control.pid() == pid
