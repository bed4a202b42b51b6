"""A pyzmq-style program: must type-check cleanly (mypy --strict, pyright)."""
from __future__ import annotations

import asyncio
from typing import List, Optional

import zmq_cffi as zmq
import zmq_cffi.asyncio


def make_client(ctx: zmq.Context[zmq.Socket[bytes]], endpoint: str) -> zmq.Socket[bytes]:
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    sock.rcvtimeo = 1000
    sock.setsockopt(zmq.SNDHWM, 100)
    sock.set(zmq.RCVHWM, 100)
    sock.setsockopt_string(zmq.ROUTING_ID, "client")
    sock.connect(endpoint)
    return sock


def request(sock: zmq.Socket[bytes], body: bytes) -> Optional[bytes]:
    sock.send(body)
    try:
        reply: bytes = sock.recv(zmq.NOBLOCK)
    except zmq.Again:
        return None
    except zmq.ZMQError as exc:
        print(exc.errno, exc.strerror)
        return None
    return reply


def options(sock: zmq.Socket[bytes]) -> int:
    hwm = sock.getsockopt(zmq.SNDHWM)  # int | bytes, as pyzmq declares
    assert isinstance(hwm, int)
    endpoint = sock.getsockopt(zmq.LAST_ENDPOINT)
    assert isinstance(endpoint, bytes)
    name: str = sock.getsockopt_string(zmq.LAST_ENDPOINT)
    print(endpoint, name, sock.type, sock.last_endpoint)
    return hwm + sock.rcvhwm + sock.hwm


def frames(sock: zmq.Socket[bytes]) -> List[bytes]:
    frame: zmq.Frame = sock.recv(copy=False)
    data: bytes = frame.bytes
    parts: List[bytes] = sock.recv_multipart()
    zparts: List[zmq.Frame] = sock.recv_multipart(copy=False)
    text: str = sock.recv_string()
    obj = sock.recv_json()
    sock.send_multipart([b"a", b"b"])
    sock.send_string("hi", zmq.SNDMORE)
    sock.send(b"x", copy=False, track=False)
    tracker: zmq.MessageTracker = sock.send(b"y" * 100000, copy=False, track=True)
    tracker.wait(1.0)
    print(obj, text, [z.bytes for z in zparts], tracker.done)
    return [data, *parts]


def poll(a: zmq.Socket[bytes], b: zmq.Socket[bytes]) -> int:
    poller = zmq.Poller()
    poller.register(a, zmq.POLLIN)
    poller.register(b, zmq.POLLIN | zmq.POLLOUT)
    events = dict(poller.poll(100))
    n = 0
    if events.get(a) == zmq.POLLIN:
        n += 1
    for sock, ev in poller.poll(0):
        if ev & zmq.POLLIN and sock is b:
            n += 1
    return n


async def async_dealer(endpoint: str) -> List[bytes]:
    ctx = zmq_cffi.asyncio.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.connect(endpoint)
    await sock.send_multipart([b"", b"ping"])
    await sock.send_string("ping")
    await sock.send_json({"ping": 1})
    reply: List[bytes] = await sock.recv_multipart()
    one: bytes = await sock.recv()
    sock.close()
    return reply + [one]


def main() -> None:
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
    sock = make_client(ctx, "tcp://127.0.0.1:5555")
    push = zmq.Socket(ctx, zmq.PUSH)
    with push.bind("tcp://127.0.0.1:5557") as bound:
        bound.send(b"direct")
    with ctx.socket(zmq.DEALER) as dealer:
        dealer.setsockopt(zmq.IDENTITY, b"me")
        print(request(sock, b"hello"), options(dealer), frames(dealer), poll(sock, dealer))
    asyncio.run(async_dealer("tcp://127.0.0.1:5556"))
    sock.close()
    ctx.term()


if __name__ == "__main__":
    main()
