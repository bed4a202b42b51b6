"""Shared fixtures and collection rules of the behaviour suite.

Tests import the binding through ``_backend`` so the same suite runs against
zmq_cffi (default) and against real pyzmq (ZMQ_CFFI_TEST_BACKEND=zmq).
"""
import os
import signal
import threading
import time

import pytest

from _backend import IS_CFFI, zmq
from _util import bind_any, set_timeouts, sync_subscription

DEFAULT_TIMEOUT_S = 60


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "cffi_only: behaviour specific to zmq_cffi (pyzmq differs or lacks it)"
    )


def pytest_collection_modifyitems(config, items):
    has_timeout = config.pluginmanager.hasplugin("timeout")
    skip_cffi_only = pytest.mark.skip(reason="zmq_cffi-specific")
    for item in items:
        if has_timeout and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(DEFAULT_TIMEOUT_S, method="thread"))
        if not IS_CFFI and item.get_closest_marker("cffi_only") is not None:
            item.add_marker(skip_cffi_only)


_TEST_SIGNALS = (signal.SIGINT, signal.SIGUSR1, signal.SIGALRM)


@pytest.fixture
def signal_later():
    """``signal_later(sig, delay=0.2)``: a timer thread sends ``sig`` to this
    process; returns the timer.

    Teardown leaves no late signal behind for a later test: the timers are
    cancelled and joined under inert handlers, any signal already sent is
    handled by those, then the original handlers come back.
    """
    assert threading.current_thread() is threading.main_thread()
    saved = {sig: signal.getsignal(sig) for sig in _TEST_SIGNALS}
    timers = []

    def schedule(sig, delay=0.2):
        timer = threading.Timer(delay, os.kill, (os.getpid(), sig))
        timer.daemon = True
        timers.append(timer)
        timer.start()
        return timer

    yield schedule
    for sig in _TEST_SIGNALS:
        signal.signal(sig, lambda signum, frame: None)
    for timer in timers:
        timer.cancel()
        timer.join(5)
    time.sleep(0.05)
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def ctx():
    """A fresh context, destroyed with linger=0 at teardown."""
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture
def ipc_dir(tmp_path_factory):
    """A short directory for ipc:// socket files (paths are length-limited)."""
    return tmp_path_factory.mktemp("ipc")


@pytest.fixture(params=["inproc", "tcp", "ipc"])
def transport(request):
    return request.param


_PUBLISHERS = (zmq.PUB, zmq.XPUB)


@pytest.fixture
def make_pair(ctx, tmp_path_factory):
    """Factory: ``make_pair(type_a, type_b, transport="inproc", subscribe=(b"",))``.

    Returns ``(bound, connected)``; both sockets have linger=0 and send/receive
    timeouts.  When one side is PUB/XPUB and the other SUB, the SUB subscribes to
    every topic in ``subscribe`` and the helper waits until the subscriptions
    are live (pass ``subscribe=None`` to do it by hand).
    """
    ipc = []

    def factory(type_a, type_b, transport="inproc", subscribe=(b"",)):
        if transport == "ipc" and not ipc:
            ipc.append(tmp_path_factory.mktemp("ipc"))
        a = ctx.socket(type_a)
        b = ctx.socket(type_b)
        set_timeouts(a)
        set_timeouts(b)
        addr = bind_any(a, transport, ipc[0] if ipc else None)
        b.connect(addr)
        pub = sub = None
        if type_a in _PUBLISHERS and type_b == zmq.SUB:
            pub, sub = a, b
        elif type_b in _PUBLISHERS and type_a == zmq.SUB:
            pub, sub = b, a
        if sub is not None and subscribe is not None:
            topics = list(subscribe)
            for topic in topics:
                sub.subscribe(topic)
            if topics:
                sync_subscription(pub, sub, topics[-1])
        return a, b

    return factory
