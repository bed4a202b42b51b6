"""Type checking, as users of zmq_cffi see it.

* The package itself is clean under ``mypy --strict`` (pyproject.toml's
  [tool.mypy] configuration).
* The user-style files in cases/ (``import zmq_cffi as zmq``) give exactly
  the errors marked ``# error`` on their lines, with mypy and with pyright
  (``# error[mypy]``: with that checker only).
* The same files with ``import zmq`` give the same errors against pyzmq 27
  (the oracle: a program checks alike against both).
* cases_cffi/ holds the places where zmq_cffi is deliberately more precise
  than pyzmq; they are checked against zmq_cffi only.

Run by the ``typing`` nox session (which installs mypy, pyright and pyzmq);
from the checkout's root: ``pytest tests_typing``.
"""
import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASES = sorted(os.path.join(HERE, "cases", f) for f in os.listdir(os.path.join(HERE, "cases"))
               if f.endswith(".py"))
CASES_CFFI = sorted(os.path.join(HERE, "cases_cffi", f) for f in os.listdir(os.path.join(HERE, "cases_cffi"))
                    if f.endswith(".py"))
CHECKERS = ("mypy", "pyright")
MARK = re.compile(r"#\s*error(?:\[(\w+)\])?[:\s]")
TIMEOUT = 600


def expected_errors(path, checker):
    """Line numbers marked ``# error`` (or ``# error[checker]``) in ``path``."""
    lines = set()
    with open(path) as f:
        for number, line in enumerate(f, 1):
            match = MARK.search(line)
            if match and match.group(1) in (None, checker):
                lines.add(number)
    return lines


def run_mypy(paths, cwd):
    """{file name: set of lines with an error}, and the report, from ``mypy --strict``."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--show-error-codes",
         "--config-file", os.path.join(ROOT, "pyproject.toml"), *paths],
        cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    found = {}
    for line in proc.stdout.splitlines():
        match = re.match(r"(.+?):(\d+): error: ", line)
        if match:
            found.setdefault(os.path.basename(match.group(1)), set()).add(int(match.group(2)))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return found, proc.stdout


def run_pyright(paths, cwd):
    """{file name: set of lines with an error}, and the report, from pyright."""
    proc = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable, *paths],
        cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    found = {}
    for diag in report["generalDiagnostics"]:
        if diag["severity"] == "error":
            name = os.path.basename(diag["file"])
            found.setdefault(name, set()).add(diag["range"]["start"]["line"] + 1)
    return found, proc.stdout


RUN = {"mypy": run_mypy, "pyright": run_pyright}


def as_pyzmq(src):
    """The same program for pyzmq: the imports change, line numbers do not."""
    src = re.sub(r"(?m)^import zmq_cffi as zmq$", "import zmq", src)
    src = re.sub(r"(?m)^import zmq_cffi\.asyncio$", "import zmq.asyncio", src)
    return src.replace("zmq_cffi.asyncio", "zmq.asyncio")


def assert_matches(found, report, files, checker):
    for path in files:
        name = os.path.basename(path)
        assert found.get(name, set()) == expected_errors(path, checker), (
            "%s: %s errors differ from the # error marks\n%s" % (name, checker, report))


@pytest.fixture(scope="module")
def mypy_run():
    # One run for the package and the user files: the package is analysed once.
    return run_mypy(["zmq_cffi", *CASES, *CASES_CFFI], ROOT)


def test_package_is_clean_under_mypy_strict(mypy_run):
    found, report = mypy_run
    package = [line for line in report.splitlines() if line.startswith("zmq_cffi")]
    assert not package, "\n".join(package)
    assert "Success" in report or found, report


@pytest.mark.parametrize("checker", CHECKERS)
def test_user_files_against_zmq_cffi(checker, mypy_run):
    found, report = mypy_run if checker == "mypy" else run_pyright(CASES + CASES_CFFI, ROOT)
    assert_matches(found, report, CASES + CASES_CFFI, checker)
    # The marks are not vacuous: each file that has some got them reported.
    assert sum(len(expected_errors(p, checker)) for p in CASES) >= 15


@pytest.mark.parametrize("checker", CHECKERS)
def test_user_files_against_pyzmq(checker, tmp_path):
    """The oracle: pyzmq 27's own annotations give the same errors."""
    import zmq

    assert zmq.pyzmq_version_info() >= (27,), zmq.pyzmq_version()
    copies = []
    for path in CASES:
        with open(path) as f:
            src = as_pyzmq(f.read())
        assert "import zmq_cffi" not in src
        copy = tmp_path / os.path.basename(path)
        copy.write_text(src)
        copies.append(str(copy))
    found, report = RUN[checker](copies, str(tmp_path))
    assert_matches(found, report, CASES, checker)
