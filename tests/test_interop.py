"""Interop: shadowing libzmq sockets and contexts by address, and
zmq.utils.interop.cast_int_addr."""
import copy
import ctypes
import importlib
import subprocess
import sys
import textwrap
import time

import pytest

from _backend import zmq

cast_int_addr = importlib.import_module(zmq.__name__ + ".utils.interop").cast_int_addr


@pytest.fixture
def pair(ctx):
    """Two connected PAIR sockets with timeouts: (bound, connected)."""
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    for s in (a, b):
        s.linger = 0
        s.rcvtimeo = 3000
        s.sndtimeo = 3000
    a.bind("inproc://interop-pair")
    b.connect("inproc://interop-pair")
    yield a, b
    a.close()
    b.close()


# ---- cast_int_addr ---------------------------------------------------------------


def test_cast_int_addr_returns_ints_unchanged():
    assert cast_int_addr(0) == 0
    assert cast_int_addr(0x7F0012345678) == 0x7F0012345678


@pytest.mark.parametrize("bad", [1.5, "0x1234", b"\x00", None, object()])
def test_cast_int_addr_rejects_non_addresses(bad):
    with pytest.raises(ValueError):
        cast_int_addr(bad)


@pytest.mark.cffi_only
def test_cast_int_addr_reads_cffi_pointers_of_any_ffi():
    import cffi

    from zmq_cffi._ffi import ffi

    assert cast_int_addr(ffi.cast("void *", 0x1234)) == 0x1234
    assert cast_int_addr(ffi.NULL) == 0
    other_ffi = cffi.FFI()  # pointers made by another library's FFI
    assert cast_int_addr(other_ffi.cast("char *", 0xABCD)) == 0xABCD
    buf = other_ffi.new("char[16]")
    assert cast_int_addr(buf) == int(other_ffi.cast("uintptr_t", buf))


@pytest.mark.cffi_only
def test_cast_int_addr_rejects_cffi_structs():
    import cffi

    other_ffi = cffi.FFI()
    other_ffi.cdef("struct point { int x, y; };")
    with pytest.raises(ValueError):
        cast_int_addr(other_ffi.new("struct point *")[0])


@pytest.mark.cffi_only
def test_cast_int_addr_reads_ctypes_pointers():
    # pyzmq accepts only ints and CFFI pointers; zmq_cffi takes ctypes too.
    buf = ctypes.create_string_buffer(16)
    assert cast_int_addr(ctypes.c_void_p(0x4321)) == 0x4321
    assert cast_int_addr(ctypes.c_void_p()) == 0
    assert cast_int_addr(ctypes.cast(buf, ctypes.POINTER(ctypes.c_int))) == ctypes.addressof(buf)
    assert cast_int_addr(ctypes.cast(buf, ctypes.c_char_p)) == ctypes.addressof(buf)
    with pytest.raises(ValueError):
        cast_int_addr(ctypes.c_int(5))  # an int value, not an address


# ---- Socket shadows --------------------------------------------------------------


def test_socket_shadow_drives_the_same_libzmq_socket(pair):
    a, b = pair
    shadow = zmq.Socket.shadow(a.underlying)
    assert shadow.underlying == a.underlying
    assert shadow.getsockopt(zmq.TYPE) == zmq.PAIR
    assert shadow.type == zmq.PAIR
    shadow.send(b"through the shadow")
    assert b.recv() == b"through the shadow"
    b.send(b"to the original socket")
    shadow.rcvtimeo = 3000
    assert shadow.recv() == b"to the original socket"
    # Options set through one wrapper are the libzmq socket's own.
    shadow.sndhwm = 123
    assert a.sndhwm == 123


def test_socket_shadow_accepts_a_socket(pair):
    a, b = pair
    for shadow in (zmq.Socket.shadow(a), zmq.Socket(a), zmq.Socket(shadow=a)):
        assert shadow.underlying == a.underlying
        shadow.send(b"x")
        assert b.recv() == b"x"


def test_socket_shadow_of_a_socket_keeps_its_context(pair, ctx):
    a, _ = pair
    assert zmq.Socket.shadow(a).context is ctx
    assert zmq.Socket(a).context is ctx


@pytest.mark.cffi_only
def test_socket_shadow_accepts_a_cffi_pointer(pair):
    from zmq_cffi._ffi import ffi

    a, b = pair
    shadow = zmq.Socket.shadow(ffi.cast("void *", a.underlying))
    shadow.send(b"x")
    assert b.recv() == b"x"


@pytest.mark.cffi_only
def test_closing_a_socket_shadow_leaves_the_original_open(pair):
    # pyzmq 27 differs: its shadow.close() calls zmq_close on the libzmq socket.
    a, b = pair
    shadow = zmq.Socket.shadow(a.underlying)
    shadow.close()
    assert shadow.closed
    assert not a.closed
    a.send(b"still open")
    assert b.recv() == b"still open"
    with pytest.raises(zmq.ZMQError) as info:
        shadow.send(b"x")
    assert info.value.errno == zmq.ENOTSOCK


@pytest.mark.cffi_only
def test_a_socket_shadow_is_never_finalized_into_a_close(pair):
    import gc
    import warnings

    a, b = pair
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        shadow = zmq.Socket.shadow(a.underlying)
        del shadow
        gc.collect()
    a.send(b"alive")
    assert b.recv() == b"alive"


# A shadow of a zmq_cffi socket shares its guard (pyzmq: the shadow goes on
# calling into the freed libzmq socket, undefined behaviour).

def _shadows_of(sock):
    """A shadow by address, one by Socket, and a shadow of that shadow."""
    by_address = zmq.Socket.shadow(sock.underlying)
    return [by_address, zmq.Socket.shadow(sock), zmq.Socket.shadow(by_address.underlying)]


def _assert_refused_as_closed(call):
    with pytest.raises(zmq.ZMQError) as info:
        call()
    assert info.value.errno == zmq.ENOTSOCK
    assert "wraps is closed" in str(info.value), str(info.value)


@pytest.mark.cffi_only
def test_closing_the_original_closes_its_shadows(pair):
    a, b = pair
    shadows = _shadows_of(a)
    for shadow in shadows:
        assert shadow.context is a.context  # not Context.instance()
        shadow.send(b"before")
        assert b.recv() == b"before"
    a.close()
    poller = zmq.Poller()
    for shadow in shadows:
        assert shadow.closed and "closed" in repr(shadow)
        _assert_refused_as_closed(lambda: shadow.send(b"after"))
        _assert_refused_as_closed(lambda: shadow.recv(zmq.NOBLOCK))
        _assert_refused_as_closed(lambda: shadow.recv(copy=False))
        _assert_refused_as_closed(lambda: shadow.getsockopt(zmq.TYPE))
        _assert_refused_as_closed(lambda: shadow.poll(0))
        poller.register(shadow, zmq.POLLIN)
        shadow.close()  # harmless
    with pytest.raises(zmq.ZMQError) as info:
        poller.poll(0)
    assert info.value.errno == zmq.ENOTSOCK


@pytest.mark.cffi_only
def test_a_poller_refuses_a_shadow_closed_after_it_was_registered(pair):
    a, b = pair
    shadow = zmq.Socket.shadow(a)
    poller = zmq.Poller()
    poller.register(shadow, zmq.POLLIN)
    b.send(b"ready")
    assert poller.poll(1000) == [(shadow, zmq.POLLIN)]
    shadow.close()  # the original stays open
    with pytest.raises(zmq.ZMQError) as info:
        poller.poll(0)
    assert info.value.errno == zmq.ENOTSOCK and "closed" in str(info.value)
    assert a.recv() == b"ready"


@pytest.mark.cffi_only
def test_a_dropped_original_closes_its_shadows(ctx):
    import gc
    import warnings

    a = ctx.socket(zmq.PAIR)
    shadow = zmq.Socket.shadow(a.underlying)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del a
        for _ in range(3):
            gc.collect()
    assert shadow.closed
    _assert_refused_as_closed(lambda: shadow.send(b"x", zmq.NOBLOCK))


@pytest.mark.cffi_only
def test_term_ends_with_a_dropped_original_and_a_live_shadow():
    import gc
    import threading
    import warnings

    c = zmq.Context()
    a = c.socket(zmq.PAIR)
    a.linger = 0
    shadow = zmq.Socket.shadow(a.underlying)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del a
        gc.collect()
        term = threading.Thread(target=c.term)  # the shadow does not keep it open
        term.start()
        term.join(5)
    assert not term.is_alive(), "term() waited for a socket nobody can close"
    assert shadow.closed
    _assert_refused_as_closed(lambda: shadow.recv(zmq.NOBLOCK))


@pytest.mark.cffi_only
def test_closing_a_shadow_leaves_a_call_blocked_on_the_original_running(pair):
    import threading

    a, b = pair
    got = []
    worker = threading.Thread(target=lambda: got.append(a.recv()))
    worker.start()
    try:
        zmq.Socket.shadow(a.underlying).close()
        b.send(b"delivered")
    finally:
        worker.join(5)
    assert got == [b"delivered"]
    assert not a.closed


@pytest.mark.cffi_only
def test_closing_the_original_while_its_shadow_blocks_is_deferred(ctx, pair):
    import threading

    a, b = pair
    shadow = zmq.Socket.shadow(a.underlying)
    got = []
    worker = threading.Thread(target=lambda: got.append(shadow.recv()))
    worker.start()
    try:
        time.sleep(0.2)
        a.close()  # the libzmq socket stays open until the shadow's recv returns
        assert shadow.closed
        b.send(b"after close")
    finally:
        worker.join(6)
    assert not worker.is_alive()
    assert got == [b"after close"]
    b.close()
    term = threading.Thread(target=ctx.term)  # ends only if the socket was closed
    term.start()
    term.join(5)
    assert not term.is_alive(), "the libzmq socket was never closed"


@pytest.mark.cffi_only
def test_term_stops_shadows_too(ctx):
    import threading

    a = ctx.socket(zmq.PAIR)
    a.linger = 0
    shadow = zmq.Socket.shadow(a.underlying)
    errors = []

    def blocked():
        try:
            shadow.recv()
        except zmq.ZMQError as exc:
            errors.append(exc)
        finally:
            a.close()

    worker = threading.Thread(target=blocked)
    worker.start()
    time.sleep(0.2)
    term = threading.Thread(target=ctx.term)
    term.start()
    worker.join(5)
    term.join(5)
    assert not worker.is_alive() and not term.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], zmq.ContextTerminated)
    with pytest.raises(zmq.ZMQError):
        shadow.send(b"x")


def test_copying_a_socket_makes_a_shadow(pair):
    a, b = pair
    for copier in (copy.copy, copy.deepcopy):
        duplicate = copier(a)
        is_shadow = duplicate._shadow
        if not is_shadow:
            # Defuse it first: a duplicate that owns the handle would zmq_close
            # a's socket when collected, and a would then close it again.
            object.__setattr__(duplicate, "_shadow", True)
        assert is_shadow
        assert duplicate is not a
        assert duplicate.underlying == a.underlying
        duplicate.send(b"copy")
        assert b.recv() == b"copy"


# ---- Context shadows -------------------------------------------------------------


def test_context_shadow_makes_sockets_on_the_same_context(ctx):
    shadow_ctx = zmq.Context.shadow(ctx.underlying)
    assert shadow_ctx is not ctx
    assert shadow_ctx.underlying == ctx.underlying
    # inproc endpoints belong to one libzmq context: a socket of the shadow
    # reaching one bound by the original proves it is the same context.
    server = ctx.socket(zmq.PAIR)
    server.linger = 0
    server.rcvtimeo = 3000
    server.bind("inproc://shadow-context-test")
    client = shadow_ctx.socket(zmq.PAIR)
    client.linger = 0
    try:
        assert client.context is shadow_ctx
        client.connect("inproc://shadow-context-test")
        client.send(b"same context")
        assert server.recv() == b"same context"
    finally:
        client.close()
        server.close()


def test_context_shadow_accepts_a_context(ctx):
    for shadow_ctx in (zmq.Context.shadow(ctx), zmq.Context(ctx), zmq.Context(shadow=ctx)):
        assert shadow_ctx.underlying == ctx.underlying
        assert shadow_ctx.get(zmq.IO_THREADS) == ctx.get(zmq.IO_THREADS)
        shadow_ctx.set(zmq.MAX_SOCKETS, 321)
        assert ctx.get(zmq.MAX_SOCKETS) == 321


def test_a_separate_context_does_not_share_inproc(ctx):
    # The counterpart of the test above: the check really tells contexts apart.
    other = zmq.Context()
    server = ctx.socket(zmq.PAIR)
    server.bind("inproc://only-in-ctx")
    client = other.socket(zmq.PAIR)
    try:
        # libzmq queues a connect to an inproc name its context does not know.
        client.connect("inproc://only-in-ctx")
        client.send(b"lost", zmq.NOBLOCK)
        assert server.poll(200) == 0
    finally:
        client.close(linger=0)
        server.close(linger=0)
        other.term()


@pytest.mark.cffi_only
def test_terminating_a_context_shadow_leaves_the_original_running():
    # Run in a child: with the bug, term() blocks until the original's socket
    # closes, and would then leave the original with a dead handle.
    script = textwrap.dedent("""
        import os, sys, threading
        import zmq_cffi as zmq
        ctx = zmq.Context()
        sock = ctx.socket(zmq.PAIR)
        shadow_ctx = zmq.Context.shadow(ctx.underlying)
        done = threading.Event()
        def term():
            shadow_ctx.term()
            done.set()
        threading.Thread(target=term, daemon=True).start()
        finished = done.wait(1.0)
        print("term returned" if finished else "term blocked", shadow_ctx.closed)
        sys.stdout.flush()
        os._exit(0)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=30, cwd=_package_root()).stdout.split()
    assert out == ["term", "returned", "True"]


def _package_root():
    import os

    return os.path.dirname(os.path.dirname(os.path.abspath(zmq.__file__)))


# ---- zmq.utils.win32.allow_interrupt --------------------------------------------


def test_allow_interrupt_is_a_harmless_context_manager_off_windows(ctx):
    win32 = importlib.import_module(zmq.__name__ + ".utils.win32")
    calls = []
    sock = ctx.socket(zmq.PAIR)
    try:
        with win32.allow_interrupt(lambda: calls.append("woken")):
            assert sock.poll(10) == 0
        with win32.allow_interrupt():
            pass
    finally:
        sock.close(linger=0)
    assert calls == []  # only a console Ctrl-C calls the action (on Windows)
