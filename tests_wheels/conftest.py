"""Fixtures for the wheel tests: the artefacts ``nox -s wheels`` built, a fresh
virtualenv with the repaired wheel installed, and a way to run a command with
the system's copies of the bundled libraries hidden.

The hiding uses an unprivileged user + mount namespace (``unshare -rm``): inside
it an empty file is bind-mounted over each system library file, so the dynamic
loader finds no usable system libzmq; nothing changes outside the namespace.
"""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIMEOUT_S = 120


def pytest_collection_modifyitems(config, items):
    if config.pluginmanager.hasplugin("timeout"):
        for item in items:
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(300, method="thread"))


def run(cmd, check=True, **kw):
    """Run ``cmd``, capturing text output; on a failure show it."""
    kw.setdefault("timeout", TIMEOUT_S)
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and proc.returncode != 0:
        raise AssertionError("%s exited %d\nstdout:\n%s\nstderr:\n%s"
                             % (cmd, proc.returncode, proc.stdout, proc.stderr))
    return proc


@pytest.fixture(scope="session")
def work():
    """The directory ``nox -s wheels`` built into (raw/, repaired/, build.log)."""
    path = os.environ.get("ZMQ_CFFI_WHEEL_WORK")
    if not path or not os.path.isdir(path):
        raise pytest.UsageError("ZMQ_CFFI_WHEEL_WORK is not set: run these tests through `nox -s wheels`")
    return path


def _one(pattern):
    found = glob.glob(pattern)
    assert len(found) == 1, "expected one match for %s, got %s" % (pattern, found)
    return found[0]


@pytest.fixture(scope="session")
def repaired_wheel(work):
    return _one(os.path.join(work, "repaired", "*.whl"))


@pytest.fixture(scope="session")
def raw_wheel(work):
    return _one(os.path.join(work, "raw", "*.whl"))


@pytest.fixture(scope="session")
def sdist(work):
    return _one(os.path.join(work, "raw", "*.tar.gz"))


@pytest.fixture(scope="session")
def build_log(work):
    with open(os.path.join(work, "build.log")) as f:
        return f.read()


@pytest.fixture(scope="session")
def venv(tmp_path_factory, repaired_wheel):
    """A fresh virtualenv of this interpreter with only the repaired wheel and
    its dependencies (cffi) installed: returns its python."""
    root = str(tmp_path_factory.mktemp("venv"))
    run([sys.executable, "-m", "venv", "--without-pip", root])
    python = os.path.join(root, "bin", "python")
    # This interpreter's pip installs into the new venv (pip >= 22.3).
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q",
         "--disable-pip-version-check", repaired_wheel])
    return python


@pytest.fixture(scope="session")
def site_package(venv):
    """The installed zmq_cffi package directory in the fresh venv."""
    out = run([venv, "-I", "-c", "import importlib.util as u; "
               "print(u.find_spec('zmq_cffi').submodule_search_locations[0])"], cwd="/")
    return out.stdout.strip()


def _ldconfig():
    """{file name: path} of the libraries in the loader's cache, resolved."""
    exe = shutil.which("ldconfig") or "/sbin/ldconfig"
    out = run([exe, "-p"]).stdout
    files = {}
    for line in out.splitlines():
        if "=>" in line:
            path = os.path.realpath(line.split("=>")[-1].strip())
            files[os.path.basename(path)] = path
    return files


def bundled_names(wheel):
    """Names of the library files auditwheel put into zmq_cffi.libs/."""
    with zipfile.ZipFile(wheel) as zf:
        return sorted(os.path.basename(n) for n in zf.namelist()
                      if n.startswith("zmq_cffi.libs/") and not n.endswith("/"))


@pytest.fixture(scope="session")
def hidden(repaired_wheel):
    """System paths of every library the wheel bundles (libzmq, libsodium,
    ...): auditwheel names a copy ``libzmq-<8 hex>.so.5.2.4`` after the
    system's ``libzmq.so.5.2.4``."""
    system = _ldconfig()
    # Never hide what the bare interpreter itself loads (it must start).
    base = run([sys.executable, "-I", "-c",
                "print('\\n'.join(l.split()[-1] for l in open('/proc/self/maps') if '.so' in l))"])
    needed_by_python = {os.path.realpath(p) for p in base.stdout.split()}
    paths = []
    for name in bundled_names(repaired_wheel):
        original = re.sub(r"-[0-9a-f]{8}(?=\.)", "", name, count=1)
        path = system.get(original)
        if path and path not in needed_by_python:
            paths.append(path)
    assert any(os.path.basename(p).startswith("libzmq.so") for p in paths), (
        "the system libzmq behind the bundled copy was not found: %s" % paths)
    return paths


@pytest.fixture(scope="session")
def run_hidden(hidden, tmp_path_factory):
    """``run_hidden(cmd, **kw)``: run ``cmd`` in a user + mount namespace where
    every path of ``hidden`` is an empty file."""
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to hide the system libzmq"
    empty = str(tmp_path_factory.mktemp("hide") / "empty")
    open(empty, "w").close()
    script = "set -e\n" + "".join('mount --bind "$0" %s\n' % shlex.quote(p) for p in hidden) + 'exec "$@"\n'

    def runner(cmd, check=True, **kw):
        return run([unshare, "--user", "--map-root-user", "--mount", "sh", "-c", script, empty] + list(cmd),
                   check=check, **kw)

    return runner
