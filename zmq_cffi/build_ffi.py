"""Build the raw CFFI layer of zmq_cffi: an out-of-line, API-mode extension.

The extension ``zmq_cffi._zmq`` is compiled against the system libzmq at
install time.  libzmq is located, in order, by

1. ``ZMQ_PREFIX=/path`` (headers in ``$ZMQ_PREFIX/include``, library in
   ``$ZMQ_PREFIX/lib``),
2. ``pkg-config libzmq``,
3. the compiler's default paths (``-lzmq``).

Run ``python zmq_cffi/build_ffi.py`` to compile it by hand, in place.
"""
import os
import shlex
import subprocess
import sys
from typing import List, Optional, Tuple

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
MISSING_HELP = (
    "zmq_cffi needs libzmq (>= 4.3) and its headers to build.\n"
    "  On Debian/Ubuntu:  apt-get install libzmq3-dev pkg-config\n"
    "  Elsewhere: install libzmq and set ZMQ_PREFIX=/its/prefix "
    "(containing include/zmq.h and lib/libzmq.so).\n"
    "  Or install a binary wheel of zmq_cffi, which bundles libzmq."
)


def _read(name: str) -> str:
    with open(os.path.join(HERE, name)) as f:
        return f.read()


def _pkg_config() -> Tuple[Optional[Tuple[List[str], List[str], List[str], List[str]]], Optional[str]]:
    """Return ((include_dirs, library_dirs, libraries, extra_compile_args), None),
    or (None, why) when pkg-config is missing or does not know libzmq."""
    try:
        proc = subprocess.run(
            ["pkg-config", "--cflags", "--libs", "libzmq"],
            capture_output=True, text=True,
        )
    except OSError:
        return None, "pkg-config is not installed (Debian: pkg-config)"
    if proc.returncode != 0:
        return None, "pkg-config knows no libzmq (Debian: libzmq3-dev): %s" % (
            proc.stderr.strip().splitlines() or ["no output"])[0]
    inc: List[str] = []
    libdirs: List[str] = []
    libs: List[str] = []
    extra: List[str] = []
    for flag in shlex.split(proc.stdout):
        if flag.startswith("-I"):
            inc.append(flag[2:])
        elif flag.startswith("-L"):
            libdirs.append(flag[2:])
        elif flag.startswith("-l"):
            libs.append(flag[2:])
        else:
            extra.append(flag)
    return (inc, libdirs, libs or ["zmq"], extra), None


def _find_libzmq() -> Tuple[List[str], List[str], List[str], List[str]]:
    prefix = os.environ.get("ZMQ_PREFIX")
    if prefix:
        found: Tuple[List[str], List[str], List[str], List[str]] = (
            [os.path.join(prefix, "include")], [os.path.join(prefix, "lib")], ["zmq"], [])
        search = found[0]
        tried = "ZMQ_PREFIX=%s" % prefix
    else:
        detected, why = _pkg_config()
        tried = "ZMQ_PREFIX is not set; " + (why or "pkg-config found libzmq")
        found = detected or ([], [], ["zmq"], [])
        search = found[0] + ["/usr/include", "/usr/local/include"]
    # Fail with one clear message instead of a compiler traceback.
    if not any(os.path.exists(os.path.join(d, "zmq.h")) for d in search):
        sys.stderr.write(
            "\nERROR: libzmq not found: zmq.h is in none of %s (%s).\n%s\n\n"
            % (search, tried, MISSING_HELP))
        raise SystemExit(1)
    return found


def make_builder() -> FFI:
    include_dirs, library_dirs, libraries, extra = _find_libzmq()
    # runtime_library_dirs keeps a ZMQ_PREFIX build loadable without LD_LIBRARY_PATH.
    rpath = library_dirs if os.environ.get("ZMQ_PREFIX") else []
    ffibuilder = FFI()
    ffibuilder.cdef(_read("_cdefs.h"))
    ffibuilder.set_source(
        "zmq_cffi._zmq",
        _read("_helpers.c"),
        include_dirs=include_dirs,
        library_dirs=library_dirs,
        runtime_library_dirs=rpath,
        libraries=libraries + ["pthread"],
        extra_compile_args=extra,
    )
    return ffibuilder


ffibuilder = make_builder()

if __name__ == "__main__":
    os.chdir(os.path.dirname(HERE))
    ffibuilder.compile(verbose=True)
