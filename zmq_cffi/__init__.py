"""zmq_cffi: ZeroMQ for PyPy and CPython over CFFI, a drop-in for pyzmq.

Use it as ``import zmq_cffi as zmq``: names, signatures and behaviour follow
pyzmq's ``zmq`` module.
"""
import os as _os
import subprocess as _subprocess
from typing import List

from zmq_cffi import constants
from zmq_cffi.constants import *  # noqa: F401,F403 - pyzmq exports every constant
from zmq_cffi.context import Context, SyncContext
from zmq_cffi.curve import curve_keypair, curve_public
from zmq_cffi.error import (
    Again,
    ContextTerminated,
    DraftFDWarning,
    InterruptedSystemCall,
    NotDone,
    ZMQBaseError,
    ZMQBindError,
    ZMQError,
    ZMQVersionError,
    strerror,
    zmq_errno,
)
from zmq_cffi.frame import _FINISHED_TRACKER, Frame, Message, MessageTracker
from zmq_cffi.poll import Poller, select, zmq_poll
from zmq_cffi._proxy import device, proxy, proxy_steerable
from zmq_cffi.socket import Socket, SyncSocket
from zmq_cffi.stopwatch import Stopwatch
from zmq_cffi.switch import install_as_zmq
from zmq_cffi.version import (
    __revision__,
    __version__,
    __zmq_cffi_version__,
    has,
    pyzmq_version,
    pyzmq_version_info,
    zmq_version,
    zmq_cffi_version,
    zmq_cffi_version_info,
    zmq_version_info,
)

__all__ = [
    "Context", "SyncContext", "Socket", "SyncSocket", "Frame", "Message", "MessageTracker",
    "Poller", "select", "zmq_poll", "Stopwatch", "_FINISHED_TRACKER",
    "ZMQBaseError", "ZMQError", "Again", "ContextTerminated", "InterruptedSystemCall",
    "NotDone", "ZMQBindError", "ZMQVersionError", "DraftFDWarning", "strerror", "zmq_errno",
    "device", "proxy", "proxy_steerable", "get_includes",
    "curve_keypair", "curve_public", "has", "zmq_version", "zmq_version_info", "pyzmq_version", "pyzmq_version_info",
    "__version__", "__revision__", "zmq_cffi_version", "zmq_cffi_version_info", "__zmq_cffi_version__",
]
# Spelled so that type checkers follow it (mypy and pyright read ``+=`` of a
# submodule's __all__, not ``[...] + module.__all__``).
__all__ += constants.__all__


def _pkg_config(*args: str) -> List[str]:
    """Words printed by ``pkg-config ARGS libzmq``, or [] without pkg-config."""
    try:
        out = _subprocess.run(["pkg-config", *args, "libzmq"], check=True,
                              capture_output=True, text=True).stdout
    except (OSError, _subprocess.CalledProcessError):
        return []
    return out.split()


def get_includes() -> List[str]:
    """Directories for compiling C code against zmq_cffi: this package's
    (``_cdefs.h``, ``_helpers.c``) and libzmq's (``zmq.h``), found as at build
    time: ``$ZMQ_PREFIX/include``, pkg-config, then the system default."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    # The package, then its utils/ (where pyzmq keeps its headers: the second
    # entry, as in pyzmq), then libzmq's include directory.
    dirs = [here, _os.path.join(here, "utils")]
    prefix = _os.environ.get("ZMQ_PREFIX")
    if prefix:
        candidates = [_os.path.join(prefix, "include")]
    else:
        candidates = [f[2:] for f in _pkg_config("--cflags-only-I") if f.startswith("-I")]
        candidates += ["/usr/include", "/usr/local/include"]
    for candidate in candidates:
        if _os.path.exists(_os.path.join(candidate, "zmq.h")):
            dirs.append(candidate)
            break
    return dirs


def get_library_dirs() -> List[str]:
    """Directories holding the libzmq zmq_cffi links to: ``$ZMQ_PREFIX/lib``,
    else pkg-config's libdir."""
    prefix = _os.environ.get("ZMQ_PREFIX")
    if prefix:
        return [_os.path.join(prefix, "lib")]
    return _pkg_config("--variable=libdir")


# pyzmq exposes these subpackages as attributes of the top-level module.
from zmq_cffi import backend, sugar, utils  # noqa: E402
