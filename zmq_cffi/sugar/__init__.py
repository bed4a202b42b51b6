"""``zmq.sugar``: pyzmq's Python layer, as an import path.

pyzmq splits its API into ``zmq.backend`` (the compiled core) and
``zmq.sugar`` (the Python conveniences on top); code written against pyzmq
sometimes imports from these paths, e.g. ``from zmq.sugar.socket import
Socket``.  zmq_cffi has one layer, so each name here is the very object of
the top-level package.
"""
from zmq_cffi import (  # noqa: F401 - re-exported
    _FINISHED_TRACKER,
    Again,
    Context,
    ContextTerminated,
    DraftFDWarning,
    Frame,
    InterruptedSystemCall,
    Message,
    MessageTracker,
    NotDone,
    Poller,
    Socket,
    Stopwatch,
    SyncContext,
    SyncSocket,
    ZMQBaseError,
    ZMQBindError,
    ZMQError,
    ZMQVersionError,
    __revision__,
    __version__,
    device,
    pyzmq_version,
    pyzmq_version_info,
    select,
    zmq_version,
    zmq_version_info,
)

# The submodules of pyzmq's zmq.sugar that code imports names from.
from zmq_cffi.sugar import context, frame, poll, socket, stopwatch, tracker, version

# zmq_cffi/__init__.py imports this package last, when all these names exist.
__all__ = [
    "Again", "Context", "ContextTerminated", "DraftFDWarning", "Frame",
    "InterruptedSystemCall", "Message", "MessageTracker", "NotDone", "Poller",
    "Socket", "Stopwatch", "SyncContext", "SyncSocket", "ZMQBaseError",
    "ZMQBindError", "ZMQError", "ZMQVersionError", "_FINISHED_TRACKER",
    "__revision__", "__version__", "device", "pyzmq_version",
    "pyzmq_version_info", "select", "zmq_version", "zmq_version_info",
]
