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


class _Boom(Exception):
    pass


def _late_signals(call, rounds, bound_s=15.0):
    """Fire a SIGALRM 1-60 us from now, then make ``call`` (which waits 2 s
    if nothing interrupts it) and count the rounds whose raising handler ran
    only after more than 0.5 s: a signal that landed just before the call
    started to wait and was handled late (when the call returned)."""
    import random

    def boom(*_):
        raise _Boom()

    old = signal.signal(signal.SIGALRM, boom)
    rng = random.Random(12)
    late = done = 0
    end = time.monotonic() + bound_s
    try:
        while done < rounds and time.monotonic() < end:
            started = time.monotonic()
            try:
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(1e-6, 60e-6))
                call()
                time.sleep(1)  # (not reached unless the call returned first)
            except _Boom:
                pass
            if time.monotonic() - started > 0.5:
                late += 1
            done += 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return late, done


@pytest.mark.cffi_only
@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer (POSIX)")
def test_a_signal_just_before_a_blocking_recv_is_handled_at_once(ctx):
    # Measured before zmq_cffi's wakeup pipe: 1 in 200 such signals (CPython)
    # and 1 in 25 (PyPy) waited until the recv's 2 s timeout ran out.
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = 2000
    pull.bind("inproc://signal-window")
    late, done = _late_signals(pull.recv, 1000)
    pull.close(linger=0)
    assert done >= 200
    assert late == 0, "%d of %d signals handled only after the wait" % (late, done)


@pytest.mark.cffi_only
@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer (POSIX)")
def test_a_signal_just_before_a_blocking_poll_or_multipart_recv_is_handled_at_once(ctx):
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = 2000
    pull.bind("inproc://signal-window-poll")
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    late_poll, done_poll = _late_signals(lambda: poller.poll(2000), 400)
    late_mp, done_mp = _late_signals(pull.recv_multipart, 400)
    pull.close(linger=0)
    assert done_poll >= 100 and done_mp >= 100
    assert (late_poll, late_mp) == (0, 0)


_WAKEUP_PROBE = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
import zmq_cffi as zmq
mine = None
if sys.argv[2] == "own":
    r, w = os.pipe()
    os.set_blocking(w, False)
    signal.set_wakeup_fd(w)
    mine = w
ctx = zmq.Context()
current = signal.set_wakeup_fd(-1)
print("own" if current == mine else "none" if current == -1 else "zmq_cffi")
ctx.term()
"""


@pytest.mark.cffi_only
@pytest.mark.parametrize("setup, env, expected", [
    ("none", {}, "zmq_cffi"),                                  # installed by the first Context
    ("own", {}, "own"),                                        # the program's own fd is left alone
    ("none", {"ZMQ_CFFI_NO_SIGNAL_WAKEUP": "1"}, "none"),      # the opt-out
])
def test_the_wakeup_pipe_is_installed_only_where_free(setup, env, expected):
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-c", _WAKEUP_PROBE, root, setup], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, **env))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == expected


def test_tests_that_need_ctrl_c_pass_when_started_with_sigint_ignored():
    """A test process started in the background by a non-interactive shell
    begins with SIGINT ignored (Python then installs no KeyboardInterrupt
    handler, and children inherit the ignore): the tests that need Ctrl-C
    install what they need themselves.  Run them from such a process."""
    import os
    import subprocess
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    tests = ["tests/test_log.py::test_log_watcher_prints_filtered_records",
             "tests/test_threads.py::test_term_completes_after_interrupted_term_and_a_socket_call"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", ".", *tests],
        capture_output=True, text=True, timeout=120, cwd=os.path.dirname(here),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-1000:]
    assert "2 passed" in proc.stdout, proc.stdout[-500:]
