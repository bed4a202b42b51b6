"""Versions: the pyzmq API zmq_cffi implements, zmq_cffi's own release, the
loaded libzmq; and libzmq's capabilities.

``__version__``/``pyzmq_version()`` answer the question programs written for
pyzmq ask (``pyzmq_version_info() >= (17,)``): the pyzmq release whose API
zmq_cffi implements.  zmq_cffi's own release number (the one pip shows) is
``__zmq_cffi_version__`` / ``zmq_cffi_version()``.
"""
from typing import Tuple, Union

from zmq_cffi._ffi import ffi, lib

__all__ = ["__version__", "__zmq_cffi_version__", "zmq_version", "zmq_version_info",
           "pyzmq_version", "pyzmq_version_info", "zmq_cffi_version", "zmq_cffi_version_info",
           "has", "VERSION_MAJOR", "VERSION_MINOR", "VERSION_PATCH", "VERSION_EXTRA"]

#: The pyzmq release whose API zmq_cffi implements (what pyzmq calls its version).
VERSION_MAJOR = 27
VERSION_MINOR = 3
VERSION_PATCH = 0
VERSION_EXTRA = ""
__version__ = "%i.%i.%i" % (VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH)
__revision__ = ""

#: zmq_cffi's own release (the distribution's version, as pip shows it).
__zmq_cffi_version__ = "0.1.0"


def zmq_version_info() -> Tuple[int, int, int]:
    """The loaded libzmq's version as a tuple of ints, e.g. ``(4, 3, 4)``."""
    parts = ffi.new("int[3]")
    lib.zmq_version(parts, parts + 1, parts + 2)
    return (parts[0], parts[1], parts[2])


def zmq_version() -> str:
    """The loaded libzmq's version as a string, e.g. ``"4.3.4"``."""
    return "%i.%i.%i" % zmq_version_info()


def pyzmq_version() -> str:
    """The pyzmq release whose API zmq_cffi implements, e.g. ``"27.3.0"``.

    Programs written for pyzmq compare it with the minimum they need; for
    zmq_cffi's own release see :func:`zmq_cffi_version`.
    """
    if __revision__:
        return "@".join([__version__, __revision__])
    return __version__


def pyzmq_version_info() -> Tuple[Union[int, float], ...]:
    """:func:`pyzmq_version` as a tuple of ints, e.g. ``(27, 3, 0)``."""
    info: Tuple[Union[int, float], ...] = (VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH)
    if VERSION_EXTRA:
        info += (float("inf"),)
    return info


def zmq_cffi_version() -> str:
    """zmq_cffi's own release number, e.g. ``"0.1.0"`` (not the pyzmq API level)."""
    return __zmq_cffi_version__


def zmq_cffi_version_info() -> Tuple[int, ...]:
    """:func:`zmq_cffi_version` as a tuple of ints, e.g. ``(0, 1, 0)``."""
    return tuple(int(part) for part in __zmq_cffi_version__.split(".") if part.isdigit())


def has(capability: str) -> bool:
    """Whether libzmq supports a capability.

    Parameters
    ----------
    capability : str
        A transport (``"ipc"``, ``"pgm"``, ``"tipc"``, ``"norm"``, ``"vmci"``)
        or a mechanism (``"curve"``, ``"gssapi"``), or ``"draft"``.
    """
    name = capability.encode("utf-8") if isinstance(capability, str) else capability
    return bool(lib.zmq_has(name))
