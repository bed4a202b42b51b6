"""Green Context and Socket: blocking calls wait in gevent's hub, not in libzmq.

How a green call blocks
-----------------------
Every call that could block (``send``, ``recv``, their multipart and
``recv_into`` forms, ``poll``) is first made with NOBLOCK.  When libzmq
answers EAGAIN, the calling greenlet parks on a private
:class:`gevent.event.Event` listed in the socket's table of waiters, and a
gevent I/O watcher on the socket's ``FD`` is started (one per socket, only
while somebody waits).  The hub runs other greenlets meanwhile.

The FD is edge-triggered: it only says "read ``EVENTS`` again", and *any*
libzmq call on the socket (a send in another greenlet, a ``zmq_poll``, reading
``EVENTS``) may consume that signal while the state it announced is still
true.  So no waiter relies on the FD alone:

* a waiter reads ``EVENTS`` itself right before parking (nothing else runs
  between that read and the park, so a change after it fires the FD);
* the watcher's callback reads ``EVENTS`` and wakes every waiter whose events
  are ready;
* after every operation on the socket made while waiters exist (a send or
  receive by another greenlet, ``get(EVENTS)``, a green poll), ``EVENTS`` is
  read again and ready waiters are woken, since that operation may have
  eaten the FD's signal.

A woken waiter retries its call with NOBLOCK; if another greenlet got there
first (EAGAIN again) it parks again.  Each waiter has its own Event, so
waking one never hides the wake-up of another.

``RCVTIMEO``/``SNDTIMEO`` are honoured by the green wait (zmq.Again once the
time is up, counted from the start of the call); ``NOBLOCK`` calls go
straight to libzmq.  Closing the socket (from another greenlet) wakes its
waiters, which raise ``ZMQError(ENOTSOCK)`` saying the socket was closed
while they waited.
"""
from time import monotonic as _monotonic
from typing import Any, List, Optional, Sequence, Tuple, Union

import gevent
from gevent.event import Event
from gevent.hub import get_hub

from zmq_cffi.constants import PollEvent, DONTWAIT, EAGAIN, ENOTSOCK, EVENTS, FD, POLLIN, POLLOUT, RCVTIMEO, SNDTIMEO
from zmq_cffi.context import Context as _BaseContext
from zmq_cffi.error import Again, ZMQError, strerror
from zmq_cffi.frame import MessageTracker
from zmq_cffi.socket import Socket as _BaseSocket

__all__ = ["Context", "Socket"]

_NOBLOCK = int(DONTWAIT)
_POLLIN = int(POLLIN)
_POLLOUT = int(POLLOUT)
_EAGAIN = int(EAGAIN)
_ENOTSOCK = int(ENOTSOCK)
_EVENTS = int(EVENTS)
_FD = int(FD)
_RCVTIMEO = int(RCVTIMEO)
_SNDTIMEO = int(SNDTIMEO)
_READ = 1  # libev/libuv "readable" for hub.loop.io

# One parked greenlet: the events it waits for and the Event that wakes it.
_Waiter = Tuple[int, Event]


def _deadline(timeout_ms: int) -> Optional[float]:
    """The monotonic time a wait of ``timeout_ms`` ends (None: never)."""
    if timeout_ms < 0:
        return None
    return _monotonic() + timeout_ms / 1000.0


class Socket(_BaseSocket[bytes]):
    """A zmq_cffi Socket whose blocking calls only block the calling greenlet.

    Use it as ``zmq.Socket`` (it is one): ``Socket(ctx, zmq.PULL)``, or get
    one from a green :class:`Context`.  ``send``/``recv`` and their
    multipart, string, JSON, pickle and ``recv_into`` forms, and ``poll``,
    wait through gevent's hub, so other greenlets run meanwhile.  Unlike
    pyzmq's ``zmq.green``, ``RCVTIMEO``/``SNDTIMEO`` work (zmq.Again after
    the timeout), several greenlets may wait on one socket at once (each
    message goes to one of them), and closing the socket wakes its waiters
    with ``ZMQError(ENOTSOCK)``.

    Parameters
    ----------
    context : Context, optional
        The Context the socket belongs to (default: the green
        ``Context.instance()``).
    socket_type : int
        zmq.REQ, zmq.ROUTER, ...
    **kwargs
        As for :class:`zmq_cffi.Socket` (``shadow``, ``copy_threshold``).
    """

    # Set with object.__setattr__ (Socket.__setattr__ sends other names to
    # socket options); declared for type checkers.
    _green_waiters: List[_Waiter]
    _green_watcher: Any
    _green_fd: int
    _green_rcvtimeo: int
    _green_sndtimeo: int

    def __init__(self, context: Optional[_BaseContext[Any]] = None, socket_type: int = -1,
                 **kwargs: Any) -> None:
        setattr_ = object.__setattr__
        # Before the socket exists, so that close() (from __del__ of a
        # half-built socket) finds them.
        setattr_(self, "_green_waiters", [])
        setattr_(self, "_green_watcher", None)
        setattr_(self, "_green_fd", -1)
        setattr_(self, "_green_rcvtimeo", -1)
        setattr_(self, "_green_sndtimeo", -1)
        if context is None and not kwargs.get("shadow"):
            context = Context.instance()
        super().__init__(context, socket_type, **kwargs)
        setattr_(self, "_green_fd", int(super().get(_FD)))
        if self._shadow:  # the wrapped socket may have timeouts already
            setattr_(self, "_green_rcvtimeo", int(super().get(_RCVTIMEO)))
            setattr_(self, "_green_sndtimeo", int(super().get(_SNDTIMEO)))

    # ---- the waiting machinery -----------------------------------------------

    def _green_check(self) -> int:
        """Read EVENTS and wake the waiters it satisfies; return EVENTS.

        On an error (socket closed, context terminated) every waiter is woken
        so that it retries its call and meets the error itself, and the error
        is raised.
        """
        try:
            ready = self._events()
        except ZMQError:
            self._green_wake_all()
            raise
        waiters = self._green_waiters
        if waiters and ready:
            keep = []
            for waiter in waiters:
                if waiter[0] & ready:
                    waiter[1].set()
                else:
                    keep.append(waiter)
            if len(keep) != len(waiters):
                waiters[:] = keep
                if not keep:
                    self._green_unwatch()
        return ready

    def _green_after_call(self) -> None:
        """After a libzmq call on the socket: it may have consumed the FD's
        signal, so give the waiters what EVENTS says now."""
        if self._green_waiters:
            try:
                self._green_check()
            except ZMQError:
                pass  # the waiters were woken and will meet the error

    def _green_on_fd(self) -> None:
        """The watcher's callback (in the hub): the FD says "look again"."""
        if self._closed:
            self._green_wake_all()
            return
        try:
            self._green_check()
        except ZMQError:
            pass  # waiters woken by _green_check
        except Exception:  # never let the hub die for us; wake, let them see it
            self._green_wake_all()

    def _green_wake_all(self) -> None:
        waiters = self._green_waiters
        for _, event in waiters:
            event.set()
        del waiters[:]
        self._green_unwatch()

    def _green_watch(self) -> None:
        watcher = self._green_watcher
        if watcher is None:
            watcher = get_hub().loop.io(self._green_fd, _READ)
            object.__setattr__(self, "_green_watcher", watcher)
        if not watcher.active:
            watcher.start(self._green_on_fd)

    def _green_unwatch(self, close: bool = False) -> None:
        watcher = self._green_watcher
        if watcher is None:
            return
        watcher.stop()
        if close:
            object.__setattr__(self, "_green_watcher", None)
            watcher.close()

    def _green_add_waiter(self, events: int, event: Event) -> _Waiter:
        """Register ``event`` to be set when EVENTS shows one of ``events``.

        The caller has just seen EVENTS without them (so the FD will fire on
        a change) and must call :meth:`_green_drop_waiter` when done.
        """
        waiter = (events, event)
        self._green_waiters.append(waiter)
        self._green_watch()
        return waiter

    def _green_drop_waiter(self, waiter: _Waiter) -> None:
        waiters = self._green_waiters
        try:
            waiters.remove(waiter)
        except ValueError:
            pass  # already woken
        if not waiters:
            self._green_unwatch()

    def _green_raise_closed(self, what: str) -> None:
        raise ZMQError(_ENOTSOCK, "%s (the socket was closed while %s waited on it)"
                       % (strerror(_ENOTSOCK), what))

    def _green_wait(self, events: int, deadline: Optional[float], what: str) -> int:
        """Park the calling greenlet until EVENTS shows one of ``events``.

        Returns
        -------
        int
            The ready events among ``events``; 0 when ``deadline`` passed first.

        Raises
        ------
        ZMQError
            ENOTSOCK if the socket is (or gets) closed, ContextTerminated
            after ``term()``.
        """
        while True:
            if self._closed:
                self._green_raise_closed(what)
            ready = self._green_check() & events
            if ready:
                return ready
            if deadline is None:
                left = None
            else:
                left = deadline - _monotonic()
                if left <= 0:
                    return 0
            event = Event()
            waiter = self._green_add_waiter(events, event)
            try:
                event.wait(left)
            finally:
                self._green_drop_waiter(waiter)

    def _green_call(self, call: Any, flags: int, events: int, timeout_ms: int, what: str) -> Any:
        """``call(flags | NOBLOCK)``, waiting in the hub while it says EAGAIN."""
        if flags & _NOBLOCK:
            try:
                return call(flags)
            finally:
                self._green_after_call()
        flags |= _NOBLOCK
        deadline = None
        while True:
            try:
                result = call(flags)
            except ZMQError as exc:
                if exc.errno != _EAGAIN:
                    self._green_after_call()
                    raise
            else:
                self._green_after_call()
                return result
            if deadline is None and timeout_ms >= 0:
                deadline = _deadline(timeout_ms)
            if not self._green_wait(events, deadline, what):
                raise Again()

    # ---- life cycle ----------------------------------------------------------

    def close(self, linger: Optional[int] = None) -> None:
        """Close the socket; greenlets waiting on it raise ZMQError(ENOTSOCK).

        Parameters
        ----------
        linger : int, optional
            As for :meth:`zmq_cffi.Socket.close`.
        """
        # The watcher goes first: libzmq may reuse the FD number once closed.
        self._green_unwatch(close=True)
        try:
            super().close(linger)
        finally:
            self._green_wake_all()

    # ---- options ---------------------------------------------------------------

    def set(self, option: int, optval: Union[int, bytes]) -> None:
        """Set a socket option (``RCVTIMEO``/``SNDTIMEO`` bound the green waits)."""
        super().set(option, optval)
        if option == _RCVTIMEO:
            object.__setattr__(self, "_green_rcvtimeo", int(optval))
        elif option == _SNDTIMEO:
            object.__setattr__(self, "_green_sndtimeo", int(optval))

    setsockopt = set

    def get(self, option: int) -> Union[int, bytes]:  # type: ignore[override]  # the base's overloads narrow only for type checkers
        """Get a socket option; reading ``EVENTS`` also wakes ready waiters."""
        value = super().get(option)
        if option == _EVENTS:
            self._green_after_call()
        return value

    getsockopt = get  # type: ignore[assignment]

    # ---- sending ---------------------------------------------------------------

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,  # type: ignore[override]
             routing_id: Optional[int] = None, group: Optional[str] = None) -> Optional[MessageTracker]:
        """Send one message part, blocking only the calling greenlet.

        Parameters are those of :meth:`zmq_cffi.Socket.send`.  Without
        NOBLOCK, waits (in the hub) until the socket accepts the part, or
        raises zmq.Again after ``SNDTIMEO`` ms.
        """
        base_send = super().send
        return self._green_call(
            lambda f: base_send(data, f, copy, track, routing_id, group),
            flags, _POLLOUT, self._green_sndtimeo, "send")

    def send_multipart(self, msg_parts: Sequence[Any], flags: int = 0, copy: bool = True,
                       track: bool = False, **kwargs: Any) -> Optional[MessageTracker]:
        """Send a multipart message, blocking only the calling greenlet.

        libzmq accepts or refuses a multipart message as a whole at its first
        part (the high-water mark counts whole messages), so a refused
        message is retried from its first part once the socket is writable.
        """
        base_send_multipart = super().send_multipart
        return self._green_call(
            lambda f: base_send_multipart(msg_parts, f, copy, track, **kwargs),
            flags, _POLLOUT, self._green_sndtimeo, "send_multipart")

    # ---- receiving -------------------------------------------------------------

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive one message part, blocking only the calling greenlet.

        Parameters are those of :meth:`zmq_cffi.Socket.recv`.  Without
        NOBLOCK, waits (in the hub) for a message, or raises zmq.Again after
        ``RCVTIMEO`` ms.
        """
        if flags & _NOBLOCK:
            try:
                return super().recv(flags, copy, track)
            finally:
                if self._green_waiters:
                    self._green_after_call()
        base_recv = super().recv
        return self._green_call(lambda f: base_recv(f, copy, track),
                                flags, _POLLIN, self._green_rcvtimeo, "recv")

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> List[Any]:
        """Receive all parts of a message, blocking only the calling greenlet.

        The wait is for the first part; the others arrive with it.
        """
        base_recv_multipart = super().recv_multipart
        return self._green_call(lambda f: base_recv_multipart(f, copy, track),
                                flags, _POLLIN, self._green_rcvtimeo, "recv_multipart")

    def recv_into(self, buffer: Any, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one part into ``buffer``, blocking only the calling greenlet.

        Parameters are those of :meth:`zmq_cffi.Socket.recv_into`.
        """
        base_recv_into = super().recv_into
        return self._green_call(lambda f: base_recv_into(buffer, nbytes=nbytes, flags=f),
                                flags, _POLLIN, self._green_rcvtimeo, "recv_into")

    # ---- polling -----------------------------------------------------------------

    def poll(self, timeout: Optional[int] = None, flags: int = _POLLIN) -> int:
        """Wait (in the hub) until the socket is ready for ``flags``.

        Parameters
        ----------
        timeout : int, optional
            Milliseconds; None (default) or negative waits for ever.
        flags : int, optional
            POLLIN and/or POLLOUT.

        Returns
        -------
        int
            The ready events among ``flags`` (0 on timeout).
        """
        if self.closed:
            self._raise(-_ENOTSOCK)
        wanted = flags & (_POLLIN | _POLLOUT)
        if timeout is None or timeout < 0:
            if not flags:
                return 0
            deadline = None
        else:
            deadline = _deadline(int(timeout))
        if not wanted:
            # Only POLLERR or nothing: a ZeroMQ socket never reports those.
            if deadline is not None:
                gevent.sleep(max(deadline - _monotonic(), 0))
            return 0
        ready = self._green_wait(wanted, deadline, "poll")
        return PollEvent(ready) if ready else 0


    def __repr__(self) -> str:
        # <zmq_cffi.Socket(...)> would hide that the socket is green
        return super().__repr__().replace("<zmq_cffi.Socket(", "<zmq_cffi.green.Socket(", 1)


class Context(_BaseContext["Socket"]):
    """A zmq_cffi Context whose sockets are green (:class:`Socket`).

    ``Context.instance()`` is a separate instance from the plain
    ``zmq_cffi.Context.instance()``.

    ``term()`` (and ``destroy()``) wait for libzmq in gevent's thread pool,
    so greenlets blocked on the context's sockets keep running: they get
    ContextTerminated and can close their sockets, which lets ``term()``
    finish.  (A blocking ``zmq_ctx_term`` would freeze them, and itself.)
    """

    _socket_class = Socket
    _instance: Optional[_BaseContext[Any]] = None  # not shared with zmq_cffi.Context
    _instance_pid: Optional[int] = None

    def term(self) -> None:
        """Terminate the context without blocking the hub (see the class doc)."""
        hub = get_hub()
        if gevent.getcurrent() is hub or getattr(self, "_green_finalizing", False):
            super().term()
            return
        # Refuse new calls and wake every waiter now, in this thread: they
        # raise ContextTerminated and may close their sockets.
        if not self._closed and not self._shadow:
            self._stop_sockets()
            for sock in list(self._sockets):
                if isinstance(sock, Socket):
                    sock._green_wake_all()
        hub.threadpool.apply(super().term)

    def __repr__(self) -> str:
        return super().__repr__().replace("<zmq_cffi.Context(", "<zmq_cffi.green.Context(", 1)

    def __del__(self) -> None:
        # A finalizer must not switch greenlets: terminate in this thread.
        object.__setattr__(self, "_green_finalizing", True)
        super().__del__()


#: pyzmq's private names, for code that reaches for them.
_Socket = Socket
_Context = Context
