"""Signals during blocking calls: Ctrl-C interrupts, harmless handlers do not."""
import signal
import threading
import time

import pytest

from _backend import zmq
from _util import set_timeouts

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


def test_ctrl_c_interrupts_blocking_recv(lonely_pull, signal_later):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal_later(signal.SIGINT)
    _assert_interrupted_quickly(lonely_pull.recv)


def test_ctrl_c_interrupts_blocking_recv_without_timeout(ctx, signal_later):
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
        signal_later(signal.SIGINT)
        _assert_interrupted_quickly(s.recv)
    finally:
        rescue.cancel()
        rescue.join(5)


def test_ctrl_c_interrupts_blocking_poll(lonely_pull, signal_later):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal_later(signal.SIGINT)
    _assert_interrupted_quickly(lambda: lonely_pull.poll(3000))


def test_ctrl_c_interrupts_blocking_send(ctx, signal_later):
    push = ctx.socket(zmq.PUSH)  # bound, never connected: send waits for a peer
    set_timeouts(push, 3000)
    push.bind("inproc://signals-send")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal_later(signal.SIGINT)
    _assert_interrupted_quickly(lambda: push.send(b"x"))


@pytest.mark.parametrize("signame", ["SIGUSR1", "SIGALRM"])
def test_harmless_handler_lets_blocking_recv_continue(ctx, signal_later, signame):
    sig = getattr(signal, signame)
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    set_timeouts(pull, 3000)
    set_timeouts(push)
    pull.bind("inproc://signals-continue")
    push.connect("inproc://signals-continue")
    calls = []
    signal.signal(sig, lambda signum, frame: calls.append(signum))
    signal_later(sig, 0.1)
    sender = threading.Timer(0.4, push.send, (b"late message",))
    sender.daemon = True
    sender.start()
    start = time.monotonic()
    assert pull.recv() == b"late message"
    elapsed = time.monotonic() - start
    sender.join(5)
    assert calls == [sig]  # the handler ran, and the receive carried on
    assert 0.3 <= elapsed < 2.5
