"""The buffer protocol of Frame: memoryview(frame), struct, hashlib, bytearray
and everything else that reads an object's memory in place.

pyzmq's Frame has it (jupyter_client's ``Session.deserialize(copy=False)``
and ipyparallel rely on it); zmq_cffi provides it on every interpreter
(``zmq_cffi/_bufferable.c`` explains how).  numpy.frombuffer is tested in
tests_apps/, where numpy is installed.
"""
import array
import gc
import hashlib
import struct
import sys

import pytest

from _backend import zmq

SIZES = [0, 5, 70000, 1000000]  # empty, copied, and above the 64 KiB copy threshold


def _payload(size):
    return bytes((i * 31 + 7) & 0xFF for i in range(min(size, 4096))) * (size // 4096 + 1)


def _collect():
    for _ in range(3):
        gc.collect()


@pytest.fixture(params=["inproc", "tcp"])
def pair(request, make_pair):
    return make_pair(zmq.PAIR, zmq.PAIR, transport=request.param)


@pytest.mark.parametrize("size", SIZES)
def test_memoryview_of_a_received_frame_is_its_content(pair, size):
    a, b = pair
    data = _payload(size)[:size]
    a.send(data, copy=size < 65536)
    frame = b.recv(copy=False)
    view = memoryview(frame)
    assert view.format == "B" and view.ndim == 1 and view.nbytes == size
    assert view.tobytes() == data
    assert bytes(frame.buffer) == data
    assert bytearray(frame) == data
    assert hashlib.sha256(frame).digest() == hashlib.sha256(data).digest()
    if size >= 8:
        # struct takes the frame's view everywhere (the frame itself: below).
        assert struct.unpack_from("<Q", frame.buffer, 0) == struct.unpack_from("<Q", data, 0)


# PyPy 8.0's struct module reads only its own buffer types: it ignores
# __buffer__ (PEP 688) on any Python class, a __pypy__.bufferable subclass or
# not, while memoryview, hashlib, zlib, bytes() and file writes honour it
# (PyPy 7.3's struct honoured it).  Nothing a Python class can do about it;
# frame.buffer works there.  Strict: the day PyPy fixes it, this says so.
PYPY_STRUCT_IGNORES_BUFFER = pytest.mark.xfail(
    sys.implementation.name == "pypy" and sys.pypy_version_info >= (8, 0),  # type: ignore[attr-defined]
    reason="PyPy 8.0's struct ignores __buffer__ of Python classes (use frame.buffer)",
    raises=TypeError, strict=True)


@PYPY_STRUCT_IGNORES_BUFFER
@pytest.mark.parametrize("size", [8, 70000])
def test_struct_reads_a_received_frame_in_place(pair, size):
    a, b = pair
    data = _payload(size)[:size]
    a.send(data, copy=size < 65536)
    frame = b.recv(copy=False)
    assert struct.unpack_from("<Q", frame, 0) == struct.unpack_from("<Q", data, 0)


def test_received_frame_is_read_in_place_not_copied(pair):
    # Two views of one received frame see the same memory: a write through
    # one shows through the other (received frames are writable, as in pyzmq).
    a, b = pair
    a.send(b"\x00" * 100000)
    frame = b.recv(copy=False)
    first, second = memoryview(frame), frame.buffer
    assert not first.readonly
    first[10] = 0x5A
    assert second[10] == 0x5A
    assert frame.bytes[10] == 0x5A


@pytest.mark.parametrize("size", [100, 1000000])
def test_view_outlives_the_frame_socket_and_context(ctx, size):
    data = _payload(size)[:size]
    c = zmq.Context()
    a, b = c.socket(zmq.PAIR), c.socket(zmq.PAIR)
    a.bind("inproc://buffer-outlives")
    b.connect("inproc://buffer-outlives")
    a.send(data, copy=False)
    frame = b.recv(copy=False)
    view = memoryview(frame)
    tail = view[size // 2:]
    del frame
    a.close(linger=0)
    b.close(linger=0)
    c.term()
    del a, b, c
    _collect()
    # Reuse memory as a freed message would have been reused.
    churn = [bytearray(b"\xee" * size) for _ in range(20)]
    assert view.tobytes() == data
    assert tail.tobytes() == data[size // 2:]
    del churn


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "array"])
def test_frame_made_from_data_shares_its_writability(kind):
    data = _payload(100000)[:100000]
    source = {"bytes": bytes, "bytearray": bytearray,
              "array": lambda d: array.array("B", d)}[kind](data)
    frame = zmq.Frame(source, copy=False)
    view = memoryview(frame)
    assert view.tobytes() == data
    assert view.nbytes == len(data)
    # A bytes object must never be written through a frame made from it.
    assert view.readonly == (kind == "bytes")


def test_copied_frame_is_read_only_bytes():
    frame = zmq.Frame(b"abc")
    view = memoryview(frame)
    assert view.tobytes() == b"abc"
    assert view.readonly


def test_frame_of_a_multibyte_array_is_seen_as_bytes():
    source = array.array("i", range(30000))
    frame = zmq.Frame(source, copy=False)
    view = memoryview(frame)
    assert view.format == "B"
    assert view.nbytes == source.itemsize * len(source)
    assert view.tobytes() == source.tobytes()


def test_writable_request_on_a_read_only_frame_is_refused():
    frame = zmq.Frame(b"immutable" * 10000, copy=False)
    with pytest.raises((BufferError, TypeError)):
        memoryview(frame).cast("B")[0:1] = b"x"  # write through a read-only view
    assert frame.bytes.startswith(b"immutable")


def test_memoryview_of_received_multipart_frames(pair):
    a, b = pair
    parts = [b"id", b"", _payload(200000)[:200000], b"tail"]
    a.send_multipart(parts, copy=False)
    frames = b.recv_multipart(copy=False)
    assert [memoryview(f).tobytes() for f in frames] == parts


def test_view_of_a_tracked_frame_keeps_the_tracker_pending_until_release(pair):
    # The receiver holding a view keeps libzmq's message alive; over inproc
    # that message is the sender's buffer, so the sender's tracker stays
    # pending while the view lives (zmq_cffi and pyzmq alike).
    a, b = pair
    tracker = a.send(_payload(100000)[:100000], copy=False, track=True)
    frame = b.recv(copy=False)
    view = memoryview(frame)
    del frame
    _collect()
    if a.last_endpoint.startswith(b"inproc"):
        assert not tracker.done
    del view
    _collect()
    tracker.wait(5)
    assert tracker.done
