"""Context: creation, the shared instance, options, termination and lifetime."""
import gc
import threading
import time

import pytest

from _backend import zmq
from _util import set_timeouts


def test_default_context_has_one_io_thread(ctx):
    assert ctx.get(zmq.IO_THREADS) == 1
    assert ctx.io_threads == 1


def test_io_threads_argument_is_applied():
    c = zmq.Context(io_threads=2)
    try:
        assert c.get(zmq.IO_THREADS) == 2
    finally:
        c.term()


def test_instance_returns_the_same_object_twice():
    first = zmq.Context.instance()
    try:
        assert zmq.Context.instance() is first
        assert isinstance(first, zmq.Context)
    finally:
        first.term()


def test_instance_is_replaced_after_it_is_terminated():
    first = zmq.Context.instance()
    first.term()
    second = zmq.Context.instance()
    try:
        assert second is not first
        assert not second.closed
        s = second.socket(zmq.PAIR)
        s.close()
    finally:
        second.term()


def test_term_sets_closed_and_is_idempotent():
    c = zmq.Context()
    assert c.closed is False
    c.term()
    assert c.closed is True
    c.term()
    assert c.closed is True


def test_destroy_closes_open_sockets():
    c = zmq.Context()
    a = c.socket(zmq.PUSH)
    b = c.socket(zmq.PULL)
    a.connect("inproc://destroy-me")
    a.send(b"pending")  # a queued message must not make destroy block
    c.destroy(linger=0)
    assert c.closed
    assert a.closed and b.closed


def test_destroy_with_default_linger():
    c = zmq.Context()
    s = c.socket(zmq.PAIR)
    c.destroy()
    assert s.closed and c.closed


def test_context_manager_terminates_on_exit():
    with zmq.Context() as c:
        s = c.socket(zmq.PAIR)
        assert not c.closed
        s.close()
    assert c.closed


def test_context_manager_closes_sockets_left_open():
    with zmq.Context() as c:
        s = c.socket(zmq.PAIR)
    assert c.closed
    assert s.closed


def test_socket_on_terminated_context_raises():
    c = zmq.Context()
    c.term()
    with pytest.raises(zmq.ZMQError) as excinfo:
        c.socket(zmq.PAIR)
    # pyzmq reports ENOTSUP; libzmq itself would say ETERM. Either is a clear refusal.
    assert excinfo.value.errno in (zmq.ENOTSUP, zmq.ETERM)


def test_blocked_recv_raises_context_terminated_on_term():
    c = zmq.Context()
    s = c.socket(zmq.PULL)
    s.rcvtimeo = 10000
    s.bind("inproc://term-wakes-recv")
    outcome = []

    def receiver():
        try:
            s.recv()
            outcome.append("returned")
        except zmq.ContextTerminated as e:
            outcome.append(e)
        except Exception as e:  # noqa: BLE001 - record anything unexpected
            outcome.append(e)
        finally:
            s.close(linger=0)

    t = threading.Thread(target=receiver, daemon=True)
    t.start()
    time.sleep(0.1)
    start = time.monotonic()
    c.term()  # returns once the receiver has closed its socket
    t.join(5)
    assert time.monotonic() - start < 5
    assert len(outcome) == 1
    err = outcome[0]
    assert isinstance(err, zmq.ContextTerminated)
    assert isinstance(err, zmq.ZMQError)
    assert err.errno == zmq.ETERM


def test_get_and_set_context_options(ctx):
    ctx.set(zmq.MAX_SOCKETS, 100)
    assert ctx.get(zmq.MAX_SOCKETS) == 100
    assert ctx.max_sockets == 100
    ctx.max_sockets = 200
    assert ctx.get(zmq.MAX_SOCKETS) == 200


def test_read_only_context_limits_are_readable(ctx):
    assert ctx.get(zmq.SOCKET_LIMIT) > 0
    assert ctx.get(zmq.MAX_SOCKETS) > 0


@pytest.mark.parametrize("call", ["get", "set"])
def test_unknown_context_option_is_einval(ctx, call):
    with pytest.raises(zmq.ZMQError) as excinfo:
        if call == "get":
            ctx.get(9999)
        else:
            ctx.set(9999, 1)
    assert excinfo.value.errno == zmq.EINVAL


def test_unknown_context_attribute_is_attribute_error(ctx):
    with pytest.raises(AttributeError):
        ctx.no_such_option  # noqa: B018


def test_socket_option_defaults_on_context_apply_to_new_sockets(ctx):
    # Context.setsockopt / socket-option attributes store defaults for new sockets.
    ctx.linger = 0
    ctx.setsockopt(zmq.RCVTIMEO, 123)
    assert ctx.getsockopt(zmq.RCVTIMEO) == 123
    s = ctx.socket(zmq.PULL)
    assert s.linger == 0
    assert s.getsockopt(zmq.RCVTIMEO) == 123


@pytest.mark.cffi_only
def test_socket_keyword_arguments_set_options(ctx):
    # pyzmq 27 passes keywords to the Socket class and rejects option names.
    s = ctx.socket(zmq.PULL, linger=0, rcvtimeo=250)
    assert s.getsockopt(zmq.LINGER) == 0
    assert s.getsockopt(zmq.RCVTIMEO) == 250


def test_socket_class_argument(ctx):
    class Tagged(zmq.Socket):
        pass

    s = ctx.socket(zmq.PAIR, socket_class=Tagged)
    assert isinstance(s, Tagged)
    assert s.type == zmq.PAIR


def test_socket_keeps_its_context_alive():
    def orphan_socket():
        return zmq.Context().socket(zmq.PAIR)

    s = orphan_socket()
    gc.collect()
    c = s.context
    try:
        assert isinstance(c, zmq.Context)
        assert not c.closed
        s.bind("inproc://kept-alive")
        peer = c.socket(zmq.PAIR)
        set_timeouts(s)
        set_timeouts(peer)
        peer.connect("inproc://kept-alive")
        peer.send(b"still alive")
        assert s.recv() == b"still alive"
    finally:
        c.destroy(linger=0)


def test_socket_context_attribute_is_its_context(ctx):
    s = ctx.socket(zmq.PAIR)
    assert s.context is ctx


def test_repr_mentions_closed_after_term():
    c = zmq.Context()
    assert "Context" in repr(c)
    assert "closed" not in repr(c)
    c.term()
    assert "closed" in repr(c)
