"""httpd error-log scanner shared by conftest.py and tests/integration/run.sh.

A line is *unexpected* when it is
  * logged at level error, crit, alert or emerg: httpd 2.4 writes "[date] [module:level] ...",
    e.g. "[dbd:error]", "[core:crit]", "[:emerg]";
  * a child crash, which httpd reports only at notice level:
    "AH00052: child pid 123 exit signal Segmentation fault (11)";
  * raw text that is not an httpd log line at all (anything a child or a library wrote to
    stderr: glibc "double free" aborts, libpq NOTICE/WARNING messages, debug printf...).

conftest.py checks the lines appended during each test (with the test's
``@pytest.mark.allow_log(r"regex", ...)`` whitelist) and records the byte ranges it checked in
``<error_log>.checked`` ("start end" per line). run.sh then calls this file as a script to check
every line outside those ranges (start-up, between tests, shutdown) exactly once, with no
whitelist:

    /usr/bin/python3 tests/integration/logscan.py [--checked FILE] ERROR_LOG...

It prints the unexpected lines and exits 1 if there are any, 0 otherwise.
"""

import argparse
import re
import sys

_LEVEL = re.compile(r"^\[[^\]]*\] \[[\w.-]*:?(emerg|alert|crit|error)\]")
_CRASH = re.compile(r"AH00052: child pid \d+ exit signal")
_HTTPD_LINE = re.compile(r"^\[[^\]]*\] \[[\w.-]*:?\w+\] ")


def unexpected(line):
    """Why LINE is unexpected ("error", "crash", "raw"), or None if it is fine."""
    if not line.strip():
        return None
    if _LEVEL.match(line):
        return "error"
    if _CRASH.search(line):
        return "crash"
    if not _HTTPD_LINE.match(line):
        return "raw"
    return None


def scan_lines(lines, allow=()):
    """Return the unexpected lines of LINES that no regex in ALLOW matches (re.search)."""
    pats = [re.compile(p) for p in allow]
    bad = []
    for line in lines:
        line = line.rstrip("\n")
        if unexpected(line) and not any(p.search(line) for p in pats):
            bad.append(line)
    return bad


def _read_from(path, start):
    """(complete lines as bytes, end offset) of PATH from byte offset START."""
    try:
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read()
    except FileNotFoundError:
        return [], start
    cut = data.rfind(b"\n") + 1   # a trailing partial line (being written now) waits
    return data[:cut].split(b"\n")[:-1], start + cut


def _text(raw):
    return raw.decode("utf-8", errors="replace")


def read_lines(path, start=0):
    """Complete lines of PATH from byte offset START; returns (lines, end offset)."""
    raw, end = _read_from(path, start)
    return [_text(r) for r in raw], end


def record_checked(path, start, end):
    """Note in PATH.checked that bytes [start, end) of the log PATH were checked."""
    if end > start:
        with open(path + ".checked", "a") as f:
            f.write("%d %d\n" % (start, end))


def unchecked_lines(path, checked_file=None):
    """Lines of PATH whose first byte is in no range listed in CHECKED_FILE."""
    ranges = []
    if checked_file:
        try:
            with open(checked_file) as f:
                ranges = [tuple(map(int, ln.split())) for ln in f if ln.strip()]
        except FileNotFoundError:
            pass
    raw, _ = _read_from(path, 0)
    out, pos = [], 0
    for r in raw:
        if not any(a <= pos < b for a, b in ranges):
            out.append(_text(r))
        pos += len(r) + 1
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Report unexpected httpd error-log lines.")
    ap.add_argument("--checked", help="file of 'start end' byte ranges already checked")
    ap.add_argument("logs", nargs="+")
    args = ap.parse_args(argv)
    status = 0
    for log in args.logs:
        for line in scan_lines(unchecked_lines(log, args.checked)):
            print("%s: %s" % (log, line))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
