"""Where zmq_cffi's types are more precise than pyzmq's (checked against
zmq_cffi only): an option named by its enum member has its value's type, and
``send(copy=False)`` gives a MessageTracker only with ``track=True`` (without
it, zmq_cffi returns None, as pyzmq does at run time although it declares a
tracker).
"""
from __future__ import annotations

import zmq_cffi as zmq


def precise(sock: zmq.Socket[bytes], frame: zmq.Frame) -> None:
    hwm: int = sock.get(zmq.SocketOption.SNDHWM)
    endpoint: bytes = sock.getsockopt(zmq.SocketOption.LAST_ENDPOINT)
    wrong: bytes = sock.get(zmq.SocketOption.LINGER)  # error: LINGER is an int option
    tracker = sock.send(b"x" * 100000, copy=False, track=True)
    print(tracker.done)
    maybe = sock.send(b"x" * 100000, copy=False)
    print(maybe.done)  # error: None without track=True
    sent = sock.send(frame)
    print(sent.done)  # error: None for an untracked Frame
    print(hwm, endpoint, wrong)
