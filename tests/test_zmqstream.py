"""zmq_cffi.eventloop (pyzmq's zmq.eventloop): ZMQStream on a tornado IOLoop,
the deprecated ioloop shim and the tornado-Future sockets.

Each test runs its own IOLoop (tornado's, on a fresh asyncio loop) with
``run_until``: the loop stops once the expected state is reached, or after
``BOUND_S`` seconds at the latest, and the test then asserts the state.  The
bound only turns a hang into a failure; no assertion depends on timing.
"""
import asyncio
import importlib
import json
import logging
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import pytest
from tornado.ioloop import IOLoop

from _backend import zmq
from _util import bind_any

zmqstream = importlib.import_module(zmq.__name__ + ".eventloop.zmqstream")
ZMQStream = zmqstream.ZMQStream

BOUND_S = 5.0
TIMEOUT_MS = 3000
ERROR_TEXT = "Uncaught exception in ZMQStream callback"


def run_until(loop, predicate, timeout=BOUND_S):
    """Run ``loop`` until ``predicate()`` is true (checked every 2 ms) or
    ``timeout`` seconds pass; return ``predicate()``."""
    deadline = loop.time() + timeout

    def check():
        if predicate() or loop.time() >= deadline:
            loop.stop()
        else:
            loop.call_later(0.002, check)

    loop.add_callback(check)
    loop.start()
    return predicate()


def run_for(loop, seconds):
    """Run ``loop`` for ``seconds`` (to show that something does *not* happen)."""
    loop.call_later(seconds, loop.stop)
    loop.start()


@pytest.fixture
def io_loop():
    loop = IOLoop(make_current=False)
    yield loop
    loop.close(all_fds=False)


@pytest.fixture
def make_socket(ctx):
    """Factory: a socket with linger=0 and timeouts, closed at teardown."""
    made = []

    def factory(kind):
        sock = ctx.socket(kind)
        sock.linger = 0
        sock.rcvtimeo = TIMEOUT_MS
        sock.sndtimeo = TIMEOUT_MS
        made.append(sock)
        return sock

    yield factory
    for sock in made:
        sock.close(linger=0)


@pytest.fixture
def make_stream(io_loop, make_socket):
    """Factory: ``make_stream(socket_or_kind)``; open streams are closed at teardown."""
    made = []

    def factory(sock):
        if isinstance(sock, int):
            sock = make_socket(sock)
        stream = ZMQStream(sock, io_loop)
        made.append(stream)
        return stream

    yield factory
    for stream in made:
        if not stream.closed():
            stream.close(linger=0)


def connected(make_socket, kind_a, kind_b, transport="inproc", ipc_dir=None):
    """Two sockets, ``a`` bound and ``b`` connected to it."""
    a = make_socket(kind_a)
    b = make_socket(kind_b)
    b.connect(bind_any(a, transport, ipc_dir))
    return a, b


# ---- receiving ----------------------------------------------------------------


@pytest.mark.parametrize("copy", [True, False])
def test_on_recv_single_and_multipart(io_loop, make_socket, make_stream, copy):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []
    stream.on_recv(got.append, copy=copy)
    assert stream.receiving()
    push.send(b"single")
    push.send_multipart([b"a", b"", b"c" * 70000])
    assert run_until(io_loop, lambda: len(got) >= 2)
    assert len(got) == 2
    for msg in got:
        assert isinstance(msg, list)
        for part in msg:
            if copy:
                assert isinstance(part, bytes)
            else:
                assert isinstance(part, zmq.Frame)
    as_bytes = [[part if copy else part.bytes for part in msg] for msg in got]
    assert as_bytes == [[b"single"], [b"a", b"", b"c" * 70000]]


@pytest.mark.parametrize("transport", ["inproc", "tcp", "ipc"])
def test_burst_is_delivered_in_full_and_in_order(io_loop, make_socket, make_stream,
                                                 transport, ipc_dir):
    """The FD is edge-triggered: messages already queued when the stream looks,
    or arriving while it works, must all be delivered without new activity."""
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL, transport, ipc_dir)
    push.sndhwm = pull.rcvhwm = 0
    stream = make_stream(pull)
    got = []
    stream.on_recv(lambda msg: got.append(msg[0]))
    n = 1000
    for i in range(n // 2):  # queued before the loop runs
        push.send(b"%d" % i)

    def second_half():  # arrives while the stream is delivering the first
        for i in range(n // 2, n):
            push.send(b"%d" % i)

    io_loop.add_callback(second_half)
    assert run_until(io_loop, lambda: len(got) >= n)
    assert got == [b"%d" % i for i in range(n)]


def test_callback_reading_events_does_not_stall(io_loop, make_socket, make_stream):
    """Reading EVENTS in a callback swallows the FD's signal; the stream
    must still notice the messages waiting."""
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []

    def on_msg(msg):
        got.append(msg[0])
        stream.getsockopt(zmq.EVENTS)
        stream.socket.poll(0)

    stream.on_recv(on_msg)
    for i in range(50):
        push.send(b"%d" % i)
    assert run_until(io_loop, lambda: len(got) >= 50)
    assert got == [b"%d" % i for i in range(50)]


def test_on_recv_stream_passes_the_stream(io_loop, make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    calls = []
    stream.on_recv_stream(lambda s, msg: calls.append((s, msg)))
    push.send_multipart([b"x", b"y"])
    assert run_until(io_loop, lambda: calls)
    assert calls == [(stream, [b"x", b"y"])]


def test_stop_on_recv_leaves_messages_in_the_socket(io_loop, make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []

    def first_only(msg):
        got.append(msg)
        stream.stop_on_recv()

    stream.on_recv(first_only)
    for i in range(3):
        push.send(b"%d" % i)
    assert run_until(io_loop, lambda: got)
    run_for(io_loop, 0.05)
    assert got == [[b"0"]]
    assert not stream.receiving()
    assert stream.socket.recv() == b"1"
    # A new callback picks up what is left.
    stream.on_recv(got.append)
    assert run_until(io_loop, lambda: len(got) >= 2)
    assert got == [[b"0"], [b"2"]]


def test_coroutine_callbacks_are_run(io_loop, make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []

    async def on_msg(msg):
        await asyncio.sleep(0)
        got.append(msg)

    stream.on_recv(on_msg)
    push.send(b"co")
    assert run_until(io_loop, lambda: got)
    assert got == [[b"co"]]


# ---- sending --------------------------------------------------------------------


def test_on_send_callback_arguments(io_loop, make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(push)
    sent = []
    stream.on_send(lambda msg, status: sent.append((msg, status)))
    stream.send_multipart([b"a", b"b"])
    stream.send(b"one")
    big = b"z" * 100000
    stream.send(big, copy=False, track=True)
    assert stream.sending()
    assert run_until(io_loop, lambda: len(sent) >= 3)
    assert not stream.sending()
    assert [msg for msg, _ in sent] == [[b"a", b"b"], [b"one"], [big]]
    assert sent[0][1] is None and sent[1][1] is None
    assert isinstance(sent[2][1], zmq.MessageTracker)
    assert pull.recv_multipart() == [b"a", b"b"]
    assert pull.recv() == b"one"
    assert pull.recv() == big


def test_on_send_stream_and_callback_argument(io_loop, make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(push)
    via_stream = []
    stream.on_send_stream(lambda s, msg, status: via_stream.append((s, msg, status)))
    stream.send(b"1")
    assert run_until(io_loop, lambda: via_stream)
    assert via_stream == [(stream, [b"1"], None)]
    # callback= registers a new send callback, used for later sends too.
    later = []
    stream.send(b"2", callback=lambda msg, status: later.append(msg))
    stream.send(b"3")
    assert run_until(io_loop, lambda: len(later) >= 2)
    assert later == [[b"2"], [b"3"]]
    assert len(via_stream) == 1
    stream.stop_on_send()
    stream.send(b"4")
    assert run_until(io_loop, lambda: not stream.sending())
    assert later == [[b"2"], [b"3"]]
    assert [pull.recv() for _ in range(4)] == [b"1", b"2", b"3", b"4"]


def test_sends_wait_in_the_stream_without_a_peer(io_loop, make_socket, make_stream):
    """A PUSH socket with no peer cannot send: the messages stay queued in
    the stream (the loop never blocks) and go out once a peer connects."""
    push = make_socket(zmq.PUSH)
    addr = bind_any(push, "inproc")
    stream = make_stream(push)
    sent = []
    stream.on_send(lambda msg, status: sent.append(msg))
    for i in range(10):
        stream.send(b"%d" % i)
    run_for(io_loop, 0.05)
    assert sent == []
    assert stream.sending()
    pull = make_socket(zmq.PULL)
    pull.connect(addr)
    assert run_until(io_loop, lambda: len(sent) >= 10)
    assert not stream.sending()
    assert [pull.recv() for _ in range(10)] == [b"%d" % i for i in range(10)]


def test_sends_past_the_hwm_are_queued_then_flushed(io_loop, make_socket, make_stream):
    push = make_socket(zmq.PUSH)
    push.sndhwm = 2
    pull = make_socket(zmq.PULL)
    pull.rcvhwm = 2
    pull.connect(bind_any(push, "inproc"))  # HWMs set before the pipe exists
    out = make_stream(push)
    sent = []
    out.on_send(lambda msg, status: sent.append(msg[0]))
    n = 50
    for i in range(n):
        out.send(b"%d" % i)
    assert run_until(io_loop, lambda: len(sent) >= 1)
    run_for(io_loop, 0.05)
    assert 1 <= len(sent) < n  # the pipe is full: the rest waits in the stream
    assert out.sending()
    got = []
    make_stream(pull).on_recv(lambda msg: got.append(msg[0]))
    assert run_until(io_loop, lambda: len(got) >= n and len(sent) >= n)
    expected = [b"%d" % i for i in range(n)]
    assert got == expected
    assert sent == expected
    assert not out.sending()


def test_send_string_json_pyobj(io_loop, make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(push)
    sent = []
    stream.on_send(lambda msg, status: sent.append(msg))
    stream.send_string("héllo")
    stream.send_unicode("ünï", encoding="utf-16")
    stream.send_json({"a": [1, 2]})
    stream.send_pyobj((1, "two", 3.0))
    with pytest.raises(TypeError):
        stream.send_string(b"bytes")
    assert run_until(io_loop, lambda: len(sent) >= 4)
    assert pull.recv() == "héllo".encode()
    assert pull.recv().decode("utf-16") == "ünï"
    assert json.loads(pull.recv()) == {"a": [1, 2]}
    assert pickle.loads(pull.recv()) == (1, "two", 3.0)
    assert len(sent) == 4
    assert pull.poll(0) == 0


# ---- flush -------------------------------------------------------------------------


def test_flush_receives_without_the_loop(make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []
    stream.on_recv(got.append)
    for i in range(5):
        push.send(b"%d" % i)
    assert pull.poll(TIMEOUT_MS)
    assert stream.flush(limit=2) == 2
    assert got == [[b"0"], [b"1"]]
    assert stream.flush() == 3
    assert got == [[b"%d" % i] for i in range(5)]
    assert stream.flush() == 0


def test_loop_delivers_what_a_limited_flush_left(io_loop, make_socket, make_stream):
    """flush() reads EVENTS, which may use up the FD's signal: the loop must
    still deliver the messages the flush left behind."""
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []
    stream.on_recv(got.append)
    for i in range(5):
        push.send(b"%d" % i)
    assert pull.poll(TIMEOUT_MS)
    assert stream.flush(limit=2) == 2
    assert run_until(io_loop, lambda: len(got) >= 5)
    assert got == [[b"%d" % i] for i in range(5)]


def test_flush_pollin_without_callback_discards(make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    for i in range(4):
        push.send(b"%d" % i)
    assert pull.poll(TIMEOUT_MS)
    assert stream.flush(zmq.POLLIN) == 4
    assert pull.poll(0) == 0
    push.send(b"after")
    assert pull.recv() == b"after"


def test_flush_pollout_sends_queued_messages(make_socket, make_stream):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(push)
    sent = []
    stream.on_send(lambda msg, status: sent.append(msg))
    for i in range(3):
        stream.send(b"%d" % i)
    assert stream.flush(zmq.POLLOUT) == 3
    assert sent == [[b"0"], [b"1"], [b"2"]]
    assert not stream.sending()
    assert [pull.recv() for _ in range(3)] == [b"0", b"1", b"2"]
    assert stream.flush(zmq.POLLOUT) == 0


# ---- closing -------------------------------------------------------------------------


def test_close_callback_closed_and_double_close(io_loop, make_socket):
    sock = make_socket(zmq.PULL)
    stream = ZMQStream(sock, io_loop)
    calls = []
    stream.set_close_callback(lambda: calls.append("closed"))
    assert not stream.closed()
    stream.close()
    assert stream.closed()
    assert stream.socket is None
    assert sock.closed
    assert calls == ["closed"]
    stream.close()
    assert calls == ["closed"]
    with pytest.raises(OSError):
        stream.on_recv(lambda msg: None)
    with pytest.raises(OSError):
        stream.send(b"x")
    with pytest.raises(OSError):
        stream.flush()
    run_for(io_loop, 0.01)  # the loop runs on without the stream


def test_close_from_a_callback_stops_delivery(io_loop, make_socket):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = ZMQStream(pull, io_loop)
    got = []

    def on_msg(msg):
        got.append(msg)
        stream.close()

    stream.on_recv(on_msg)
    for i in range(3):
        push.send(b"%d" % i)
    assert run_until(io_loop, lambda: got)
    run_for(io_loop, 0.05)
    assert got == [[b"0"]]
    assert stream.closed() and pull.closed


def test_socket_closed_behind_the_streams_back(io_loop, make_socket):
    sock = make_socket(zmq.PULL)
    stream = ZMQStream(sock, io_loop)
    calls = []
    stream.set_close_callback(lambda: calls.append(1))
    sock.close()
    with pytest.warns(UserWarning):
        assert stream.closed()
    assert stream.socket is None
    assert calls == [1]


@pytest.mark.cffi_only  # pyzmq drops the queued messages at close (they are never sent)
def test_close_hands_queued_sends_to_libzmq(io_loop, make_socket):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = ZMQStream(push, io_loop)
    sent = []
    stream.on_send(lambda msg, status: sent.append(msg))
    stream.send(b"a")
    stream.send_multipart([b"b", b"c"])
    stream.close(linger=1000)
    assert push.closed
    assert sent == [[b"a"], [b"b", b"c"]]
    assert pull.recv() == b"a"
    assert pull.recv_multipart() == [b"b", b"c"]


# ---- patterns through two streams -------------------------------------------------------


def test_req_rep_through_two_streams(io_loop, make_socket, make_stream):
    rep, req = connected(make_socket, zmq.REP, zmq.REQ)
    rep_stream = make_stream(rep)
    req_stream = make_stream(req)
    rep_stream.on_recv_stream(lambda s, msg: s.send_multipart([b"re:" + msg[0]]))
    replies = []
    rounds = 20

    def on_reply(msg):
        replies.append(msg[0])
        if len(replies) < rounds:
            req_stream.send(b"%d" % len(replies))

    req_stream.on_recv(on_reply)
    req_stream.send(b"0")
    assert run_until(io_loop, lambda: len(replies) >= rounds)
    assert replies == [b"re:%d" % i for i in range(rounds)]


def test_router_dealer_through_streams(io_loop, make_socket, make_stream):
    router = make_socket(zmq.ROUTER)
    addr = bind_any(router, "tcp")
    router_stream = make_stream(router)
    router_stream.on_recv_stream(
        lambda s, msg: s.send_multipart([msg[0], b"to " + msg[0] + b": " + msg[-1]]))
    replies = {b"d1": [], b"d2": []}
    for name in replies:
        dealer = make_socket(zmq.DEALER)
        dealer.routing_id = name
        dealer.connect(addr)
        stream = make_stream(dealer)
        stream.on_recv(replies[name].append)
        for i in range(5):
            stream.send(b"%d" % i)
    assert run_until(io_loop, lambda: all(len(r) >= 5 for r in replies.values()))
    for name, got in replies.items():
        assert got == [[b"to " + name + b": %d" % i] for i in range(5)]


# ---- errors in callbacks ---------------------------------------------------------------


def test_callback_error_is_logged(io_loop, make_socket, make_stream, caplog):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []

    def on_msg(msg):
        got.append(msg[0])
        raise ValueError("boom in callback")

    stream.on_recv(on_msg)
    push.send(b"first")

    def logged():
        return any(r.name == "tornado.general" and ERROR_TEXT in r.getMessage()
                   and r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)

    with caplog.at_level(logging.ERROR, logger="tornado.general"):
        assert run_until(io_loop, logged)
    assert got == [b"first"]


# pyzmq re-raises the error out of its event handler before re-checking
# EVENTS, so the stream stalls: even a message sent later is not delivered
# (the inproc pipe is still marked readable, so libzmq signals nothing).
@pytest.mark.cffi_only
def test_stream_goes_on_after_a_callback_error(io_loop, make_socket, make_stream, caplog):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []

    def on_msg(msg):
        got.append(msg[0])
        if len(got) == 1:
            io_loop.call_later(0.01, push.send, b"second")
            raise ValueError("boom in callback")

    stream.on_recv(on_msg)
    push.send(b"first")
    with caplog.at_level(logging.ERROR, logger="tornado.general"):
        assert run_until(io_loop, lambda: len(got) >= 2)
    assert got == [b"first", b"second"]
    records = [r for r in caplog.records if r.name == "tornado.general"
               and ERROR_TEXT in r.getMessage()]
    assert records and records[0].exc_info[0] is ValueError


def test_coroutine_callback_error_is_logged(io_loop, make_socket, make_stream, caplog):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []

    async def on_msg(msg):
        got.append(msg)
        raise KeyError("async boom")

    stream.on_recv(on_msg)
    push.send(b"x")

    def logged():
        return any(r.name == "tornado.general" and ERROR_TEXT in r.getMessage()
                   and r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)

    with caplog.at_level(logging.ERROR, logger="tornado.general"):
        assert run_until(io_loop, logged)
    assert got == [[b"x"]]


@pytest.mark.cffi_only  # pyzmq re-raises into the loop and stalls the rest of the burst
def test_callback_error_does_not_stall_a_burst(io_loop, make_socket, make_stream, caplog):
    push, pull = connected(make_socket, zmq.PUSH, zmq.PULL)
    stream = make_stream(pull)
    got = []

    def on_msg(msg):
        got.append(msg[0])
        if len(got) == 1:
            raise ValueError("boom")

    stream.on_recv(on_msg)
    for i in range(5):
        push.send(b"%d" % i)
    with caplog.at_level(logging.ERROR):
        assert run_until(io_loop, lambda: len(got) >= 5)
    assert got == [b"%d" % i for i in range(5)]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1  # logged once, not once per layer


# ---- the socket behind the stream --------------------------------------------------------


def test_socket_methods_on_the_stream(io_loop, make_socket, make_stream):
    sock = make_socket(zmq.PULL)
    stream = make_stream(sock)
    assert stream.socket is sock
    assert stream.io_loop is io_loop
    for name in ("bind", "bind_to_random_port", "connect", "setsockopt", "getsockopt",
                 "setsockopt_string", "getsockopt_string", "setsockopt_unicode",
                 "getsockopt_unicode"):
        assert getattr(stream, name) == getattr(sock, name)
    stream.setsockopt(zmq.RCVHWM, 123)
    assert sock.getsockopt(zmq.RCVHWM) == 123
    port = stream.bind_to_random_port("tcp://127.0.0.1")
    assert stream.getsockopt_string(zmq.LAST_ENDPOINT) == "tcp://127.0.0.1:%d" % port
    push = make_socket(zmq.PUSH)
    push.connect("tcp://127.0.0.1:%d" % port)
    got = []
    stream.on_recv(got.append)
    push.send(b"via tcp")
    assert run_until(io_loop, lambda: got)
    assert got == [[b"via tcp"]]


def test_async_socket_is_used_as_a_plain_socket(io_loop, ctx, make_socket):
    zmq_asyncio = importlib.import_module(zmq.__name__ + ".asyncio")
    actx = zmq_asyncio.Context(ctx)
    asock = actx.socket(zmq.PULL)
    try:
        push = make_socket(zmq.PUSH)
        push.connect(bind_any(asock, "inproc"))
        with pytest.warns(RuntimeWarning):
            stream = ZMQStream(asock, io_loop)
        assert not isinstance(stream.socket, zmq_asyncio.Socket)
        got = []
        stream.on_recv(got.append)
        push.send(b"plain")
        assert run_until(io_loop, lambda: got)
        assert got == [[b"plain"]]
        stream.close()
        assert stream.closed()
    finally:
        asock.close(linger=0)


def test_closing_stream_closes_the_async_socket(io_loop, ctx):
    zmq_asyncio = importlib.import_module(zmq.__name__ + ".asyncio")
    asock = zmq_asyncio.Context(ctx).socket(zmq.PULL)
    with pytest.warns(RuntimeWarning):
        stream = ZMQStream(asock, io_loop)
    stream.close(linger=0)
    assert asock.closed


# ---- the asyncio-based IOLoop ------------------------------------------------------------


def test_stream_in_asyncio_run_uses_the_current_loop(ctx):
    async def main():
        push = ctx.socket(zmq.PUSH)
        pull = ctx.socket(zmq.PULL)
        try:
            push.connect(bind_any(pull, "inproc"))
            stream = ZMQStream(pull)
            assert stream.io_loop is IOLoop.current()
            assert stream.io_loop.asyncio_loop is asyncio.get_running_loop()
            got = asyncio.get_running_loop().create_future()
            stream.on_recv(lambda msg: got.done() or got.set_result(msg))
            out = ZMQStream(push)
            sent = asyncio.get_running_loop().create_future()
            out.send_multipart([b"async", b"io"],
                               callback=lambda msg, status: sent.done() or sent.set_result(msg))
            assert await asyncio.wait_for(sent, BOUND_S) == [b"async", b"io"]
            assert await asyncio.wait_for(got, BOUND_S) == [b"async", b"io"]
            out.close(linger=0)
            stream.close(linger=0)
        finally:
            push.close(linger=0)
            pull.close(linger=0)

    asyncio.run(main())


# ---- ioloop shim and future module -------------------------------------------------------


def test_ioloop_shim_is_tornado_and_deprecated():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ioloop = importlib.import_module(zmq.__name__ + ".eventloop.ioloop")
    with pytest.warns(DeprecationWarning):
        importlib.reload(ioloop)
    assert ioloop.IOLoop is IOLoop
    assert ioloop.ZMQIOLoop is IOLoop
    with pytest.warns(DeprecationWarning):
        ioloop.install()
    eventloop = importlib.import_module(zmq.__name__ + ".eventloop")
    assert eventloop.IOLoop is IOLoop


def test_future_sockets_on_a_tornado_loop():
    future = importlib.import_module(zmq.__name__ + ".eventloop.future")
    fctx = future.Context()

    async def main():
        a = fctx.socket(zmq.PAIR)
        b = fctx.socket(zmq.PAIR)
        try:
            b.connect(bind_any(a, "inproc"))
            assert isinstance(a, future.Socket)
            await a.send_multipart([b"f", b"1"])
            assert await b.recv_multipart() == [b"f", b"1"]
            poller = future.Poller()
            poller.register(a, zmq.POLLIN)
            await b.send(b"p")
            assert await poller.poll(TIMEOUT_MS) == [(a, zmq.POLLIN)]
            assert await a.recv() == b"p"
            pending = a.recv()
            pending.cancel()
            with pytest.raises(future.CancelledError):
                await pending
        finally:
            a.close(linger=0)
            b.close(linger=0)

    loop = IOLoop(make_current=False)
    try:
        loop.run_sync(main, timeout=BOUND_S)
    finally:
        loop.close()
        fctx.destroy(linger=0)


def test_without_tornado_importing_zmqstream_raises_importerror():
    script = textwrap.dedent("""
        import sys
        sys.modules["tornado"] = None  # as if tornado were not installed
        try:
            import %s.eventloop.zmqstream
        except ImportError as exc:
            print("ImportError:", exc)
        else:
            print("imported")
    """ % zmq.__name__)
    root = os.path.dirname(os.path.dirname(os.path.abspath(zmq.__file__)))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=30, cwd=root).stdout
    assert out.startswith("ImportError:")
    assert "tornado" in out


@pytest.mark.parametrize("kind", ["plain", "asyncio"])
def test_ioloop_close_all_fds_closes_the_socket_not_libzmqs_fd(kind):
    # jupyter_client's ThreadedKernelClient.stop_channels() ends with
    # IOLoop.close(all_fds=True).  Given a bare FD, tornado would os.close()
    # libzmq's internal signaler FD and a later libzmq call would abort the
    # process; given the Socket, it calls socket.close().  A child process,
    # so that an abort fails this test instead of ending the run.
    script = textwrap.dedent("""
        import gc
        import %(zmq)s as zmq, %(zmq)s.asyncio
        from %(zmq)s.eventloop.zmqstream import ZMQStream
        from tornado.ioloop import IOLoop

        ctx = zmq.Context()
        make = zmq.Context if "%(kind)s" == "plain" else %(zmq)s.asyncio.Context
        sock = make(ctx).socket(zmq.PULL)
        sock.linger = 0
        port = sock.bind_to_random_port("tcp://127.0.0.1")
        loop = IOLoop(make_current=False)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # asyncio socket in a stream
            stream = ZMQStream(sock, io_loop=loop)
        stream.on_recv(lambda msg: None)
        loop.close(all_fds=True)
        print("closed:", sock.closed)
        # libzmq must still work: the I/O thread's and the context's FDs are intact.
        for _ in range(3):
            push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
            pull.rcvtimeo = 3000
            p = pull.bind_to_random_port("tcp://127.0.0.1")
            push.connect("tcp://127.0.0.1:%%d" %% p)
            push.send(b"x")
            assert pull.recv() == b"x"
            push.close(linger=0)
            pull.close(linger=0)
        gc.collect()
        ctx.destroy(linger=0)
        print("ok")
    """ % {"zmq": zmq.__name__, "kind": kind})
    root = os.path.dirname(os.path.dirname(os.path.abspath(zmq.__file__)))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["closed:", "True", "ok"]


def test_ioloop_close_all_fds_closes_future_sockets(ctx):
    # pyzmq's future sockets are registered with the tornado IOLoop, so that
    # IOLoop.close(all_fds=True) closes them (pyzmq's test_close_all_fds).
    future = importlib.import_module(zmq.__name__ + ".eventloop.future")
    fctx = future.Context.shadow(ctx.underlying)
    sock = fctx.socket(zmq.PUB)
    loop = IOLoop(make_current=False)

    async def attach():
        sock._get_loop()

    try:
        loop.run_sync(attach, timeout=BOUND_S)
        assert not sock.closed
        loop.close(all_fds=True)
        assert sock.closed
    finally:
        sock.close(linger=0)  # a no-op once closed; else the ctx fixture's term() would wait
