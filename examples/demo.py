"""A short tour of zmq_cffi, written exactly as pyzmq code would be.

REQ/REP over tcp, PUB/SUB with a topic filter over ipc, and PUSH/PULL with
zero-copy frames and a MessageTracker over inproc.
"""
import gc
import os
import platform
import tempfile
import time

import zmq_cffi as zmq


def req_rep(ctx):
    server = ctx.socket(zmq.REP, linger=0, rcvtimeo=2000)
    port = server.bind_to_random_port("tcp://127.0.0.1")
    client = ctx.socket(zmq.REQ, linger=0, rcvtimeo=2000)
    client.connect("tcp://127.0.0.1:%d" % port)
    for n in range(3):
        client.send_json({"n": n})
        request = server.recv_json()
        server.send_json({"n": request["n"], "square": request["n"] ** 2})
        reply = client.recv_json()
        assert reply["square"] == n * n
    print("REQ/REP   tcp://127.0.0.1:%d  3 JSON round trips ok, last reply %r" % (port, reply))
    client.close()
    server.close()


def pub_sub(ctx, folder):
    addr = "ipc://%s" % os.path.join(folder, "demo.ipc")
    pub = ctx.socket(zmq.PUB, linger=0)
    pub.bind(addr)
    sub = ctx.socket(zmq.SUB, linger=0, rcvtimeo=2000)
    sub.connect(addr)
    sub.subscribe(b"weather")
    # PUB drops messages until the subscription reaches it: retry until one lands.
    deadline = time.monotonic() + 5
    while not sub.poll(50) and time.monotonic() < deadline:
        pub.send_multipart([b"weather", b"warm-up"])
    sub.recv_multipart()
    pub.send_multipart([b"sports", b"not for us"])
    pub.send_multipart([b"weather", b"sunny"])
    topic, body = sub.recv_multipart()
    assert (topic, body) == (b"weather", b"sunny")
    print("PUB/SUB   %s  filtered: got %r, %r" % (addr, topic, body))
    sub.close()
    pub.close()


def push_pull_zero_copy(ctx):
    push = ctx.socket(zmq.PUSH, linger=0)
    push.bind("inproc://demo")
    pull = ctx.socket(zmq.PULL, linger=0, rcvtimeo=2000)
    pull.connect("inproc://demo")
    payload = bytes(range(256)) * 4096  # 1 MiB, sent without a copy
    tracker = push.send(payload, copy=False, track=True)
    frame = pull.recv(copy=False)  # over inproc, the very same buffer arrives
    assert len(frame) == len(payload) and frame.buffer[:256] == payload[:256]
    assert not tracker.done  # the receiver's frame still uses the buffer
    del frame
    gc.collect()  # PyPy frees the frame at its next GC; CPython at once
    tracker.wait(2)  # libzmq released the buffer: the tracker completes
    print("PUSH/PULL inproc  1 MiB zero-copy frame received, tracker done=%s" % tracker.done)
    push.close()
    pull.close()


def main():
    print("zmq_cffi %s on %s %s, libzmq %s"
          % (zmq.__version__, platform.python_implementation(), platform.python_version(),
             zmq.zmq_version()))
    with zmq.Context() as ctx, tempfile.TemporaryDirectory() as folder:
        req_rep(ctx)
        pub_sub(ctx, folder)
        push_pull_zero_copy(ctx)
    print("demo ok")


if __name__ == "__main__":
    main()
