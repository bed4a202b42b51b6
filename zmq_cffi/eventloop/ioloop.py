"""Deprecated: tornado's ``tornado.ioloop`` under pyzmq's old name.

zmq_cffi sockets work with tornado's own IOLoop (which runs on asyncio), so
no special loop exists any more.  This module stays so that code written for
pyzmq < 17 keeps importing: it warns (DeprecationWarning) when first
imported, re-exports the public names of ``tornado.ioloop``, calls tornado's
IOLoop ``ZMQIOLoop`` too, and offers an ``install()`` that only warns.
"""
import warnings

import tornado.ioloop as _tornado_ioloop
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.util import TimeoutError  # what tornado.ioloop imports too


def _warn_deprecated() -> None:
    # stacklevel 3: point at whoever imported this module or called install().
    warnings.warn(
        "zmq_cffi.eventloop.ioloop is deprecated (as zmq.eventloop.ioloop is "
        "since pyzmq 17): use tornado.ioloop directly, no special loop is needed",
        DeprecationWarning,
        stacklevel=3,
    )


_warn_deprecated()

# Everything public in tornado.ioloop, as pyzmq's star import provides.
globals().update(
    (name, value) for name, value in vars(_tornado_ioloop).items()
    if not name.startswith("_") and name not in globals()
)

#: The old name of the zmq-aware loop: now tornado's IOLoop itself.
ZMQIOLoop = IOLoop


def install() -> None:
    """Deprecated and does nothing (but warn): tornado's loop needs no setup."""
    _warn_deprecated()


__all__ = ["IOLoop", "ZMQIOLoop", "PeriodicCallback", "TimeoutError", "install"]
