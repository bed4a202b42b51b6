"""Zero-copy lifetimes: buffers, frames and views stay valid exactly as long as needed.

* ``send(buf, copy=False)`` with the caller's last reference dropped at once
  (and the garbage collector forced) still delivers every byte: the library
  keeps the owner alive until libzmq's release callback.
* ``Frame.buffer`` views stay valid after their Frame, socket and context are
  gone, even while new messages reuse freed memory.
* Trackers complete once libzmq lets go, and the owners are then dropped (on
  PyPy a few ``gc.collect()`` calls may be needed first; loops are bounded).
"""
import array
import gc
import random
import time

import pytest

from _backend import zmq
from _util import set_timeouts, wait_tracker_done

N_SMALL = 2000  # zero-copy sends per buffer type (copy_threshold=0 forces zero-copy)
N_BIG = 20      # above the default 64 KiB copy threshold


def _collect(rounds=3):
    for _ in range(rounds):
        gc.collect()


def _pattern(i, size):
    """Distinct, position-dependent content for message ``i``."""
    stamp = i.to_bytes(4, "little")
    return (stamp + bytes([(i * 7 + k) & 0xFF for k in range(13)])) * (size // 17 + 1)


_MAKERS = {
    "bytes": lambda data: bytes(data),
    "bytearray": lambda data: bytearray(data),
    "memoryview": lambda data: memoryview(bytearray(data)),
    "memoryview_slice": lambda data: memoryview(bytearray(b"HEAD" + data + b"TAIL"))[4:-4],
    "array": lambda data: array.array("B", data),
}


@pytest.fixture(params=["inproc", "tcp"])
def push_pull(request, ctx):
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    set_timeouts(pull)
    set_timeouts(push)
    pull.rcvhwm = push.sndhwm = 0  # no limit: everything is queued before reading
    pull.bind("inproc://lifetime" if request.param == "inproc" else "tcp://127.0.0.1:*")
    push.connect(pull.last_endpoint)
    return push, pull


@pytest.mark.parametrize("kind", sorted(_MAKERS))
def test_dropped_zero_copy_buffers_arrive_intact(push_pull, kind):
    push, pull = push_pull
    push.copy_threshold = 0  # every send really is zero-copy, whatever its size
    make = _MAKERS[kind]
    rng = random.Random(kind)
    sizes = [rng.randrange(1, 3000) for _ in range(N_SMALL)] + [rng.randrange(65536, 300000) for _ in range(N_BIG)]
    for i, size in enumerate(sizes):
        push.send(make(_pattern(i, size)[:size]), copy=False)  # our reference dies here
        if i % 500 == 0:
            _collect(1)
    _collect()
    for i, size in enumerate(sizes):
        got = pull.recv(copy=(i % 2 == 0))
        data = got if isinstance(got, bytes) else got.bytes
        assert len(data) == size, "message %d" % i
        assert data == _pattern(i, size)[:size], "message %d corrupted" % i
    assert pull.poll(0) == 0


def test_dropped_zero_copy_multipart_and_frames(push_pull):
    push, pull = push_pull
    push.copy_threshold = 0
    for i in range(500):
        parts = [bytearray(_pattern(i, 100)[:100]), zmq.Frame(bytearray(_pattern(i + 1, 70000)[:70000]), copy=False),
                 memoryview(bytearray(_pattern(i + 2, 10)[:10]))]
        push.send_multipart(parts, copy=False)
        del parts
        if i % 100 == 0:
            _collect(1)
    _collect()
    for i in range(500):
        a, b, c = pull.recv_multipart()
        assert a == _pattern(i, 100)[:100]
        assert b == _pattern(i + 1, 70000)[:70000]
        assert c == _pattern(i + 2, 10)[:10]


def test_tracked_sends_complete_after_delivery(push_pull):
    push, pull = push_pull
    trackers = []
    for i in range(200):
        trackers.append(push.send(bytearray(_pattern(i, 70000)[:70000]), copy=False, track=True))
    for i in range(200):
        assert pull.recv() == _pattern(i, 70000)[:70000]
    deadline = time.monotonic() + 10
    for t in trackers:
        while not t.done and time.monotonic() < deadline:
            wait_tracker_done(t, 1)
        assert t.done


@pytest.mark.cffi_only  # looks at zmq_cffi's table of zero-copy owners
def test_zero_copy_owners_are_dropped_after_release(push_pull):
    from zmq_cffi.frame import _zero_copy

    push, pull = push_pull
    push.copy_threshold = 0
    _zero_copy.collect()
    baseline = len(_zero_copy)
    for _ in range(2000):
        push.send(bytearray(b"x" * 200), copy=False)
    for _ in range(2000):
        pull.recv()
    for _ in range(50):
        _collect(1)
        _zero_copy.collect()
        if len(_zero_copy) <= baseline:
            break
        time.sleep(0.02)
    assert len(_zero_copy) <= baseline, "%d zero-copy owners still held" % (len(_zero_copy) - baseline)


# ---- Frame.buffer views ---------------------------------------------------------------

@pytest.mark.parametrize("size", [5, 9000, 200000])
def test_buffer_views_outlive_frames_socket_and_context(transport, ipc_dir, size):
    c = zmq.Context()
    pull = c.socket(zmq.PULL)
    push = c.socket(zmq.PUSH)
    set_timeouts(pull)
    set_timeouts(push)
    if transport == "ipc":
        pull.bind("ipc://%s/views.sock" % ipc_dir)
    else:
        pull.bind("inproc://views" if transport == "inproc" else "tcp://127.0.0.1:*")
    push.connect(pull.last_endpoint)
    n = 30
    for i in range(n):
        push.send(_pattern(i, size)[:size])
    frames = [pull.recv(copy=False) for _ in range(n)]
    views = [f.buffer for f in frames]
    slices = [v[1:-1] for v in views]
    del frames
    c.destroy(linger=0)
    del pull, push
    _collect()
    # Reuse the memory the messages used, had they been freed too early.
    with zmq.Context() as c2:
        a = c2.socket(zmq.PAIR)
        b = c2.socket(zmq.PAIR)
        set_timeouts(a)
        set_timeouts(b)
        a.bind("inproc://churn")
        b.connect("inproc://churn")
        churn = []
        for _ in range(n):
            a.send(b"\xee" * size)
            churn.append(b.recv(copy=False))
        del churn
        a.close()
        b.close()
    _collect()
    for i in range(n):
        expected = _pattern(i, size)[:size]
        assert not views[i].readonly  # received frames are writable, as in pyzmq
        assert views[i].tobytes() == expected, "view %d corrupted" % i
        assert slices[i].tobytes() == expected[1:-1], "slice %d corrupted" % i


def test_buffer_of_a_zero_copy_frame_outlives_it():
    data = bytearray(_pattern(3, 100000)[:100000])
    expected = bytes(data)
    frame = zmq.Frame(data, copy=False)
    view = frame.buffer
    del frame, data
    _collect()
    assert view.tobytes() == expected


def test_resending_received_frames_after_their_context_is_gone():
    c = zmq.Context()
    a = c.socket(zmq.PAIR)
    b = c.socket(zmq.PAIR)
    set_timeouts(a)
    set_timeouts(b)
    a.bind("inproc://resend-src")
    b.connect("inproc://resend-src")
    for i in range(20):
        a.send(_pattern(i, 80000)[:80000])
    frames = [b.recv(copy=False) for _ in range(20)]
    c.destroy(linger=0)
    _collect()
    with zmq.Context() as c2:
        x = c2.socket(zmq.PAIR)
        y = c2.socket(zmq.PAIR)
        set_timeouts(x)
        set_timeouts(y)
        x.bind("tcp://127.0.0.1:*")
        y.connect(x.last_endpoint)
        for f in frames:
            x.send(f, copy=False)
        del frames
        _collect()
        for i in range(20):
            assert y.recv() == _pattern(i, 80000)[:80000]
        x.close()
        y.close()


def test_frames_released_by_gc_do_not_leak_trackers(ctx):
    """A tracked Frame that is never sent completes once collected (PyPy: bounded loop)."""
    frames = [zmq.Frame(bytearray(100000), copy=False, track=True) for _ in range(50)]
    trackers = [f.tracker for f in frames]
    assert not any(t.done for t in trackers)
    del frames
    for _ in range(20):
        _collect(1)
        if all(t.done for t in trackers):
            break
        time.sleep(0.01)
    assert all(t.done for t in trackers)


def test_zero_copy_of_an_empty_buffer(push_pull):
    push, pull = push_pull
    push.copy_threshold = 0
    for make in _MAKERS.values():
        push.send(make(b""), copy=False)
    for _ in _MAKERS:
        assert pull.recv() == b""
