"""Poller, select and Socket.poll: readiness of sockets and plain fds."""
import os
import socket as pysocket
import time

import pytest

from _backend import zmq


@pytest.fixture
def pull_push(ctx):
    ctx.linger = 0
    pull = ctx.socket(zmq.PULL)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push = ctx.socket(zmq.PUSH)
    push.connect("tcp://127.0.0.1:%d" % port)
    yield pull, push
    pull.close()
    push.close()


def test_poll_reports_pollin_only_when_a_message_waits(pull_push):
    pull, push = pull_push
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    assert poller.poll(0) == []
    push.send(b"hello")
    events = dict(poller.poll(2000))
    assert events == {pull: zmq.POLLIN}
    assert pull.recv() == b"hello"
    assert poller.poll(0) == []


def test_poll_timeout_is_in_milliseconds(pull_push):
    pull, _ = pull_push
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    start = time.monotonic()
    assert poller.poll(150) == []
    elapsed = time.monotonic() - start
    assert 0.1 <= elapsed < 2.0


def test_register_with_zero_flags_unregisters_and_modify_changes_flags(pull_push):
    pull, push = pull_push
    poller = zmq.Poller()
    poller.register(push, zmq.POLLOUT)
    assert dict(poller.poll(2000)) == {push: zmq.POLLOUT}
    poller.modify(push, zmq.POLLIN)
    assert poller.poll(0) == []
    poller.register(push, 0)
    assert push not in [s for s, _ in poller.sockets]
    assert poller.poll(0) == []


def test_unregistering_an_unknown_socket_raises_keyerror(ctx):
    poller = zmq.Poller()
    sock = ctx.socket(zmq.PAIR)
    with pytest.raises(KeyError):
        poller.unregister(sock)
    sock.close()


def test_unregister_keeps_the_other_registrations_right(ctx):
    ctx.linger = 0
    socks = [ctx.socket(zmq.PAIR) for _ in range(4)]
    peers = []
    for i, s in enumerate(socks):
        addr = "inproc://poll-order-%d-%d" % (i, id(socks))
        s.bind(addr)
        peer = ctx.socket(zmq.PAIR)
        peer.connect(addr)
        peers.append(peer)
    poller = zmq.Poller()
    for s in socks:
        poller.register(s, zmq.POLLIN)
    poller.unregister(socks[1])
    peers[3].send(b"x")
    assert dict(poller.poll(2000)) == {socks[3]: zmq.POLLIN}
    for s in socks + peers:
        s.close()


def test_poller_watches_raw_fds_and_objects_with_fileno():
    r, w = os.pipe()
    a, b = pysocket.socketpair()
    try:
        poller = zmq.Poller()
        poller.register(r, zmq.POLLIN)
        poller.register(a, zmq.POLLIN)
        assert poller.poll(0) == []
        os.write(w, b"!")
        b.send(b"?")
        deadline = time.monotonic() + 2
        ready = {}
        while len(ready) < 2 and time.monotonic() < deadline:
            ready.update(dict(poller.poll(100)))
        # Objects with fileno() are reported by their fd number, as pyzmq does.
        assert ready == {r: zmq.POLLIN, a.fileno(): zmq.POLLIN}
    finally:
        for fd in (r, w):
            os.close(fd)
        a.close()
        b.close()


def test_select_splits_readable_and_writable(pull_push):
    pull, push = pull_push
    readable, writable, errors = zmq.select([pull], [push], [], timeout=2)
    assert readable == [] and writable == [push] and errors == []
    push.send(b"x")
    readable, writable, errors = zmq.select([pull], [], [], timeout=2)
    assert readable == [pull]
    assert pull.recv() == b"x"


def test_socket_poll_returns_the_event_mask(pull_push):
    pull, push = pull_push
    assert pull.poll(0) == 0
    assert push.poll(2000, zmq.POLLOUT) == zmq.POLLOUT
    push.send(b"x")
    assert pull.poll(2000) == zmq.POLLIN
    assert pull.recv() == b"x"


def test_socket_poll_on_a_closed_socket_raises_zmqerror(ctx):
    sock = ctx.socket(zmq.PULL)
    sock.close()
    with pytest.raises(zmq.ZMQError):
        sock.poll(0)


@pytest.mark.cffi_only
def test_poller_refuses_a_socket_closed_after_registration(ctx):
    # pyzmq hands the dead handle to zmq_poll; zmq_cffi names the closed socket.
    sock = ctx.socket(zmq.PULL)
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    assert poller.poll(0) == []
    sock.close()
    with pytest.raises(zmq.ZMQError) as info:
        poller.poll(0)
    assert info.value.errno == zmq.ENOTSOCK
    assert "closed" in str(info.value)


def test_poller_refuses_what_it_cannot_poll():
    poller = zmq.Poller()
    poller.register(object(), zmq.POLLIN)
    with pytest.raises((TypeError, ValueError)):
        poller.poll(0)


@pytest.mark.cffi_only
def test_zmq_poll_function_polls_a_list_of_pairs(pull_push):
    pull, push = pull_push
    push.send(b"x")
    deadline = time.monotonic() + 2
    ready = []
    while not ready and time.monotonic() < deadline:
        ready = zmq.zmq_poll([(pull, zmq.POLLIN)], 100)
    assert ready == [(pull, zmq.POLLIN)]


def _sockets_in_every_state(ctx):
    """Sockets that are readable, writable, both, or neither, and settled."""
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    a.bind("inproc://poll-states-pair")
    b.connect("inproc://poll-states-pair")
    b.send(b"waiting")  # a: readable and writable; b: writable
    lonely = ctx.socket(zmq.PULL)  # neither
    lonely.bind("inproc://poll-states-lonely")
    full = ctx.socket(zmq.PUSH)  # neither: no peer yet, so nowhere to send
    pub = ctx.socket(zmq.PUB)  # always writable
    socks = [a, b, lonely, full, pub]
    for s in socks:
        s.linger = 0
    return socks


@pytest.mark.parametrize("flags", [zmq.POLLIN, zmq.POLLOUT, zmq.POLLIN | zmq.POLLOUT],
                         ids=["in", "out", "both"])
def test_poll_zero_agrees_with_a_waiting_poll(ctx, flags):
    # zmq_cffi answers poll(0) over sockets alone from their EVENTS, without
    # zmq_poll; a poll that may wait goes through zmq_poll: both must agree.
    socks = _sockets_in_every_state(ctx)
    time.sleep(0.05)  # let the inproc connection settle
    pairs = [(s, flags) for s in socks]
    now = dict(zmq.zmq_poll(pairs, 0))
    waited = dict(zmq.zmq_poll(pairs, 1))
    assert now == waited
    poller = zmq.Poller()
    for s in socks:
        poller.register(s, flags)
    assert dict(poller.poll(0)) == now
    assert {s: s.poll(0, flags) for s in socks if s.poll(0, flags)} == now
    expected_in = {socks[0]}
    expected_out = {socks[0], socks[1], socks[4]}
    if flags & zmq.POLLIN:
        assert {s for s, ev in now.items() if ev & zmq.POLLIN} == expected_in
    if flags & zmq.POLLOUT:
        assert {s for s, ev in now.items() if ev & zmq.POLLOUT} == expected_out
    for s in socks:
        s.close()
