"""zmq_cffi: ZeroMQ for PyPy and CPython over CFFI, a drop-in for pyzmq.

Use it as ``import zmq_cffi as zmq``: names, signatures and behaviour follow
pyzmq's ``zmq`` module.
"""
from zmq_cffi import constants
from zmq_cffi.constants import *  # noqa: F401,F403 - pyzmq exports every constant
from zmq_cffi.context import Context, SyncContext
from zmq_cffi.curve import curve_keypair, curve_public
from zmq_cffi.error import (
    Again,
    ContextTerminated,
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
from zmq_cffi.socket import Socket, SyncSocket
from zmq_cffi.stopwatch import Stopwatch
from zmq_cffi.version import (
    __revision__,
    __version__,
    has,
    pyzmq_version,
    pyzmq_version_info,
    zmq_version,
    zmq_version_info,
)

__all__ = [
    "Context", "SyncContext", "Socket", "SyncSocket", "Frame", "Message", "MessageTracker",
    "Poller", "select", "zmq_poll", "Stopwatch",
    "ZMQBaseError", "ZMQError", "Again", "ContextTerminated", "InterruptedSystemCall",
    "NotDone", "ZMQBindError", "ZMQVersionError", "strerror", "zmq_errno",
    "curve_keypair", "curve_public", "has", "zmq_version", "zmq_version_info", "pyzmq_version", "pyzmq_version_info",
    "__version__", "__revision__",
] + constants.__all__
