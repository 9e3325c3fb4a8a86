"""The snippets of conf/ that ops `Include` are valid httpd configuration: `apache2 -t` accepts
them together (as the README says to include them), with the modules built here in place of
the installed ones, and accepts the module directives they show commented out as well."""

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "conf"
ORDER = ["dbd.conf", "mod_treestatus.conf", "mod_tooltool.conf", "auth.conf", "security.conf"]
INSTALLED = "/usr/lib/apache2/modules/"
# commented examples that read files at start-up (key files, S3 credentials): not on this machine
NEEDS_A_FILE = re.compile(r"^(TooltoolSigningKeyFile|TooltoolRegion \S+ s3 .*credentials=)")
COMMENTED_DIRECTIVE = re.compile(r"^#((Treestatus|Tooltool)[A-Za-z]+\s.*)$")


def render(text, moddir):
    """A snippet with the modules of build/ and httpd's module directory of this machine."""
    text = text.replace(INSTALLED + "mod_treestatus.so", str(REPO / "build" / "mod_treestatus.so"))
    text = text.replace(INSTALLED + "mod_tooltool.so", str(REPO / "build" / "mod_tooltool.so"))
    return text.replace(INSTALLED, moddir + "/")


def uncomment(text):
    out = []
    for line in text.splitlines():
        m = COMMENTED_DIRECTIVE.match(line)
        out.append(m.group(1) if m and not NEEDS_A_FILE.match(m.group(1)) else line)
    return "\n".join(out) + "\n"


def config_test(env, tmp_path, transform=lambda t: t):
    # httpd's module directory, as the instance under test loads its MPM from it
    moddir = re.search(r"^LoadModule mpm_\w+ (\S+)/mod_mpm_\w+\.so$",
                       Path(env["httpd_conf"]).read_text(), re.M).group(1)
    includes = []
    for name in ORDER:
        path = tmp_path / name
        path.write_text(transform(render((CONF / name).read_text(), moddir)))
        includes.append('Include "%s"' % path)
    main = tmp_path / "httpd.conf"
    main.write_text("\n".join([
        'ServerRoot "%s"' % tmp_path,
        'DefaultRuntimeDir "%s"' % tmp_path,
        'PidFile "%s/httpd.pid"' % tmp_path,
        'ErrorLog "%s/error.log"' % tmp_path,
        "Listen 127.0.0.1:8",
        "ServerName localhost",
        "LoadModule mpm_event_module %s/mod_mpm_event.so" % moddir,
        "LoadModule authz_core_module %s/mod_authz_core.so" % moddir,
    ] + includes) + "\n")
    p = subprocess.run([env["apache_bin"], "-t", "-f", str(main)], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stderr


def test_snippets_pass_the_config_test(env, tmp_path):
    rc, err = config_test(env, tmp_path)
    assert (rc, err.strip()) == (0, "Syntax OK")


def test_commented_module_directives_parse(env, tmp_path):
    assert sum(1 for name in ORDER for line in (CONF / name).read_text().splitlines()
               if COMMENTED_DIRECTIVE.match(line)) >= 10, "the snippets show their directives"
    rc, err = config_test(env, tmp_path, uncomment)
    assert (rc, err.strip()) == (0, "Syntax OK")


@pytest.mark.parametrize("name", ORDER)
def test_every_snippet_is_in_the_readme(name):
    assert "`%s`" % name in (REPO / "README.md").read_text()
