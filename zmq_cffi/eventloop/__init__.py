"""tornado integration: pyzmq's ``zmq.eventloop`` package.

tornado (>= 6.1) runs on asyncio, so zmq_cffi sockets need no special loop:
:mod:`zmq_cffi.eventloop.zmqstream` gives the callback-style ``ZMQStream``,
:mod:`zmq_cffi.eventloop.future` sockets whose calls return Futures, and
:mod:`zmq_cffi.eventloop.ioloop` is kept for old imports only (deprecated).

tornado is an optional dependency (``pip install zmq_cffi[tornado]``):
importing this package without it raises ImportError saying so.
"""
try:
    from tornado.ioloop import IOLoop
except ImportError as _exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "zmq_cffi.eventloop needs tornado (>= 6.1), which is not installed: "
        "pip install 'tornado>=6.1' (or zmq_cffi[tornado])"
    ) from _exc

__all__ = ["IOLoop"]
