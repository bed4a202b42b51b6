"""monitored_queue: a queue between two sockets that reports all its traffic.

It predates libzmq's proxy and differs from it in two ways: every message is
copied to the monitor socket behind a prefix frame telling its direction,
and two ROUTER sockets can face each other (the two routing ids at the head
of each message are swapped on the way through).

The loop is Python over a :class:`zmq_cffi.poll.Poller`; it forwards whole
multipart messages, a burst at a time, in both directions.
"""
from typing import Any, List, NoReturn

from zmq_cffi.constants import Errno, Flag, PollEvent, SocketType
from zmq_cffi.error import Again, ZMQError
from zmq_cffi.poll import Poller
from zmq_cffi.socket import Socket

__all__ = ["monitored_queue"]

_NOBLOCK = int(Flag.NOBLOCK)
# Messages relayed from one side before the other side gets a turn, so
# that a busy direction cannot starve the other one.
_BURST = 64


def _check_socket(sock: Any, role: str) -> None:
    if not isinstance(sock, Socket):
        raise TypeError("%s must be a zmq_cffi Socket, not %s" % (role, type(sock).__name__))
    if sock.closed:
        raise ZMQError(Errno.ENOTSOCK, "cannot run monitored_queue: %s is closed" % role)


def _check_prefix(prefix: Any, role: str) -> bytes:
    if isinstance(prefix, str):
        raise TypeError("%s must be bytes, not str (encode it)" % role)
    try:
        return bytes(memoryview(prefix))
    except TypeError:
        raise TypeError("%s must be bytes, not %s" % (role, type(prefix).__name__)) from None


def _relay(source: Socket[Any], dest: Socket[Any], monitor: Socket[Any], prefix: bytes, swap_ids: bool) -> None:
    """Forward up to _BURST waiting messages from ``source`` to ``dest``,
    each copied to ``monitor`` behind ``prefix``."""
    for _ in range(_BURST):
        try:
            parts: List[bytes] = source.recv_multipart(_NOBLOCK)
        except Again:
            return
        if swap_ids and len(parts) > 1:
            # ROUTER to ROUTER: [sender id, recipient id, ...] must leave as
            # [recipient id, sender id, ...] so that ``dest`` routes it to the
            # recipient and the recipient learns who sent it.
            parts[0], parts[1] = parts[1], parts[0]
        dest.send_multipart(parts)
        monitor.send_multipart([prefix] + parts)


def monitored_queue(in_socket: Socket[Any], out_socket: Socket[Any], mon_socket: Socket[Any],
                    in_prefix: bytes = b"in", out_prefix: bytes = b"out") -> NoReturn:
    """Forward messages between two sockets, copying each to a monitor socket.

    Runs in the calling thread until the context is terminated.

    Parameters
    ----------
    in_socket : Socket
        One side of the queue; what arrives here goes out of ``out_socket``.
    out_socket : Socket
        The other side; what arrives here goes out of ``in_socket``.
    mon_socket : Socket
        Gets ``[in_prefix, *message]`` for each message that came in through
        ``in_socket`` and ``[out_prefix, *message]`` for each one that came
        in through ``out_socket`` (after the routing-id swap, if any).  A PUB
        socket is the usual choice.
    in_prefix, out_prefix : bytes, optional
        The first frame of the monitor's copies, per direction.

    Raises
    ------
    ContextTerminated
        When the context is terminated: the normal end.
    TypeError
        If a socket is not a zmq_cffi Socket, or a prefix is not bytes.
    ZMQError
        ENOTSOCK if a socket is (or gets) closed.
    """
    _check_socket(in_socket, "in_socket")
    _check_socket(out_socket, "out_socket")
    _check_socket(mon_socket, "mon_socket")
    in_prefix = _check_prefix(in_prefix, "in_prefix")
    out_prefix = _check_prefix(out_prefix, "out_prefix")
    swap_ids = (in_socket.socket_type == SocketType.ROUTER
                and out_socket.socket_type == SocketType.ROUTER)

    poller = Poller()
    poller.register(in_socket, int(PollEvent.POLLIN))
    poller.register(out_socket, int(PollEvent.POLLIN))
    while True:
        # poll() raises ContextTerminated once the context ends, and retries
        # by itself after a signal whose handler did not raise.
        for sock, _ in poller.poll():
            if sock is in_socket:
                _relay(in_socket, out_socket, mon_socket, in_prefix, swap_ids)
            else:
                _relay(out_socket, in_socket, mon_socket, out_prefix, swap_ids)
