"""A multipart message is all or nothing, even when a signal handler raises.

send_multipart hands every part to libzmq in one C call (zmqcffi_send_parts),
so no Python code can run between two parts; recv_multipart marks its
receives so that a message whose receipt was interrupted between parts is
discarded whole by the next recv_multipart (zmqcffi_rx_begin) instead of
being returned from its middle.  pyzmq splits and mixes messages in both
cases (about 1 in 200 under a 200 us raising timer).
"""
import array
import signal
import time
import zlib

import pytest

from _backend import IS_CFFI, zmq

BOUND_S = 10.0


class Tick(Exception):
    """Raised by the timer's handler, as a Ctrl-C would be."""


def _message(i):
    body = b"%08d" % i
    return [b"head-" + body, body * 3, b"tail-%08x" % zlib.crc32(body)]


def _check(parts):
    """The sequence number of a well-formed message; AssertionError otherwise."""
    assert len(parts) == 3, parts
    head, body, tail = parts
    assert head.startswith(b"head-") and head[5:] * 3 == body, parts
    assert tail == b"tail-%08x" % zlib.crc32(head[5:]), parts
    return int(head[5:])


@pytest.fixture
def pair(ctx):
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.sndhwm = s.rcvhwm = 0
        s.rcvtimeo = s.sndtimeo = 5000
    a.bind("inproc://atomic")
    b.connect("inproc://atomic")
    return a, b


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer (POSIX)")
@pytest.mark.cffi_only  # pyzmq splits messages here
def test_raising_timer_never_splits_or_mixes_messages(pair):
    a, b = pair
    armed = [False]  # the handler raises only inside the try below

    def tick(*_):
        if armed[0]:
            armed[0] = False
            raise Tick()

    old = signal.signal(signal.SIGALRM, tick)
    attempts = interrupted = 0
    seen = []
    deadline = time.monotonic() + 2.0
    signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
    running = True
    try:
        while running:
            # A Tick may come anywhere in here; every message has a fresh
            # number, so one sent or received in the instant before a Tick
            # shows up as a gap at worst, never as a repeat.
            try:
                armed[0] = True
                running = time.monotonic() < deadline and attempts < 200000
                attempts += 1
                a.send_multipart(_message(attempts))
                seen.append(_check(b.recv_multipart(zmq.NOBLOCK)))
                armed[0] = False
            except (Tick, zmq.Again):
                armed[0] = False
                interrupted += 1
    finally:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # a tick still pending is dropped
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, old)
    # Drain what is left, still checking every message.
    while True:
        try:
            seen.append(_check(b.recv_multipart(zmq.NOBLOCK)))
        except zmq.Again:
            break
    assert interrupted > 10, "the timer did not interrupt the loop often enough to test anything"
    assert len(seen) > 1000
    # Never split or mixed (_check), never out of order or twice; a message
    # whose receipt was interrupted may be lost, but only that one.
    assert seen == sorted(set(seen))
    assert all(1 <= i <= attempts for i in seen)


@pytest.mark.cffi_only  # drives the C marks directly, as a deterministic seam
def test_next_recv_multipart_discards_an_interrupted_message(pair):
    from zmq_cffi._ffi import lib

    a, b = pair
    a.send_multipart(_message(1))
    a.send_multipart(_message(2))
    # What recv_multipart does before a KeyboardInterrupt between parts:
    assert b.recv(lib.ZMQCFFI_MP_FIRST) == _message(1)[0]
    assert b.rcvmore
    assert _check(b.recv_multipart()) == 2  # not message 1's remaining parts


@pytest.mark.cffi_only
def test_finishing_an_interrupted_message_by_hand_keeps_the_next(pair):
    from zmq_cffi._ffi import lib

    a, b = pair
    a.send_multipart(_message(1))
    a.send_multipart(_message(2))
    assert b.recv(lib.ZMQCFFI_MP_FIRST) == _message(1)[0]
    # pyzmq-style reading of the rest with recv() ends the partial message ...
    assert [b.recv(), b.recv()] == _message(1)[1:]
    # ... so nothing of message 2 is discarded.
    assert _check(b.recv_multipart()) == 2


@pytest.fixture
def full_pair(ctx):
    """A PAIR whose queue toward its peer is full (HWM 1): a NOBLOCK send's first part is refused."""
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.sndhwm = s.rcvhwm = 1
    a.bind("inproc://atomic-full")
    b.connect("inproc://atomic-full")
    queued = []
    for i in range(100):
        try:
            a.send_multipart(_message(i), zmq.NOBLOCK)
        except zmq.Again:
            break
        queued.append(i)
    assert queued and len(queued) < 100
    return a, b, queued


def _drain(b):
    got = []
    while b.poll(200):
        got.append(b.recv_multipart())
    return got


def test_first_part_refused_sends_nothing(full_pair):
    a, b, queued = full_pair
    for parts in (_message(1000), [b"x"] * 9,
                  [zmq.Frame(b"f"), bytearray(b"b"), b"c"]):
        with pytest.raises(zmq.Again):
            a.send_multipart(parts, zmq.NOBLOCK)
    # Only the whole messages queued before; nothing half-sent behind them.
    assert [_check(m) for m in _drain(b)] == queued


def test_zero_copy_parts_of_a_refused_message_are_released(full_pair):
    a, b, queued = full_pair
    if IS_CFFI:
        from zmq_cffi.frame import _zero_copy
        _zero_copy.collect()
        held_before = len(_zero_copy)
    big = [bytearray(100000), bytearray(200000)]
    with pytest.raises(zmq.Again):
        a.send_multipart(big, zmq.NOBLOCK, copy=False, track=True)
    if IS_CFFI:
        _zero_copy.collect()
        assert len(_zero_copy) == held_before  # libzmq never took them: nothing kept alive
    assert [_check(m) for m in _drain(b)] == queued


@pytest.mark.parametrize("copy", [True, False])
@pytest.mark.parametrize("n", [1, 2, 4, 5, 12])
def test_mixed_parts_arrive_whole_in_order(pair, copy, n):
    a, b = pair
    makers = [
        lambda i: b"bytes-%d" % i,
        lambda i: bytearray(b"bytearray-%d" % i),
        lambda i: memoryview(b"view-%d" % i),
        lambda i: array.array("B", b"array-%d" % i),
        lambda i: zmq.Frame(b"frame-%d" % i, track=True),
        lambda i: bytes(100000) + b"%d" % i,  # above the copy threshold
    ]
    parts = [makers[i % len(makers)](i) for i in range(n)]
    tracker = a.send_multipart(parts, copy=copy, track=True)
    got = b.recv_multipart()
    assert got == [bytes(memoryview(p)) if not isinstance(p, zmq.Frame) else p.bytes for p in parts]
    if tracker is not None:
        tracker.wait(5)
        assert tracker.done


def test_an_untracked_frame_is_refused_before_anything_is_pinned(pair):
    a, b = pair
    if IS_CFFI:
        from zmq_cffi.frame import _zero_copy
        _zero_copy.collect()
        held_before = len(_zero_copy)
    with pytest.raises(ValueError):
        a.send_multipart([bytearray(100000), zmq.Frame(b"untracked")], copy=False, track=True)
    if IS_CFFI:
        _zero_copy.collect()
        assert len(_zero_copy) == held_before  # nothing kept alive for a message never sent
    assert b.poll(100) == 0


@pytest.mark.parametrize("copy", [True, False])
def test_recv_multipart_after_reading_parts_by_hand_returns_the_rest(pair, copy):
    # As in pyzmq: recv() may take a message's first parts one by one; a
    # recv_multipart then returns the rest of that message, and the next
    # recv_multipart the next whole message.
    a, b = pair
    a.send_multipart([b"one", b"two", b"three"])
    a.send_multipart([b"next", b"message"])
    assert b.recv() == b"one"
    assert b.getsockopt(zmq.RCVMORE) == 1
    assert [bytes(p) for p in b.recv_multipart(copy=copy)] == [b"two", b"three"]
    assert [bytes(p) for p in b.recv_multipart(copy=copy)] == [b"next", b"message"]


@pytest.mark.parametrize("copy", [True, False])
def test_recv_multipart_of_many_and_large_parts(pair, copy):
    # More parts than the receive area's first allocation, and parts both
    # under and over its 8 KiB buffer (copied in place, or held and copied out).
    a, b = pair
    parts = [(b"%d:" % i) * (1 + (i * 997) % 4000) for i in range(40)]
    a.send_multipart(parts)
    got = b.recv_multipart(copy=copy)
    assert [bytes(p) for p in got] == parts
    if not copy:
        assert [f.more for f in got] == [True] * 39 + [False]
