"""Green proxy and device: forward messages between sockets in a greenlet.

libzmq's ``zmq_proxy`` would hold the thread (and so every greenlet of it)
for as long as it runs.  These run the same forwarding loop in Python over a
green :class:`~zmq_cffi.green.poll.Poller`: the calling greenlet waits in the
hub while no message is ready, and yields to the other greenlets after each
batch of messages, so a busy proxy does not starve them.

Like libzmq's, the proxy ends with ContextTerminated when the context is
terminated (or ZMQError(ENOTSOCK) when one of its sockets is closed), and
``proxy_steerable`` also returns 0 after a ``TERMINATE`` command.
"""
import struct
from typing import Any, Dict, List, Optional

import gevent

from zmq_cffi.constants import DeviceType, DONTWAIT, EAGAIN, POLLIN, SocketType
from zmq_cffi.error import ZMQError
from zmq_cffi.socket import Socket as _BaseSocket

from zmq_cffi.green.poll import Poller

__all__ = ["device", "proxy", "proxy_steerable"]

_NOBLOCK = int(DONTWAIT)
_EAGAIN = int(EAGAIN)
_POLLIN = int(POLLIN)
# Messages moved in one direction before the proxy yields to other greenlets.
_BATCH = 64


def _check(sock: Any, role: str, optional: bool = False) -> None:
    if sock is None and optional:
        return
    if not isinstance(sock, _BaseSocket):
        raise TypeError("%s must be a zmq_cffi Socket%s, not %s"
                        % (role, " or None" if optional else "", type(sock).__name__))


class _Stats:
    """Per direction counts for the STATISTICS command (messages, bytes)."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        # frontend in (msgs, bytes), frontend out, backend in, backend out
        self.values = [0] * 8

    def count(self, index: int, msg: List[Any]) -> None:
        self.values[index] += 1
        self.values[index + 1] += sum(len(part) for part in msg)


def _forward(source: Any, target: Any, capture: Optional[Any], stats: _Stats,
             in_index: int, out_index: int) -> int:
    """Move up to _BATCH ready messages from source to target; return how many."""
    moved = 0
    while moved < _BATCH:
        try:
            msg = source.recv_multipart(_NOBLOCK)
        except ZMQError as exc:
            if exc.errno == _EAGAIN:
                break
            raise
        stats.count(in_index, msg)
        if capture is not None:
            capture.send_multipart(msg)
        target.send_multipart(msg)
        stats.count(out_index, msg)
        moved += 1
    return moved


def _control_command(control: Any, stats: _Stats) -> Optional[str]:
    """Handle one command waiting on ``control``; return it (None if none)."""
    try:
        msg = control.recv_multipart(_NOBLOCK)
    except ZMQError as exc:
        if exc.errno == _EAGAIN:
            return None
        raise
    command = bytes(msg[0]) if msg else b""
    if command == b"STATISTICS":
        control.send_multipart([struct.pack("=Q", value) for value in stats.values])
    elif control.socket_type == SocketType.REP:
        control.send(b"")  # a REP must answer before it can receive again
    return command.decode("ascii", "replace")


def proxy_steerable(frontend: _BaseSocket[Any], backend: _BaseSocket[Any],
                    capture: Optional[_BaseSocket[Any]] = None,
                    control: Optional[_BaseSocket[Any]] = None) -> int:
    """Forward messages both ways between two sockets, in this greenlet.

    Parameters
    ----------
    frontend, backend : Socket
        The two sockets (e.g. ROUTER/DEALER, XSUB/XPUB, PULL/PUSH).  Messages
        that arrive on one are sent on the other.  Use green sockets (from a
        :class:`zmq_cffi.green.Context`), so that a full peer makes this
        greenlet wait in the hub instead of blocking the thread.
    capture : Socket, optional
        Gets a copy of every forwarded message.
    control : Socket, optional
        Commands, each a one-part message: ``PAUSE``, ``RESUME``,
        ``TERMINATE`` (the call returns 0) and ``STATISTICS`` (answered with
        eight unsigned 64-bit native-endian integers: messages and bytes
        received by the frontend, sent by it, received by the backend, sent
        by it).  A REP control socket gets an empty reply to the others.

    Returns
    -------
    int
        0, after TERMINATE.

    Raises
    ------
    ContextTerminated
        When the context is terminated (the usual end).
    ZMQError
        ENOTSOCK if a socket is closed.
    """
    _check(frontend, "frontend")
    _check(backend, "backend")
    _check(capture, "capture", optional=True)
    _check(control, "control", optional=True)
    stats = _Stats()
    poller = Poller()
    poller.register(frontend, _POLLIN)
    if backend is not frontend:
        poller.register(backend, _POLLIN)
    control_poller = None
    if control is not None:
        poller.register(control, _POLLIN)
        control_poller = Poller()
        control_poller.register(control, _POLLIN)
    paused = False
    while True:
        ready: Dict[Any, int] = dict((control_poller if paused else poller).poll())  # type: ignore[union-attr]  # paused: a control
        if control is not None and ready.get(control):
            command = _control_command(control, stats)
            if command == "TERMINATE":
                return 0
            if command == "PAUSE":
                paused = True
            elif command == "RESUME":
                paused = False
            if paused:
                continue
        moved = 0
        if ready.get(frontend):
            moved += _forward(frontend, backend, capture, stats, 0, 6)
        if backend is not frontend and ready.get(backend):
            moved += _forward(backend, frontend, capture, stats, 4, 2)
        if moved:
            gevent.sleep(0)  # let the other greenlets have a turn


def proxy(frontend: _BaseSocket[Any], backend: _BaseSocket[Any], capture: Optional[_BaseSocket[Any]] = None) -> int:
    """Forward messages both ways between two sockets, in this greenlet.

    The green counterpart of :func:`zmq_cffi.proxy`: it runs until the
    context is terminated (ContextTerminated) or a socket is closed
    (ZMQError), while the other greenlets keep running.

    Parameters
    ----------
    frontend, backend, capture : Socket
        As for :func:`proxy_steerable`.

    Returns
    -------
    int
        Never returns normally; see Raises of :func:`proxy_steerable`.
    """
    return proxy_steerable(frontend, backend, capture, None)


def device(device_type: int, frontend: _BaseSocket[Any], backend: _BaseSocket[Any]) -> int:
    """The old spelling of :func:`proxy`, green (as ``zmq.green.device``).

    Parameters
    ----------
    device_type : int
        QUEUE, FORWARDER or STREAMER: all forward the same way (the socket
        types make the pattern).
    frontend, backend : Socket
        As for :func:`proxy`; ``backend`` -1 means ``frontend`` (pyzmq's
        spelling for a device on one socket).
    """
    try:
        DeviceType(device_type)
    except ValueError:
        raise ValueError("device_type must be QUEUE, FORWARDER or STREAMER, not %r"
                         % (device_type,)) from None
    if isinstance(backend, int) and backend == -1:
        backend = frontend
    return proxy(frontend, backend)
