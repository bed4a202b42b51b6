"""Green Poller and select: wait for many sockets and fds in gevent's hub.

``poll`` asks libzmq with a zero timeout (one ``zmq_poll`` over every
registered item); when nothing is ready it parks the greenlet until one of
the items may have changed:

* a green :class:`~zmq_cffi.green.core.Socket` wakes it through the socket's
  own table of waiters (see :mod:`zmq_cffi.green.core`), which is correct
  even when other greenlets use the same socket meanwhile;
* a plain zmq_cffi Socket wakes it when its ``FD`` becomes readable (that
  ``zmq_poll`` just read its state, so the FD fires on the next change);
* a file descriptor (or object with ``fileno()``) wakes it when it becomes
  readable/writable as registered.  (An fd registered for POLLERR alone is
  only checked when something else wakes the poll, or at the timeout.)

Then ``zmq_poll`` is asked again, until something is ready or the timeout
has passed.
"""
from time import monotonic as _monotonic
from typing import Any, List, Optional, Tuple

from gevent.event import Event
from gevent.hub import get_hub

from zmq_cffi.poll import POLLERR, POLLIN, POLLOUT
from zmq_cffi.poll import Poller as _BasePoller
from zmq_cffi.socket import Socket as _BaseSocket

from zmq_cffi.green.core import Socket as _GreenSocket

__all__ = ["Poller", "select"]

_READ = 1
_WRITE = 2


class Poller(_BasePoller):
    """A :class:`zmq_cffi.Poller` whose ``poll`` blocks only the calling greenlet.

    Registration (``register``, ``modify``, ``unregister``) is unchanged;
    the results are the same ``[(socket_or_fd, events)]`` list.
    """

    def poll(self, timeout: Optional[float] = None) -> List[Tuple[Any, int]]:
        """Wait (in the hub) for events on the registered items.

        Parameters
        ----------
        timeout : int, optional
            Milliseconds to wait; None or negative waits for ever, 0 only looks.

        Returns
        -------
        list of (socket, event mask)
            The registered items that are ready, with their events.
        """
        if timeout is None or timeout < 0:
            deadline = None
        else:
            deadline = _monotonic() + timeout / 1000.0
        while True:
            ready = super().poll(0)
            # That zmq_poll may have consumed FD signals that other greenlets
            # parked on these sockets were waiting for.
            for target, _ in self.sockets:
                if isinstance(target, _GreenSocket) and target._green_waiters:
                    target._green_after_call()
            if ready or timeout == 0:
                return ready
            if deadline is None:
                left = None
            else:
                left = deadline - _monotonic()
                if left <= 0:
                    return []
            if not self.sockets:
                # Nothing can become ready: sleep out the timeout (as
                # zmq_cffi.Poller does, an endless one returns at once).
                if left is not None:
                    Event().wait(left)
                return []
            self._park(left)

    def _park(self, left: Optional[float]) -> None:
        """Sleep until a registered item may have changed, or ``left`` seconds."""
        wake = Event()
        parked: List[Tuple[_GreenSocket, Any]] = []
        watchers: List[Any] = []
        loop = get_hub().loop
        try:
            for target, flags in self.sockets:
                if isinstance(target, _GreenSocket):
                    wanted = flags & (POLLIN | POLLOUT)
                    if wanted:
                        parked.append((target, target._green_add_waiter(wanted, wake)))
                    continue
                if isinstance(target, _BaseSocket):
                    fd, io_events = target.fileno(), _READ
                else:
                    fd = target if isinstance(target, int) else target.fileno()
                    io_events = (_READ if flags & POLLIN else 0) | (_WRITE if flags & POLLOUT else 0)
                if io_events:
                    watcher = loop.io(fd, io_events)
                    watchers.append(watcher)
                    watcher.start(wake.set)
            wake.wait(left)
        finally:
            for sock, waiter in parked:
                sock._green_drop_waiter(waiter)
            for watcher in watchers:
                watcher.stop()
                watcher.close()


def select(rlist: List[Any], wlist: List[Any], xlist: List[Any],
           timeout: Optional[float] = None) -> Tuple[List[Any], List[Any], List[Any]]:
    """``zmq_cffi.select`` that blocks only the calling greenlet.

    Parameters
    ----------
    rlist, wlist, xlist : list
        Sockets or fds to watch for reading, writing and errors.
    timeout : float, optional
        Seconds to wait; None waits for ever.

    Returns
    -------
    (readable, writable, in_error) lists
    """
    poller = Poller()
    flags_of: dict[str, Any] = {}
    for targets, flag in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLERR)):
        for target in targets:
            flags_of[target] = flags_of.get(target, 0) | flag
    for target, flags in flags_of.items():
        poller.register(target, flags)
    ms = None if timeout is None or timeout < 0 else int(timeout * 1000)
    ready = dict(poller.poll(ms))
    return ([s for s in rlist if ready.get(s, 0) & POLLIN],
            [s for s in wlist if ready.get(s, 0) & POLLOUT],
            [s for s in xlist if ready.get(s, 0) & POLLERR])


#: pyzmq's private name.
_Poller = Poller
