"""zmq_cffi.green: ZeroMQ for gevent, pyzmq's ``zmq.green``.

Use it in place of the top-level package::

    import zmq_cffi.green as zmq     # or, after the switch, import zmq.green as zmq

Everything ``zmq_cffi`` exports is here, with these replaced by green
versions, whose blocking calls block only the calling greenlet:

* :class:`Context` (its sockets are green; ``Context.instance()`` is its own),
* :class:`Socket` (``send``/``recv`` and friends, ``poll``),
* :class:`Poller` and :func:`select`,
* :func:`device`, :func:`proxy` and :func:`proxy_steerable` (forwarding
  loops that run in a greenlet instead of inside libzmq).

``SyncContext``/``SyncSocket`` stay the plain classes, as in pyzmq.
:mod:`zmq_cffi.green.eventloop` has the ``ioloop`` and ``zmqstream``
modules, plus a tornado IOLoop whose waits go through gevent's hub.

See :mod:`zmq_cffi.green.core` for how waiting works (and how it differs
from pyzmq's: timeouts are honoured, several greenlets may wait on one
socket, closing a socket wakes its waiters, ``term()`` does not freeze the
hub).
"""
from typing import List

import zmq_cffi as _zmq_cffi
from zmq_cffi import *  # noqa: F401,F403 - everything zmq_cffi exports
from zmq_cffi.green.core import Context, Socket  # type: ignore[assignment]  # replace the star-imported ones
from zmq_cffi.green.poll import Poller, select
from zmq_cffi.green.device import device, proxy, proxy_steerable

__all__: List[str] = list(_zmq_cffi.__all__)
