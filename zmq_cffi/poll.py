"""Poller and select: wait on many sockets and file descriptors at once."""
from typing import Any, Dict, List, Optional, Tuple

from zmq_cffi._ffi import ffi, lib
from zmq_cffi.error import ZMQError, error_for

__all__ = ["Poller", "select", "zmq_poll"]

_EINTR = lib.EINTR
_poll = lib.zmqcffi_poll
POLLIN = lib.ZMQ_POLLIN
POLLOUT = lib.ZMQ_POLLOUT
POLLERR = lib.ZMQ_POLLERR

# Counts socket closes (Socket.close bumps it): a Poller rechecks its sockets
# only when this changed, so a closed socket's handle never reaches zmq_poll.
close_generation = [0]


def _timeout_ms(timeout: Optional[float]) -> int:
    if timeout is None or timeout < 0:
        return -1
    return int(timeout)


def poll_items(items: Any, n: int, timeout: Optional[float]) -> int:
    """``zmq_poll`` over a filled ``zmq_pollitem_t`` array; timeout in ms.

    Retries after a signal whose Python handler did not raise.
    """
    ms = _timeout_ms(timeout)
    if n == 0 and ms < 0:
        # Nothing can ever become ready (and libzmq would sleep ~71 minutes).
        return 0
    rc = _poll(items, n, ms)
    while rc == -_EINTR:
        # The signal's Python handler ran before this line and did not raise.
        rc = _poll(items, n, ms)
    if rc < 0:
        raise error_for(-rc)
    return rc


def _socket_class() -> type:
    from zmq_cffi.socket import Socket

    return Socket


def _fill_item(item: Any, target: Any, events: int, socket_class: type) -> Any:
    """Point one poll item at a Socket, an int fd, or an object with fileno().

    Returns what poll results name it by: the Socket, or the fd (for an
    object with fileno(), its fd number, as pyzmq does).
    """
    if isinstance(target, socket_class):
        if target.closed:
            raise ZMQError(lib.ENOTSOCK, "cannot poll a closed socket: %r" % (target,))
        item.socket = target._handle
        item.fd = 0
        key = target
    else:
        fd = target if isinstance(target, int) else None
        if fd is None:
            fileno = getattr(target, "fileno", None)
            if fileno is None:
                raise TypeError("cannot poll %r: not a Socket, an fd, or an object with fileno()"
                                % (target,))
            fd = fileno()
        if fd < 0:
            raise ValueError("invalid file descriptor %r" % (fd,))
        item.socket = ffi.NULL
        item.fd = fd
        key = fd
    item.events = events
    item.revents = 0
    return key


def zmq_poll(sockets: List[Tuple[Any, int]], timeout: Optional[float] = None) -> List[Tuple[Any, int]]:
    """Poll ``[(socket_or_fd, events), ...]`` once; timeout in ms (None: for ever).

    Returns the ``[(socket_or_fd, revents)]`` that are ready.
    """
    n = len(sockets)
    items = ffi.new("zmq_pollitem_t[]", max(n, 1))
    cls = _socket_class()
    keys = [_fill_item(items[i], target, events, cls) for i, (target, events) in enumerate(sockets)]
    poll_items(items, n, timeout)
    return [(keys[i], items[i].revents) for i in range(n) if items[i].revents]


class Poller:
    """Waits for events on many sockets and file descriptors (``zmq_poll``).

    The C item array is built once per change of registrations, so each
    ``poll()`` is one C call plus reading the results.
    """

    def __init__(self) -> None:
        self.sockets: List[Tuple[Any, int]] = []
        self._index: Dict[Any, int] = {}
        self._items: Any = None
        self._keys: List[Any] = []
        self._generation = -1

    def __contains__(self, socket: Any) -> bool:
        return socket in self._index

    def register(self, socket: Any, flags: int = POLLIN | POLLOUT) -> None:
        """Start (or change) watching ``socket`` for ``flags``; 0 unregisters.

        Parameters
        ----------
        socket : Socket, int or object with fileno()
            What to watch.
        flags : int, optional
            POLLIN, POLLOUT and/or POLLERR (default POLLIN|POLLOUT).
        """
        if flags:
            if socket in self._index:
                self.sockets[self._index[socket]] = (socket, flags)
            else:
                self._index[socket] = len(self.sockets)
                self.sockets.append((socket, flags))
            self._items = None
        elif socket in self._index:
            self.unregister(socket)

    def modify(self, socket: Any, flags: int = POLLIN | POLLOUT) -> None:
        """Change the flags of a registered socket."""
        self.register(socket, flags)

    def unregister(self, socket: Any) -> None:
        """Stop watching ``socket``.

        Raises
        ------
        KeyError
            If it was not registered.
        """
        idx = self._index.pop(socket)
        self.sockets.pop(idx)
        for other, _ in self.sockets[idx:]:
            self._index[other] -= 1
        self._items = None

    def _build(self) -> Any:
        n = len(self.sockets)
        items = ffi.new("zmq_pollitem_t[]", max(n, 1))
        cls = _socket_class()
        self._keys = [_fill_item(items[i], target, flags, cls)
                      for i, (target, flags) in enumerate(self.sockets)]
        self._items = items
        self._generation = close_generation[0]
        return items

    def poll(self, timeout: Optional[float] = None) -> List[Tuple[Any, int]]:
        """Wait for events.

        Parameters
        ----------
        timeout : int, optional
            Milliseconds to wait; None or negative waits for ever.

        Returns
        -------
        list of (socket, event mask)
            The registered sockets that are ready, with their events.
        """
        items = self._items
        # Rebuild when registrations changed, or when any socket was closed since.
        if items is None or self._generation != close_generation[0]:
            items = self._build()
        n = len(self.sockets)
        if poll_items(items, n, timeout) == 0:
            return []
        keys = self._keys
        return [(keys[i], items[i].revents) for i in range(n) if items[i].revents]


def select(rlist: List[Any], wlist: List[Any], xlist: List[Any],
           timeout: Optional[float] = None) -> Tuple[List[Any], List[Any], List[Any]]:
    """Like ``select.select`` for sockets and fds; timeout in seconds.

    Returns
    -------
    (readable, writable, in_error) lists
    """
    poller = Poller()
    for targets, flag in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLERR)):
        for target in targets:
            flags = dict(poller.sockets).get(target, 0)
            poller.register(target, flags | flag)
    ms = None if timeout is None or timeout < 0 else int(timeout * 1000)
    ready = dict(poller.poll(ms))
    return ([s for s in rlist if ready.get(s, 0) & POLLIN],
            [s for s in wlist if ready.get(s, 0) & POLLOUT],
            [s for s in xlist if ready.get(s, 0) & POLLERR])
