#!/bin/sh
# Runs inside a matrix root (see root.sh): nox from a venv of its own, with
# its session venvs kept in the root (/opt/nox-envs), so a second run only
# reinstalls zmq_cffi.  The interpreters are the root's own python3 and pypy3
# (noxfile.py discovers them).  Arguments: nox's, e.g. -s tests -- -x
set -eu
. /etc/os-release
echo "[matrix] Debian ${VERSION_CODENAME:-?}: $(python3 --version 2>&1), $(pypy3 -c 'import sys, platform; print("PyPy %d.%d.%d (Python %s)" % (sys.pypy_version_info[:3] + (platform.python_version(),)))'), libzmq $(pkg-config --modversion libzmq)" >&2
if [ ! -x /opt/nox/bin/nox ]; then
    python3 -m venv /opt/nox
    /opt/nox/bin/pip install -q "nox>=2024.3"
fi
cd /src
exec /opt/nox/bin/nox --envdir /opt/nox-envs "$@"
