"""numpy arrays on received Frames, zero-copy: pyzmq's documented pattern
``numpy.frombuffer(frame, dtype)`` and ``numpy.asarray(memoryview(frame))``."""
import gc
import sys

import numpy
import pytest
import zmq

N = 250000  # 2 MB of float64, far above the copy threshold


def _collect():
    for _ in range(3):
        gc.collect()


@pytest.fixture(params=["inproc", "tcp"])
def pair(request):
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = s.sndtimeo = 5000
    if request.param == "inproc":
        a.bind("inproc://numpy")
        b.connect("inproc://numpy")
    else:
        b.connect("tcp://127.0.0.1:%d" % a.bind_to_random_port("tcp://127.0.0.1"))
    yield a, b
    a.close()
    b.close()
    ctx.term()


def test_frombuffer_of_a_received_frame_is_zero_copy(pair):
    a, b = pair
    sent = numpy.arange(N, dtype=numpy.float64)
    a.send(sent, copy=False)
    frame = b.recv(copy=False)
    got = numpy.frombuffer(frame, dtype=numpy.float64)
    assert got.shape == (N,)
    assert numpy.array_equal(got, sent)
    # Zero-copy: the array's memory is the frame's; a write shows in both.
    assert got.flags.writeable  # received frames are writable, as in pyzmq
    got[0] = -1.0
    assert numpy.frombuffer(frame.buffer, dtype=numpy.float64)[0] == -1.0
    assert numpy.shares_memory(got, numpy.asarray(memoryview(frame)).view(numpy.float64))


def test_array_keeps_the_message_after_the_frame_is_collected(pair):
    a, b = pair
    sent = numpy.arange(N, dtype=numpy.int64) * 3
    a.send(sent, copy=False)
    frame = b.recv(copy=False)
    got = numpy.frombuffer(frame, dtype=numpy.int64).reshape(500, 500)
    del frame
    _collect()
    churn = [numpy.full(N, 7, dtype=numpy.int64) for _ in range(10)]  # reuse freed memory
    assert numpy.array_equal(got.ravel(), sent)
    del churn


# On PyPy 7.3 for Python 3.11, numpy.frombuffer(memoryview) keeps a reference
# to the memoryview for ever: the object behind it is never collected
# (shown with a plain cffi buffer and no zmq_cffi: numpy 2.4.6, PyPy 7.3.19;
# frombuffer(ffi.buffer) directly and memoryview alone are collected, and
# PyPy's bufferable never calls __release_buffer__, so a Frame cannot break
# the chain).  A received message an array viewed is then never freed.
_PYPY311_NUMPY_KEEPS_VIEWS = pytest.mark.xfail(
    sys.implementation.name == "pypy" and sys.version_info[:2] == (3, 11)
    and sys.pypy_version_info < (8, 0),  # type: ignore[attr-defined]
    reason="PyPy 7.3 (3.11): numpy.frombuffer(memoryview) never drops its view",
    raises=zmq.NotDone, strict=True)


@_PYPY311_NUMPY_KEEPS_VIEWS
def test_tracker_stays_pending_while_a_received_array_holds_the_message():
    # Over inproc the receiver's message is the sender's buffer: the sender's
    # tracker must not finish while an array made from the frame lives.
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    try:
        a.bind("inproc://numpy-tracker")
        b.connect("inproc://numpy-tracker")
        b.rcvtimeo = 5000
        tracker = a.send(numpy.ones(N), copy=False, track=True)
        frame = b.recv(copy=False)
        arr = numpy.frombuffer(frame)
        del frame
        _collect()
        assert not tracker.done
        assert arr.sum() == N
        del arr
        _collect()
        tracker.wait(5)
        assert tracker.done
    finally:
        a.close(linger=0)
        b.close(linger=0)
        ctx.term()


def test_multipart_of_arrays_round_trips(pair):
    a, b = pair
    arrays = [numpy.random.default_rng(i).random(1000 * (i + 1)) for i in range(4)]
    a.send_multipart([b"header"] + arrays, copy=False)
    frames = b.recv_multipart(copy=False)
    assert frames[0].bytes == b"header"
    for arr, frame in zip(arrays, frames[1:]):
        assert numpy.array_equal(numpy.frombuffer(frame), arr)


def test_sending_a_non_contiguous_array_is_refused_clearly(pair):
    a, _ = pair
    with pytest.raises((ValueError, TypeError, BufferError)):
        a.send(numpy.arange(100.0)[::2], copy=False)
