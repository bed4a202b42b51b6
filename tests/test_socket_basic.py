"""Socket lifecycle and the non-I/O methods: types, bind/connect, close, poll."""
import errno
import time
import warnings

import pytest

from _backend import zmq
from _util import set_timeouts, wait_until

SOCKET_TYPE_NAMES = [
    "REQ", "REP", "PUB", "SUB", "PAIR", "XREQ", "DEALER", "XREP",
    "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM",
]


@pytest.mark.parametrize("name", SOCKET_TYPE_NAMES)
def test_every_socket_type_can_be_created(ctx, name):
    kind = getattr(zmq, name)
    s = ctx.socket(kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # pyzmq deprecates it
            assert s.socket_type == kind
        assert s.type == kind
        assert s.getsockopt(zmq.TYPE) == kind
    finally:
        s.close()


def test_legacy_type_aliases():
    assert zmq.XREQ == zmq.DEALER
    assert zmq.XREP == zmq.ROUTER


def test_socket_constructor_directly(ctx):
    s = zmq.Socket(ctx, zmq.PAIR)
    try:
        assert isinstance(s, zmq.Socket)
        assert s.context is ctx
        assert s.type == zmq.PAIR
    finally:
        s.close()


def test_close_sets_closed_and_double_close_is_harmless(ctx):
    s = ctx.socket(zmq.PUSH)
    assert s.closed is False
    s.close()
    assert s.closed is True
    s.close()
    s.close(linger=0)
    assert s.closed is True


def test_close_with_linger_argument(ctx):
    s = ctx.socket(zmq.PUSH)
    s.connect("inproc://nobody-listens")
    s.send(b"queued")
    start = time.monotonic()
    s.close(linger=0)
    assert s.closed
    assert time.monotonic() - start < 1


def test_with_statement_closes_socket(ctx):
    with ctx.socket(zmq.PAIR) as s:
        assert not s.closed
    assert s.closed


def test_repr_shows_type_and_closed_state(ctx):
    s = ctx.socket(zmq.PUSH)
    text = repr(s)
    assert "Socket" in text and "PUSH" in text
    assert "closed" not in text
    s.close()
    assert "closed" in repr(s)
    assert "PUSH" in repr(s)


def test_bind_connect_round_trip_over_tcp(ctx):
    server = ctx.socket(zmq.PULL)
    client = ctx.socket(zmq.PUSH)
    set_timeouts(server)
    set_timeouts(client)
    server.bind("tcp://127.0.0.1:*")
    endpoint = server.getsockopt_string(zmq.LAST_ENDPOINT)
    assert endpoint.startswith("tcp://127.0.0.1:")
    client.connect(endpoint)
    client.send(b"over tcp")
    assert server.recv() == b"over tcp"


def test_unbind_frees_the_endpoint(ctx):
    first = ctx.socket(zmq.PAIR)
    first.bind("inproc://reusable")
    first.unbind("inproc://reusable")
    second = ctx.socket(zmq.PAIR)
    second.bind("inproc://reusable")  # would be EADDRINUSE without the unbind


def test_unbind_of_tcp_wildcard_endpoint_allows_rebinding_the_port(ctx):
    first = ctx.socket(zmq.PAIR)
    first.bind("tcp://127.0.0.1:*")
    endpoint = first.getsockopt_string(zmq.LAST_ENDPOINT)
    first.unbind(endpoint)
    second = ctx.socket(zmq.PAIR)

    def try_bind():  # the listener is closed asynchronously by the I/O thread
        try:
            second.bind(endpoint)
            return True
        except zmq.ZMQError as e:
            assert e.errno == zmq.EADDRINUSE
            return False

    assert wait_until(try_bind, timeout=5)


def test_disconnect_removes_the_peer(ctx):
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    set_timeouts(pull)
    set_timeouts(push)
    pull.bind("tcp://127.0.0.1:*")
    endpoint = pull.getsockopt_string(zmq.LAST_ENDPOINT)
    push.connect(endpoint)
    push.send(b"before")
    assert pull.recv() == b"before"
    push.disconnect(endpoint)
    with pytest.raises(zmq.Again):  # PUSH without any peer cannot queue
        push.send(b"after", zmq.NOBLOCK)


def test_bind_and_connect_return_context_managers(ctx):
    a = ctx.socket(zmq.PAIR)
    with a.bind("inproc://scoped-bind"):
        b = ctx.socket(zmq.PAIR)
        with pytest.raises(zmq.ZMQError) as excinfo:
            b.bind("inproc://scoped-bind")
        assert excinfo.value.errno == zmq.EADDRINUSE
    b.bind("inproc://scoped-bind")  # a unbound on leaving the block

    c = ctx.socket(zmq.PAIR)
    with c.connect("inproc://scoped-bind"):
        pass
    with pytest.raises(zmq.ZMQError) as excinfo:
        c.disconnect("inproc://scoped-bind")  # already disconnected
    assert excinfo.value.errno == errno.ENOENT


@pytest.mark.parametrize("method", ["unbind", "disconnect"])
def test_unbind_or_disconnect_of_unknown_endpoint_is_enoent(ctx, method):
    s = ctx.socket(zmq.PAIR)
    with pytest.raises(zmq.ZMQError) as excinfo:
        getattr(s, method)("inproc://never-used")
    assert excinfo.value.errno == errno.ENOENT


def test_bind_to_random_port_returns_a_port_in_range(ctx):
    s = ctx.socket(zmq.PULL)
    port = s.bind_to_random_port("tcp://127.0.0.1", min_port=40000, max_port=41000, max_tries=200)
    assert isinstance(port, int)
    assert 40000 <= port < 41000
    assert s.getsockopt_string(zmq.LAST_ENDPOINT) == "tcp://127.0.0.1:%d" % port


def test_bind_to_random_port_defaults(ctx):
    s = ctx.socket(zmq.PULL)
    port = s.bind_to_random_port("tcp://127.0.0.1")
    # pyzmq lets the OS choose (":*") when the default range is requested.
    assert isinstance(port, int) and 0 < port < 65536
    peer = ctx.socket(zmq.PUSH)
    set_timeouts(s)
    set_timeouts(peer)
    peer.connect("tcp://127.0.0.1:%d" % port)
    peer.send(b"found it")
    assert s.recv() == b"found it"


def test_bind_to_random_port_gives_up_with_zmqbinderror(ctx):
    holder = ctx.socket(zmq.PULL)
    port = holder.bind_to_random_port("tcp://127.0.0.1")
    s = ctx.socket(zmq.PULL)
    with pytest.raises(zmq.ZMQBindError):
        s.bind_to_random_port("tcp://127.0.0.1", min_port=port, max_port=port + 1, max_tries=5)


def test_fileno_is_the_fd_option(ctx):
    s = ctx.socket(zmq.PULL)
    fd = s.fileno()
    assert isinstance(fd, int) and fd >= 0
    assert fd == s.getsockopt(zmq.FD)


def test_poll_returns_event_mask(make_pair):
    pull, push = make_pair(zmq.PULL, zmq.PUSH)
    assert pull.poll(0) == 0
    assert push.poll(0, zmq.POLLOUT) == zmq.POLLOUT
    push.send(b"ready")
    events = pull.poll(2000)
    assert isinstance(events, int)
    assert events == zmq.POLLIN
    assert pull.poll(0, zmq.POLLIN | zmq.POLLOUT) == zmq.POLLIN
    assert pull.recv() == b"ready"


def test_poll_without_timeout_returns_once_ready(make_pair):
    pull, push = make_pair(zmq.PULL, zmq.PUSH)
    push.send(b"x")
    assert pull.poll() == zmq.POLLIN
    assert pull.poll(None) == zmq.POLLIN


def test_poll_timeout_is_milliseconds(ctx):
    s = ctx.socket(zmq.PULL)
    start = time.monotonic()
    assert s.poll(150) == 0
    elapsed = time.monotonic() - start
    assert 0.1 <= elapsed < 2


def test_copy_threshold_attribute(ctx):
    s = ctx.socket(zmq.PUSH)
    assert s.copy_threshold == zmq.COPY_THRESHOLD
    s.copy_threshold = 10
    assert s.copy_threshold == 10


def test_subscribe_and_unsubscribe_accept_bytes_and_str(ctx):
    s = ctx.socket(zmq.SUB)
    s.subscribe(b"bytes-topic")
    s.subscribe("str-topic-ü")
    s.unsubscribe(b"bytes-topic")
    s.unsubscribe("str-topic-ü")


def test_subscribe_on_non_sub_socket_is_einval(ctx):
    s = ctx.socket(zmq.PUSH)
    with pytest.raises(zmq.ZMQError) as excinfo:
        s.subscribe(b"topic")
    assert excinfo.value.errno == zmq.EINVAL
