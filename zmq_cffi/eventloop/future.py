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


def _ignore_events(fd: Any, events: int) -> None:
    """The handler of a registration that only lets tornado close the socket."""


class Socket(_zasyncio.Socket):
    """A Socket whose ``send*``, ``recv*`` and ``poll`` return Futures.

    See ``zmq_cffi.asyncio.Socket``: the Futures are tornado's (asyncio's).
    On a loop run by a tornado IOLoop the socket is also registered with
    that IOLoop, watching nothing (asyncio's reader does the watching), so
    that ``IOLoop.close(all_fds=True)`` closes it, as with pyzmq.
    """

    def _switch_loop(self, loop: Any) -> None:
        self._forget_io_loop()
        super()._switch_loop(loop)
        from tornado.ioloop import IOLoop

        io_loop = IOLoop.current(instance=False)
        if io_loop is None or getattr(io_loop, "asyncio_loop", None) is not loop:
            return
        try:
            io_loop.add_handler(self, _ignore_events, 0)
        except ValueError:  # the FD is registered already (a ZMQStream on it)
            return
        object.__setattr__(self, "_io_loop", io_loop)

    def _release_io(self) -> None:
        self._forget_io_loop()
        super()._release_io()

    def _forget_io_loop(self) -> None:
        io_loop = self.__dict__.get("_io_loop")
        if io_loop is not None:
            object.__setattr__(self, "_io_loop", None)
            io_loop.remove_handler(self._fd)

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
        super().__init__(*args, **kwargs)  # type: ignore[misc]  # (the base's self type is for users)

    def __repr__(self) -> str:
        return super().__repr__().replace("zmq_cffi.asyncio.", "zmq_cffi.eventloop.future.", 1)
