"""Frame (alias Message): construction, content views, properties and metadata."""
import array
import copy
import gc

import pytest

from _backend import zmq


def test_message_is_an_alias_of_frame():
    assert zmq.Message is zmq.Frame


def test_frame_content_accessors():
    f = zmq.Frame(b"hello")
    assert f.bytes == b"hello"
    assert isinstance(f.bytes, bytes)
    assert len(f) == 5
    assert bytes(f) == b"hello"
    view = f.buffer
    assert isinstance(view, memoryview)
    assert view.tobytes() == b"hello"
    assert "Frame" in repr(f)


def test_default_frame_is_empty():
    f = zmq.Frame()
    assert f.bytes == b"" and len(f) == 0


@pytest.mark.parametrize(
    "data, expected",
    [
        (bytearray(b"ba"), b"ba"),
        (memoryview(b"abcd")[1:3], b"bc"),
        (array.array("B", [1, 2, 3]), b"\x01\x02\x03"),
    ],
    ids=["bytearray", "memoryview", "array"],
)
@pytest.mark.parametrize("copy_arg", [None, True, False])
def test_frame_from_buffers(data, expected, copy_arg):
    f = zmq.Frame(data, copy=copy_arg)
    assert f.bytes == expected


def test_frame_refuses_str():
    with pytest.raises(TypeError):
        zmq.Frame("text")


def test_copying_frame_is_independent_of_the_source_buffer():
    source = bytearray(b"original")
    f = zmq.Frame(source, copy=True)
    source[:] = b"mutated!"
    assert f.bytes == b"original"


def test_copy_module_copies_a_frame():
    f = zmq.Frame(b"twin")
    twin = copy.copy(f)
    assert twin is not f
    assert twin.bytes == b"twin"


def test_fresh_frame_has_no_more_and_no_tracker():
    f = zmq.Frame(b"x")
    assert f.more is False
    assert f.get(zmq.MORE) == 0
    assert f.tracker is None


def test_tracked_frame_has_a_tracker():
    f = zmq.Frame(b"x", track=True)
    assert isinstance(f.tracker, zmq.MessageTracker)


def test_more_on_received_multipart_frames(make_pair):
    a, b = make_pair(zmq.PAIR, zmq.PAIR)
    a.send_multipart([b"first", b"middle", b"last"])
    frames = b.recv_multipart(copy=False)
    assert [f.more for f in frames] == [True, True, False]
    assert [f.get(zmq.MORE) for f in frames] == [1, 1, 0]
    assert [f.bytes for f in frames] == [b"first", b"middle", b"last"]


@pytest.mark.parametrize("prop", ["User-Id", "Socket-Type"])
def test_metadata_of_a_fresh_frame_is_einval(prop):
    f = zmq.Frame(b"no metadata")
    with pytest.raises(zmq.ZMQError) as excinfo:
        f[prop]
    assert excinfo.value.errno == zmq.EINVAL
    with pytest.raises(zmq.ZMQError):
        f.get(prop)


def test_metadata_of_a_frame_received_over_tcp(make_pair):
    pull, push = make_pair(zmq.PULL, zmq.PUSH, transport="tcp")
    push.send(b"with metadata")
    f = pull.recv(copy=False)
    assert f.get("Socket-Type") == "PUSH"  # the sender's type
    assert f["Socket-Type"] == "PUSH"
    assert f["Peer-Address"] == "127.0.0.1"
    with pytest.raises(zmq.ZMQError) as excinfo:
        f["User-Id"]  # only set by an authenticating mechanism
    assert excinfo.value.errno == zmq.EINVAL


def test_unknown_int_property_is_einval():
    with pytest.raises(zmq.ZMQError) as excinfo:
        zmq.Frame(b"x").get(9999)
    assert excinfo.value.errno == zmq.EINVAL


def test_buffer_outlives_a_received_frame(make_pair):
    a, b = make_pair(zmq.PAIR, zmq.PAIR)
    payload = bytes(range(256)) * 800
    a.send(payload, copy=False)
    f = b.recv(copy=False)
    view = f.buffer
    del f
    gc.collect()
    gc.collect()
    assert len(view) == len(payload)
    assert view.tobytes() == payload
    assert view[-1] == payload[-1]


def test_buffer_outlives_a_constructed_frame():
    payload = b"constructed " * 1000
    f = zmq.Frame(payload)
    view = f.buffer
    del f
    gc.collect()
    assert view.tobytes() == payload


def test_the_same_frame_can_be_sent_twice(make_pair):
    a, b = make_pair(zmq.PAIR, zmq.PAIR)
    small = zmq.Frame(b"again")
    large = zmq.Frame(b"L" * 100000)
    for frame in (small, small, large, large):
        a.send(frame, copy=False)
    assert [b.recv() for _ in range(4)] == [b"again", b"again", b"L" * 100000, b"L" * 100000]
    assert small.bytes == b"again"


def test_tracked_frame_is_done_after_delivery(make_pair):
    a, b = make_pair(zmq.PAIR, zmq.PAIR)
    f = zmq.Frame(b"T" * 100000, track=True)
    tracker = a.send(f, copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    assert b.recv() == b"T" * 100000
    del f
    gc.collect()
    tracker.wait(5)
    assert tracker.done
