"""Smoke test of an installed zmq_cffi, run by test_wheels.py inside a fresh
virtualenv (``python -I``, so neither the checkout nor PYTHONPATH is seen).

Prints one JSON object: where zmq_cffi and every mapped libzmq came from
(/proc/self/maps), libzmq's version, and the results of PAIR round trips over
inproc and tcp 127.0.0.1 and of a Frame round trip.  Every receive is bounded
by RCVTIMEO.
"""
import json
import sys

import zmq_cffi as zmq


def mapped_files():
    """Paths of the shared objects mapped into this process."""
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            fields = line.split(None, 5)
            if len(fields) == 6 and ".so" in fields[5]:
                paths.add(fields[5].strip())
    return sorted(paths)


def pair_round_trip(ctx, transport):
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    try:
        for s in (a, b):
            s.setsockopt(zmq.RCVTIMEO, 5000)
            s.setsockopt(zmq.SNDTIMEO, 5000)
            s.setsockopt(zmq.LINGER, 0)
        if transport == "tcp":
            port = a.bind_to_random_port("tcp://127.0.0.1")
            b.connect("tcp://127.0.0.1:%d" % port)
        else:
            a.bind("inproc://wheel-smoke")
            b.connect("inproc://wheel-smoke")
        a.send(b"ping over " + transport.encode())
        got = b.recv()
        b.send_multipart([b"pong", b"two parts"])
        back = a.recv_multipart()
        return [got.decode(), [p.decode() for p in back]]
    finally:
        a.close()
        b.close()


def frame_round_trip(ctx):
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    try:
        for s in (a, b):
            s.setsockopt(zmq.RCVTIMEO, 5000)
            s.setsockopt(zmq.LINGER, 0)
        a.bind("inproc://wheel-frame")
        b.connect("inproc://wheel-frame")
        payload = bytes(range(256)) * 64
        a.send(zmq.Frame(payload), copy=False)
        frame = b.recv(copy=False)
        return {
            "type": type(frame).__name__,
            "equal": frame.bytes == payload and bytes(memoryview(frame)) == payload,
            "len": len(frame),
        }
    finally:
        a.close()
        b.close()


def main():
    ctx = zmq.Context()
    try:
        result = {
            "zmq_cffi_file": zmq.__file__,
            "zmq_version": zmq.zmq_version(),
            "inproc": pair_round_trip(ctx, "inproc"),
            "tcp": pair_round_trip(ctx, "tcp"),
            "frame": frame_round_trip(ctx),
        }
    finally:
        ctx.term()
    result["maps"] = mapped_files()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
