"""``zmq.backend``: pyzmq's compiled core, as an import path.

pyzmq code sometimes imports core names from here, e.g. ``from zmq.backend
import zmq_poll``.  zmq_cffi has a single layer, so each name is the very
object of the top-level package (``zmq_cffi.backend.Socket is
zmq_cffi.Socket``).
"""
from typing import Any, List

__all__ = [
    "Context", "Frame", "IPC_PATH_MAX_LEN", "Message", "PYZMQ_DRAFT_API", "Socket",
    "curve_keypair", "curve_public", "has", "proxy", "proxy_steerable", "strerror",
    "zmq_errno", "zmq_poll", "zmq_version_info",
]


def __getattr__(name: str) -> Any:
    # Looked up in the top-level package on first use, not at import: this
    # module may be imported while zmq_cffi itself initialises, before the
    # modules that define proxy and the curve functions.
    if name in __all__:
        import zmq_cffi

        value = getattr(zmq_cffi, name)
        globals()[name] = value
        return value
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
