"""Misuses a type checker must report, one per line marked ``# error``.

The same lines are errors against pyzmq (tests_typing/test_typing.py checks
both when pyzmq is installed).
"""
from __future__ import annotations

from typing import List

import zmq_cffi as zmq
import zmq_cffi.asyncio


def mistakes(ctx: zmq.Context[zmq.Socket[bytes]]) -> None:
    sock = ctx.socket(zmq.REQ)
    sock.send(123)  # error: an int is no buffer
    sock.send("text")  # error: str must be encoded (or send_string)
    zmq.Context().socket("REQ")  # error: the socket type is an int constant
    text: str = sock.recv()  # error: recv gives bytes
    sock.recv().encode()  # error: bytes has no encode
    frame: bytes = sock.recv(copy=False)  # error: a Frame, not bytes
    parts: List[str] = sock.recv_multipart()  # error: a list of bytes
    sock.send_string(b"raw")  # error: send_string takes str
    sock.connect(5555)  # error: an endpoint is a str
    sock.setsockopt("LINGER", 0)  # error: options are int constants
    hwm: str = sock.hwm  # error: hwm is an int
    n: int = zmq.NOBLOCK + "x"  # error: flags are ints
    poller = zmq.Poller()
    poller.poll("soon")  # error: the timeout is a number
    try:
        pass
    except zmq.Again as exc:
        exc.errno.upper()  # error: errno is an int
    print(text, frame, parts, hwm, n)


async def async_mistakes() -> None:
    sock = zmq_cffi.asyncio.Context.instance().socket(zmq.DEALER)
    text: str = await sock.recv()  # error: a Future of bytes
    parts: List[str] = await sock.recv_multipart()  # error: a Future of a list of bytes
    frame: bytes = await sock.recv(copy=False)  # error: a Future of a Frame
    await sock.send_string(42)  # error: send_string takes str
    print(text, parts, frame)
