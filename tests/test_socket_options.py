"""Socket options: get/set round trips per value kind, attributes, and refusals."""
import time

import pytest

from _backend import zmq
from _util import set_timeouts


@pytest.fixture
def dealer(ctx):
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    return s


@pytest.mark.parametrize(
    "option, value",
    [("LINGER", 0), ("LINGER", 2500), ("SNDHWM", 17), ("RCVHWM", 0),
     ("RCVTIMEO", 1234), ("SNDTIMEO", -1), ("RECONNECT_IVL", 333), ("BACKLOG", 7)],
)
def test_int_option_round_trip(dealer, option, value):
    opt = getattr(zmq, option)
    dealer.setsockopt(opt, value)
    assert dealer.getsockopt(opt) == value
    assert dealer.get(opt) == value


@pytest.mark.parametrize("option, value", [("AFFINITY", 2 ** 33 + 5), ("MAXMSGSIZE", -1), ("MAXMSGSIZE", 2 ** 40)])
def test_int64_option_round_trip(dealer, option, value):
    opt = getattr(zmq, option)
    dealer.setsockopt(opt, value)
    assert dealer.getsockopt(opt) == value


def test_bool_is_accepted_as_int(dealer):
    dealer.setsockopt(zmq.IMMEDIATE, True)
    assert dealer.getsockopt(zmq.IMMEDIATE) == 1
    dealer.setsockopt(zmq.IMMEDIATE, False)
    assert dealer.getsockopt(zmq.IMMEDIATE) == 0


def test_routing_id_and_identity_are_the_same_bytes_option(dealer):
    assert zmq.IDENTITY == zmq.ROUTING_ID
    dealer.setsockopt(zmq.ROUTING_ID, b"peer-1")
    assert dealer.getsockopt(zmq.IDENTITY) == b"peer-1"
    dealer.set(zmq.IDENTITY, b"\x00binary\xff")
    assert dealer.get(zmq.ROUTING_ID) == b"\x00binary\xff"


def test_last_endpoint_is_empty_then_the_bound_address(dealer):
    assert dealer.getsockopt(zmq.LAST_ENDPOINT) == b""
    port = dealer.bind_to_random_port("tcp://127.0.0.1")
    value = dealer.getsockopt(zmq.LAST_ENDPOINT)
    assert isinstance(value, bytes)
    assert value == b"tcp://127.0.0.1:%d" % port


def test_fd_option_is_a_non_negative_int(dealer):
    fd = dealer.getsockopt(zmq.FD)
    assert isinstance(fd, int) and fd >= 0


def test_type_option(dealer):
    assert dealer.getsockopt(zmq.TYPE) == zmq.DEALER


def test_subscribe_option_on_sub_socket(ctx):
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"news")
    sub.setsockopt(zmq.UNSUBSCRIBE, b"news")
    with pytest.raises(zmq.ZMQError) as excinfo:  # write-only
        sub.getsockopt(zmq.SUBSCRIBE)
    assert excinfo.value.errno == zmq.EINVAL


def test_str_for_bytes_option_is_type_error(dealer):
    with pytest.raises(TypeError):
        dealer.setsockopt(zmq.IDENTITY, "text")


def test_int_for_bytes_option_is_type_error(dealer):
    with pytest.raises(TypeError):
        dealer.setsockopt(zmq.IDENTITY, 5)


@pytest.mark.parametrize("bad", ["abc", 1.5, None, b"1"], ids=["str", "float", "None", "bytes"])
def test_wrong_value_type_for_int_option_is_type_error(dealer, bad):
    with pytest.raises(TypeError):
        dealer.setsockopt(zmq.LINGER, bad)
    assert dealer.getsockopt(zmq.LINGER) == 0  # unchanged


def test_float_for_int64_option_is_type_error(dealer):
    with pytest.raises(TypeError):
        dealer.setsockopt(zmq.AFFINITY, 1.5)


@pytest.mark.parametrize("call", ["get", "set"])
def test_unknown_option_is_einval(dealer, call):
    with pytest.raises(zmq.ZMQError) as excinfo:
        if call == "get":
            dealer.getsockopt(9999)
        else:
            dealer.setsockopt(9999, 1)
    assert excinfo.value.errno == zmq.EINVAL


def test_string_option_round_trip_is_utf8(dealer):
    dealer.setsockopt_string(zmq.IDENTITY, "ü-id")
    assert dealer.getsockopt_string(zmq.IDENTITY) == "ü-id"
    assert dealer.getsockopt(zmq.IDENTITY) == "ü-id".encode("utf-8")


def test_string_option_with_explicit_encoding(dealer):
    dealer.setsockopt_string(zmq.IDENTITY, "ü", encoding="latin-1")
    assert dealer.getsockopt(zmq.IDENTITY) == b"\xfc"
    assert dealer.getsockopt_string(zmq.IDENTITY, encoding="latin-1") == "ü"


def test_unicode_aliases(dealer):
    dealer.setsockopt_unicode(zmq.IDENTITY, "alias")
    assert dealer.getsockopt_unicode(zmq.IDENTITY) == "alias"


def test_setsockopt_string_refuses_bytes(dealer):
    with pytest.raises(TypeError):
        dealer.setsockopt_string(zmq.IDENTITY, b"bytes")


def test_getsockopt_string_refuses_int_option(dealer):
    with pytest.raises(TypeError):
        dealer.getsockopt_string(zmq.LINGER)


def test_last_endpoint_as_string(dealer):
    dealer.bind("tcp://127.0.0.1:*")
    text = dealer.getsockopt_string(zmq.LAST_ENDPOINT)
    assert isinstance(text, str) and text.startswith("tcp://127.0.0.1:")


def test_options_as_attributes(dealer):
    dealer.linger = 1500
    assert dealer.linger == 1500 == dealer.getsockopt(zmq.LINGER)
    dealer.identity = b"attr-id"
    assert dealer.getsockopt(zmq.IDENTITY) == b"attr-id"
    assert dealer.routing_id == b"attr-id"
    assert dealer.rcvmore == 0
    dealer.rcvtimeo = 77
    assert dealer.getsockopt(zmq.RCVTIMEO) == 77


def test_unknown_attribute_is_attribute_error(dealer):
    with pytest.raises(AttributeError):
        dealer.no_such_option  # noqa: B018
    with pytest.raises(AttributeError):
        dealer.no_such_option = 1


def test_hwm_attribute_sets_both_directions(dealer):
    dealer.hwm = 42
    assert dealer.getsockopt(zmq.SNDHWM) == 42
    assert dealer.getsockopt(zmq.RCVHWM) == 42
    assert dealer.hwm == 42
    dealer.set_hwm(9)
    assert dealer.get_hwm() == 9
    assert dealer.sndhwm == 9 and dealer.rcvhwm == 9


def test_events_of_a_connected_push_is_pollout(make_pair):
    _, push = make_pair(zmq.PULL, zmq.PUSH)
    assert push.getsockopt(zmq.EVENTS) == zmq.POLLOUT
    assert push.events & zmq.POLLOUT


def test_events_reports_pollin_when_a_message_waits(make_pair):
    pull, push = make_pair(zmq.PULL, zmq.PUSH)
    assert not pull.getsockopt(zmq.EVENTS) & zmq.POLLIN
    push.send(b"x")
    assert pull.poll(2000) == zmq.POLLIN
    assert pull.getsockopt(zmq.EVENTS) & zmq.POLLIN


def test_rcvtimeo_makes_recv_raise_again(ctx):
    s = ctx.socket(zmq.PULL)
    set_timeouts(s, 100)
    start = time.monotonic()
    with pytest.raises(zmq.Again):
        s.recv()
    assert 0.05 <= time.monotonic() - start < 2


def test_sndtimeo_makes_send_raise_again(ctx):
    s = ctx.socket(zmq.PUSH)  # bound and never connected: no peer to queue for
    set_timeouts(s, 100)
    s.bind("inproc://sndtimeo-lonely")
    start = time.monotonic()
    with pytest.raises(zmq.Again):
        s.send(b"nowhere")
    assert 0.05 <= time.monotonic() - start < 2


def test_sndhwm_limits_the_queue(ctx):
    push = ctx.socket(zmq.PUSH)
    set_timeouts(push, 0)
    push.sndhwm = 5
    push.connect("inproc://hwm-nobody")  # pipe exists, peer does not
    sent = 0
    with pytest.raises(zmq.Again):
        for _ in range(1000):
            push.send(b"m", zmq.NOBLOCK)
            sent += 1
    assert 1 <= sent < 1000
