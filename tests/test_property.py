"""Property tests (hypothesis): whatever is sent arrives intact and in order.

* Random sequences of multipart messages -- part sizes from 0 B to 1 MB, each
  part sent as bytes, bytearray, memoryview, array or Frame, copied, zero-copy
  or tracked -- cross PAIR, PUSH/PULL and DEALER/ROUTER over inproc and tcp,
  and are received (as bytes or as Frames) exactly as sent.
* Random option writes on int, int64 and bytes options read back exactly, and
  never disturb the other options.

Sockets live for the whole module (one pair per pattern and transport), so
each example costs only its messages; examples are bounded so that the file
runs in well under 20 s on either interpreter.
"""
import array
import gc
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _backend import zmq
from _util import set_timeouts, wait_tracker_done

_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                 database=None)

# ---- message sequences -----------------------------------------------------------------

# Mostly small parts (the common case), some around the zero-copy threshold
# (64 KiB), a few up to 1 MB.
_SIZES = st.one_of(
    st.integers(0, 300),
    st.integers(300, 70000),
    st.sampled_from([0, 1, 8191, 8192, 8193, 65535, 65536, 65537]),
    st.integers(70000, 1 << 20),
)
_WRAPPERS = ["bytes", "bytearray", "memoryview", "array", "frame", "frame_nocopy"]
_SEND_MODES = ["copy", "nocopy", "track"]

_PART = st.tuples(_SIZES, st.integers(0, 2 ** 32 - 1), st.sampled_from(_WRAPPERS))
_MESSAGE = st.lists(_PART, min_size=1, max_size=4)
_SEQUENCE = st.lists(st.tuples(_MESSAGE, st.sampled_from(_SEND_MODES)), min_size=1, max_size=6)


def _content(size, seed):
    return random.Random(seed).getrandbits(8 * size).to_bytes(size, "little") if size else b""


def _wrap(data, wrapper):
    if wrapper == "bytes":
        return data
    if wrapper == "bytearray":
        return bytearray(data)
    if wrapper == "memoryview":
        return memoryview(bytearray(data))
    if wrapper == "array":
        return array.array("B", data)
    if wrapper == "frame":
        return zmq.Frame(data)
    if wrapper == "frame_nocopy":
        return zmq.Frame(bytearray(data), copy=False, track=True)
    raise ValueError(wrapper)


_PATTERNS = {
    "PAIR": (zmq.PAIR, zmq.PAIR),
    "PUSH_PULL": (zmq.PULL, zmq.PUSH),
    "DEALER_ROUTER": (zmq.ROUTER, zmq.DEALER),
}


@pytest.fixture(scope="module")
def module_ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture(scope="module")
def pairs(module_ctx):
    """(pattern, transport) -> (receiver, sender), made once for the module."""
    made = {}
    for pattern, (recv_type, send_type) in _PATTERNS.items():
        for transport in ("inproc", "tcp"):
            receiver = module_ctx.socket(recv_type)
            sender = module_ctx.socket(send_type)
            set_timeouts(receiver, 10000)
            set_timeouts(sender, 10000)
            if transport == "inproc":
                receiver.bind("inproc://property-%s" % pattern)
            else:
                receiver.bind("tcp://127.0.0.1:*")
            sender.connect(receiver.last_endpoint)
            made[pattern, transport] = (receiver, sender)
    return made


def _send_sequence(sender, sequence):
    """Send every message; return (expected parts per message, trackers)."""
    expected, trackers = [], []
    for message, mode in sequence:
        parts = [_content(size, seed) for size, seed, _ in message]
        wrapped = [_wrap(data, wrapper) for data, (_, _, wrapper) in zip(parts, message)]
        if mode == "copy":
            sender.send_multipart(wrapped, copy=True)
        elif mode == "nocopy":
            sender.send_multipart(wrapped, copy=False)
        else:
            # track=True needs every Frame part to be tracked (pyzmq's rule too)
            wrapped = [w if not isinstance(w, zmq.Frame) or w.tracker is not None
                       else zmq.Frame(w.bytes, track=True) for w in wrapped]
            trackers.append(sender.send_multipart(wrapped, copy=False, track=True))
        del wrapped  # the library must keep zero-copy buffers alive by itself
        expected.append(parts)
    return expected, trackers


def _wait_trackers(trackers):
    for tracker in trackers:
        assert wait_tracker_done(tracker, 20)


_ONE_MB = 1 << 20
# Always covered, whatever hypothesis draws: the largest parts, in every mode.
_BIG_MIX = [
    ([(_ONE_MB, 1, "bytearray"), (0, 2, "bytes"), (65536, 3, "frame_nocopy")], "track"),
    ([(_ONE_MB, 4, "bytes"), (70000, 5, "array")], "nocopy"),
    ([(_ONE_MB, 6, "memoryview")], "copy"),
]


@settings(max_examples=30, **_SETTINGS)
@given(sequence=_SEQUENCE, pattern=st.sampled_from(sorted(_PATTERNS)),
       transport=st.sampled_from(["inproc", "tcp"]), as_frames=st.booleans())
@example(sequence=_BIG_MIX, pattern="DEALER_ROUTER", transport="tcp", as_frames=True)
@example(sequence=_BIG_MIX, pattern="PUSH_PULL", transport="inproc", as_frames=False)
def test_random_message_sequences_arrive_intact_and_in_order(pairs, sequence, pattern, transport, as_frames):
    receiver, sender = pairs[pattern, transport]
    expected, trackers = _send_sequence(sender, sequence)
    gc.collect()  # nothing the caller held survives: libzmq's copies must
    for parts in expected:
        got = receiver.recv_multipart(copy=not as_frames)
        if as_frames:
            assert all(isinstance(f, zmq.Frame) for f in got)
            assert [f.more for f in got] == [True] * (len(got) - 1) + [False]
            got = [f.bytes for f in got]
        if pattern == "DEALER_ROUTER":
            got = got[1:]  # the ROUTER prepends the sender's routing id
        assert len(got) == len(parts)
        for i, (g, e) in enumerate(zip(got, parts)):
            assert len(g) == len(e), "part %d: %d bytes, expected %d" % (i, len(g), len(e))
            assert g == e, "part %d differs" % i
    assert receiver.poll(0) == 0  # nothing extra arrived
    _wait_trackers(trackers)


@settings(max_examples=25, **_SETTINGS)
@given(sequence=_SEQUENCE, transport=st.sampled_from(["inproc", "tcp"]))
def test_router_replies_reach_the_right_dealer(module_ctx, sequence, transport):
    """Two DEALERs, one ROUTER: replies addressed by routing id go to the right one."""
    router = module_ctx.socket(zmq.ROUTER)
    dealers = [module_ctx.socket(zmq.DEALER) for _ in range(2)]
    try:
        for s in [router] + dealers:
            set_timeouts(s, 10000)
        router.bind("inproc://property-router-%d" % id(router) if transport == "inproc" else "tcp://127.0.0.1:*")
        for i, d in enumerate(dealers):
            d.routing_id = b"dealer-%d" % i
            d.connect(router.last_endpoint)
            d.send(b"hello")
            assert router.recv_multipart() == [b"dealer-%d" % i, b"hello"]
        expected = {0: [], 1: []}
        for k, (message, mode) in enumerate(sequence):
            target = k % 2
            parts = [_content(size, seed) for size, seed, _ in message]
            router.send_multipart([b"dealer-%d" % target] + [bytearray(p) for p in parts],
                                  copy=(mode == "copy"))
            expected[target].append(parts)
        for i, d in enumerate(dealers):
            for parts in expected[i]:
                assert d.recv_multipart() == parts
            assert d.poll(0) == 0
    finally:
        router.close(linger=0)
        for d in dealers:
            d.close(linger=0)


# ---- socket options -----------------------------------------------------------------------

_I32_MAX = 2 ** 31 - 1
_I64_MAX = 2 ** 63 - 1

# option -> strategy of values that libzmq stores and returns unchanged
_INT_OPTIONS = {
    zmq.LINGER: st.integers(-1, _I32_MAX),
    zmq.RCVTIMEO: st.integers(-1, _I32_MAX),
    zmq.SNDTIMEO: st.integers(-1, _I32_MAX),
    zmq.SNDHWM: st.integers(0, _I32_MAX),
    zmq.RCVHWM: st.integers(0, _I32_MAX),
    zmq.RECONNECT_IVL: st.integers(-1, _I32_MAX),
    zmq.RECONNECT_IVL_MAX: st.integers(0, _I32_MAX),
    zmq.BACKLOG: st.integers(0, _I32_MAX),
    zmq.SNDBUF: st.integers(-1, _I32_MAX),
    zmq.RCVBUF: st.integers(-1, _I32_MAX),
    zmq.RATE: st.integers(1, _I32_MAX),
    zmq.RECOVERY_IVL: st.integers(0, _I32_MAX),
    zmq.MULTICAST_HOPS: st.integers(1, _I32_MAX),
    zmq.HANDSHAKE_IVL: st.integers(0, _I32_MAX),
    zmq.CONNECT_TIMEOUT: st.integers(0, _I32_MAX),
    zmq.TCP_MAXRT: st.integers(0, _I32_MAX),
    zmq.HEARTBEAT_IVL: st.integers(0, _I32_MAX),
    zmq.HEARTBEAT_TIMEOUT: st.integers(0, _I32_MAX),
    zmq.TCP_KEEPALIVE: st.integers(-1, 1),
    zmq.TCP_KEEPALIVE_IDLE: st.integers(-1, _I32_MAX),
    zmq.TCP_KEEPALIVE_CNT: st.integers(-1, _I32_MAX),
    zmq.TCP_KEEPALIVE_INTVL: st.integers(-1, _I32_MAX),
    zmq.IMMEDIATE: st.integers(0, 1),
    zmq.IPV6: st.integers(0, 1),
    zmq.CONFLATE: st.integers(0, 1),
}
_INT64_OPTIONS = {
    zmq.AFFINITY: st.integers(0, _I64_MAX),
    zmq.MAXMSGSIZE: st.integers(-1, _I64_MAX),
}
_BYTES_OPTIONS = {
    # a routing id is 1..255 bytes of anything, NULs included
    zmq.ROUTING_ID: st.binary(min_size=1, max_size=255),
    zmq.ZAP_DOMAIN: st.binary(min_size=1, max_size=254),
    zmq.PLAIN_USERNAME: st.binary(min_size=1, max_size=255),
    zmq.PLAIN_PASSWORD: st.binary(min_size=1, max_size=255),
    zmq.SOCKS_PROXY: st.binary(min_size=1, max_size=255),
}
_ALL_OPTIONS = {**_INT_OPTIONS, **_INT64_OPTIONS, **_BYTES_OPTIONS}

_OPTION_WRITES = st.lists(
    st.sampled_from(sorted(_ALL_OPTIONS)).flatmap(lambda opt: st.tuples(st.just(opt), _ALL_OPTIONS[opt])),
    min_size=1, max_size=30,
)


@pytest.fixture(scope="module")
def option_socket(module_ctx):
    s = module_ctx.socket(zmq.DEALER)
    s.linger = 0
    yield s
    s.close(linger=0)


@settings(max_examples=100, **_SETTINGS)
@given(writes=_OPTION_WRITES)
def test_random_option_writes_read_back_exactly(option_socket, writes):
    s = option_socket
    before = {opt: s.getsockopt(opt) for opt in _INT_OPTIONS}
    before.update({opt: s.getsockopt(opt) for opt in _INT64_OPTIONS})
    written = {}
    for option, value in writes:
        s.setsockopt(option, value)
        got = s.getsockopt(option)
        assert type(got) is type(value), (option, got)
        assert got == value, (option, value, got)
        written[option] = value
    # Every option holds its last written value; the others did not move.
    for option, value in written.items():
        assert s.getsockopt(option) == value, option
    for option, value in before.items():
        if option not in written:
            assert s.getsockopt(option) == value, option
    s.linger = 0  # keep the teardown fast whatever was written


@settings(max_examples=60, **_SETTINGS)
@given(option=st.sampled_from(sorted(_INT_OPTIONS)), value=st.integers(-2 ** 70, 2 ** 70))
def test_any_int_is_either_stored_or_refused_cleanly(option_socket, option, value):
    s = option_socket
    old = s.getsockopt(option)
    try:
        s.setsockopt(option, value)
    except OverflowError:
        assert not -2 ** 31 <= value < 2 ** 31
        assert s.getsockopt(option) == old
    except zmq.ZMQError as exc:
        assert exc.errno == zmq.EINVAL
        assert s.getsockopt(option) == old
    else:
        assert s.getsockopt(option) == value
    s.linger = 0
