"""asyncio support: a Context, Socket and Poller whose waiting calls return Futures.

Use it as pyzmq's ``zmq.asyncio``::

    import zmq_cffi as zmq
    import zmq_cffi.asyncio

    ctx = zmq_cffi.asyncio.Context()
    sock = ctx.socket(zmq.DEALER)
    await sock.send_multipart([b"hello"])
    reply = await sock.recv_multipart()

How it meets the event loop
---------------------------
libzmq gives each socket one file descriptor (the ``FD`` option) that becomes
readable when the socket's command mailbox has something in it.  It is *edge
triggered* as far as messages go: any libzmq call on the socket (a send, a
recv, reading ``EVENTS``) may process the pending commands and leave the FD
silent, although messages are now waiting.  So the FD only says "look
again", and the truth is always ``EVENTS``.

Every socket keeps two FIFO queues of waiters, one for receives and one for
sends.  The rule that keeps nothing stuck: whenever a waiter is queued, either
the last libzmq call on the socket showed its event was not ready (so the FD
will fire when it becomes ready), or a re-check is scheduled with
``loop.call_soon``.  The FD's reader and the re-check run the same routine,
which reads ``EVENTS`` and serves the waiters at the head of the queues.

A receive takes a message from libzmq only at the moment it completes a
future that is still pending, so cancelling a receive (or its timing out)
never loses a message: the next receive gets it.

One window remains, and it is asyncio's: a task may be cancelled after the
future it awaits got its message but before the task resumed.  Since Python
3.12 ``asyncio.wait_for`` cancels that way whenever its timeout fires at that
moment, and ``asyncio.timeout``, ``TaskGroup`` and ``task.cancel()`` can on
any version; the message would be dropped with the cancelled await.  A
receive's future (``_RecvFuture``) notices that the exception thrown into its
``await`` found it already holding a message, and gives the message back to
its socket: the next receive returns it, before anything libzmq still holds
(messages given back are ordered by when they were received).
"""
import asyncio
import bisect
import pickle
import selectors
import warnings
from collections import deque
from typing import (TYPE_CHECKING, Any, Awaitable, Callable, Deque, List, Literal, Optional, Sequence, Tuple, Union,
                    overload)

from zmq_cffi.constants import (
    DONTWAIT,
    ENOTSOCK,
    EVENTS,
    POLLIN,
    POLLOUT,
    RCVMORE,
    RCVTIMEO,
    SNDTIMEO,
    SocketOption,
)
from zmq_cffi.context import Context as _SyncContext
from zmq_cffi.error import Again, ZMQError
from zmq_cffi.frame import Frame, MessageTracker
from zmq_cffi.poll import Poller as _SyncPoller
from zmq_cffi.socket import Socket as _SyncSocket
from zmq_cffi.utils import jsonapi

__all__ = ["Context", "Socket", "Poller", "ZMQEventLoop", "install"]

# Plain ints: flag arithmetic on IntEnum members is slower.
_NOBLOCK = int(DONTWAIT)
_POLLIN = int(POLLIN)
_POLLOUT = int(POLLOUT)
_EVENTS = int(EVENTS)
_RCVTIMEO = int(RCVTIMEO)
_RCVMORE = int(RCVMORE)
_SNDTIMEO = int(SNDTIMEO)
_ENOTSOCK = int(ENOTSOCK)

# What a waiter waits to do.  Waiters are plain tuples, the cheapest object
# to build on the hot path:
#   (future, kind, deadline, flags, copy, track, payload, extra)
# deadline: loop.time() at which RCVTIMEO/SNDTIMEO expires, or None
# receives: payload = transform applied to the result (or None),
#           extra = (buffer, nbytes) for recv_into
# sends:    payload = the data, extra = keyword arguments for the send
# polls:    flags = the poll mask; the future gets the ready events
_RECV = 0
_RECV_MULTIPART = 1
_RECV_INTO = 2
_SEND = 3
_SEND_MULTIPART = 4
_POLL = 5

_get_running_loop = asyncio.get_running_loop

Waiter = Tuple[Any, ...]


def _loop_outside_coroutine() -> asyncio.AbstractEventLoop:
    """The loop to use when called with no loop running (as pyzmq does, warn)."""
    warnings.warn(
        "zmq_cffi.asyncio was called with no running event loop; "
        "call it from a coroutine or callback running in the loop",
        RuntimeWarning,
        stacklevel=4,
    )
    return asyncio.get_event_loop()


def _poll_time_out(future: "asyncio.Future[Any]") -> None:
    """A poll's own timeout: nothing became ready."""
    if not future.done():
        future.set_result(0)


def _drop_waiters(queue: Deque[Waiter]) -> List[Any]:
    """Empty a queue; return the futures still pending."""
    pending = [waiter[0] for waiter in queue if not waiter[0].done()]
    queue.clear()
    return pending


def _has_live_waiter(queue: Deque[Waiter]) -> bool:
    """Drop finished futures at the head of ``queue``; is anything still waiting?"""
    while queue and queue[0][0].done():
        queue.popleft()
    return bool(queue)


def _cancel_quietly(futures: List[Any]) -> None:
    for future in futures:
        try:
            future.cancel()
        except RuntimeError:
            pass  # its loop is closed already (interpreter or test teardown)


def _warn_io_loop_ignored(obj: Any) -> None:
    """Warn that ``io_loop=`` given to ``obj``'s constructor is ignored."""
    warnings.warn(
        "%s(io_loop=...) is deprecated and ignored: the running loop is used"
        % type(obj).__name__,
        DeprecationWarning,
        stacklevel=3,  # the caller of obj's __init__
    )


def _into_room(extra: Any) -> Tuple[memoryview, int]:
    """recv_into's (buffer, nbytes): a byte view of the buffer and how much of it a part may fill."""
    view = memoryview(extra[0]).cast("B")
    return view, min(len(view), extra[1] or len(view))


def _as_part(part: Any, copy: bool) -> Any:
    """A given-back message part as a receive with ``copy`` returns it."""
    if copy:
        return part.bytes if isinstance(part, Frame) else part
    return part if isinstance(part, Frame) else Frame(part)


class _RecvFuture(asyncio.Future):  # type: ignore[type-arg]
    """The Future of a receive: never drops the message of a cancelled await.

    asyncio lets a task be cancelled after the future it awaits was given
    its result and before the task resumes (``wait_for``'s timeout does so
    since Python 3.12); the result would then be lost.  When an exception
    is thrown into the ``await`` of a future that holds a received message,
    the message goes back to its socket for the next receive.
    """

    # (socket, receive number, kind, message before the transform or None,
    # extra): set when a waiting receive completes.  A slot, not a __dict__.
    __slots__ = ("_zmq_taken",)

    def __await__(self) -> Any:
        if not self.done():
            self._asyncio_future_blocking = True
            try:
                yield self
            except BaseException:
                taken = getattr(self, "_zmq_taken", None)
                if taken is not None and not self.cancelled():
                    self._zmq_taken = None
                    taken[0]._give_back(taken, self.result())
                raise
        if not self.done():
            raise RuntimeError("await wasn't used with future")
        return self.result()

    __iter__ = __await__


class Socket(_SyncSocket["asyncio.Future[Any]"]):
    """A Socket whose send, recv and poll methods return asyncio Futures.

    Every method that could wait (``send*``, ``recv*``, ``poll``) returns an
    ``asyncio.Future`` of the running loop at once; await it for the result.
    The other methods (bind, options, ...) are those of ``zmq_cffi.Socket``.

    * ``flags=zmq.NOBLOCK``: the future is complete on return (with Again if
      nothing could be done).
    * ``RCVTIMEO``/``SNDTIMEO`` >= 0: a waiting receive/send fails with
      ``zmq.Again`` after that many milliseconds.
    * Cancelling a receive never loses a message, not even when the task
      is cancelled after the message arrived (``wait_for``'s timeout on
      Python 3.12+): the next receive returns it.
    * A cancelled send either was sent (its Future, if kept, is done and
      not cancelled) or was not (the Future is cancelled).
    * ``close()`` cancels every pending future.

    Parameters
    ----------
    context : Context or Socket, optional
        The context to create the socket in (default ``Context.instance()``),
        or a synchronous Socket to wrap (as :meth:`from_socket`).
    socket_type : int
        The socket type (zmq.DEALER, zmq.SUB, ...).
    io_loop : object, optional
        Deprecated and ignored: the running loop is always used.
    **kwargs
        Passed to ``zmq_cffi.Socket`` (``shadow``, ``copy_threshold``).
    """

    # Defaults at class level, so close() and __del__ work on an object whose
    # __init__ failed half way.
    # None only before __init__ sets it (every use comes after).
    _sync: _SyncSocket[Any] = None  # type: ignore[assignment]
    _owns_sync = False
    _closes_sync = False
    _loop: Optional[asyncio.AbstractEventLoop] = None
    _fd = -1
    _recheck_pending = False
    # One timer per socket serves every RCVTIMEO/SNDTIMEO deadline: arming a
    # loop timer for each waiting call would cost more than the wait itself.
    _timer: Optional[asyncio.TimerHandle] = None
    _timer_when = 0.0
    _recv_waiters: Deque[Waiter] = ()  # type: ignore[assignment]  # a deque once built
    _send_waiters: Deque[Waiter] = ()  # type: ignore[assignment]
    _rcvtimeo: Optional[int] = None  # cached option; None: read it each time
    _sndtimeo: Optional[int] = None
    # Messages given back by cancelled awaits (see _RecvFuture), in the order
    # they were received: [(receive number, parts, libzmq holds more parts)].
    _returned: List[Tuple[int, List[Any], bool]] = ()  # type: ignore[assignment]  # a list once used
    # Receives completed so far (numbers them): a one-item list, because
    # setting a Socket attribute goes through a Python __setattr__.
    _received: List[int] = [0]  # each socket gets its own in __init__
    _returned_rcvmore: Optional[int] = None  # RCVMORE after a part served from _returned

    def __init__(self, context: Optional[Any] = None, socket_type: int = -1,
                 io_loop: Any = None, _from_socket: Optional[_SyncSocket[Any]] = None,
                 **kwargs: Any) -> None:
        if isinstance(context, _SyncSocket):
            context, _from_socket = None, context
        if _from_socket is not None:
            if _from_socket.closed:
                raise ZMQError(_ENOTSOCK, "cannot wrap a closed socket: %r" % (_from_socket,))
            super().__init__(_from_socket.context, shadow=_from_socket)  # type: ignore[misc]  # (self type: users')
        else:
            super().__init__(context, socket_type, **kwargs)  # type: ignore[misc]
        if io_loop is not None:
            _warn_io_loop_ignored(self)
        if _from_socket is not None:
            # Operations run on the caller's socket itself; like pyzmq,
            # closing this wrapper closes it.
            sync = _from_socket
            self._closes_sync = True
        else:
            # A plain Socket over the same handle runs the operations: the
            # base class's multipart and string helpers call self.send and
            # self.recv, which here return Futures.  It is not listed in the
            # context (destroy() reaches it through this socket's close).
            sync = _SyncSocket(self.context, shadow=self)
            self.context._rm_socket(sync)
            self._owns_sync = True
        self._recv_waiters = deque()
        self._send_waiters = deque()
        self._received = [0]
        self._sync = sync
        self._fd = sync.get(SocketOption.FD)
        if not self._shadow:
            # Only this object can change the timeouts of a socket it owns
            # (set() keeps the cache current), so read them once.
            self._rcvtimeo = sync.get(SocketOption.RCVTIMEO)
            self._sndtimeo = sync.get(SocketOption.SNDTIMEO)

    @classmethod
    def from_socket(cls, socket: _SyncSocket[Any], io_loop: Any = None) -> "Socket":
        """Wrap a synchronous Socket; closing the wrapper closes it too.

        Parameters
        ----------
        socket : zmq_cffi.Socket
            The socket to wrap (it keeps working as before).
        io_loop : object, optional
            Deprecated and ignored.
        """
        return cls(_from_socket=socket, io_loop=io_loop)

    # ---- life cycle ----------------------------------------------------------

    def close(self, linger: Optional[int] = None) -> None:
        """Close the socket, cancelling every pending Future first.

        Parameters
        ----------
        linger : int, optional
            If given, set LINGER (ms) first (see ``zmq_cffi.Socket.close``).
        """
        sync = self._sync
        if not self._closed and sync is not None:
            self._release_io()
            if self._owns_sync:
                # A shadow: closing it frees nothing, but it must be marked
                # closed while the handle is still valid.
                sync.close()
        super().close(linger)
        if self._closes_sync and sync is not None:
            sync.close(linger)  # from_socket: the caller's socket owns the handle

    def _release_io(self) -> None:
        """Cancel the pending futures and stop watching the FD."""
        self._returned = ()  # type: ignore[assignment]  # unread, as libzmq's queue
        _cancel_quietly(_drop_waiters(self._recv_waiters) + _drop_waiters(self._send_waiters))
        self._stop_timer()
        loop = self._loop
        self._loop = None
        if loop is not None and not loop.is_closed():
            try:
                loop.remove_reader(self._fd)
            except (ValueError, OSError):
                pass

    def _disown(self, reason: str) -> None:
        # After fork: forget the loop too (it belongs to the parent).
        super()._disown(reason)
        self._loop = None
        self._returned = ()  # type: ignore[assignment]
        if self._sync is not None:
            self._recv_waiters.clear()
            self._send_waiters.clear()
            if self._owns_sync:
                self._sync._disown(reason)

    def _closed_error(self) -> ZMQError:
        try:
            self._raise(-_ENOTSOCK)
        except ZMQError as exc:
            return exc
        raise AssertionError("unreachable")

    # ---- the event loop --------------------------------------------------------

    def _switch_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch the FD from ``loop`` (the first call, or a new loop).

        Waiters of a previous loop can never be awaited again: cancel them.
        """
        old = self._loop
        if old is not None:
            _cancel_quietly(_drop_waiters(self._recv_waiters) + _drop_waiters(self._send_waiters))
            self._stop_timer()
            if not old.is_closed():
                try:
                    old.remove_reader(self._fd)
                except (ValueError, OSError):
                    pass
        self._recheck_pending = False
        loop.add_reader(self._fd, self._serve)
        self._loop = loop

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        """The loop this socket's futures belong to: the running one (or the
        current one outside a coroutine), watched from now on (pyzmq's name)."""
        try:
            loop = _get_running_loop()
        except RuntimeError:
            loop = _loop_outside_coroutine()
        if loop is not self._loop and not self._closed:
            self._switch_loop(loop)
        return loop

    @property
    def _recv_futures(self) -> List["asyncio.Future[Any]"]:
        """The futures of receives (and polls for POLLIN) still waiting (pyzmq's name)."""
        return [waiter[0] for waiter in self._recv_waiters if not waiter[0].done()]

    @property
    def _send_futures(self) -> List["asyncio.Future[Any]"]:
        """The futures of sends still waiting (pyzmq's name)."""
        return [waiter[0] for waiter in self._send_waiters if not waiter[0].done()]

    def _stop_timer(self) -> None:
        timer = self._timer
        if timer is not None:
            self._timer = None
            timer.cancel()

    def _arm_timer(self, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        """Make sure the deadline timer fires no later than ``deadline``."""
        timer = self._timer
        if timer is not None:
            if self._timer_when <= deadline:
                return
            timer.cancel()
        self._timer_when = deadline
        self._timer = loop.call_at(deadline, self._expire_waiters)

    def _expire_waiters(self) -> None:
        """The deadline timer fired: fail the waiters whose time is up with
        Again (as libzmq's own timeouts do), and re-arm for the next one."""
        self._timer = None
        loop = self._loop
        if loop is None or self._closed:
            return
        now = loop.time()
        next_deadline = None
        for queue in (self._recv_waiters, self._send_waiters):
            while queue and queue[0][0].done():
                queue.popleft()
            for waiter in queue:
                deadline = waiter[2]
                if deadline is None or waiter[0].done():
                    continue
                if deadline <= now:
                    waiter[0].set_exception(Again())
                elif next_deadline is None or deadline < next_deadline:
                    next_deadline = deadline
        if next_deadline is not None:
            self._arm_timer(loop, next_deadline)

    def _deadline(self, loop: asyncio.AbstractEventLoop, option: int) -> Optional[float]:
        """When a call waiting from now should fail, by RCVTIMEO or SNDTIMEO."""
        timeout = self._rcvtimeo if option == _RCVTIMEO else self._sndtimeo
        if timeout is None:
            timeout = int(self._sync.get(option))  # RCVTIMEO or SNDTIMEO: an int
        if timeout < 0:
            return None
        deadline = loop.time() + timeout * 1e-3
        self._arm_timer(loop, deadline)
        return deadline

    def _any_waiter(self) -> bool:
        """Is any call still waiting (in either queue)?"""
        return _has_live_waiter(self._recv_waiters) or _has_live_waiter(self._send_waiters)

    def _recheck_soon(self) -> None:
        """Re-read EVENTS on the next loop iteration (once, however often asked)."""
        if not self._recheck_pending and self._loop is not None:
            self._recheck_pending = True
            self._loop.call_soon(self._serve)

    def _serve(self) -> None:
        """The FD is readable, or a re-check is due: serve what is ready.

        Reading EVENTS always happens first, even with no waiter: it drains
        the FD's signal, which the selector would otherwise report forever.
        """
        self._recheck_pending = False
        sync = self._sync
        if self._closed or sync is None:
            return
        try:
            events = self._ready_events()
        except ZMQError as exc:
            self._fail_waiters(exc)
            return
        recv_waiters = self._recv_waiters
        send_waiters = self._send_waiters
        # Forget cancelled and timed-out calls at the heads, so that they do
        # not keep asking for re-checks.
        while recv_waiters and recv_waiters[0][0].done():
            recv_waiters.popleft()
        while send_waiters and send_waiters[0][0].done():
            send_waiters.popleft()
        while recv_waiters or send_waiters:
            progressed = False
            if events & _POLLIN and recv_waiters:
                progressed = self._serve_queue(recv_waiters, events, True)
            if events & _POLLOUT and send_waiters:
                progressed = self._serve_queue(send_waiters, events, False) or progressed
            if self._closed:
                return
            if not progressed:
                wanted = (_POLLIN if recv_waiters else 0) | (_POLLOUT if send_waiters else 0)
                if events & wanted:
                    # EVENTS said ready but the call would block: look again later.
                    self._recheck_soon()
                return
            if not (recv_waiters or send_waiters):
                return  # nobody waits: the next call will read EVENTS itself
            # Something was sent or received: EVENTS may have changed, and the
            # FD may not fire for what is already queued.
            try:
                events = self._ready_events()
            except ZMQError as exc:
                self._fail_waiters(exc)
                return

    def _ready_events(self) -> int:
        """EVENTS, with POLLIN while a given-back message waits."""
        events: int = self._sync._events()
        return events | _POLLIN if self._returned else events

    def _give_back(self, taken: Tuple[Any, ...], result: Any) -> None:
        """A cancelled await dropped a received message: keep it for the next receive."""
        if self._closed:
            return  # gone with the socket, as libzmq's unread messages are
        _, number, kind, raw, extra = taken
        if raw is None:
            raw = result
        if kind == _RECV_MULTIPART:
            parts = list(raw)
        elif kind == _RECV:
            parts = [raw]
        else:  # recv_into: the bytes the buffer got
            view, room = _into_room(extra)
            parts = [bytes(view[:min(raw, room)])]
        # Whether libzmq holds more parts of it is known only while it is the
        # latest receive (a later one took them otherwise).
        more = (kind != _RECV_MULTIPART and number == self._received[0] - 1
                and bool(self._rcvmore()))
        if not self._returned:
            self._returned = []
        bisect.insort(self._returned, (number, parts, more))
        if self._recv_waiters and _has_live_waiter(self._recv_waiters):
            self._recheck_soon()

    def _rcvmore(self) -> int:
        if self._returned_rcvmore is not None:
            return self._returned_rcvmore
        return int(self._sync.get(_RCVMORE))

    def _take_returned(self, kind: int, flags: int, copy: bool, track: bool, extra: Any) -> Any:
        """Serve a receive from the messages given back, first in line."""
        returned = self._returned
        number, parts, more = returned[0]
        if kind == _RECV_MULTIPART:
            del returned[0]
            message = [_as_part(part, copy) for part in parts]
            if more:  # the rest is still in libzmq (a whole message arrives at once)
                message += self._sync.recv_multipart(flags | _NOBLOCK, copy, track)
            self._returned_rcvmore = 0
            return message
        if len(parts) > 1:
            returned[0] = (number, parts[1:], more)
            self._returned_rcvmore = 1
        else:
            del returned[0]
            self._returned_rcvmore = int(more)
        part = parts[0]
        if kind == _RECV:
            return _as_part(part, copy)
        data = memoryview(part).cast("B")
        view, room = _into_room(extra)
        view[:min(room, len(data))] = data[:room]
        return len(data)

    def _serve_queue(self, waiters: Deque[Waiter], events: int, receiving: bool) -> bool:
        """Serve the head of one queue: drop finished futures, answer polls,
        and perform at most one send or receive.  True if anything changed."""
        progressed = False
        while waiters:
            waiter = waiters[0]
            future = waiter[0]
            if future.done():  # cancelled or timed out: skip it, take nothing
                waiters.popleft()
                progressed = True
                continue
            kind = waiter[1]
            if kind == _POLL:
                waiters.popleft()
                future.set_result(events & waiter[3])
                progressed = True
                continue
            if receiving:
                finished = self._recv_now(future, kind, waiter[3], waiter[4], waiter[5],
                                          waiter[6], waiter[7], True, True)
            else:
                finished = self._send_now(future, kind, waiter[6], waiter[3], waiter[4],
                                          waiter[5], waiter[7], True)
            if finished:
                waiters.popleft()
                return True
            return progressed
        return progressed

    def _fail_waiters(self, exc: BaseException) -> None:
        """The socket became unusable (e.g. its context was terminated)."""
        for future in _drop_waiters(self._recv_waiters) + _drop_waiters(self._send_waiters):
            try:
                future.set_exception(exc)
            except RuntimeError:
                pass
        self._stop_timer()
        # Stop watching: a socket in this state may keep its FD readable.
        loop = self._loop
        self._loop = None
        if loop is not None and not loop.is_closed():
            try:
                loop.remove_reader(self._fd)
            except (ValueError, OSError):
                pass

    # ---- performing operations -----------------------------------------------

    def _recv_now(self, future: "asyncio.Future[Any]", kind: int, flags: int, copy: bool,
                  track: bool, transform: Optional[Callable[[Any], Any]], extra: Any,
                  may_wait: bool, waited: bool = False) -> bool:
        """Try one receive without blocking and complete ``future`` with it.

        Returns False (future untouched) when it would block and ``may_wait``.
        ``waited``: ``future`` is a waiting receive's (a _RecvFuture, which an
        await may not collect): keep what it needs to give the message back.
        """
        sync = self._sync
        raw: Any
        try:
            if self._returned:
                raw = self._take_returned(kind, flags, copy, track, extra)
            else:
                if self._returned_rcvmore is not None:
                    self._returned_rcvmore = None
                if kind == _RECV_MULTIPART:
                    raw = sync.recv_multipart(flags | _NOBLOCK, copy, track)
                elif kind == _RECV:
                    raw = sync.recv(flags | _NOBLOCK, copy, track)
                else:
                    raw = sync.recv_into(extra[0], nbytes=extra[1], flags=flags | _NOBLOCK)
            result = raw if transform is None else transform(raw)
        except Again as exc:
            if may_wait:
                return False
            future.set_exception(exc)
            return True
        except Exception as exc:
            future.set_exception(exc)
            return True
        received = self._received
        number = received[0]
        received[0] = number + 1
        if waited:
            future._zmq_taken = (  # type: ignore[attr-defined]
                self, number, kind, None if transform is None else raw, extra)
        future.set_result(result)
        return True

    def _send_now(self, future: "asyncio.Future[Any]", kind: int, data: Any, flags: int,
                  copy: bool, track: bool, kwargs: Optional[dict[str, Any]], may_wait: bool) -> bool:
        """Try one send without blocking and complete ``future`` with it.

        Returns False (future untouched) when it would block and ``may_wait``.
        """
        sync = self._sync
        try:
            if kind == _SEND_MULTIPART:
                if kwargs:
                    result = sync.send_multipart(data, flags | _NOBLOCK, copy, track, **kwargs)
                else:
                    result = sync.send_multipart(data, flags | _NOBLOCK, copy, track)
            elif kwargs:
                result = sync.send(data, flags | _NOBLOCK, copy, track, **kwargs)
            else:
                result = sync.send(data, flags | _NOBLOCK, copy, track)
        except Again as exc:
            if may_wait:
                return False
            future.set_exception(exc)
            return True
        except Exception as exc:
            future.set_exception(exc)
            return True
        future.set_result(result)
        return True

    def _start_recv(self, kind: int, flags: int, copy: bool, track: bool,
                    transform: Optional[Callable[[Any], Any]],
                    extra: Any) -> "asyncio.Future[Any]":
        try:
            loop = _get_running_loop()
        except RuntimeError:
            loop = _loop_outside_coroutine()
        if flags & _NOBLOCK:
            # Done at once, even ahead of queued receives (as pyzmq does).
            future = loop.create_future()
            if self._closed:
                future.set_exception(self._closed_error())
                return future
            if loop is not self._loop:
                self._switch_loop(loop)
            self._recv_now(future, kind, flags, copy, track, transform, extra, False)
            if self._any_waiter():
                self._recheck_soon()
            return future
        if self._closed:
            self._raise(-_ENOTSOCK)
        if loop is not self._loop:
            self._switch_loop(loop)
        waiters = self._recv_waiters
        while waiters and waiters[0][0].done():
            waiters.popleft()
        # Reading EVENTS first is cheaper than a receive that fails.
        if not waiters and (self._returned or self._sync._events() & _POLLIN):
            future = loop.create_future()
            if self._recv_now(future, kind, flags, copy, track, transform, extra, True):
                if self._send_waiters and _has_live_waiter(self._send_waiters):
                    self._recheck_soon()
                return future
        # It waits: its Future must give the message back if its await is cancelled.
        future = _RecvFuture(loop=loop)
        waiters.append((future, kind, self._deadline(loop, _RCVTIMEO), flags, copy, track,
                        transform, extra))
        if self._send_waiters and _has_live_waiter(self._send_waiters):
            self._recheck_soon()
        return future

    def _start_send(self, kind: int, data: Any, flags: int, copy: bool, track: bool,
                    kwargs: Optional[dict[str, Any]]) -> "asyncio.Future[Any]":
        try:
            loop = _get_running_loop()
        except RuntimeError:
            loop = _loop_outside_coroutine()
        future = loop.create_future()
        if self._closed:
            future.set_exception(self._closed_error())
            return future
        if loop is not self._loop:
            self._switch_loop(loop)
        waiters = self._send_waiters
        while waiters and waiters[0][0].done():
            waiters.popleft()
        # Queued sends go first: a message must never overtake another.
        if not waiters and self._send_now(future, kind, data, flags, copy, track, kwargs,
                                          not flags & _NOBLOCK):
            if self._recv_waiters and _has_live_waiter(self._recv_waiters):
                self._recheck_soon()
            return future
        waiters.append((future, kind, self._deadline(loop, _SNDTIMEO), flags, copy, track,
                        data, kwargs))
        if self._recv_waiters and _has_live_waiter(self._recv_waiters):
            self._recheck_soon()
        return future

    def _watch(self, loop: asyncio.AbstractEventLoop, watcher: "asyncio.Future[Any]",
               mask: int) -> None:
        """Complete ``watcher`` with the ready events once any of ``mask`` is ready.

        Like pyzmq, a RCVTIMEO (for POLLIN) or SNDTIMEO (for POLLOUT) of the
        socket fails the watcher with Again when it expires first.
        """
        if self._closed:
            self._raise(-_ENOTSOCK)
        if loop is not self._loop:
            self._switch_loop(loop)
        recv_waiters = self._recv_waiters
        send_waiters = self._send_waiters
        while recv_waiters and recv_waiters[0][0].done():
            recv_waiters.popleft()
        while send_waiters and send_waiters[0][0].done():
            send_waiters.popleft()
        events = self._ready_events()
        # An event is free to report only if no queued operation claims it first.
        free = (0 if recv_waiters else _POLLIN) | (0 if send_waiters else _POLLOUT)
        mask = int(mask)
        ready = events & mask & free
        if ready:
            watcher.set_result(ready)
        else:
            if mask & _POLLIN:
                recv_waiters.append((watcher, _POLL, self._deadline(loop, _RCVTIMEO), mask,
                                     None, None, None, None))
            if mask & _POLLOUT:
                send_waiters.append((watcher, _POLL, self._deadline(loop, _SNDTIMEO), mask,
                                     None, None, None, None))
        # The EVENTS read may have swallowed the FD's signal for queued waiters.
        if events & ((_POLLIN if recv_waiters else 0) | (_POLLOUT if send_waiters else 0)):
            self._recheck_soon()

    # ---- options -----------------------------------------------------------------

    def set(self, option: int, optval: Union[int, bytes]) -> None:
        """Set a socket option (see ``zmq_cffi.Socket.set``)."""
        super().set(option, optval)
        if option == _RCVTIMEO and self._rcvtimeo is not None:
            self._rcvtimeo = optval  # type: ignore[assignment]  # set() accepted it: an int
        elif option == _SNDTIMEO and self._sndtimeo is not None:
            self._sndtimeo = optval  # type: ignore[assignment]

    def get(self, key: int) -> Union[int, bytes]:  # type: ignore[override]
        """Get a socket option (see ``zmq_cffi.Socket.get``).

        Reading EVENTS may consume the FD's signal, so pending futures are
        re-checked afterwards.
        """
        if key == _RCVMORE and self._returned_rcvmore is not None:
            return self._returned_rcvmore  # the last part came from a given-back message
        value = super().get(key)
        if key == _EVENTS:
            if self._returned:
                value = int(value) | _POLLIN
            if self._any_waiter():
                self._recheck_soon()
        return value

    setsockopt = set

    def getsockopt(self, option: int) -> Union[int, bytes]:  # type: ignore[override]
        """Get a socket option (see :meth:`get`)."""
        return self.get(option)

    # ---- sending -------------------------------------------------------------------

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,  # type: ignore[override]
             **kwargs: Any) -> "asyncio.Future[Optional[MessageTracker]]":
        """Send one message part; returns a Future of None (or a MessageTracker).

        Parameters are those of ``zmq_cffi.Socket.send``.  The Future fails
        with Again at once for NOBLOCK when the message cannot be queued.
        """
        return self._start_send(_SEND, data, flags, copy, track, kwargs)

    def send_multipart(self, msg_parts: Sequence[Any], flags: int = 0, copy: bool = True,  # type: ignore[override]
                       track: bool = False, **kwargs: Any) -> "asyncio.Future[Optional[MessageTracker]]":
        """Send a multipart message; returns a Future of None (or a MessageTracker).

        Parameters are those of ``zmq_cffi.Socket.send_multipart``.
        """
        return self._start_send(_SEND_MULTIPART, msg_parts, flags, copy, track, kwargs)

    # send_string, send_pyobj, send_json and send_serialized of the base
    # class call self.send / self.send_multipart, so they return Futures too.
    if TYPE_CHECKING:
        def send_string(self, u: str, flags: int = 0, copy: bool = True,  # type: ignore[override]
                        encoding: str = "utf-8", **kwargs: Any) -> "asyncio.Future[Optional[MessageTracker]]": ...

        def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = ...,  # type: ignore[override]
                       **kwargs: Any) -> "asyncio.Future[Optional[MessageTracker]]": ...

        def send_json(self, obj: Any, flags: int = 0,  # type: ignore[override]
                      **kwargs: Any) -> "asyncio.Future[Optional[MessageTracker]]": ...

        def send_serialized(self, msg: Any, serialize: Callable[[Any], Sequence[Any]],  # type: ignore[override]
                            flags: int = 0, copy: bool = True,
                            **kwargs: Any) -> "asyncio.Future[Optional[MessageTracker]]": ...

    # ---- receiving -------------------------------------------------------------------

    # What the Futures hold, for type checkers (Awaitable, as pyzmq declares).
    @overload  # type: ignore[override]
    def recv(self, flags: int = 0, copy: Literal[True] = True, track: bool = False) -> "Awaitable[bytes]": ...
    @overload
    def recv(self, flags: int = 0, *, copy: Literal[False], track: bool = False) -> "Awaitable[Frame]": ...
    @overload
    def recv(self, flags: int, copy: Literal[False], track: bool = False) -> "Awaitable[Frame]": ...
    @overload
    def recv(self, flags: int = 0, copy: bool = True,
             track: bool = False) -> "Awaitable[Union[bytes, Frame]]": ...

    def recv(self, flags: int = 0, copy: bool = True,
             track: bool = False) -> "Awaitable[Any]":
        """Receive one message part; returns a Future of bytes (or a Frame).

        Parameters are those of ``zmq_cffi.Socket.recv``.
        """
        return self._start_recv(_RECV, flags, copy, track, None, None)

    @overload  # type: ignore[override]
    def recv_multipart(self, flags: int = 0, copy: Literal[True] = True,
                       track: bool = False) -> "Awaitable[List[bytes]]": ...
    @overload
    def recv_multipart(self, flags: int = 0, *, copy: Literal[False],
                       track: bool = False) -> "Awaitable[List[Frame]]": ...
    @overload
    def recv_multipart(self, flags: int, copy: Literal[False],
                       track: bool = False) -> "Awaitable[List[Frame]]": ...
    @overload
    def recv_multipart(self, flags: int = 0, copy: bool = True,
                       track: bool = False) -> "Awaitable[Union[List[bytes], List[Frame]]]": ...

    def recv_multipart(self, flags: int = 0, copy: bool = True,
                       track: bool = False) -> "Awaitable[List[Any]]":
        """Receive a whole multipart message; returns a Future of the list of parts.

        Parameters are those of ``zmq_cffi.Socket.recv_multipart``.
        """
        return self._start_recv(_RECV_MULTIPART, flags, copy, track, None, None)

    def recv_into(self, buffer: Any, *, nbytes: int = 0, flags: int = 0) -> "asyncio.Future[int]":  # type: ignore[override]
        """Receive one part into ``buffer``; returns a Future of the part's size.

        Parameters are those of ``zmq_cffi.Socket.recv_into``.
        """
        return self._start_recv(_RECV_INTO, flags, True, False, None, (buffer, nbytes))

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> "asyncio.Future[str]":  # type: ignore[override]
        """Receive a str (sent by send_string); returns a Future of it."""
        return self._start_recv(_RECV, flags, True, False,
                                lambda data: data.decode(encoding), None)

    recv_unicode = recv_string  # type: ignore[assignment]

    def recv_pyobj(self, flags: int = 0) -> "asyncio.Future[Any]":
        """Receive a pickled object (sent by send_pyobj); returns a Future of it.

        Never unpickle data from peers you do not trust.
        """
        return self._start_recv(_RECV, flags, True, False, pickle.loads, None)

    def recv_json(self, flags: int = 0, **kwargs: Any) -> "asyncio.Future[Any]":  # type: ignore[override]
        """Receive a JSON document; returns a Future of the object.

        ``kwargs`` go to ``json.loads``.
        """
        if kwargs:
            return self._start_recv(_RECV, flags, True, False,
                                    lambda data: jsonapi.loads(data, **kwargs), None)
        return self._start_recv(_RECV, flags, True, False, jsonapi.loads, None)

    def recv_serialized(self, deserialize: Callable[[List[Any]], Any], flags: int = 0,
                        copy: bool = True) -> "asyncio.Future[Any]":
        """Receive a multipart message; returns a Future of ``deserialize(parts)``."""
        return self._start_recv(_RECV_MULTIPART, flags, copy, False, deserialize, None)

    # ---- polling ---------------------------------------------------------------------

    def poll(self, timeout: Optional[int] = None, flags: int = _POLLIN) -> "asyncio.Future[int]":  # type: ignore[override]
        """Wait until the socket is ready for ``flags``; returns a Future of the
        ready events (0 when ``timeout`` ms pass first; None waits for ever).

        Raises
        ------
        ZMQError
            ENOTSOCK at once if the socket is closed.
        """
        if self._closed:
            self._raise(-_ENOTSOCK)
        try:
            loop = _get_running_loop()
        except RuntimeError:
            loop = _loop_outside_coroutine()
        future = loop.create_future()
        if timeout == 0:
            try:
                ready = int(_SyncSocket.poll(self, 0, flags))
                if self._returned:
                    ready |= flags & _POLLIN
                future.set_result(ready)
            except Exception as exc:
                future.set_exception(exc)
            if self._any_waiter():
                self._recheck_soon()
            return future
        self._watch(loop, future, flags)
        if not future.done() and timeout is not None and timeout > 0:
            timer = loop.call_later(timeout * 1e-3, _poll_time_out, future)
            future.add_done_callback(lambda _: timer.cancel())
        return future

    def __repr__(self) -> str:
        return super().__repr__().replace("<zmq_cffi.", "<zmq_cffi.asyncio.", 1)


def _with_given_back(poller: _SyncPoller, ready: List[Tuple[Any, int]]) -> List[Tuple[Any, int]]:
    """``ready``, plus POLLIN for registered sockets holding a given-back message."""
    waiting = [sock for sock, mask in poller.sockets
               if mask & _POLLIN and isinstance(sock, Socket) and sock._returned]
    if not waiting:
        return ready
    events = dict(ready)
    for sock in waiting:
        events[sock] = events.get(sock, 0) | _POLLIN
    return list(events.items())


class _PollRound:
    """The state of one Poller.poll(): what is watched, and how to undo it."""

    __slots__ = ("poller", "loop", "future", "watcher", "timer", "raw", "async_sockets",
                 "wrappers", "finished")

    def __init__(self, poller: "Poller", loop: asyncio.AbstractEventLoop,
                 future: "asyncio.Future[Any]") -> None:
        self.poller = poller
        self.loop = loop
        self.future = future
        self.watcher = loop.create_future()
        self.timer: Optional[asyncio.TimerHandle] = None
        self.raw: List[Tuple[Any, int]] = []
        self.async_sockets: List[Socket] = []
        self.wrappers: List[Socket] = []
        self.finished = False

    def wake(self, *_ignored: Any) -> None:
        if not self.watcher.done():
            self.watcher.set_result(None)

    def start(self, timeout: Optional[float]) -> None:
        loop = self.loop
        watcher = self.watcher
        for target, mask in self.poller.sockets:
            if isinstance(target, _SyncSocket):
                sock = target
                if not isinstance(sock, Socket):
                    # A synchronous socket: watch it through a temporary wrapper.
                    sock = Socket.from_socket(target)
                    self.wrappers.append(sock)
                self.async_sockets.append(sock)
                sock._watch(loop, watcher, mask)
            else:
                if mask & _POLLIN:
                    loop.add_reader(target, self.wake)
                    self.raw.append((target, selectors.EVENT_READ))
                if mask & _POLLOUT:
                    loop.add_writer(target, self.wake)
                    self.raw.append((target, selectors.EVENT_WRITE))
            if watcher.done():
                break
        if not watcher.done() and timeout is not None and timeout > 0:
            self.timer = loop.call_later(timeout * 1e-3, self.wake)
        watcher.add_done_callback(self.finish)
        self.future.add_done_callback(self.cancel_watcher)

    def cancel_watcher(self, _future: Any) -> None:
        if not self.watcher.done():
            self.watcher.cancel()

    def undo(self) -> None:
        """Stop watching everything (idempotent)."""
        if self.finished:
            return
        self.finished = True
        if self.timer is not None:
            self.timer.cancel()
        loop = self.loop
        if not loop.is_closed():
            for target, kind in self.raw:
                if kind == selectors.EVENT_READ:
                    loop.remove_reader(target)
                else:
                    loop.remove_writer(target)
        for wrapper in self.wrappers:
            # Not close(): that would close the caller's socket.
            wrapper._release_io()
            wrapper._closes_sync = False
            wrapper.close()

    def finish(self, watcher: Any) -> None:
        self.undo()
        future = self.future
        if future.done():
            return
        if watcher.cancelled():
            future.cancel()
            return
        exc = watcher.exception()
        if exc is not None:
            future.set_exception(exc)
            return
        try:
            future.set_result(_with_given_back(self.poller, _SyncPoller.poll(self.poller, 0)))
        except Exception as error:
            future.set_exception(error)
        # zmq_poll read EVENTS of every socket: re-check those with waiters.
        for sock in self.async_sockets:
            if sock._any_waiter():
                sock._recheck_soon()


class Poller(_SyncPoller):
    """A Poller whose ``poll`` returns an asyncio Future of the ready list.

    Registers zmq_cffi sockets (asynchronous or not), file descriptors and
    objects with ``fileno()``, as ``zmq_cffi.Poller`` does.
    """

    def poll(  # type: ignore[override]
        self, timeout: Optional[float] = -1
    ) -> "asyncio.Future[List[Tuple[Any, int]]]":
        """Wait for events; returns a Future of ``[(socket, events), ...]``.

        Parameters
        ----------
        timeout : int, optional
            Milliseconds to wait, then the Future gets ``[]``; None or
            negative (default) waits for ever; 0 polls once, at once.

        Raises
        ------
        ZMQError
            ENOTSOCK at once if a registered socket is closed.
        """
        try:
            loop = _get_running_loop()
        except RuntimeError:
            loop = _loop_outside_coroutine()
        future = loop.create_future()
        if timeout == 0:
            try:
                future.set_result(_with_given_back(self, super().poll(0)))
            except Exception as exc:
                future.set_exception(exc)
            return future
        poll_round = _PollRound(self, loop, future)
        try:
            poll_round.start(timeout)
        except BaseException:
            poll_round.undo()
            if not poll_round.watcher.done():
                poll_round.watcher.cancel()
            raise
        return future


class Context(_SyncContext[Socket]):
    """A Context whose sockets are ``zmq_cffi.asyncio.Socket`` instances.

    ``Context.instance()`` is separate from ``zmq_cffi.Context.instance()``;
    ``Context(sync_context)`` or ``Context.shadow(address)`` share a libzmq
    context with synchronous code.
    """

    _socket_class = Socket
    _instance: Optional["Context"] = None  # not shared with zmq_cffi.Context
    _instance_pid: Optional[int] = None

    def __repr__(self) -> str:
        return super().__repr__().replace("<zmq_cffi.", "<zmq_cffi.asyncio.", 1)


class ProactorSelectorThreadWarning(RuntimeWarning):
    """pyzmq's warning about a selector thread for Windows' proactor loop
    (kept for compatibility; zmq_cffi.asyncio needs a selector loop)."""


def _warn_deprecated() -> None:
    warnings.warn(
        "ZMQEventLoop and install() are deprecated and not needed: "
        "zmq_cffi.asyncio works with the default asyncio loop",
        DeprecationWarning,
        stacklevel=3,
    )


class ZMQEventLoop(asyncio.SelectorEventLoop):
    """Deprecated: a plain selector loop (no special loop is needed)."""

    def __init__(self, selector: Optional[selectors.BaseSelector] = None) -> None:
        _warn_deprecated()
        super().__init__(selector)


def install() -> None:
    """Deprecated and does nothing: no special loop is needed."""
    _warn_deprecated()
