"""Exceptions: the class tree, errno and messages, and which calls raise what."""
import builtins
import errno
import os

import pytest

from _backend import IS_CFFI, zmq


def test_zmqerror_with_errno_and_message():
    e = zmq.ZMQError(zmq.EINVAL, "custom text")
    assert e.errno == zmq.EINVAL
    assert e.strerror == "custom text"
    assert str(e) == "custom text"


def test_zmqerror_message_defaults_to_strerror():
    e = zmq.ZMQError(zmq.EAGAIN)
    assert e.errno == zmq.EAGAIN
    assert str(e) == zmq.strerror(zmq.EAGAIN)
    assert e.strerror == zmq.strerror(zmq.EAGAIN)


def test_strerror_of_system_and_libzmq_errors():
    assert zmq.strerror(zmq.EAGAIN) == os.strerror(errno.EAGAIN)
    text = zmq.strerror(zmq.ETERM)
    assert isinstance(text, str) and "terminated" in text.lower()


def test_zmq_errno_is_an_int():
    assert isinstance(zmq.zmq_errno(), int)


@pytest.mark.parametrize(
    "cls, bases, not_bases",
    [
        ("ZMQBaseError", ["Exception"], ["ZMQError"]),
        ("ZMQError", ["ZMQBaseError"], []),
        ("Again", ["ZMQError"], []),
        ("ContextTerminated", ["ZMQError"], []),
        ("InterruptedSystemCall", ["ZMQError", "InterruptedError"], []),
        ("NotDone", ["ZMQBaseError"], ["ZMQError"]),
        ("ZMQBindError", ["ZMQBaseError"], ["ZMQError"]),
        ("ZMQVersionError", ["NotImplementedError"], ["ZMQBaseError"]),
    ],
)
def test_exception_hierarchy(cls, bases, not_bases):
    def resolve(name):
        return getattr(zmq, name, None) or getattr(builtins, name)

    klass = getattr(zmq, cls)
    for base in bases:
        assert issubclass(klass, resolve(base)), base
    for base in not_bases:
        assert not issubclass(klass, resolve(base)), base


@pytest.mark.parametrize(
    "cls, code", [("Again", "EAGAIN"), ("ContextTerminated", "ETERM"), ("InterruptedSystemCall", "EINTR")]
)
def test_subclasses_carry_their_errno(cls, code):
    expected = getattr(zmq, code, None) or getattr(errno, code)
    e = getattr(zmq, cls)()
    assert e.errno == expected
    assert str(e)


_CLOSED_SOCKET_CALLS = {
    "send": lambda s: s.send(b"x"),
    "send_nocopy": lambda s: s.send(b"x" * 100000, copy=False),
    "recv": lambda s: s.recv(),
    "recv_nocopy": lambda s: s.recv(copy=False),
    "send_multipart": lambda s: s.send_multipart([b"a", b"b"]),
    "recv_multipart": lambda s: s.recv_multipart(),
    "send_string": lambda s: s.send_string("x"),
    "send_json": lambda s: s.send_json({}),
    "send_pyobj": lambda s: s.send_pyobj(1),
    "bind": lambda s: s.bind("inproc://closed-bind"),
    "connect": lambda s: s.connect("inproc://closed-connect"),
    "unbind": lambda s: s.unbind("inproc://closed-bind"),
    "disconnect": lambda s: s.disconnect("inproc://closed-connect"),
    "bind_to_random_port": lambda s: s.bind_to_random_port("tcp://127.0.0.1"),
    "getsockopt": lambda s: s.getsockopt(zmq.LINGER),
    "setsockopt": lambda s: s.setsockopt(zmq.LINGER, 0),
    "get": lambda s: s.get(zmq.RCVTIMEO),
    "set": lambda s: s.set(zmq.RCVTIMEO, 0),
    "attribute_get": lambda s: s.linger,
    "attribute_set": lambda s: setattr(s, "linger", 0),
    "fileno": lambda s: s.fileno(),
    "subscribe": lambda s: s.subscribe(b""),
}


@pytest.mark.parametrize("call", sorted(_CLOSED_SOCKET_CALLS))
def test_closed_socket_raises_enotsock(ctx, call):
    s = ctx.socket(zmq.SUB if call == "subscribe" else zmq.PAIR)
    s.close()
    with pytest.raises(zmq.ZMQError) as excinfo:
        _CLOSED_SOCKET_CALLS[call](s)
    assert excinfo.value.errno == zmq.ENOTSOCK


def test_poll_on_closed_socket_raises(ctx):
    s = ctx.socket(zmq.PAIR)
    s.close()
    with pytest.raises(zmq.ZMQError) as excinfo:
        s.poll(0)
    # pyzmq reports ENOTSUP here alone; zmq_cffi gives ENOTSOCK like every
    # other call on a closed socket (a documented, deliberate difference).
    assert excinfo.value.errno == (zmq.ENOTSOCK if IS_CFFI else zmq.ENOTSUP)


def test_double_close_is_not_an_error(ctx):
    s = ctx.socket(zmq.PAIR)
    s.close()
    s.close()


@pytest.mark.parametrize(
    "method, addr, code",
    [
        ("bind", "foo", "EINVAL"),
        ("connect", "foo", "EINVAL"),
        ("bind", "tcp://", "EINVAL"),
        ("connect", "tcp://", "EINVAL"),
        ("bind", "tcp://127.0.0.1:notaport", "EINVAL"),
        ("bind", "nope://x", "EPROTONOSUPPORT"),
        ("connect", "nope://x", "EPROTONOSUPPORT"),
        ("bind", "inproc://", "EINVAL"),
    ],
)
def test_bad_addresses(ctx, method, addr, code):
    s = ctx.socket(zmq.PAIR)
    with pytest.raises(zmq.ZMQError) as excinfo:
        getattr(s, method)(addr)
    assert excinfo.value.errno == getattr(zmq, code)
    assert addr in str(excinfo.value)  # the message names the address


def test_tcp_port_in_use_is_eaddrinuse(ctx):
    first = ctx.socket(zmq.PAIR)
    port = first.bind_to_random_port("tcp://127.0.0.1")
    second = ctx.socket(zmq.PAIR)
    with pytest.raises(zmq.ZMQError) as excinfo:
        second.bind("tcp://127.0.0.1:%d" % port)
    assert excinfo.value.errno == zmq.EADDRINUSE


def test_inproc_name_in_use_is_eaddrinuse(ctx):
    holder = ctx.socket(zmq.PAIR)
    holder.bind("inproc://taken")
    with pytest.raises(zmq.ZMQError) as excinfo:
        ctx.socket(zmq.PAIR).bind("inproc://taken")
    assert excinfo.value.errno == zmq.EADDRINUSE


def test_invalid_socket_type_is_einval(ctx):
    with pytest.raises(zmq.ZMQError) as excinfo:
        ctx.socket(9999)
    assert excinfo.value.errno == zmq.EINVAL


def test_errors_are_catchable_as_their_base_classes(ctx):
    s = ctx.socket(zmq.PULL)
    with pytest.raises(zmq.ZMQBaseError):
        s.recv(zmq.NOBLOCK)
    with pytest.raises(zmq.ZMQError):
        s.recv(zmq.NOBLOCK)
