"""Sockets whose waiting calls return Futures, for tornado coroutines.

This is pyzmq's ``zmq.eventloop.future``::

    from zmq_cffi.eventloop.future import Context

    async def echo():
        sock = Context.instance().socket(zmq.ROUTER)
        sock.bind("tcp://127.0.0.1:5555")
        while True:
            msg = await sock.recv_multipart()
            await sock.send_multipart(msg)

Since tornado 5, a tornado Future *is* an ``asyncio.Future`` and tornado's
IOLoop runs on an asyncio loop, so these classes are those of
:mod:`zmq_cffi.asyncio` under the names tornado code imports.  Call them
while the IOLoop runs (from a coroutine or callback on it), as for
``zmq_cffi.asyncio``.

Cancelling a Future is asyncio's cancellation: awaiting it raises
``CancelledError``, which here is ``asyncio.CancelledError`` (pyzmq makes
its own Exception subclass for tornado's old, uncancellable Futures).
"""
from asyncio import CancelledError
from typing import Any

from zmq_cffi import asyncio as _zasyncio

__all__ = ["Context", "Socket", "Poller", "CancelledError"]


class Socket(_zasyncio.Socket):
    """A Socket whose ``send*``, ``recv*`` and ``poll`` return Futures.

    See ``zmq_cffi.asyncio.Socket``: the Futures are tornado's (asyncio's).
    """

    def __repr__(self) -> str:
        return super().__repr__().replace("zmq_cffi.asyncio.", "zmq_cffi.eventloop.future.", 1)


class Poller(_zasyncio.Poller):
    """A Poller whose ``poll`` returns a Future of ``[(socket, events), ...]``."""


class Context(_zasyncio.Context):
    """A Context whose sockets are :class:`Socket`.

    Its ``instance()`` is its own, not ``zmq_cffi.Context.instance()``.

    Parameters
    ----------
    io_loop : object, optional
        Deprecated and ignored: the running loop is always used.
    *args, **kwargs
        As for ``zmq_cffi.Context``.
    """

    _socket_class = Socket
    _instance = None
    _instance_pid = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        io_loop = kwargs.pop("io_loop", None)
        if io_loop is not None:
            _zasyncio._warn_io_loop_ignored(self)
        super().__init__(*args, **kwargs)

    def __repr__(self) -> str:
        return super().__repr__().replace("zmq_cffi.asyncio.", "zmq_cffi.eventloop.future.", 1)
