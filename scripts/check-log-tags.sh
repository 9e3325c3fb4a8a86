#!/bin/sh
# Fails when a log tag number is used at two call sites of one namespace.
#
#   scripts/check-log-tags.sh [ROOT]      (ROOT defaults to the repository)
#
# Namespaces (src/common/svc_log.h):
#   svc  the tag argument of svc_log_r(ctx, level, rv, TAG, fmt, ...) and
#        svc_log_s(...) (also svc_log_(file, line, level, rv, ctx, kind, TAG, ...)):
#        a plain decimal number 1-999, printed with the module's prefix;
#   TS   TSLOGNO(nnnnn) in mod_treestatus code, numbers >= 1000;
#   TT   TTLOGNO(nnnnn) in mod_tooltool code, numbers >= 1000.
# A svc tag passed as TSLOGNO(n)/TTLOGNO(n) counts in that module namespace.
#
# Scans mod_*.c and every *.c under src/ (working tree, so files not yet
# committed count too). Comments and string literals are ignored, and so are
# calls inside #define bodies (a wrapper macro has no tag of its own) and
# function declarations/definitions.
# Also fails on: a svc tag >= 1000 or < 1; a module tag < 1000; a svc tag that
# is not a number literal; a svc tag written with a leading zero (C reads 012
# as octal 10, and the log would say 00010).
set -eu

ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
exec /usr/bin/python3 - "$ROOT" <<'PYEOF'
import os
import re
import sys

root = sys.argv[1]


def source_files():
    out = []
    for name in sorted(os.listdir(root)):
        if name.startswith("mod_") and name.endswith(".c"):
            out.append(name)
    src = os.path.join(root, "src")
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".c"):
                out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return out


def blank_comments_and_strings(text):
    """Same length and newlines as text; comments and the insides of string
    and character literals become spaces."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def directive_lines(text):
    """Line numbers (1-based) that belong to preprocessor directives,
    continuation lines included."""
    lines = set()
    inside = False
    for no, line in enumerate(text.split("\n"), 1):
        if inside or line.lstrip().startswith("#"):
            lines.add(no)
            inside = line.rstrip().endswith("\\")
        else:
            inside = False
    return lines


def call_args(text, start):
    """Top-level arguments of the call whose '(' is at text[start]."""
    depth, args, cur = 0, [], []
    for k in range(start, len(text)):
        c = text[k]
        if c in "([{":
            depth += 1
            if depth == 1:
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args
        elif c == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
    return None


CALL = re.compile(r"\b(svc_log_[rs]|svc_log_)\s*\(")
TAG_ARG = {"svc_log_r": 3, "svc_log_s": 3, "svc_log_": 6}
MODULE = re.compile(r"\b(TS|TT)LOGNO\s*\(\s*([0-9]+)\s*\)")
DECIMAL = re.compile(r"^[1-9][0-9]*$")

uses = {}      # (namespace, number) -> ["file:line", ...]
problems = []

for rel in source_files():
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        raw = f.read()
    text = blank_comments_and_strings(raw)
    skip = directive_lines(text)

    def where(pos):
        return text.count("\n", 0, pos) + 1

    for m in MODULE.finditer(text):
        line = where(m.start())
        if line in skip:
            continue
        ns, num = m.group(1), int(m.group(2), 10)
        site = "%s:%d" % (rel, line)
        if num < 1000:
            problems.append("%s: %sLOGNO(%s): module tags start at 1000"
                            % (site, ns, m.group(2)))
        uses.setdefault((ns, num), []).append(site)

    for m in CALL.finditer(text):
        line = where(m.start())
        if line in skip:
            continue
        before = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*$", text[:m.start()])
        if before and before.group(1) not in ("else", "return", "do"):
            continue  # "void svc_log_(...)": a declaration, not a call
        site = "%s:%d" % (rel, line)
        args = call_args(text, m.end() - 1)
        index = TAG_ARG[m.group(1)]
        if args is None or len(args) <= index:
            problems.append("%s: %s(...) call not understood" % (site, m.group(1)))
            continue
        tag = " ".join(args[index].split())
        if MODULE.fullmatch(tag):
            continue  # counted above in its module namespace
        if not DECIMAL.match(tag):
            if re.fullmatch(r"0[0-9]+", tag):
                problems.append("%s: svc tag %s has a leading zero (C reads it as "
                                "octal): write %d" % (site, tag, int(tag, 8)))
            else:
                problems.append("%s: svc tag '%s' is not a number literal"
                                % (site, tag))
            continue
        num = int(tag)
        if num >= 1000:
            problems.append("%s: svc tag %d: shared-core tags are 1-999 "
                            "(module code uses TSLOGNO()/TTLOGNO())" % (site, num))
        uses.setdefault(("svc", num), []).append(site)

for (ns, num), sites in sorted(uses.items()):
    if len(sites) > 1:
        label = "%s %d" % (ns, num) if ns == "svc" else "%s%05d" % (ns, num)
        problems.append("duplicate tag %s: %s" % (label, ", ".join(sites)))

if problems:
    for p in problems:
        print("check-log-tags: " + p)
    sys.exit(1)
counts = {}
for ns, _ in uses:
    counts[ns] = counts.get(ns, 0) + 1
print("check-log-tags: ok (%s)" % ", ".join(
    "%s %d" % (ns, counts.get(ns, 0)) for ns in ("svc", "TS", "TT")))
PYEOF
