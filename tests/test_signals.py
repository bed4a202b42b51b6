"""Signals during blocking calls: Ctrl-C interrupts, harmless handlers do not."""
import os
import signal
import threading
import time

import pytest

from _backend import zmq
from _util import set_timeouts

_SIGNALS = (signal.SIGINT, signal.SIGUSR1, signal.SIGALRM)


@pytest.fixture
def kill_later():
    """``kill_later(sig, delay)`` sends ``sig`` to this process from a timer thread.

    Teardown makes sure no late signal can hit a later test: it cancels and joins
    the timers under inert handlers, lets pending handlers run, then restores.
    """
    saved = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    timers = []

    def schedule(sig, delay=0.2):
        timer = threading.Timer(delay, os.kill, (os.getpid(), sig))
        timer.daemon = True
        timers.append(timer)
        timer.start()
        return timer

    yield schedule
    for sig in _SIGNALS:
        signal.signal(sig, lambda signum, frame: None)
    for timer in timers:
        timer.cancel()
        timer.join(5)
    time.sleep(0.05)  # any signal already sent is handled by the inert handlers
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def lonely_pull(ctx):
    """A PULL with no peer; its blocking receive gives up after 3 s at most."""
    s = ctx.socket(zmq.PULL)
    set_timeouts(s, 3000)
    s.bind("inproc://signals-%d" % id(s))
    return s


def _assert_interrupted_quickly(call):
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        call()
    elapsed = time.monotonic() - start
    assert 0.1 <= elapsed < 1.0, "interrupt took %.2fs" % elapsed


def test_ctrl_c_interrupts_blocking_recv(lonely_pull, kill_later):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    kill_later(signal.SIGINT)
    _assert_interrupted_quickly(lonely_pull.recv)


def test_ctrl_c_interrupts_blocking_recv_without_timeout(ctx, kill_later):
    s = ctx.socket(zmq.PULL)
    s.linger = 0  # RCVTIMEO stays -1: wait forever unless interrupted
    s.bind("inproc://signals-forever")
    rescuer = ctx.socket(zmq.PUSH)
    set_timeouts(rescuer)
    rescuer.connect("inproc://signals-forever")
    # If the interrupt is lost, a message after 3 s ends the wait and the test fails cleanly.
    rescue = threading.Timer(3.0, rescuer.send, (b"rescue",))
    rescue.daemon = True
    signal.signal(signal.SIGINT, signal.default_int_handler)
    rescue.start()
    try:
        kill_later(signal.SIGINT)
        _assert_interrupted_quickly(s.recv)
    finally:
        rescue.cancel()
        rescue.join(5)


def test_ctrl_c_interrupts_blocking_poll(lonely_pull, kill_later):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    kill_later(signal.SIGINT)
    _assert_interrupted_quickly(lambda: lonely_pull.poll(3000))


def test_ctrl_c_interrupts_blocking_send(ctx, kill_later):
    push = ctx.socket(zmq.PUSH)  # bound, never connected: send waits for a peer
    set_timeouts(push, 3000)
    push.bind("inproc://signals-send")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    kill_later(signal.SIGINT)
    _assert_interrupted_quickly(lambda: push.send(b"x"))


@pytest.mark.parametrize("signame", ["SIGUSR1", "SIGALRM"])
def test_harmless_handler_lets_blocking_recv_continue(ctx, kill_later, signame):
    sig = getattr(signal, signame)
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    set_timeouts(pull, 3000)
    set_timeouts(push)
    pull.bind("inproc://signals-continue")
    push.connect("inproc://signals-continue")
    calls = []
    signal.signal(sig, lambda signum, frame: calls.append(signum))
    kill_later(sig, 0.1)
    sender = threading.Timer(0.4, push.send, (b"late message",))
    sender.daemon = True
    sender.start()
    start = time.monotonic()
    assert pull.recv() == b"late message"
    elapsed = time.monotonic() - start
    sender.join(5)
    assert calls == [sig]  # the handler ran, and the receive carried on
    assert 0.3 <= elapsed < 2.5
