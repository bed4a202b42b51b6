"""Sending and receiving: buffer kinds, sizes, copy modes, multipart, serializers."""
import array
import json
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _backend import zmq
from _util import new_endpoint


@pytest.fixture
def pair(make_pair):
    return make_pair(zmq.PAIR, zmq.PAIR)


def _payloads():
    return [
        ("bytes", b"plain bytes"),
        ("bytearray", bytearray(b"mutable bytes")),
        ("memoryview", memoryview(b"xxsliced viewxx")[2:-2]),
        ("array", array.array("i", range(50))),
        ("empty", b""),
    ]


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
@pytest.mark.parametrize("name, data", _payloads(), ids=[n for n, _ in _payloads()])
def test_buffer_kinds_round_trip(pair, name, data, copy):
    a, b = pair
    expected = memoryview(data).tobytes()
    a.send(data, copy=copy)
    assert b.recv() == expected


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "nocopy"])
def test_one_megabyte_message(make_pair, copy):
    a, b = make_pair(zmq.PAIR, zmq.PAIR, transport="tcp")
    data = bytes(range(256)) * 4096
    assert len(data) == 1 << 20
    a.send(data, copy=copy)
    got = b.recv(copy=copy)
    assert (got if copy else got.bytes) == data


def test_send_returns_none_when_copying(pair):
    a, b = pair
    assert a.send(b"x") is None
    assert a.send(b"y", copy=True, track=True) is None
    assert b.recv() == b"x" and b.recv() == b"y"


def test_send_returns_tracker_when_tracking_without_copy(pair):
    a, b = pair
    tracker = a.send(b"z" * 100000, copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    assert b.recv() == b"z" * 100000


def test_recv_without_copy_returns_frame(pair):
    a, b = pair
    a.send(b"frame me")
    frame = b.recv(copy=False)
    assert isinstance(frame, zmq.Frame)
    assert frame.bytes == b"frame me"


@pytest.mark.parametrize("flag", ["NOBLOCK", "DONTWAIT"])
def test_nonblocking_recv_on_empty_socket_raises_again(pair, flag):
    _, b = pair
    with pytest.raises(zmq.Again) as excinfo:
        b.recv(getattr(zmq, flag))
    assert isinstance(excinfo.value, zmq.ZMQError)
    assert excinfo.value.errno == zmq.EAGAIN


@pytest.mark.parametrize("bad", ["text", 42, None], ids=["str", "int", "None"])
def test_send_refuses_non_buffers(pair, bad):
    a, b = pair
    with pytest.raises(TypeError):
        a.send(bad)
    a.send(b"after")  # the socket is still usable and nothing stray was sent
    assert b.recv() == b"after"


def test_send_multipart_refuses_str_part(pair):
    _, b = pair
    with pytest.raises(TypeError):
        b.send_multipart([b"ok", "not bytes"])


@pytest.mark.parametrize("send_copy", [True, False])
@pytest.mark.parametrize("recv_copy", [True, False])
def test_multipart_round_trip(pair, send_copy, recv_copy):
    a, b = pair
    parts = [b"head", b"", b"x" * 70000, bytearray(b"tail")]
    a.send_multipart(parts, copy=send_copy)
    got = b.recv_multipart(copy=recv_copy)
    assert len(got) == 4
    if not recv_copy:
        assert all(isinstance(f, zmq.Frame) for f in got)
        got = [f.bytes for f in got]
    assert got == [bytes(p) for p in parts]


def test_multipart_with_mixed_frames_and_buffers(pair):
    a, b = pair
    a.send_multipart([zmq.Frame(b"frame"), b"bytes", memoryview(b"view"), zmq.Frame(b"last")])
    assert b.recv_multipart() == [b"frame", b"bytes", b"view", b"last"]


def test_manual_sndmore_and_rcvmore(pair):
    a, b = pair
    a.send(b"one", zmq.SNDMORE)
    a.send(b"two", flags=zmq.SNDMORE)
    a.send(b"three")
    assert b.recv() == b"one"
    assert b.rcvmore == 1 and b.getsockopt(zmq.RCVMORE) == 1
    assert b.recv() == b"two"
    assert b.rcvmore
    assert b.recv() == b"three"
    assert b.rcvmore == 0


def test_many_messages_arrive_in_order(make_pair):
    pull, push = make_pair(zmq.PULL, zmq.PUSH, transport="tcp")
    for i in range(2000):
        push.send(b"%d" % i)
    assert [pull.recv() for _ in range(2000)] == [b"%d" % i for i in range(2000)]


def test_string_round_trip(pair):
    a, b = pair
    a.send_string("héllo wörld ✓")
    assert b.recv_string() == "héllo wörld ✓"
    a.send_string("héllo", encoding="latin-1")
    assert b.recv() == "héllo".encode("latin-1")
    a.send("grüß".encode("utf-16"))
    assert b.recv_string(encoding="utf-16") == "grüß"


def test_unicode_aliases(pair):
    a, b = pair
    a.send_unicode("alias ✓")
    assert b.recv_unicode() == "alias ✓"


def test_send_string_refuses_bytes(pair):
    a, _ = pair
    with pytest.raises(TypeError):
        a.send_string(b"bytes")


def test_json_round_trip(pair):
    a, b = pair
    obj = {"list": [1, 2.5, None, True], "text": "ü", "nested": {"k": "v"}}
    a.send_json(obj)
    assert b.recv_json() == obj
    a.send_json({"b": 1, "a": 2}, sort_keys=True)  # keywords reach json.dumps
    assert json.loads(b.recv()) == {"a": 2, "b": 1}


@pytest.mark.parametrize("protocol", [0, 2, -1, None], ids=["p0", "p2", "highest", "default"])
def test_pyobj_round_trip(pair, protocol):
    a, b = pair
    obj = {"tuple": (1, 2), "set": {3}, "bytes": b"\x00\xff", "float": 1.5}
    if protocol is None:
        a.send_pyobj(obj)
    else:
        a.send_pyobj(obj, protocol=protocol)
    raw = b.recv()
    assert pickle.loads(raw) == obj
    if protocol == 0:
        assert not raw.startswith(b"\x80")  # protocol 0 has no PROTO opcode
    elif protocol == 2:
        assert raw[:2] == b"\x80\x02"
    elif protocol == -1:
        assert raw[1] == pickle.HIGHEST_PROTOCOL
    a.send_pyobj(obj)
    assert b.recv_pyobj() == obj


def test_serialized_round_trip(pair):
    a, b = pair

    def serialize(msg):
        return [json.dumps(msg["meta"]).encode(), msg["blob"]]

    def deserialize(frames):
        assert len(frames) == 2
        return {"meta": json.loads(frames[0]), "blob": frames[1]}

    msg = {"meta": {"id": 7}, "blob": b"\x01\x02"}
    a.send_serialized(msg, serialize)
    assert b.recv_serialized(deserialize) == msg


def test_recv_serialized_without_copy_gets_frames(pair):
    a, b = pair
    a.send_serialized("x", lambda m: [m.encode(), b"2"])
    frames = b.recv_serialized(lambda fs: fs, copy=False)
    assert [f.bytes for f in frames] == [b"x", b"2"]


def test_recv_into_fills_a_buffer(pair):
    a, b = pair
    a.send(b"hello")
    buf = bytearray(8)
    assert b.recv_into(buf) == 5
    assert buf == b"hello\x00\x00\x00"


def test_recv_into_truncates_and_reports_full_size(pair):
    a, b = pair
    a.send(b"hello world")
    buf = bytearray(5)
    assert b.recv_into(buf) == 11
    assert buf == b"hello"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.binary(min_size=0, max_size=64 * 1024), send_copy=st.booleans(), recv_copy=st.booleans())
def test_random_payloads_round_trip(ctx, payload, send_copy, recv_copy):
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    try:
        for s in (a, b):
            s.linger = 0
            s.rcvtimeo = s.sndtimeo = 5000
        # a fresh name: a closed socket's endpoint is released asynchronously
        endpoint = new_endpoint("inproc")
        a.bind(endpoint)
        b.connect(endpoint)
        a.send(payload, copy=send_copy)
        got = b.recv(copy=recv_copy)
        assert (got if recv_copy else got.bytes) == payload
    finally:
        a.close()
        b.close()
