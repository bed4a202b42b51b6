"""Lines pyzmq's annotations reject although they run: zmq_cffi declares the
same types, so that code checks alike against both (``# error`` marks them).
"""
from __future__ import annotations

import zmq_cffi as zmq


def quirks(sock: zmq.Socket[bytes]) -> int:
    hwm: int = sock.getsockopt(zmq.SNDHWM)  # error: int | bytes whatever the option
    linger: int = sock.get(zmq.LINGER)  # error: the same through get
    endpoint: bytes = sock.getsockopt(zmq.LAST_ENDPOINT)  # error: the same for a bytes option
    kind: int = sock.type  # error: an option attribute is str | bytes | int
    print(endpoint)
    return hwm + linger + kind


def instance() -> None:
    ctx = zmq.Context.instance()  # error[mypy]: needs an annotation (pyright infers Context[Unknown])
    print(ctx)
