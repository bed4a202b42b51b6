"""``zmq.sugar``: pyzmq's Python layer, as an import path.

pyzmq splits its API into ``zmq.backend`` (the compiled core) and
``zmq.sugar`` (the Python conveniences on top); code written against pyzmq
sometimes imports from these paths, e.g. ``from zmq.sugar.socket import
Socket``.  zmq_cffi has one layer, so each name here is the very object of
the top-level package.
"""
from typing import Any, List

# The submodules of pyzmq's zmq.sugar that code imports names from.
from zmq_cffi.sugar import context, frame, poll, socket, stopwatch, tracker, version

__all__ = [
    "Again", "Context", "ContextTerminated", "DraftFDWarning", "Frame",
    "InterruptedSystemCall", "Message", "MessageTracker", "NotDone", "Poller",
    "Socket", "Stopwatch", "SyncContext", "SyncSocket", "ZMQBaseError",
    "ZMQBindError", "ZMQError", "ZMQVersionError", "_FINISHED_TRACKER",
    "__revision__", "__version__", "device", "pyzmq_version",
    "pyzmq_version_info", "select", "zmq_version", "zmq_version_info",
]


def __getattr__(name: str) -> Any:
    # Looked up in the top-level package on first use, not at import: this
    # module is imported while zmq_cffi itself initialises, and some names
    # (device) live in modules imported after it.
    if name in __all__:
        import zmq_cffi

        value = getattr(zmq_cffi, name)
        globals()[name] = value
        return value
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
