"""Versions of zmq_cffi and of the loaded libzmq, and libzmq's capabilities."""
from typing import Tuple

from zmq_cffi._ffi import ffi, lib

__all__ = ["__version__", "zmq_version", "zmq_version_info", "pyzmq_version",
           "pyzmq_version_info", "has"]

__version__ = "0.1.0"
__revision__ = ""


def zmq_version_info() -> Tuple[int, int, int]:
    """The loaded libzmq's version as a tuple of ints, e.g. ``(4, 3, 4)``."""
    parts = ffi.new("int[3]")
    lib.zmq_version(parts, parts + 1, parts + 2)
    return (parts[0], parts[1], parts[2])


def zmq_version() -> str:
    """The loaded libzmq's version as a string, e.g. ``"4.3.4"``."""
    return "%i.%i.%i" % zmq_version_info()


def pyzmq_version() -> str:
    """This binding's version (pyzmq's name for the binding version)."""
    return __version__


def pyzmq_version_info() -> Tuple[int, ...]:
    """This binding's version as a tuple of ints."""
    return tuple(int(part) for part in __version__.split(".") if part.isdigit())


def has(capability: str) -> bool:
    """Whether libzmq supports a capability.

    Parameters
    ----------
    capability : str
        A transport (``"ipc"``, ``"pgm"``, ``"tipc"``, ``"norm"``, ``"vmci"``)
        or a mechanism (``"curve"``, ``"gssapi"``), or ``"draft"``.
    """
    if isinstance(capability, str):
        capability = capability.encode("utf-8")
    return bool(lib.zmq_has(capability))
