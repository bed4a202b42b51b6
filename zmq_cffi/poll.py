"""Poller and select: wait on many sockets and file descriptors at once."""
from time import monotonic as _monotonic
from typing import Any, Dict, List, Optional, Tuple, Type

from zmq_cffi._ffi import ffi, lib
from zmq_cffi.error import ZMQError, error_for, strerror

__all__ = ["Poller", "select", "zmq_poll"]

_EINTR = lib.EINTR
# After a signal, a blocking wait goes on in slices this long (milliseconds):
# see poll_items and Socket._after_signal.
SIGNAL_SLICE_MS = 50
_ENOTSOCK = lib.ENOTSOCK
_poll = lib.zmqcffi_poll
POLLIN = lib.ZMQ_POLLIN
POLLOUT = lib.ZMQ_POLLOUT
POLLERR = lib.ZMQ_POLLERR
# Counts closes of shadows that share their original's slot (socket.py).  A
# Poller's item array caches that slot, which stays open, so a Poller built
# before such a close rebuilds and then finds the closed shadow.
shadow_closes = [0]


def _timeout_ms(timeout: Optional[float]) -> int:
    if timeout is None or timeout < 0:
        return -1
    return int(timeout)


def poll_items(items: Any, slots: Any, n: int, timeout: Optional[float]) -> int:
    """``zmq_poll`` over a filled ``zmq_pollitem_t`` array; timeout in ms.

    ``slots[i]`` is the slot of item i's socket (NULL for an fd): the call is
    refused with ``-ENOTSOCK`` if one of them is closed (or ``-ETERM`` once
    its context's term() has started).  Retries after a signal whose Python
    handler did not raise, for the rest of the timeout only.

    Returns
    -------
    int
        The number of ready items, or -errno.
    """
    ms = _timeout_ms(timeout)
    if n == 0 and ms < 0:
        # Nothing can ever become ready (and libzmq would sleep ~71 minutes).
        return 0
    deadline = _monotonic() + ms / 1000.0 if ms > 0 else 0.0
    rc = _poll(items, slots, n, ms)
    if rc != -_EINTR:
        return rc
    # A signal interrupted the wait, and its Python handler did not raise, or
    # has not run yet (PyPy may run it a few bytecodes later than CPython).
    # Wait for what is left of the timeout in slices, so that a late handler
    # still runs (and may raise) within a slice rather than after the wait.
    while True:
        if ms < 0:
            slice_ms = SIGNAL_SLICE_MS
        elif ms == 0:
            slice_ms = 0
        else:
            left_ms = int((deadline - _monotonic()) * 1000.0 + 0.999)
            slice_ms = min(max(left_ms, 0), SIGNAL_SLICE_MS)
        rc = _poll(items, slots, n, slice_ms)
        if rc == -_EINTR:
            continue
        if rc != 0 or ms == 0 or (ms > 0 and _monotonic() >= deadline):
            return rc


def _raise_poll_error(rc: int, targets: List[Any], socket_class: Type[Any]) -> None:
    """Raise for a failed poll, naming the closed socket if that was the cause."""
    if -rc == _ENOTSOCK:
        for target in targets:
            if isinstance(target, socket_class) and target.closed:
                _raise_closed(target)
    raise error_for(-rc)


def _raise_closed(sock: Any) -> None:
    raise ZMQError(_ENOTSOCK, "%s (cannot poll %r: %s)"
                   % (strerror(_ENOTSOCK), sock, sock._unusable_reason()))


def _socket_class() -> type:
    from zmq_cffi.socket import Socket

    return Socket


def _fill_item(items: Any, slots: Any, i: int, target: Any, events: int, socket_class: Type[Any]) -> Any:
    """Point poll item i (and its slot) at a Socket, an int fd, or an object
    with fileno().

    Returns what poll results name it by: the Socket, or the fd (for an
    object with fileno(), its fd number, as pyzmq does).
    """
    item = items[i]
    if isinstance(target, socket_class):
        if target.closed:
            _raise_closed(target)
        item.socket = target._handle
        item.fd = 0
        slots[i] = target._slot
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
        slots[i] = ffi.NULL
        key = fd
    item.events = events
    item.revents = 0
    return key


def zmq_poll(sockets: List[Tuple[Any, int]], timeout: Optional[float] = -1) -> List[Tuple[Any, int]]:
    """Poll ``[(socket_or_fd, events), ...]`` once; timeout in ms (-1 or None: for ever).

    Returns the ``[(socket_or_fd, revents)]`` that are ready.
    """
    n = len(sockets)
    items = ffi.new("zmq_pollitem_t[]", max(n, 1))
    slots = ffi.new("zmqcffi_slot_t *[]", max(n, 1))
    cls = _socket_class()
    keys = [_fill_item(items, slots, i, target, events, cls)
            for i, (target, events) in enumerate(sockets)]
    rc = poll_items(items, slots, n, timeout)
    if rc < 0:
        _raise_poll_error(rc, keys, cls)
    return [(keys[i], items[i].revents) for i in range(n) if items[i].revents]


class Poller:
    """Waits for events on many sockets and file descriptors (``zmq_poll``).

    The C item array is built once per change of registrations, so each
    ``poll()`` is one C call plus reading the results.  Closing a registered
    socket (even from another thread, during a poll) is safe: the next poll
    raises ENOTSOCK naming it.
    """

    def __init__(self) -> None:
        self.sockets: List[Tuple[Any, int]] = []
        self._index: Dict[Any, int] = {}
        self._items: Any = None
        self._slots: Any = None
        self._keys: List[Any] = []
        self._built_for = -1  # shadow_closes[0] when the arrays were built

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
        slots = ffi.new("zmqcffi_slot_t *[]", max(n, 1))
        cls = _socket_class()
        self._keys = [_fill_item(items, slots, i, target, flags, cls)
                      for i, (target, flags) in enumerate(self.sockets)]
        self._items = items
        self._slots = slots
        self._built_for = shadow_closes[0]
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
        if items is None or self._built_for != shadow_closes[0]:
            items = self._build()  # registrations changed, or a shadow was closed
        n = len(self.sockets)
        rc = poll_items(items, self._slots, n, timeout)
        if rc <= 0:
            if rc == 0:
                return []
            _raise_poll_error(rc, self._keys, _socket_class())
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
