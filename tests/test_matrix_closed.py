"""Use after close and after term: every public method, as an explicit matrix.

Rules checked here:

* a closed socket (closed directly, by ``Context.destroy``, or closed before
  ``term``) refuses every operation with ``ZMQError(ENOTSOCK)`` and never
  touches libzmq; closing again, repr and the plain attributes still work;
* a terminated context refuses to make sockets or read options, and
  terminating it again is harmless;
* while ``term()`` is in progress in another thread, every socket operation
  either completes or raises ``ContextTerminated`` at once, and closing the
  socket lets ``term()`` finish;
* ``term()`` wakes a blocked ``recv``/``send``/``poll`` in another thread with
  ``ContextTerminated``;
* frames, trackers and pollers outlive their sockets and contexts safely.

* ``close()`` from another thread while a call blocks on the socket closes it
  for Python at once; the blocked call goes on (returning a message that
  arrives) and its thread closes the libzmq socket when it returns;
  ``destroy()`` with threads blocked on its sockets wakes them and ends.

Two cases also run in a child interpreter, because with pyzmq (and before
zmq_cffi guarded its calls) they crash or hang it: closing a socket from
another thread while it blocks in ``recv``, and two threads calling
``term()`` at once.
"""
import copy
import gc
import os
import random
import subprocess
import sys
import threading
import time

import pytest

from _backend import BACKEND, IS_CFFI, zmq
from _util import set_timeouts

HERE = os.path.dirname(os.path.abspath(__file__))
JOIN_S = 5.0


# ---- sockets after close ------------------------------------------------------

# name -> call; each must raise ZMQError on a closed socket.
_SOCKET_CALLS = {
    "send": lambda s: s.send(b"x"),
    "send_nocopy": lambda s: s.send(b"x" * 100000, copy=False),
    "send_track": lambda s: s.send(b"x" * 100000, copy=False, track=True),
    "send_bytearray": lambda s: s.send(bytearray(10)),
    "send_frame": lambda s: s.send(zmq.Frame(b"abc")),
    "send_big_frame": lambda s: s.send(zmq.Frame(b"abc" * 100000)),
    "send_noblock": lambda s: s.send(b"x", zmq.NOBLOCK),
    "send_multipart": lambda s: s.send_multipart([b"a", b"b"]),
    "send_multipart_nocopy": lambda s: s.send_multipart([b"a" * 100000, bytearray(5)], copy=False),
    "send_string": lambda s: s.send_string("x"),
    "send_json": lambda s: s.send_json({"a": 1}),
    "send_pyobj": lambda s: s.send_pyobj([1]),
    "send_serialized": lambda s: s.send_serialized(1, lambda m: [b"1"]),
    "recv": lambda s: s.recv(),
    "recv_noblock": lambda s: s.recv(zmq.NOBLOCK),
    "recv_nocopy": lambda s: s.recv(copy=False),
    "recv_into": lambda s: s.recv_into(bytearray(10)),
    "recv_multipart": lambda s: s.recv_multipart(),
    "recv_multipart_nocopy": lambda s: s.recv_multipart(copy=False),
    "recv_string": lambda s: s.recv_string(),
    "recv_json": lambda s: s.recv_json(),
    "recv_pyobj": lambda s: s.recv_pyobj(),
    "recv_serialized": lambda s: s.recv_serialized(lambda parts: parts),
    "bind": lambda s: s.bind("inproc://closed-bind"),
    "connect": lambda s: s.connect("inproc://closed-connect"),
    "unbind": lambda s: s.unbind("inproc://closed-bind"),
    "disconnect": lambda s: s.disconnect("inproc://closed-connect"),
    "bind_to_random_port": lambda s: s.bind_to_random_port("tcp://127.0.0.1"),
    "bind_to_random_port_range": lambda s: s.bind_to_random_port("tcp://127.0.0.1", 50000, 50010, 3),
    "get": lambda s: s.get(zmq.LINGER),
    "set": lambda s: s.set(zmq.LINGER, 0),
    "getsockopt": lambda s: s.getsockopt(zmq.RCVTIMEO),
    "setsockopt": lambda s: s.setsockopt(zmq.RCVTIMEO, 0),
    "get_string": lambda s: s.get_string(zmq.LAST_ENDPOINT),
    "set_string": lambda s: s.set_string(zmq.ROUTING_ID, "x"),
    "get_events": lambda s: s.get(zmq.EVENTS),
    "get_rcvmore": lambda s: s.rcvmore,
    "get_hwm": lambda s: s.get_hwm(),
    "set_hwm": lambda s: s.set_hwm(5),
    "hwm_attribute": lambda s: s.hwm,
    "linger_attribute": lambda s: s.linger,
    "linger_attribute_set": lambda s: setattr(s, "linger", 0),
    "fileno": lambda s: s.fileno(),
    "subscribe": lambda s: s.subscribe(b"topic"),
    "unsubscribe": lambda s: s.unsubscribe(b"topic"),
    "poll": lambda s: s.poll(0),
    "poll_pollout": lambda s: s.poll(0, zmq.POLLOUT),
    "poll_blocking": lambda s: s.poll(),
    "monitor": lambda s: s.monitor("inproc://closed-monitor"),
    "get_monitor_socket": lambda s: s.get_monitor_socket(),
    "disable_monitor": lambda s: s.disable_monitor(),
}

# Calls that poll a closed socket through the module-level helpers: pyzmq
# hands the NULL handle to zmq_poll, which then polls fd 0 (stdin), so only
# zmq_cffi refuses them.
_POLL_HELPER_CALLS = {
    "poller_poll": lambda s: (lambda p: (p.register(s, zmq.POLLIN), p.poll(0)))(zmq.Poller()),
    "select": lambda s: zmq.select([s], [], [], 0),
    "zmq_poll": lambda s: zmq.zmq_poll([(s, zmq.POLLIN)], 0),
}

# name -> (call, check of its result): harmless on a closed socket.
_HARMLESS_CALLS = {
    "close": (lambda s: s.close(), lambda r, s: r is None),
    "close_linger": (lambda s: s.close(linger=0), lambda r, s: r is None),
    "exit": (lambda s: s.__exit__(None, None, None), lambda r, s: not r),
    "closed": (lambda s: s.closed, lambda r, s: r is True),
    "repr": (lambda s: repr(s), lambda r, s: "closed" in r),
    "socket_type": (lambda s: s.socket_type, lambda r, s: r == zmq.SUB),
    "underlying": (lambda s: s.underlying, lambda r, s: r == 0),
    "context": (lambda s: s.context, lambda r, s: isinstance(r, zmq.Context)),
    "copy_threshold": (lambda s: s.copy_threshold, lambda r, s: isinstance(r, int)),
}

_CLOSE_WAYS = ["close", "close_linger0", "ctx_destroy", "close_then_term"]


def _closed_socket(way):
    """A SUB socket made unusable in the given way, and its context."""
    c = zmq.Context()
    s = c.socket(zmq.SUB)
    if way == "close":
        s.close()
    elif way == "close_linger0":
        s.close(linger=0)
    elif way == "ctx_destroy":
        c.destroy(linger=0)
    elif way == "close_then_term":
        s.close()
        c.term()
    else:
        raise ValueError(way)
    assert s.closed
    return c, s


def _expected_closed_errnos(name):
    if not IS_CFFI and name.startswith("poll"):
        return {zmq.ENOTSUP}  # pyzmq's Socket.poll reports ENOTSUP on a closed socket
    return {zmq.ENOTSOCK}


def _assert_context_still_works(c):
    """The context (if alive) and the library as a whole still work."""
    fresh = zmq.Context() if c.closed else c
    try:
        a = fresh.socket(zmq.PAIR)
        b = fresh.socket(zmq.PAIR)
        set_timeouts(a)
        set_timeouts(b)
        a.bind("inproc://still-works")
        b.connect("inproc://still-works")
        a.send(b"ping")
        assert b.recv() == b"ping"
        a.close()
        b.close()
    finally:
        if fresh is not c:
            fresh.term()


@pytest.mark.parametrize("way", _CLOSE_WAYS)
@pytest.mark.parametrize("name", sorted(_SOCKET_CALLS))
def test_socket_method_after_close_raises_enotsock(name, way):
    c, s = _closed_socket(way)
    try:
        start = time.monotonic()
        with pytest.raises(zmq.ZMQError) as excinfo:
            _SOCKET_CALLS[name](s)
        assert time.monotonic() - start < 1.0  # refused at once, never blocks
        assert excinfo.value.errno in _expected_closed_errnos(name)
        if IS_CFFI:
            assert "closed" in str(excinfo.value)
        assert s.closed
        _assert_context_still_works(c)
    finally:
        c.destroy(linger=0)


@pytest.mark.cffi_only  # pyzmq polls fd 0 instead (see _POLL_HELPER_CALLS)
@pytest.mark.parametrize("way", _CLOSE_WAYS)
@pytest.mark.parametrize("name", sorted(_POLL_HELPER_CALLS))
def test_polling_a_closed_socket_raises_enotsock(name, way):
    c, s = _closed_socket(way)
    try:
        with pytest.raises(zmq.ZMQError) as excinfo:
            _POLL_HELPER_CALLS[name](s)
        assert excinfo.value.errno == zmq.ENOTSOCK
        assert "closed" in str(excinfo.value)
    finally:
        c.destroy(linger=0)


@pytest.mark.parametrize("way", _CLOSE_WAYS)
@pytest.mark.parametrize("name", sorted(_HARMLESS_CALLS))
def test_harmless_socket_calls_after_close(name, way):
    c, s = _closed_socket(way)
    try:
        call, check = _HARMLESS_CALLS[name]
        assert check(call(s), s)
        assert check(call(s), s)  # and again
        assert s.closed
    finally:
        c.destroy(linger=0)


def test_close_inside_with_block_then_exit(ctx):
    with ctx.socket(zmq.PAIR) as s:
        s.close()
    assert s.closed


def test_closing_many_sockets_twice_in_any_order(ctx):
    socks = [ctx.socket(t) for t in (zmq.PUSH, zmq.PULL, zmq.PUB, zmq.SUB, zmq.ROUTER, zmq.DEALER)]
    for s in socks[::2] + socks + socks[::-1]:
        s.close(linger=0)
    assert all(s.closed for s in socks)
    ctx.term()
    for s in socks:
        s.close()


# ---- contexts after term ------------------------------------------------------

# name -> call; each raises on a terminated context.
_CONTEXT_REFUSED = {
    "socket": lambda c: c.socket(zmq.PAIR),
    "Socket_constructor": lambda c: zmq.Socket(c, zmq.PAIR),
    "get": lambda c: c.get(zmq.IO_THREADS),
    "set": lambda c: c.set(zmq.MAX_SOCKETS, 10),
    "option_attribute": lambda c: c.io_threads,
    "option_attribute_set": lambda c: setattr(c, "io_threads", 2),
}

# name -> (call, check of its result): harmless on a terminated context.
_CONTEXT_HARMLESS = {
    "term": (lambda c: c.term(), lambda r: r is None),
    "destroy": (lambda c: c.destroy(), lambda r: r is None),
    "destroy_linger0": (lambda c: c.destroy(linger=0), lambda r: r is None),
    "exit": (lambda c: c.__exit__(None, None, None), lambda r: not r),
    "closed": (lambda c: c.closed, lambda r: r is True),
    "repr": (lambda c: repr(c), lambda r: "closed" in r),
    "underlying": (lambda c: c.underlying, lambda r: r == 0),
    "setsockopt_default": (lambda c: c.setsockopt(zmq.LINGER, 5), lambda r: r is None),
    "getsockopt_default": (lambda c: c.getsockopt(zmq.SNDHWM), lambda r: r == 7),
}

_TERM_WAYS = ["term", "destroy", "destroy_with_open_sockets", "context_manager"]


def _terminated_context(way):
    c = zmq.Context()
    c.setsockopt(zmq.SNDHWM, 7)
    if way == "term":
        c.term()
    elif way == "destroy":
        c.destroy()
    elif way == "destroy_with_open_sockets":
        push = c.socket(zmq.PUSH)
        push.connect("inproc://nobody-there")
        push.send(b"queued", zmq.NOBLOCK)
        c.socket(zmq.SUB)
        c.destroy(linger=0)
    elif way == "context_manager":
        with c:
            c.socket(zmq.PAIR).close()
    else:
        raise ValueError(way)
    assert c.closed
    return c


def _context_refused_params():
    for name in sorted(_CONTEXT_REFUSED):
        marks = ()
        yield pytest.param(name, marks=marks)


@pytest.mark.parametrize("way", _TERM_WAYS)
@pytest.mark.parametrize("name", list(_context_refused_params()))
def test_context_method_after_term_raises(name, way):
    c = _terminated_context(way)
    # zmq_cffi says ContextTerminated; pyzmq raises ENOTSUP, EFAULT or
    # RuntimeError("Context has been destroyed") depending on the method.
    expected = zmq.ContextTerminated if IS_CFFI else (zmq.ZMQError, RuntimeError)
    with pytest.raises(expected):
        _CONTEXT_REFUSED[name](c)
    assert c.closed
    _assert_context_still_works(c)


@pytest.mark.parametrize("way", _TERM_WAYS)
@pytest.mark.parametrize("name", sorted(_CONTEXT_HARMLESS))
def test_harmless_context_calls_after_term(name, way):
    c = _terminated_context(way)
    call, check = _CONTEXT_HARMLESS[name]
    assert check(call(c))
    assert check(call(c))
    assert c.closed


def test_instance_after_its_term_is_a_new_working_context():
    first = zmq.Context.instance()
    first.term()
    second = zmq.Context.instance()
    try:
        assert second is not first and not second.closed
        _assert_context_still_works(second)
    finally:
        second.term()


# ---- sockets of a context that is terminating -----------------------------------

# While term() blocks in another thread, each call either completes or raises
# ContextTerminated at once (pyzmq behaves the same way).
_TERMINATING_CALLS = {
    "send": lambda s: s.send(b"x"),
    "send_nocopy": lambda s: s.send(b"x" * 100000, copy=False),
    "send_frame": lambda s: s.send(zmq.Frame(b"x")),
    "send_multipart": lambda s: s.send_multipart([b"a", b"b"]),
    "recv": lambda s: s.recv(),
    "recv_nocopy": lambda s: s.recv(copy=False),
    "recv_multipart": lambda s: s.recv_multipart(),
    "recv_into": lambda s: s.recv_into(bytearray(8)),
    "bind": lambda s: s.bind("inproc://terminating-bind"),
    "connect": lambda s: s.connect("inproc://terminating-connect"),
    "get_events": lambda s: s.get(zmq.EVENTS),
    "poll": lambda s: s.poll(0),
    "poll_forever": lambda s: s.poll(),
    "poller_poll": lambda s: (lambda p: (p.register(s, zmq.POLLIN), p.poll()))(zmq.Poller()),
    "monitor": lambda s: s.monitor("inproc://terminating-monitor"),
    "context_socket": lambda s: s.context.socket(zmq.PAIR),
    # Options still work on a socket of a terminating context (libzmq's rule).
    "getsockopt": lambda s: s.getsockopt(zmq.LINGER),
    "setsockopt": lambda s: s.setsockopt(zmq.LINGER, 0),
    "get_fd": lambda s: s.get(zmq.FD),
}
_MAY_SUCCEED = {"getsockopt", "setsockopt", "get_fd"}


class _Runner(threading.Thread):
    """Runs ``call()`` in a daemon thread and keeps its outcome and duration."""

    def __init__(self, call):
        super().__init__(daemon=True)
        self.call = call
        self.result = self.error = None
        self.elapsed = None

    def run(self):
        start = time.monotonic()
        try:
            self.result = self.call()
        except BaseException as exc:  # noqa: B902 - report everything to the test
            self.error = exc
        self.elapsed = time.monotonic() - start


@pytest.mark.parametrize("name", sorted(_TERMINATING_CALLS))
def test_socket_call_while_term_is_in_progress(name):
    c = zmq.Context()
    s = c.socket(zmq.DEALER)
    set_timeouts(s, 3000)
    term = _Runner(c.term)
    term.start()
    time.sleep(0.1)
    assert term.is_alive()  # waiting for s to be closed
    try:
        worker = _Runner(lambda: _TERMINATING_CALLS[name](s))
        worker.start()
        worker.join(JOIN_S)
        assert not worker.is_alive(), "%s blocked while the context was terminating" % name
        if name in _MAY_SUCCEED:
            assert worker.error is None, worker.error
        else:
            assert isinstance(worker.error, zmq.ZMQError), worker.error
            assert worker.error.errno == zmq.ETERM
            if IS_CFFI:  # pyzmq raises a plain ZMQError(ETERM) from ctx.socket()
                assert isinstance(worker.error, zmq.ContextTerminated), worker.error
            assert worker.elapsed < 1.0
    finally:
        s.close()
        term.join(JOIN_S)
    assert not term.is_alive(), "term() did not return once the socket was closed"
    assert term.error is None and c.closed


# ---- term() wakes blocking calls in other threads --------------------------------

def _lonely_pull(c):
    s = c.socket(zmq.PULL)
    s.linger = 0
    s.bind("inproc://lonely-%d" % id(s))
    return [s]


def _full_push(c, transport="tcp"):
    """A PUSH whose queue is full: a peer that never reads, HWM 1 both sides."""
    push = c.socket(zmq.PUSH)
    push.linger = 0
    push.sndhwm = 1
    push.bind("tcp://127.0.0.1:*" if transport == "tcp" else "inproc://full-%d" % id(push))
    pull = c.socket(zmq.PULL)
    pull.linger = 0
    pull.rcvhwm = 1
    pull.connect(push.last_endpoint)
    return [push, pull]


def _fill(socks, copy=True):
    payload = b"x" * 100000
    for _ in range(1000000):
        socks[0].send(payload if copy else bytearray(payload), copy=copy)


def _poll_once_full(socks):
    """Fill an inproc pipe without blocking, then wait for POLLOUT that never comes.

    Over inproc the pipe stays full once ``send`` says EAGAIN (the peer never
    reads), so the only blocking call is the poll, deterministically.
    """
    for _ in range(100):
        try:
            socks[0].send(b"x", zmq.NOBLOCK)
        except zmq.Again:
            return socks[0].poll(flags=zmq.POLLOUT)
    raise AssertionError("an inproc pipe with HWM 1 never filled")


def _poller_forever(socks):
    p = zmq.Poller()
    p.register(socks[0], zmq.POLLIN)
    return p.poll()


_BLOCKING = {
    "recv": (_lonely_pull, lambda socks: socks[0].recv()),
    "recv_nocopy": (_lonely_pull, lambda socks: socks[0].recv(copy=False)),
    "recv_multipart": (_lonely_pull, lambda socks: socks[0].recv_multipart()),
    "recv_into": (_lonely_pull, lambda socks: socks[0].recv_into(bytearray(10))),
    "recv_string": (_lonely_pull, lambda socks: socks[0].recv_string()),
    "send_full_hwm": (_full_push, _fill),
    "send_full_hwm_nocopy": (_full_push, lambda socks: _fill(socks, copy=False)),
    "send_multipart_full_hwm": (_full_push, lambda socks: [socks[0].send_multipart([b"a", b"b" * 70000])
                                                           for _ in range(1000000)]),
    "socket_poll": (_lonely_pull, lambda socks: socks[0].poll()),
    "socket_poll_pollout": (lambda c: _full_push(c, "inproc"), _poll_once_full),
    "poller_poll": (_lonely_pull, _poller_forever),
    "select": (_lonely_pull, lambda socks: zmq.select([socks[0]], [], [])),
    "zmq_poll": (_lonely_pull, lambda socks: zmq.zmq_poll([(socks[0], zmq.POLLIN)])),
}


def _start_blocked(name):
    """A fresh context, and a worker thread blocked in the call ``name``."""
    setup, call = _BLOCKING[name]
    c = zmq.Context()
    socks = setup(c)

    def blocked():
        try:
            return call(socks)
        finally:
            for s in socks:
                s.close()  # harmless on a socket closed by the main thread

    worker = _Runner(blocked)
    worker.start()
    time.sleep(0.3)
    assert worker.is_alive(), "the call did not block: %r" % (worker.error or worker.result,)
    return c, socks, worker


@pytest.mark.parametrize("name", sorted(_BLOCKING))
def test_term_wakes_a_blocked_call_with_context_terminated(name):
    c, socks, worker = _start_blocked(name)
    start = time.monotonic()
    term = _Runner(c.term)
    term.start()
    worker.join(JOIN_S)
    term.join(JOIN_S)
    assert not worker.is_alive(), "term() did not wake %s" % name
    assert not term.is_alive(), "term() did not return"
    assert isinstance(worker.error, zmq.ContextTerminated), worker.error
    assert time.monotonic() - start < 2.0
    assert term.error is None and c.closed


# ---- close() and destroy() from another thread while a call blocks ----------------

@pytest.mark.cffi_only  # pyzmq: the process aborts in libzmq (signaler.cpp) or hangs
@pytest.mark.parametrize("name", sorted(_BLOCKING))
def test_close_from_another_thread_is_deferred_until_the_call_returns(name):
    c, socks, worker = _start_blocked(name)
    start = time.monotonic()
    socks[0].close()
    assert time.monotonic() - start < 0.5  # close() never waits for the call
    assert socks[0].closed
    with pytest.raises(zmq.ZMQError) as excinfo:  # closed for Python at once
        socks[0].getsockopt(zmq.TYPE)
    assert excinfo.value.errno == zmq.ENOTSOCK and "closed" in str(excinfo.value)
    worker.join(0.3)
    if not worker.is_alive():
        # A send loop whose call was not blocked yet (the tcp buffers were
        # still filling): its next call was refused, cleanly.
        assert name.startswith("send"), "%s returned after close: %r" % (name, worker.result)
        assert isinstance(worker.error, zmq.ZMQError), worker.error
        assert worker.error.errno == zmq.ENOTSOCK and "closed" in str(worker.error)
    term = _Runner(c.term)
    term.start()
    worker.join(JOIN_S)
    term.join(JOIN_S)
    assert not worker.is_alive(), "term() did not wake %s" % name
    if worker.error.errno != zmq.ENOTSOCK:  # the call went on until term() woke it...
        assert isinstance(worker.error, zmq.ContextTerminated), worker.error
    # ...and its thread closed the libzmq socket on the way out, so term() ends.
    assert not term.is_alive() and term.error is None and c.closed


@pytest.mark.cffi_only  # pyzmq closes the sockets under the blocked threads
@pytest.mark.parametrize("name", sorted(_BLOCKING))
def test_destroy_with_a_thread_blocked_on_a_socket(name):
    c, socks, worker = _start_blocked(name)
    destroy = _Runner(lambda: c.destroy(linger=0))
    destroy.start()
    destroy.join(JOIN_S)
    worker.join(JOIN_S)
    assert not destroy.is_alive(), "destroy() hung"
    assert destroy.error is None, destroy.error
    assert not worker.is_alive(), "destroy() did not wake %s" % name
    if name.startswith("send") and worker.error.errno == zmq.ENOTSOCK:
        pass  # a send loop not blocked yet: its next call was refused, cleanly
    else:
        assert isinstance(worker.error, zmq.ContextTerminated), worker.error
    assert c.closed and all(s.closed for s in socks)


def _busy_loop(sock, peer, stop):
    """Calls of every kind on ``sock`` until one fails (the socket was closed)."""
    for i in range(100000):
        if stop.is_set():
            return "stopped"
        kind = i % 5
        if kind == 0:
            sock.send(b"x", zmq.NOBLOCK)
        elif kind == 1:
            peer.recv(zmq.NOBLOCK)
        elif kind == 2:
            sock.poll(1)
        elif kind == 3:
            sock.getsockopt(zmq.EVENTS)
        else:
            sock.send_multipart([b"a", b"b"], zmq.NOBLOCK)
            peer.recv_multipart(zmq.NOBLOCK)
    return "done"


@pytest.mark.cffi_only  # pyzmq: use after free, the process may abort or crash
def test_close_racing_with_calls_in_another_thread():
    """Close a socket at random moments while another thread keeps using it:
    every call either completes or raises ENOTSOCK, and term() always ends."""
    rng = random.Random(5)
    refused = 0
    for attempt in range(200):
        c = zmq.Context()
        sock = c.socket(zmq.PAIR)
        peer = c.socket(zmq.PAIR)
        for s in (sock, peer):
            s.linger = 0
            s.sndhwm = s.rcvhwm = 10
        sock.bind("inproc://race-%d" % attempt)
        peer.connect("inproc://race-%d" % attempt)
        stop = threading.Event()
        worker = _Runner(lambda: _busy_loop(sock, peer, stop))
        worker.start()
        time.sleep(rng.uniform(0, 0.004))
        sock.close()
        worker.join(JOIN_S)
        stop.set()
        assert not worker.is_alive(), "attempt %d: the worker hung" % attempt
        if worker.error is not None:
            assert isinstance(worker.error, zmq.ZMQError), worker.error
            assert worker.error.errno == zmq.ENOTSOCK, (attempt, worker.error)
            refused += 1
        peer.close()
        term = _Runner(c.term)
        term.start()
        term.join(JOIN_S)
        assert not term.is_alive(), "attempt %d: term() hung" % attempt
        assert term.error is None and c.closed
    assert refused > 100  # the close did land in the middle of the loop


@pytest.mark.cffi_only  # pyzmq: the process aborts in libzmq
@pytest.mark.parametrize("copy", [True, False], ids=["bytes", "frame"])
def test_a_message_arriving_after_close_from_another_thread_is_returned(copy):
    c = zmq.Context()
    pull = c.socket(zmq.PULL)
    pull.bind("inproc://after-close")
    push = c.socket(zmq.PUSH)
    push.connect("inproc://after-close")
    worker = _Runner(lambda: pull.recv(copy=copy))
    worker.start()
    time.sleep(0.2)
    pull.close()
    assert worker.is_alive()
    push.send(b"delivered")
    worker.join(JOIN_S)
    assert not worker.is_alive()
    assert worker.error is None, worker.error
    assert bytes(worker.result) == b"delivered"  # libzmq delivered it: not lost
    push.close()
    term = _Runner(c.term)  # the worker's thread closed the libzmq socket
    term.start()
    term.join(JOIN_S)
    assert not term.is_alive() and c.closed


def test_tracker_wait_in_another_thread_ends_when_the_socket_closes(ctx, ipc_dir):
    push = ctx.socket(zmq.PUSH)
    set_timeouts(push)
    push.connect("ipc://%s/nobody.sock" % ipc_dir)  # the message stays queued
    tracker = push.send(bytearray(200000), copy=False, track=True)
    waiter = _Runner(lambda: tracker.wait(JOIN_S))
    waiter.start()
    time.sleep(0.2)
    assert waiter.is_alive() and not tracker.done
    push.close(linger=0)  # drops the message: libzmq releases the buffer
    for _ in range(5):
        gc.collect()
    waiter.join(JOIN_S)
    assert not waiter.is_alive()
    assert waiter.error is None, waiter.error
    assert tracker.done


def test_destroy_releases_queued_zero_copy_messages(ipc_dir):
    c = zmq.Context()
    push = c.socket(zmq.PUSH)
    push.connect("ipc://%s/nobody.sock" % ipc_dir)
    trackers = [push.send(bytearray(100000), copy=False, track=True) for _ in range(5)]
    assert not any(t.done for t in trackers)
    c.destroy(linger=0)
    for t in trackers:
        t.wait(JOIN_S)
        assert t.done


# ---- frames, trackers and pollers outlive their sockets ---------------------------

# name -> check(frame, expected content)
_FRAME_CALLS = {
    "bytes": lambda f, data: f.bytes == data,
    "bytes_builtin": lambda f, data: bytes(f) == data,
    "len": lambda f, data: len(f) == len(data),
    "buffer": lambda f, data: f.buffer.tobytes() == data,
    "more": lambda f, data: f.more is False,
    "get_more": lambda f, data: f.get(zmq.MORE) == 0,
    "metadata": lambda f, data: f.get("Socket-Type") == "PUSH",
    "fast_copy": lambda f, data: copy.copy(f).bytes == data,
    "repr": lambda f, data: "payload" in repr(f),
}


@pytest.mark.parametrize("size", [10, 200000])
@pytest.mark.parametrize("name", sorted(_FRAME_CALLS))
def test_received_frame_outlives_socket_and_context(name, size):
    c = zmq.Context()
    pull = c.socket(zmq.PULL)
    push = c.socket(zmq.PUSH)
    set_timeouts(pull)
    set_timeouts(push)
    pull.bind("tcp://127.0.0.1:*")
    push.connect(pull.last_endpoint)
    data = (b"payload" * size)[:size]
    push.send(data)
    frame = pull.recv(copy=False)
    c.destroy(linger=0)
    del pull, push
    for _ in range(3):
        gc.collect()
    assert _FRAME_CALLS[name](frame, data)
    # The frame can still be sent, on a socket of another context.
    with zmq.Context() as c2:
        a = c2.socket(zmq.PAIR)
        b = c2.socket(zmq.PAIR)
        set_timeouts(a)
        set_timeouts(b)
        a.bind("inproc://frame-again")
        b.connect("inproc://frame-again")
        a.send(frame)
        assert b.recv() == data
        a.close()
        b.close()


def test_poller_with_sockets_of_a_destroyed_context(ctx):
    other = zmq.Context()
    gone = other.socket(zmq.PULL)
    alive = ctx.socket(zmq.PULL)
    set_timeouts(alive)
    alive.bind("inproc://poller-alive")
    feeder = ctx.socket(zmq.PUSH)
    set_timeouts(feeder)
    feeder.connect("inproc://poller-alive")
    poller = zmq.Poller()
    poller.register(gone, zmq.POLLIN)
    poller.register(alive, zmq.POLLIN)
    assert poller.poll(0) == []
    other.destroy(linger=0)
    if IS_CFFI:
        # pyzmq would poll fd 0 for the closed socket; zmq_cffi refuses it.
        with pytest.raises(zmq.ZMQError) as excinfo:
            poller.poll(0)
        assert excinfo.value.errno == zmq.ENOTSOCK
    poller.unregister(gone)
    feeder.send(b"hi")
    assert poller.poll(2000) == [(alive, zmq.POLLIN)]
    assert alive.recv() == b"hi"


def test_frame_tracker_after_context_destroyed(ipc_dir):
    c = zmq.Context()
    push = c.socket(zmq.PUSH)
    push.connect("ipc://%s/nobody.sock" % ipc_dir)
    frame = zmq.Frame(bytearray(200000), track=True)
    push.send(frame)
    c.destroy(linger=0)
    combined = zmq.MessageTracker(frame)
    del frame
    for _ in range(5):
        gc.collect()
        if combined.done:
            break
    combined.wait(JOIN_S)
    assert combined.done


# ---- gaps that crash or hang the interpreter: run in a child process --------------

_CLOSE_FROM_OTHER_THREAD = r"""
import os, sys, threading, time
sys.path.insert(0, {here!r})
from _backend import zmq
transport, op = sys.argv[1], sys.argv[2]
ctx = zmq.Context()
s = ctx.socket(zmq.PULL if op == "recv" else zmq.PUSH)
s.linger = 0
if op == "send":
    s.sndhwm = 1
s.bind("inproc://blocked" if transport == "inproc" else "tcp://127.0.0.1:*")
peer = ctx.socket(zmq.PUSH if op == "recv" else zmq.PULL)
peer.linger = 0
peer.rcvhwm = 1
peer.connect(s.last_endpoint)
outcome = []
def blocked():
    try:
        if op == "recv":
            s.recv()
        else:
            for _ in range(1000000):
                s.send(b"x" * 1000)
        outcome.append("returned")
    except zmq.ZMQError as exc:
        outcome.append("ZMQError:%s" % exc)
        if exc.errno == zmq.ETERM:
            s.close()  # woken by term() after close() was refused
worker = threading.Thread(target=blocked, daemon=True)
worker.start()
time.sleep(0.3)
try:
    s.close()
    print("close: ok", flush=True)
except zmq.ZMQError as exc:
    print("close: ZMQError:%s" % exc, flush=True)
worker.join(1.0)
print("worker:", "hung" if worker.is_alive() else outcome, flush=True)
peer.close()
term = threading.Thread(target=ctx.term, daemon=True)
term.start()
term.join(1.0)
worker.join(1.0)
print("term:", "hung" if term.is_alive() else "ok", flush=True)
print("worker after term:", "hung" if worker.is_alive() else outcome, flush=True)
os._exit(0)
"""


_CONCURRENT_TERM = r"""
import os, sys, threading, time
sys.path.insert(0, {here!r})
from _backend import zmq
for attempt in range(10):
    ctx = zmq.Context()
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    errors = []
    def term():
        try:
            ctx.term()
        except Exception as exc:
            errors.append(repr(exc))
    threads = [threading.Thread(target=term, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    s.close()
    for t in threads:
        t.join(1.0)
    if any(t.is_alive() for t in threads) or errors:
        print("attempt", attempt, "hung" if any(t.is_alive() for t in threads) else errors, flush=True)
        os._exit(3)
print("all ok", flush=True)
os._exit(0)
"""


def _start_child(script, args=()):
    env = dict(os.environ, ZMQ_CFFI_TEST_BACKEND=BACKEND)
    return subprocess.Popen([sys.executable, "-c", script] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=os.path.dirname(HERE))


def _finish_child(proc, timeout=20):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err


_CLOSE_CASES = [("inproc", "recv"), ("tcp", "recv"), ("inproc", "send")]


@pytest.fixture(scope="module")
def crash_children():
    """The child runs of the two gaps below, started together to save time."""
    procs = {case: _start_child(_CLOSE_FROM_OTHER_THREAD.format(here=HERE), case) for case in _CLOSE_CASES}
    procs["concurrent_term"] = _start_child(_CONCURRENT_TERM.format(here=HERE))
    return {case: _finish_child(proc) for case, proc in procs.items()}


@pytest.mark.cffi_only  # pyzmq: the process aborts in libzmq (signaler.cpp) or hangs
@pytest.mark.parametrize("transport, op", _CLOSE_CASES)
def test_close_from_another_thread_during_blocking_call(crash_children, transport, op):
    rc, out, err = crash_children[(transport, op)]
    assert rc == 0, "child died (rc=%s): %s%s" % (rc, out, err[-500:])
    # close() works at once; the blocked call goes on until term() wakes it
    # with ContextTerminated, and its thread then closes the libzmq socket.
    assert "close: ok" in out, out
    assert "worker: hung" in out, out
    assert "term: ok" in out, out
    assert "worker after term: ['ZMQError:" in out and "erminated" in out, out


@pytest.mark.cffi_only  # pyzmq: one of the two term() calls never returns, or libzmq aborts
def test_concurrent_term_from_two_threads(crash_children):
    rc, out, err = crash_children["concurrent_term"]
    assert rc == 0 and "all ok" in out, (rc, out, err[-500:])
