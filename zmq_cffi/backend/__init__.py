"""``zmq.backend``: pyzmq's compiled core, as an import path.

pyzmq code sometimes imports core names from here, e.g. ``from zmq.backend
import zmq_poll``.  zmq_cffi has a single layer, so each name is the very
object of the top-level package (``zmq_cffi.backend.Socket is
zmq_cffi.Socket``).
"""
from zmq_cffi import (  # noqa: F401 - re-exported
    IPC_PATH_MAX_LEN,
    PYZMQ_DRAFT_API,
    Context,
    Frame,
    Message,
    Socket,
    curve_keypair,
    curve_public,
    has,
    proxy,
    proxy_steerable,
    strerror,
    zmq_errno,
    zmq_poll,
    zmq_version_info,
)

# zmq_cffi/__init__.py imports this module last, when all these names exist.
__all__ = [
    "Context", "Frame", "IPC_PATH_MAX_LEN", "Message", "PYZMQ_DRAFT_API", "Socket",
    "curve_keypair", "curve_public", "has", "proxy", "proxy_steerable", "strerror",
    "zmq_errno", "zmq_poll", "zmq_version_info",
]
