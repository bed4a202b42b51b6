"""tornado's IOLoop for green programs (pyzmq's ``zmq.green.eventloop.ioloop``).

pyzmq's module re-exports ``tornado.ioloop`` (through its deprecated
``zmq.eventloop.ioloop``); this one does too, without the deprecation
warning, and calls tornado's IOLoop ``ZMQIOLoop`` as well.

A tornado loop normally sleeps in ``epoll``, which freezes every greenlet of
the thread while it waits.  :func:`green_ioloop` makes one that sleeps in
gevent's hub instead (an asyncio loop over :class:`gevent.selectors.GeventSelector`),
so a loop running ZMQStreams in one greenlet and plain green sockets in
others share the thread::

    loop = green_ioloop()
    stream = ZMQStream(sock, io_loop=loop)
    ...
    gevent.spawn(worker)          # blocks on green sockets
    loop.start()                  # both make progress
"""
import asyncio
from typing import Any

import tornado.ioloop as _tornado_ioloop
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.util import TimeoutError  # what tornado.ioloop imports too

# Everything public in tornado.ioloop, as pyzmq's star import provides.
globals().update(
    (name, value) for name, value in vars(_tornado_ioloop).items()
    if not name.startswith("_") and name not in globals()
)

#: The old name of the zmq-aware loop: tornado's IOLoop itself.
ZMQIOLoop = IOLoop


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new asyncio event loop whose waits go through gevent's hub."""
    from gevent.selectors import GeventSelector

    return asyncio.SelectorEventLoop(GeventSelector())


def green_ioloop(**kwargs: Any) -> IOLoop:
    """A new tornado IOLoop that waits in gevent's hub (needs tornado >= 6.2).

    Parameters
    ----------
    **kwargs
        Passed to tornado's ``AsyncIOLoop`` (e.g. ``make_current``).

    Returns
    -------
    tornado.ioloop.IOLoop
        Closing it (``loop.close()``) closes its asyncio loop too.
    """
    from tornado.platform.asyncio import AsyncIOLoop

    return AsyncIOLoop(asyncio_loop=new_event_loop(), **kwargs)


def install() -> None:
    """Does nothing: tornado's loop needs no setup (kept for old code)."""


__all__ = ["IOLoop", "ZMQIOLoop", "PeriodicCallback", "TimeoutError", "install",
           "green_ioloop", "new_event_loop"]
