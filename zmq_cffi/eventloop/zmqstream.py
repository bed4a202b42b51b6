"""ZMQStream: callbacks for a zmq_cffi socket driven by a tornado IOLoop.

This is pyzmq's ``zmq.eventloop.zmqstream``::

    from tornado.ioloop import IOLoop
    from zmq_cffi.eventloop.zmqstream import ZMQStream

    stream = ZMQStream(ctx.socket(zmq.ROUTER))
    stream.bind("tcp://127.0.0.1:5555")
    stream.on_recv(lambda msg: stream.send_multipart(msg))   # echo
    IOLoop.current().start()

How it meets the loop
---------------------
The socket (through its ``fileno()``, libzmq's ``FD``) is registered with
the IOLoop for reading.  That FD only
says "look again": any libzmq call on the socket (a send, a receive, reading
``EVENTS``) may use up its signal while messages are waiting.  So the stream
never trusts the FD alone: after every round of work, and after every change
of what it waits for (``on_recv``, a queued send, ``flush``), it reads
``EVENTS``; if something it wants is ready it schedules one more round with
``IOLoop.add_callback``, otherwise the last libzmq call saw nothing ready and
the FD will fire when that changes.  Each round receives at most one message
and sends at most one, so a busy stream takes turns with the loop's other
work.

Sends are queued: ``send*`` never blocks and never calls libzmq itself; the
loop sends the queued messages in order as the socket accepts them (past the
high-water mark they wait in the stream's queue, not in the caller).
"""
import asyncio
import inspect
import pickle
import warnings
from collections import deque
from typing import TYPE_CHECKING, Any, Final, Callable, Deque, Dict, List, Optional, Sequence, Tuple

from tornado.ioloop import IOLoop
from tornado.log import gen_log

from zmq_cffi.asyncio import Socket as _AsyncSocket
from zmq_cffi.constants import DONTWAIT, EAGAIN, EVENTS, POLLIN, POLLOUT, SocketOption
from zmq_cffi.error import ContextTerminated, ZMQError
from zmq_cffi.socket import Socket
from zmq_cffi.utils import jsonapi

__all__ = ["ZMQStream"]

_POLLIN = int(POLLIN)
_POLLOUT = int(POLLOUT)
_NOBLOCK = int(DONTWAIT)
_EAGAIN = int(EAGAIN)
if TYPE_CHECKING:  # the same option, for type checkers (get() reads an int)
    _EVENTS: Final = SocketOption.EVENTS
else:
    _EVENTS = int(EVENTS)

#: A send callback: ``callback(msg_parts, status)``.
SendCallback = Callable[[List[Any], Any], Any]
#: A receive callback: ``callback(msg_parts)``.
RecvCallback = Callable[[List[Any]], Any]


def _ignore_send(msg: List[Any], status: Any) -> None:
    """The send callback a stream uses when none was registered."""


class _NotCallable(TypeError, AssertionError):
    """A callback that is not callable: a TypeError, and an AssertionError
    for code written for pyzmq (which asserts)."""


def _check_callback(callback: Any) -> None:
    if callback is not None and not callable(callback):
        raise _NotCallable("callback must be callable or None, not %r" % (callback,))


def _log_async_failure(future: "asyncio.Future[Any]") -> None:
    """Done-callback of a coroutine started by a stream callback."""
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        gen_log.error("Uncaught exception in ZMQStream callback",
                      exc_info=(type(exc), exc, exc.__traceback__))


class ZMQStream:
    """Run callbacks on a tornado IOLoop when a socket receives or sends.

    * ``on_recv(callback)``: ``callback(msg)`` for every message received
      (``msg`` is the list of parts, as ``recv_multipart`` returns it);
      ``on_recv_stream`` also passes the stream first.
    * ``send(msg)``, ``send_multipart(msg)``, ``send_string``, ``send_json``,
      ``send_pyobj``: queue a message; the loop sends it and then calls the
      send callback, ``callback(msg, status)`` (``on_send``/``on_send_stream``
      or the ``callback=`` argument).
    * ``stop_on_recv()``, ``stop_on_send()``: drop the callbacks.
    * ``flush()``: do the pending work now; ``close()``: close the stream and
      its socket.

    Callbacks may be coroutine functions; their coroutines are started as
    tasks on the loop.  An exception raised by a callback is logged (on
    ``tornado.general``) and the stream goes on.

    A few socket methods are reachable on the stream itself: ``bind``,
    ``bind_to_random_port``, ``connect``, ``setsockopt``, ``getsockopt`` and
    their ``_string``/``_unicode`` variants.  Everything else goes through
    ``stream.socket``.

    Parameters
    ----------
    socket : zmq_cffi.Socket
        The socket to drive.  Do not receive from it directly while the
        stream receives.  A ``zmq_cffi.asyncio`` socket is accepted with a
        RuntimeWarning and used through a plain Socket over the same libzmq
        socket (closing the stream still closes it).
    io_loop : tornado.ioloop.IOLoop, optional
        The loop to run on (default ``IOLoop.current()``).

    Attributes
    ----------
    socket : zmq_cffi.Socket or None
        The socket; None once the stream is closed.
    io_loop : tornado.ioloop.IOLoop
        The loop the stream runs on.
    """

    socket: Optional[Socket[Any]]
    io_loop: IOLoop

    def __init__(self, socket: Socket[Any], io_loop: Optional[IOLoop] = None) -> None:
        self._owner: Optional[Socket[Any]] = None
        if isinstance(socket, _AsyncSocket):
            warnings.warn(
                "ZMQStream takes a plain zmq_cffi.Socket; %r is used through "
                "zmq_cffi.Socket(shadow=socket) so that callbacks get message "
                "lists, not Futures.  Create it with "
                "ctx.socket(kind, socket_class=zmq_cffi.Socket) instead." % (socket,),
                RuntimeWarning,
                stacklevel=2,
            )
            # A zmq_cffi shadow never owns its libzmq socket: remember the
            # original, so that close() closes it as pyzmq's stream does.
            self._owner = socket
            socket = Socket(shadow=socket)
        self.socket = socket
        self.io_loop = io_loop or IOLoop.current()
        self._fd: int = socket.get(SocketOption.FD)
        self._send_queue: Deque[Tuple[Sequence[Any], Dict[str, Any]]] = deque()
        self._recv_callback: Optional[RecvCallback] = None
        self._recv_copy = True
        self._send_callback: Optional[SendCallback] = None
        self._close_callback: Optional[Callable[[], Any]] = None
        self._recheck_scheduled = False
        # Register the Socket, not its bare FD: IOLoop.close(all_fds=True)
        # closes what was registered, and os.close() on libzmq's internal
        # signaler FD aborts the process later inside libzmq.  Given the
        # Socket, tornado calls socket.close() instead (as with pyzmq).
        self.io_loop.add_handler(self._owner or socket, self._handle_events, IOLoop.READ)
        # The socket methods a stream offers directly, as pyzmq's does.
        self.bind = socket.bind
        self.bind_to_random_port = socket.bind_to_random_port
        self.connect = socket.connect
        self.setsockopt = socket.setsockopt
        self.getsockopt = socket.getsockopt
        self.setsockopt_string = socket.setsockopt_string
        self.getsockopt_string = socket.getsockopt_string
        self.setsockopt_unicode = socket.setsockopt_unicode
        self.getsockopt_unicode = socket.getsockopt_unicode

    # ---- callbacks -------------------------------------------------------------

    def on_recv(self, callback: Optional[RecvCallback], copy: bool = True) -> None:
        """Call ``callback(msg)`` for each message received.

        One receive callback at a time: this replaces the previous one.

        Parameters
        ----------
        callback : callable or None
            Called with one argument, the message as a list of parts.  None
            stops receiving (messages then wait in the socket).
        copy : bool
            True (default): the parts are bytes.  False: they are
            ``zmq_cffi.Frame`` objects (no copy out of libzmq's message).

        Raises
        ------
        OSError
            If the stream is closed.
        """
        self._check_closed()
        _check_callback(callback)
        self._recv_callback = callback
        self._recv_copy = copy
        self._rebuild_io_state()

    def on_recv_stream(self, callback: Optional[Callable[["ZMQStream", List[Any]], Any]],
                       copy: bool = True) -> None:
        """As :meth:`on_recv`, but call ``callback(stream, msg)``.

        Handy when one function serves several streams.
        """
        if callback is None:
            self.stop_on_recv()
            return
        stream_callback = callback

        def call_with_stream(msg: List[Any]) -> Any:
            return stream_callback(self, msg)

        self.on_recv(call_with_stream, copy=copy)

    def stop_on_recv(self) -> None:
        """Stop receiving: drop the receive callback."""
        self.on_recv(None)

    def on_send(self, callback: Optional[SendCallback]) -> None:
        """Call ``callback(msg, status)`` after each queued message is sent.

        ``msg`` is the message as it was queued (a list of parts); ``status``
        is what ``Socket.send_multipart`` returned: None, or a MessageTracker
        for a tracked send.  If the send failed, ``status`` is the ZMQError
        (which is also logged) and the message is dropped.

        Parameters
        ----------
        callback : callable or None
            The send callback; None removes it.

        Raises
        ------
        OSError
            If the stream is closed.
        """
        self._check_closed()
        _check_callback(callback)
        self._send_callback = callback

    def on_send_stream(self, callback: Optional[Callable[["ZMQStream", List[Any], Any], Any]]) -> None:
        """As :meth:`on_send`, but call ``callback(stream, msg, status)``."""
        if callback is None:
            self.stop_on_send()
            return
        stream_callback = callback

        def call_with_stream(msg: List[Any], status: Any) -> Any:
            return stream_callback(self, msg, status)

        self.on_send(call_with_stream)

    def stop_on_send(self) -> None:
        """Drop the send callback (queued messages are still sent)."""
        self.on_send(None)

    def on_err(self, callback: Any) -> None:
        """Deprecated and ignored (pyzmq's streams have no error callback)."""
        gen_log.warning("ZMQStream.on_err does nothing and will be removed")

    def stop_on_err(self) -> None:
        """Deprecated and ignored."""
        gen_log.warning("ZMQStream.stop_on_err does nothing and will be removed")

    def set_close_callback(self, callback: Optional[Callable[[], Any]]) -> None:
        """Call ``callback()`` (no arguments) when the stream closes."""
        self._close_callback = callback

    # ---- sending -----------------------------------------------------------------

    def send_multipart(self, msg: Sequence[Any], flags: int = 0, copy: bool = True,
                       track: bool = False, callback: Optional[SendCallback] = None,
                       **kwargs: Any) -> None:
        """Queue a multipart message; the loop sends it when the socket accepts it.

        Parameters
        ----------
        msg : sequence
            The parts (bytes, buffers or Frames), as for ``Socket.send_multipart``.
        flags, copy, track, **kwargs
            Passed to ``Socket.send_multipart`` when the message is sent.
        callback : callable, optional
            Becomes the stream's send callback (as :meth:`on_send`), called
            for this message and the following ones.

        Raises
        ------
        OSError
            If the stream is closed.
        """
        self._check_closed()
        kwargs["flags"] = flags
        kwargs["copy"] = copy
        kwargs["track"] = track
        self._send_queue.append((msg, kwargs))
        if callback is not None:
            self.on_send(callback)
        elif self._send_callback is None:
            self.on_send(_ignore_send)
        self._rebuild_io_state()

    def send(self, msg: Any, flags: int = 0, copy: bool = True, track: bool = False,
             callback: Optional[SendCallback] = None, **kwargs: Any) -> None:
        """Queue a one-part message (see :meth:`send_multipart`).

        The send callback gets ``[msg]``.
        """
        self.send_multipart([msg], flags=flags, copy=copy, track=track, callback=callback,
                            **kwargs)

    def send_string(self, u: str, flags: int = 0, encoding: str = "utf-8",
                    callback: Optional[SendCallback] = None, **kwargs: Any) -> None:
        """Queue a str, encoded with ``encoding`` (see :meth:`send`).

        Raises
        ------
        TypeError
            If ``u`` is not a str.
        """
        if not isinstance(u, str):
            raise TypeError("send_string takes a str, not %s" % type(u).__name__)
        self.send(u.encode(encoding), flags=flags, callback=callback, **kwargs)

    send_unicode = send_string

    def send_json(self, obj: Any, flags: int = 0, callback: Optional[SendCallback] = None,
                  **kwargs: Any) -> None:
        """Queue ``obj`` serialized as JSON (see :meth:`send`).

        ``kwargs`` go to the send (``copy``, ``track``...), not to the encoder.
        """
        self.send(jsonapi.dumps(obj), flags=flags, callback=callback, **kwargs)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = -1,
                   callback: Optional[SendCallback] = None, **kwargs: Any) -> None:
        """Queue ``obj`` pickled with ``protocol`` (see :meth:`send`)."""
        self.send(pickle.dumps(obj, protocol), flags=flags, callback=callback, **kwargs)

    # ---- state -------------------------------------------------------------------

    def receiving(self) -> bool:
        """True while a receive callback is registered."""
        return self._recv_callback is not None

    def sending(self) -> bool:
        """True while queued messages wait to be sent."""
        return bool(self._send_queue)

    def closed(self) -> bool:
        """True once the stream is closed.

        If the socket was closed behind the stream's back, this closes the
        stream (with a warning, see :meth:`close`) and returns True.
        """
        sock = self.socket
        if sock is None:
            return True
        if sock.closed:
            self.close()
            return True
        return False

    def flush(self, flag: int = _POLLIN | _POLLOUT, limit: Optional[int] = None) -> int:
        """Receive and send what is ready now, without waiting for the loop.

        Received messages go to the receive callback, or are discarded if
        there is none (so ``flush(zmq.POLLIN)`` empties the socket).  Queued
        messages are sent and reported to the send callback.

        Parameters
        ----------
        flag : int
            ``zmq.POLLIN`` to receive, ``zmq.POLLOUT`` to send, or both
            (default).
        limit : int, optional
            Stop after this many messages (received and sent together);
            None or 0 means no limit.

        Returns
        -------
        int
            How many messages were received and sent.

        Raises
        ------
        OSError
            If the stream is closed.
        """
        self._check_closed()
        count = 0
        while not limit or count < limit:
            wanted = (flag & _POLLIN) | (flag & _POLLOUT if self._send_queue else 0)
            if not wanted:
                break
            sock = self.socket
            if sock is None:
                break
            ready = sock.get(_EVENTS) & wanted
            if not ready:
                break
            if ready & _POLLIN:
                self._handle_recv()
                count += 1
                if self.socket is None or (limit and count >= limit):
                    break
            if ready & _POLLOUT and self._send_queue:
                self._handle_send()
                count += 1
        # Reading EVENTS above may have used up the FD's signal.
        self._rebuild_io_state()
        return count

    def close(self, linger: Optional[int] = None) -> None:
        """Close the stream and its socket; closing twice does nothing.

        Messages still queued are first handed to libzmq, without blocking
        (as many as the socket accepts), so that ``send(); close()`` delivers
        them under the socket's LINGER as a plain socket would; the rest are
        dropped.  Then the close callback runs.

        Parameters
        ----------
        linger : int, optional
            If given, the socket's LINGER (ms) for this close.
        """
        sock = self.socket
        if sock is None:
            return
        if sock.closed:
            warnings.warn(
                "%r closed after closing socket: the socket was closed before the "
                "stream, and the stream now stops watching FD %d, which libzmq may "
                "already have reused. Close the stream, not its socket." % (self, self._fd),
                UserWarning,
                stacklevel=2,
            )
        else:
            self._send_queued_now()
            if self.socket is None:
                return  # a send callback closed the stream
        self.socket = None
        self._send_queue.clear()
        self.io_loop.remove_handler(self._fd)
        if not sock.closed:
            sock.close(linger)
        owner = self._owner
        if owner is not None:
            self._owner = None
            owner.close(linger)
        if self._close_callback is not None:
            self._run_callback(self._close_callback)

    def __repr__(self) -> str:
        if self.socket is None:
            return "<zmq_cffi ZMQStream at %#x closed>" % id(self)
        return "<zmq_cffi ZMQStream at %#x on %r>" % (id(self), self.socket)

    # ---- the loop's side -----------------------------------------------------------

    def _check_closed(self) -> None:
        if self.socket is None:
            raise OSError("Stream is closed")

    def _run_callback(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run a user callback; log what it raises instead of letting it
        break the stream's bookkeeping.  A returned awaitable becomes a task."""
        try:
            result = callback(*args)
        except Exception:
            gen_log.error("Uncaught exception in ZMQStream callback", exc_info=True)
            return
        if result is not None and inspect.isawaitable(result):
            loop = getattr(self.io_loop, "asyncio_loop", None)
            task = asyncio.ensure_future(result, loop=loop)
            task.add_done_callback(_log_async_failure)

    def _handle_recv(self) -> None:
        """Receive one message without blocking and pass it to the callback."""
        try:
            msg = self.socket.recv_multipart(_NOBLOCK, copy=self._recv_copy)  # type: ignore[union-attr]  # open
        except ZMQError as exc:
            if exc.errno == _EAGAIN:
                return  # taken since EVENTS was read
            raise
        callback = self._recv_callback
        if callback is not None:
            self._run_callback(callback, msg)

    def _handle_send(self) -> None:
        """Send the oldest queued message without blocking, then report it."""
        msg, kwargs = self._send_queue.popleft()
        options = dict(kwargs)
        options["flags"] = kwargs.get("flags", 0) | _NOBLOCK
        try:
            status = self.socket.send_multipart(msg, **options)  # type: ignore[union-attr]  # open
        except ZMQError as exc:
            if exc.errno == _EAGAIN:
                # The socket stopped accepting since EVENTS was read: keep
                # the message first in line for the next POLLOUT.
                self._send_queue.appendleft((msg, kwargs))
                return
            gen_log.error("ZMQStream failed to send a message: %s", exc)
            status = exc
        callback = self._send_callback
        if callback is not None:
            self._run_callback(callback, msg, status)

    def _send_queued_now(self) -> None:
        """At close: hand the queued messages to libzmq while it takes them."""
        while self._send_queue and self.socket is not None:
            try:
                if not self.socket.get(_EVENTS) & _POLLOUT:
                    return
            except ZMQError:
                return
            before = len(self._send_queue)
            try:
                self._handle_send()
            except Exception:  # e.g. a part that is not bytes: skip that message
                gen_log.error("ZMQStream %r: cannot send a queued message", self, exc_info=True)
                continue
            if len(self._send_queue) >= before:
                return  # refused (EAGAIN): drop the rest

    def _handle_events(self, fd: Any, events: int) -> None:
        """One round of work: the FD fired, or a re-check was scheduled."""
        sock = self.socket
        if sock is None:
            return
        try:
            zmq_events = sock.get(_EVENTS)
        except ContextTerminated:
            gen_log.warning("ZMQStream %r: context terminated, closing the stream", self)
            self.close()
            return
        except ZMQError as exc:
            if self.closed():
                gen_log.warning("ZMQStream %r: event on closed socket (close the stream, not its socket): %s",
                                self, exc)
            else:
                gen_log.error("ZMQStream %r: cannot read EVENTS: %s", self, exc)
            return
        try:
            if zmq_events & _POLLIN and self._recv_callback is not None:
                self._handle_recv()
                if self.socket is None:
                    return
            if zmq_events & _POLLOUT and self._send_queue:
                self._handle_send()
        except Exception:
            gen_log.error("ZMQStream %r: error while handling events", self, exc_info=True)
        self._rebuild_io_state()

    def _run_scheduled_round(self) -> None:
        self._recheck_scheduled = False
        if self.socket is not None:
            self._handle_events(self._fd, 0)

    def _rebuild_io_state(self) -> None:
        """Schedule another round if something wanted is ready now.

        Otherwise the EVENTS read here was the last libzmq call on the
        socket, and it saw nothing wanted ready: the FD will fire when that
        changes.  So no message can wait unnoticed.
        """
        sock = self.socket
        if sock is None or self._recheck_scheduled:
            return
        wanted = (_POLLIN if self._recv_callback is not None else 0) | (
            _POLLOUT if self._send_queue else 0)
        if not wanted:
            return
        try:
            ready = sock.get(_EVENTS) & wanted
        except ZMQError:
            # Let a round find out what is wrong (and close or log).
            ready = wanted
        if ready:
            self._recheck_scheduled = True
            self.io_loop.add_callback(self._run_scheduled_round)
