"""Socket monitoring: Socket.monitor/get_monitor_socket/disable_monitor and
zmq.utils.monitor's decoding of the event messages."""
import importlib
import struct
import time

import pytest

from _backend import zmq

monitor_utils = importlib.import_module(zmq.__name__ + ".utils.monitor")
parse_monitor_message = monitor_utils.parse_monitor_message
recv_monitor_message = monitor_utils.recv_monitor_message


def _event_frame(event, value):
    return struct.pack("=Hi", event, value)


def collect_events(monitor, wanted, timeout=3.0):
    """Receive events until every event in ``wanted`` was seen or time runs out.

    Returns every decoded event received, in order.
    """
    seen = []
    missing = set(wanted)
    deadline = time.monotonic() + timeout
    while missing and len(seen) < 200:
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms <= 0 or not monitor.poll(remaining_ms):
            break
        event = recv_monitor_message(monitor)
        seen.append(event)
        missing.discard(event["event"])
    return seen


def kinds(events):
    return [e["event"] for e in events]


@pytest.fixture
def close_later():
    sockets = []
    yield sockets.append
    for sock in sockets:
        sock.close(linger=0)


# ---- parse_monitor_message: pure decoding ------------------------------------


def test_parse_gives_event_value_and_endpoint():
    msg = [_event_frame(zmq.EVENT_CONNECTED, 17), b"tcp://127.0.0.1:5555"]
    event = parse_monitor_message(msg)
    assert event == {"event": zmq.EVENT_CONNECTED, "value": 17, "endpoint": b"tcp://127.0.0.1:5555"}
    assert isinstance(event["event"], zmq.Event)
    assert event["event"] is zmq.Event.CONNECTED
    assert isinstance(event["value"], int)
    assert isinstance(event["endpoint"], bytes)


def test_parse_reads_native_byte_order():
    head = struct.pack("=Hi", zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
                       zmq.Event.PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND)
    event = parse_monitor_message([head, b""])
    assert event["event"] == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
    assert event["value"] == 0x10000001
    assert event["endpoint"] == b""


@pytest.mark.parametrize("msg", [
    [],
    [_event_frame(1, 1)],
    [_event_frame(1, 1), b"tcp://x", b"extra"],
    [b"\x01\x00\x01\x00\x00", b"tcp://x"],          # 5 bytes
    [b"\x01\x00\x01\x00\x00\x00\x00", b"tcp://x"],  # 7 bytes
    [b"", b""],
])
def test_parse_rejects_malformed_messages(msg):
    with pytest.raises(RuntimeError, match="Invalid event message"):
        parse_monitor_message(msg)


@pytest.mark.cffi_only
def test_parse_keeps_a_negative_value():
    # libzmq reports some fds as -1; Python 3.11's IntFlag would turn -1 into
    # an unrelated positive number (pyzmq returns that number).
    event = parse_monitor_message([_event_frame(zmq.EVENT_CLOSED, -1), b"tcp://x"])
    assert event["value"] == -1


@pytest.mark.cffi_only
def test_parse_accepts_frames_received_without_copy():
    head = zmq.Frame(_event_frame(zmq.EVENT_LISTENING, 9))
    event = parse_monitor_message([head, zmq.Frame(b"ipc://x")])
    assert event == {"event": zmq.EVENT_LISTENING, "value": 9, "endpoint": b"ipc://x"}


@pytest.mark.cffi_only
def test_parse_rejects_a_non_buffer_frame():
    with pytest.raises(RuntimeError, match="Invalid event message"):
        parse_monitor_message([object(), b"tcp://x"])


# ---- a real monitor, end to end ------------------------------------------------


def test_tcp_lifecycle_events(ctx, close_later):
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    server_monitor = server.get_monitor_socket()
    close_later(server_monitor)
    server_monitor.rcvtimeo = 3000
    port = server.bind_to_random_port("tcp://127.0.0.1")
    endpoint = ("tcp://127.0.0.1:%d" % port).encode()
    listening = collect_events(server_monitor, {zmq.EVENT_LISTENING})
    assert kinds(listening) == [zmq.EVENT_LISTENING]
    assert listening[0]["endpoint"] == endpoint

    client = ctx.socket(zmq.PAIR)
    close_later(client)
    client_monitor = client.get_monitor_socket()
    close_later(client_monitor)
    client.connect("tcp://127.0.0.1:%d" % port)

    client_events = collect_events(client_monitor, {zmq.EVENT_CONNECTED, zmq.EVENT_HANDSHAKE_SUCCEEDED})
    assert zmq.EVENT_CONNECTED in kinds(client_events)
    assert zmq.EVENT_HANDSHAKE_SUCCEEDED in kinds(client_events)
    assert all(e["endpoint"] == endpoint for e in client_events)
    connected = client_events[kinds(client_events).index(zmq.EVENT_CONNECTED)]
    assert connected["value"] > 0  # the connection's file descriptor

    server_events = collect_events(server_monitor, {zmq.EVENT_ACCEPTED, zmq.EVENT_HANDSHAKE_SUCCEEDED})
    assert zmq.EVENT_ACCEPTED in kinds(server_events)
    assert zmq.EVENT_HANDSHAKE_SUCCEEDED in kinds(server_events)

    # The connection works while monitored.
    client.send(b"ping")
    server.rcvtimeo = 3000
    assert server.recv() == b"ping"

    # The peer goes away: the server sees DISCONNECTED.
    client.close(linger=0)
    gone = collect_events(server_monitor, {zmq.EVENT_DISCONNECTED})
    assert zmq.EVENT_DISCONNECTED in kinds(gone)


def test_monitor_filters_events_by_mask(ctx, close_later):
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    monitor = server.get_monitor_socket(zmq.EVENT_ACCEPTED)
    close_later(monitor)
    port = server.bind_to_random_port("tcp://127.0.0.1")
    client = ctx.socket(zmq.PAIR)
    close_later(client)
    client.connect("tcp://127.0.0.1:%d" % port)
    events = collect_events(monitor, {zmq.EVENT_ACCEPTED})
    assert kinds(events) == [zmq.EVENT_ACCEPTED]
    # LISTENING and HANDSHAKE_SUCCEEDED were masked out: nothing else comes.
    assert monitor.poll(200) == 0


def test_monitor_with_explicit_address(ctx, close_later):
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    server.monitor("inproc://explicit-monitor-test", zmq.EVENT_LISTENING)
    monitor = ctx.socket(zmq.PAIR)
    close_later(monitor)
    monitor.connect("inproc://explicit-monitor-test")
    server.bind("tcp://127.0.0.1:*")
    events = collect_events(monitor, {zmq.EVENT_LISTENING})
    assert kinds(events) == [zmq.EVENT_LISTENING]
    assert events[0]["endpoint"] == server.getsockopt(zmq.LAST_ENDPOINT)


def test_disable_monitor_stops_events(ctx, close_later):
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    monitor = server.get_monitor_socket()
    close_later(monitor)
    server.bind("tcp://127.0.0.1:*")
    assert kinds(collect_events(monitor, {zmq.EVENT_LISTENING})) == [zmq.EVENT_LISTENING]

    server.disable_monitor()
    assert kinds(collect_events(monitor, {zmq.EVENT_MONITOR_STOPPED})) == [zmq.EVENT_MONITOR_STOPPED]

    # Later activity is no longer reported.
    server.bind("tcp://127.0.0.1:*")
    assert monitor.poll(200) == 0


def test_monitor_can_be_restarted_after_disable(ctx, close_later):
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    first = server.get_monitor_socket()
    close_later(first)
    server.disable_monitor()
    assert kinds(collect_events(first, {zmq.EVENT_MONITOR_STOPPED})) == [zmq.EVENT_MONITOR_STOPPED]
    # A fresh address: the stopped monitor's inproc name is released by
    # libzmq's reaper thread a moment later, so reusing it at once may fail
    # with EADDRINUSE (as it may in pyzmq, whose default name is fixed too).
    second = server.get_monitor_socket(addr="inproc://restarted-monitor")
    close_later(second)
    server.bind("tcp://127.0.0.1:*")
    assert kinds(collect_events(second, {zmq.EVENT_LISTENING})) == [zmq.EVENT_LISTENING]


def test_get_monitor_socket_twice_returns_the_same_socket(ctx, close_later):
    # pyzmq caches the monitor PAIR socket: a second call returns it again.
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    first = server.get_monitor_socket()
    close_later(first)
    # A fresh address: the stopped monitor's inproc name is released by
    # libzmq's reaper thread a moment later, so reusing it at once may fail
    # with EADDRINUSE (as it may in pyzmq, whose default name is fixed too).
    second = server.get_monitor_socket(addr="inproc://restarted-monitor")
    close_later(second)
    assert second is first


def test_get_monitor_socket_with_events_none_means_all(ctx, close_later):
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    monitor = server.get_monitor_socket(None)
    close_later(monitor)
    server.bind("tcp://127.0.0.1:*")
    assert kinds(collect_events(monitor, {zmq.EVENT_LISTENING})) == [zmq.EVENT_LISTENING]


def test_recv_monitor_message_noblock_raises_again(ctx, close_later):
    server = ctx.socket(zmq.PAIR)
    close_later(server)
    monitor = server.get_monitor_socket()
    close_later(monitor)
    with pytest.raises(zmq.Again):
        recv_monitor_message(monitor, zmq.NOBLOCK)


def test_recv_monitor_message_rejects_a_malformed_message(ctx, close_later):
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    close_later(a)
    close_later(b)
    a.bind("inproc://fake-monitor")
    b.connect("inproc://fake-monitor")
    b.rcvtimeo = 3000
    a.send_multipart([b"not an event", b"tcp://x"])
    with pytest.raises(RuntimeError, match="Invalid event message"):
        recv_monitor_message(b)
    a.send(b"\x01\x00\x00\x00\x00\x00")  # one frame only
    with pytest.raises(RuntimeError, match="Invalid event message"):
        recv_monitor_message(b)


def test_monitor_on_closed_socket_raises_enotsock(ctx):
    sock = ctx.socket(zmq.PAIR)
    sock.close()
    with pytest.raises(zmq.ZMQError) as info:
        sock.monitor("inproc://closed-monitor")
    assert info.value.errno == zmq.ENOTSOCK


def test_monitor_rejects_a_non_inproc_address(ctx, close_later):
    sock = ctx.socket(zmq.PAIR)
    close_later(sock)
    with pytest.raises(zmq.ZMQError) as info:
        sock.monitor("tcp://127.0.0.1:5555")
    assert info.value.errno == zmq.EPROTONOSUPPORT


def test_recv_monitor_message_on_an_asyncio_socket_is_awaitable():
    import asyncio

    zmq_asyncio = importlib.import_module(zmq.__name__ + ".asyncio")

    async def first_event():
        ctx = zmq_asyncio.Context()
        server = ctx.socket(zmq.PAIR)
        monitor = server.get_monitor_socket(zmq.EVENT_LISTENING)
        try:
            server.bind("tcp://127.0.0.1:*")
            pending = recv_monitor_message(monitor)
            assert not isinstance(pending, dict)
            event = await asyncio.wait_for(pending, 3)
            return event, server.getsockopt(zmq.LAST_ENDPOINT)
        finally:
            monitor.close(linger=0)
            server.close(linger=0)
            ctx.term()

    event, endpoint = asyncio.run(first_event())
    assert event["event"] == zmq.EVENT_LISTENING
    assert event["endpoint"] == endpoint
