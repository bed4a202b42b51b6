"""Decoding the event messages of a socket monitor (``zmq_socket_monitor``).

A monitored socket reports each event (connected, accepted, disconnected, a
handshake result, ...) as a two-part message on a PAIR socket: see
:meth:`zmq_cffi.Socket.get_monitor_socket`.  The first part packs the event
id and its value in native byte order; the second part is the endpoint.

Example::

    monitor = sock.get_monitor_socket()
    event = recv_monitor_message(monitor)
    # {'event': <Event.LISTENING: 8>, 'value': ..., 'endpoint': b'tcp://...'}
"""
import struct
from collections.abc import Awaitable
from typing import Any, Dict, Sequence, Union

from zmq_cffi.constants import Event

__all__ = ["parse_monitor_message", "recv_monitor_message"]

# libzmq's version-1 event frame: a uint16 event id, then a uint32 value,
# native byte order, no padding (6 bytes in all).  The value is read signed,
# as pyzmq reads it, so the -1 libzmq sends for "no fd" stays -1.
_EVENT_FRAME = struct.Struct("=Hi")

MonitorMessage = Dict[str, Any]


def _as_event(number: int) -> Union[Event, int]:
    """``number`` as an Event, as pyzmq returns both the id and the value.

    A negative value (an fd that libzmq reports as -1) stays a plain int:
    Python 3.11's IntFlag would otherwise fold it into an unrelated
    positive number.
    """
    return Event(number) if number >= 0 else number


def parse_monitor_message(msg: Sequence[Any]) -> MonitorMessage:
    """Decode one event message received from a monitor PAIR socket.

    Parameters
    ----------
    msg : sequence of bytes-like
        The two parts of the message: the 6-byte event frame (16-bit event
        id, 32-bit value) and the endpoint the event is about.

    Returns
    -------
    dict
        ``{'event': Event, 'value': int, 'endpoint': bytes}``.  The value's
        meaning depends on the event (a file descriptor, an errno, a
        reconnect interval in ms, a protocol error code); like pyzmq, it is
        given as an ``Event`` (an int subclass) when it is not negative.

    Raises
    ------
    RuntimeError
        If ``msg`` is not a two-part message whose first part is 6 bytes
        long (pyzmq raises the same).
    """
    try:
        parts = list(msg)
    except TypeError:
        raise RuntimeError("Invalid event message format: %r is not a list of "
                           "frames" % (msg,)) from None
    if len(parts) != 2:
        raise RuntimeError("Invalid event message format: expected 2 frames, got %i: %r"
                           % (len(parts), msg))
    head, endpoint = (_as_bytes(part) for part in parts)
    if len(head) != _EVENT_FRAME.size:
        raise RuntimeError("Invalid event message format: the first frame must be %i "
                           "bytes, got %i: %r" % (_EVENT_FRAME.size, len(head), msg))
    event_id, value = _EVENT_FRAME.unpack(head)
    return {"event": Event(event_id), "value": _as_event(value), "endpoint": endpoint}


def _as_bytes(part: Any) -> bytes:
    """A frame's bytes, whether it came as bytes, a Frame or another buffer."""
    if isinstance(part, bytes):
        return part
    data = getattr(part, "bytes", None)  # a Frame received with copy=False
    if isinstance(data, bytes):
        return data
    try:
        return bytes(memoryview(part))
    except TypeError:
        raise RuntimeError("Invalid event message format: a frame is %s, not bytes"
                           % type(part).__name__) from None


async def _parse_when_received(pending: Awaitable[Any]) -> MonitorMessage:
    return parse_monitor_message(await pending)


def recv_monitor_message(socket: Any, flags: int = 0) -> Union[MonitorMessage, Awaitable[Any]]:
    """Receive one event from a monitor PAIR socket and decode it.

    Parameters
    ----------
    socket : Socket
        The PAIR socket returned by ``other.get_monitor_socket()`` (or
        connected to the address given to ``other.monitor()``).  An asyncio
        socket works too: the result is then an awaitable.
    flags : int, optional
        Receive flags, e.g. ``zmq.NOBLOCK`` (raises Again if no event waits).

    Returns
    -------
    dict or awaitable of dict
        As :func:`parse_monitor_message` returns it.
    """
    msg = socket.recv_multipart(flags)
    if isinstance(msg, Awaitable):
        return _parse_when_received(msg)
    return parse_monitor_message(msg)
