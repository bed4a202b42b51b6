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

``./dev.sh`` installs what a fresh Debian machine lacks, then calls these.
"""
import glob
import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests", "apps"]

PYTHONS = ["3.11", "pypy3.9"]
RAW_DIR = os.path.join("bench", "results", "raw")


def _install_package(session):
    # A fresh build each time: the extension must match the current sources.
    session.install("--force-reinstall", "--no-deps", ".")
    session.install("cffi>=1.15", "setuptools>=61")
    # Some tests start child interpreters from the checkout's root, where the
    # source package comes first on sys.path: build its extensions in place too.
    session.run("python", "setup.py", "-q", "build_ext", "--inplace", silent=True)


@nox.session(python=PYTHONS)
def tests(session):
    """Run the test suite (extra pytest arguments after --)."""
    session.install("pytest>=7", "pytest-timeout>=2", "hypothesis>=6", "tornado>=6.1")
    _install_package(session)
    session.run("pytest", "-p", "no:cacheprovider", "--rootdir", ".", *session.posargs)


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


@nox.session(python="3.11")
@nox.parametrize("kind", ["quick", "full"])
def report(session, kind):
    """Merge the raw benchmark results into bench/results (markdown, JSON, PNG)."""
    session.install("matplotlib")
    raw = sorted(glob.glob(os.path.join(RAW_DIR, "%s-*.json" % kind)))
    if not raw:
        session.error("no %s benchmark results in %s: run the bench sessions first" % (kind, RAW_DIR))
    out_dir = os.path.join("bench", "results") if kind == "full" else os.path.join("bench", "results", "quick")
    session.run("python", "bench/report.py", *raw, "--out-dir", out_dir)
