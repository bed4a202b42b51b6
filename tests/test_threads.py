"""Threads and signals around blocking calls.

Threads: many threads, each with its own sockets on one shared Context, under
load -- no deadlock, every message accounted for, per-sender order kept --
plus concurrent socket churn, zero-copy from many threads, and ``term()``
waking every blocked thread.  Every join is bounded.

Signals (sent from a timer thread to the main thread, where Python runs
handlers): Ctrl-C (SIGINT) interrupts each blocking call promptly with
KeyboardInterrupt, and a handler that does not raise (SIGALRM) runs while the
call carries on.  ``tests/test_signals.py`` covers the copying ``recv``, a
blocking ``Socket.poll`` and a send with no peer; this file covers the other
blocking paths: frame and ``recv_into`` receives, sends on a full HWM (copying
and zero-copy), ``Poller.poll``, ``select``, ``MessageTracker.wait``,
``Context.term`` and ``proxy``.
"""
import gc
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from _backend import BACKEND, IS_CFFI, zmq
from _util import set_timeouts

JOIN_S = 30.0


class Worker(threading.Thread):
    """A daemon thread that keeps its target's result or exception."""

    def __init__(self, target, *args):
        super().__init__(daemon=True)
        self._call = (target, args)
        self.result = self.error = None

    def run(self):
        target, args = self._call
        try:
            self.result = target(*args)
        except BaseException as exc:  # noqa: B902 - handed to the test
            self.error = exc


def _join_all(workers, timeout=JOIN_S):
    deadline = time.monotonic() + timeout
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
    stuck = [w for w in workers if w.is_alive()]
    assert not stuck, "%d thread(s) still running after %.0f s: deadlock?" % (len(stuck), timeout)
    errors = [w.error for w in workers if w.error is not None]
    assert not errors, errors


# ---- many threads, one context -------------------------------------------------------------

N_THREADS = 8
N_MESSAGES = 2500


def _pair_worker(c, index, transport, n):
    """Own PAIR sockets; send n messages of mixed sizes and modes, receive them back."""
    rng = random.Random(index)
    a = c.socket(zmq.PAIR)
    b = c.socket(zmq.PAIR)
    try:
        set_timeouts(a, 10000)
        set_timeouts(b, 10000)
        a.bind("inproc://thread-%d" % index if transport == "inproc" else "tcp://127.0.0.1:*")
        b.connect(a.last_endpoint)
        window = 50  # keep some messages in flight without exceeding the HWM
        sent = received = 0
        while received < n:
            while sent < n and sent - received < window:
                size = rng.choice((0, 10, 1000, 70000))
                body = (b"%d:%d:" % (index, sent)) + bytes([sent & 0xFF]) * size
                mode = sent % 3
                if mode == 0:
                    a.send(body)
                elif mode == 1:
                    a.send(bytearray(body), copy=False)
                else:
                    a.send_multipart([b"%d" % index, body], copy=False)
                sent += 1
            parts = b.recv_multipart(copy=(received % 2 == 0))
            parts = [p if isinstance(p, bytes) else p.bytes for p in parts]
            body = parts[-1]
            assert body.startswith(b"%d:%d:" % (index, received)), (index, received, body[:20])
            received += 1
        assert b.poll(0) == 0
        return received
    finally:
        a.close(linger=0)
        b.close(linger=0)


@pytest.mark.parametrize("transport", ["inproc", "tcp"])
def test_threads_with_their_own_sockets_on_a_shared_context(ctx, transport):
    workers = [Worker(_pair_worker, ctx, i, transport, N_MESSAGES) for i in range(N_THREADS)]
    for w in workers:
        w.start()
    _join_all(workers)
    assert [w.result for w in workers] == [N_MESSAGES] * N_THREADS


def test_fan_in_from_many_threads_keeps_every_message_and_each_order(ctx):
    pull = ctx.socket(zmq.PULL)
    set_timeouts(pull, 10000)
    pull.bind("tcp://127.0.0.1:*")
    endpoint = pull.last_endpoint

    def produce(index):
        push = ctx.socket(zmq.PUSH)
        try:
            set_timeouts(push, 10000)
            push.connect(endpoint)
            for seq in range(N_MESSAGES):
                if seq % 50 == 3:
                    push.send_multipart([b"%d" % index, b"%d" % seq, bytearray(70000)], copy=False)
                else:
                    push.send_multipart([b"%d" % index, b"%d" % seq])
        finally:
            push.close(linger=5000)  # queued messages must still go out

    producers = [Worker(produce, i) for i in range(N_THREADS)]
    for p in producers:
        p.start()
    last = {i: -1 for i in range(N_THREADS)}
    for _ in range(N_THREADS * N_MESSAGES):
        parts = pull.recv_multipart()
        index, seq = int(parts[0]), int(parts[1])
        assert seq == last[index] + 1, "producer %d: %d after %d" % (index, seq, last[index])
        last[index] = seq
        if seq % 50 == 3:
            assert len(parts) == 3 and len(parts[2]) == 70000
    _join_all(producers)
    assert all(seq == N_MESSAGES - 1 for seq in last.values())
    assert pull.poll(100) == 0


def test_concurrent_socket_churn_while_others_send(ctx):
    stop = threading.Event()

    def churn(index):
        count = 0
        while not stop.is_set() and count < 400:
            s = ctx.socket(random.choice((zmq.PUSH, zmq.PULL, zmq.DEALER, zmq.SUB, zmq.PAIR)))
            s.linger = 0
            if count % 3 == 0:
                s.bind("inproc://churn-%d-%d" % (index, count))
            s.close()
            count += 1
        return count

    churners = [Worker(churn, i) for i in range(4)]
    senders = [Worker(_pair_worker, ctx, 100 + i, "inproc", 1000) for i in range(4)]
    for w in churners + senders:
        w.start()
    _join_all(senders)
    stop.set()
    _join_all(churners)
    assert all(w.result > 0 for w in churners)
    assert not [s for s in list(ctx._sockets) if not s.closed] if IS_CFFI else True


@pytest.mark.cffi_only  # pyzmq 27.3 deadlocks here (a sender stuck in send, the receiver in recv)
def test_zero_copy_tracked_sends_from_many_threads(ctx):
    pull = ctx.socket(zmq.PULL)
    set_timeouts(pull, 10000)
    pull.bind("inproc://zero-copy-threads")
    per_thread = 300

    def produce(index):
        push = ctx.socket(zmq.PUSH)
        set_timeouts(push, 10000)
        push.copy_threshold = 0
        push.connect("inproc://zero-copy-threads")
        trackers = [push.send(bytearray(b"%d." % index) * 1000, copy=False, track=True)
                    for _ in range(per_thread)]
        push.close(linger=5000)  # queued messages must still go out
        return trackers

    producers = [Worker(produce, i) for i in range(N_THREADS)]
    for p in producers:
        p.start()
    counts = {}
    for _ in range(N_THREADS * per_thread):
        msg = pull.recv()
        index = int(msg.split(b".", 1)[0])
        assert msg == (b"%d." % index) * 1000
        counts[index] = counts.get(index, 0) + 1
    _join_all(producers)
    assert counts == {i: per_thread for i in range(N_THREADS)}
    trackers = [t for p in producers for t in p.result]
    deadline = time.monotonic() + 10
    while not all(t.done for t in trackers) and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    assert all(t.done for t in trackers)


def test_instance_from_many_threads_is_one_context():
    zmq.Context.instance().term()  # start from no instance
    barrier = threading.Barrier(N_THREADS)

    def get_instance():
        barrier.wait(5)
        return zmq.Context.instance()

    workers = [Worker(get_instance) for _ in range(N_THREADS)]
    for w in workers:
        w.start()
    _join_all(workers)
    inst = workers[0].result
    try:
        assert all(w.result is inst for w in workers)
    finally:
        inst.term()


def test_term_wakes_every_blocked_thread(ctx):
    c = zmq.Context()
    ready = threading.Barrier(N_THREADS + 1)

    def blocked(index):
        s = c.socket(zmq.PULL if index % 2 else zmq.DEALER)
        s.linger = 0
        s.bind("inproc://blocked-%d" % index)
        try:
            ready.wait(5)
            if index % 4 == 0:
                s.recv()
            elif index % 4 == 1:
                s.recv_multipart(copy=False)
            elif index % 4 == 2:
                p = zmq.Poller()
                p.register(s, zmq.POLLIN)
                p.poll()
            else:
                s.poll()
        finally:
            s.close()

    workers = [Worker(blocked, i) for i in range(N_THREADS)]
    for w in workers:
        w.start()
    ready.wait(5)
    time.sleep(0.2)
    assert all(w.is_alive() for w in workers)
    term = Worker(c.term)
    term.start()
    deadline = time.monotonic() + 5
    for w in workers + [term]:
        w.join(max(0.0, deadline - time.monotonic()))
    assert not any(w.is_alive() for w in workers + [term])
    assert all(isinstance(w.error, zmq.ContextTerminated) for w in workers), [w.error for w in workers]
    assert term.error is None and c.closed


# ---- signals ---------------------------------------------------------------------------------

def _interrupted_within_a_second(call, delay=0.2):
    """Ctrl-C (SIGINT to the main thread) ``delay`` s into ``call()``: it must
    raise KeyboardInterrupt within a second.

    The signal is repeated every 0.25 s until the call ends: a signal that
    lands just *before* the blocking call starts is handled only when the call
    returns (Python runs handlers between bytecodes; a known, inherent race,
    wider on PyPy), and a loaded machine can make that happen.  What is tested
    is that a signal arriving *during* the call interrupts it.  Needs the
    ``signal_later`` fixture, which restores the handlers.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main = threading.main_thread().ident
    done = threading.Event()

    def send():
        if done.wait(delay):
            return
        for _ in range(4):
            signal.pthread_kill(main, signal.SIGINT)
            if done.wait(0.25):
                return

    sender = threading.Thread(target=send, daemon=True)
    start = time.monotonic()
    sender.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
        elapsed = time.monotonic() - start
    finally:
        signal.signal(signal.SIGINT, lambda signum, frame: None)  # a late one is harmless
        done.set()
        sender.join(5)
    assert delay / 2 <= elapsed < 1.0, "KeyboardInterrupt after %.2f s" % elapsed


@pytest.fixture
def lonely_pull(ctx):
    s = ctx.socket(zmq.PULL)
    set_timeouts(s, 3000)  # a lost interrupt ends in Again after 3 s: a clean failure
    s.bind("inproc://signals-lonely")
    return s


@pytest.fixture
def full_push(ctx):
    """A PUSH whose queue is full (HWM 1 both sides, a peer that never reads).

    inproc, so that no kernel socket buffer drains the queue behind our back.
    """
    push = ctx.socket(zmq.PUSH)
    pull = ctx.socket(zmq.PULL)
    set_timeouts(push, 3000)
    set_timeouts(pull, 3000)
    push.sndhwm = 1
    pull.rcvhwm = 1
    push.bind("inproc://signals-full")
    pull.connect("inproc://signals-full")
    payload = b"f" * 100000
    try:
        for _ in range(100000):
            push.send(payload, zmq.NOBLOCK)
    except zmq.Again:
        pass
    else:
        raise AssertionError("the queue never filled up")
    return push, pull


_BLOCKING_CALLS = {
    "recv_frame": lambda s: s.recv(copy=False),
    "recv_multipart_frames": lambda s: s.recv_multipart(copy=False),
    "recv_into": lambda s: s.recv_into(bytearray(100)),
    "poller_poll": lambda s: (lambda p: (p.register(s, zmq.POLLIN), p.poll(3000)))(zmq.Poller()),
    "select": lambda s: zmq.select([s], [], [], 3.0),
}


@pytest.mark.parametrize("name", sorted(_BLOCKING_CALLS))
def test_ctrl_c_interrupts_blocking_receives_and_polls(lonely_pull, signal_later, name):
    _interrupted_within_a_second(lambda: _BLOCKING_CALLS[name](lonely_pull))


_FULL_SENDS = {
    "send_copy": lambda s: s.send(b"x" * 100000),
    "send_zero_copy": lambda s: s.send(bytearray(100000), copy=False),
    "send_zero_copy_tracked": lambda s: s.send(bytearray(100000), copy=False, track=True),
    "send_frame": lambda s: s.send(zmq.Frame(b"y" * 100000)),
    "send_multipart": lambda s: s.send_multipart([b"a", bytearray(100000)], copy=False),
    "send_string": lambda s: s.send_string("z" * 100000),
}


@pytest.mark.parametrize("name", sorted(_FULL_SENDS))
def test_ctrl_c_interrupts_a_send_on_a_full_hwm(full_push, signal_later, name):
    push, pull = full_push
    _interrupted_within_a_second(lambda: _FULL_SENDS[name](push))
    # The socket still works: drain, then the same send goes through.
    pull.rcvtimeo = 3000
    drained = 0
    while pull.poll(50) and drained < 100000:
        pull.recv()
        drained += 1
    assert drained > 0
    _FULL_SENDS[name](push)
    assert pull.recv_multipart()[-1]


def test_ctrl_c_interrupts_tracker_wait(ctx, ipc_dir, signal_later):
    push = ctx.socket(zmq.PUSH)
    set_timeouts(push)
    push.connect("ipc://%s/nobody.sock" % ipc_dir)  # the message stays queued
    tracker = push.send(bytearray(200000), copy=False, track=True)
    _interrupted_within_a_second(lambda: tracker.wait(3))
    assert not tracker.done
    push.close(linger=0)
    tracker.wait(5)
    assert tracker.done


def test_ctrl_c_interrupts_term_which_can_then_be_completed(signal_later):
    c = zmq.Context()
    s = c.socket(zmq.PUSH)
    s.connect("tcp://127.0.0.1:9")
    s.send(b"queued", zmq.NOBLOCK)  # LINGER -1 and an open socket: term() waits
    try:
        _interrupted_within_a_second(c.term)
        assert not c.closed  # libzmq has started terminating; term() can be re-run
    finally:
        s.close(linger=0)
    c.term()
    assert c.closed


_TERM_AFTER_INTERRUPTED_TERM = r"""
import os, signal, sys, threading, time
# Ctrl-C raises KeyboardInterrupt even if this process started with it ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, {here!r})
from _backend import zmq
c = zmq.Context()
s = c.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:9")
s.send(b"queued", zmq.NOBLOCK)
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    c.term()
except KeyboardInterrupt:
    pass
try:
    s.send(b"more")  # any call that makes the socket see the stop command
except zmq.ZMQError as exc:
    print("send:", exc.errno == zmq.ETERM, flush=True)
s.close(linger=0)
term = threading.Thread(target=c.term, daemon=True)
term.start()
term.join(1.5)
print("second term:", "hung" if term.is_alive() else "ok", "closed=%s" % c.closed, flush=True)
os._exit(0)
"""


@pytest.mark.cffi_only  # pyzmq's term() swallows EINTR and marks the context closed without terminating it
# libzmq 4.3.4 bug (reproduced in plain C): after zmq_ctx_term() returns EINTR, if a
# socket call then sees the stop command, closing the socket and calling
# zmq_ctx_term() again never returns.  zmq_cffi refuses socket calls (ETERM)
# once a term() was interrupted, so they never reach libzmq.
def test_term_completes_after_interrupted_term_and_a_socket_call():
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, ZMQ_CFFI_TEST_BACKEND=BACKEND)
    proc = subprocess.run([sys.executable, "-c", _TERM_AFTER_INTERRUPTED_TERM.format(here=here)],
                          capture_output=True, text=True, timeout=30, env=env, cwd=os.path.dirname(here))
    assert proc.returncode == 0, proc.stderr[-500:]
    assert "send: True" in proc.stdout, proc.stdout
    assert "second term: ok closed=True" in proc.stdout, proc.stdout


def _proxy_function():
    return zmq.proxy


def test_ctrl_c_interrupts_proxy(ctx, signal_later):
    proxy = _proxy_function()
    front = ctx.socket(zmq.PULL)
    back = ctx.socket(zmq.PUSH)
    set_timeouts(front)
    set_timeouts(back)
    front.bind("inproc://proxy-front")
    back.bind("inproc://proxy-back")
    feeder = ctx.socket(zmq.PUSH)
    sink = ctx.socket(zmq.PULL)
    set_timeouts(feeder)
    set_timeouts(sink)
    feeder.connect("inproc://proxy-front")
    sink.connect("inproc://proxy-back")
    feeder.send(b"before")
    _interrupted_within_a_second(lambda: proxy(front, back), delay=0.3)
    assert sink.recv() == b"before"  # it did forward before being interrupted
    feeder.send(b"after")  # and the sockets still work without it
    assert front.recv() == b"after"


# A handler that does not raise: the call must carry on and finish normally.

def _alarm_handler(calls):
    return lambda signum, frame: calls.append(signum)


def test_harmless_signal_during_full_hwm_send_lets_it_finish(full_push, signal_later):
    push, pull = full_push
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal_later(signal.SIGALRM, 0.1)
    drainer = threading.Timer(0.4, pull.recv)  # one free slot lets the send finish
    drainer.daemon = True
    drainer.start()
    start = time.monotonic()
    push.send(bytearray(b"zero-copy" * 20000), copy=False)
    elapsed = time.monotonic() - start
    drainer.join(5)
    assert calls == [signal.SIGALRM]
    assert 0.3 <= elapsed < 2.5
    got = []
    while pull.poll(100) and len(got) < 100000:
        got.append(pull.recv())
    assert got[-1] == b"zero-copy" * 20000


def test_harmless_signal_during_poller_poll(ctx, signal_later):
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    set_timeouts(pull)
    set_timeouts(push)
    pull.bind("inproc://alarm-poll")
    push.connect("inproc://alarm-poll")
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal_later(signal.SIGALRM, 0.1)
    sender = threading.Timer(0.4, push.send, (b"late",))
    sender.daemon = True
    sender.start()
    start = time.monotonic()
    events = poller.poll(3000)
    elapsed = time.monotonic() - start
    sender.join(5)
    assert calls == [signal.SIGALRM]
    assert events == [(pull, zmq.POLLIN)]
    assert 0.3 <= elapsed < 2.5
    assert pull.recv() == b"late"


_TIMED_CALLS = {
    "recv": lambda pull, push: pull.recv(),
    "recv_nocopy": lambda pull, push: pull.recv(copy=False),
    "recv_into": lambda pull, push: pull.recv_into(bytearray(10)),
    "send_full_hwm": lambda pull, push: [push.send(b"x" * 1000) for _ in range(100)],
    "send_nocopy_full_hwm": lambda pull, push: [push.send(bytearray(100000), copy=False)
                                                for _ in range(100)],
}


def _timed_pair(ctx, endpoint):
    """(PULL, PUSH) over inproc, 1 s timeouts, HWM 1: both calls can block."""
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    for s in (pull, push):
        set_timeouts(s, 1000)
    push.sndhwm = 1
    pull.rcvhwm = 1
    pull.bind(endpoint)
    push.connect(endpoint)
    return pull, push


def _time_timed_call_with_one_alarm(call, signal_later, at=0.6):
    """Seconds ``call`` takes to raise Again, with one harmless SIGALRM ``at`` s in."""
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal_later(signal.SIGALRM, at)
    start = time.monotonic()
    with pytest.raises(zmq.Again):
        call()
    elapsed = time.monotonic() - start
    assert calls == [signal.SIGALRM]
    return elapsed


@pytest.mark.cffi_only  # pyzmq restarts the full timeout after the signal
@pytest.mark.parametrize("name", sorted(_TIMED_CALLS))
def test_a_harmless_signal_keeps_the_deadline_of_a_timed_call(ctx, signal_later, name):
    pull, push = _timed_pair(ctx, "inproc://deadline-%s" % name)
    elapsed = _time_timed_call_with_one_alarm(lambda: _TIMED_CALLS[name](pull, push), signal_later)
    # 1 s from the start of the call, not 0.6 s then the full second again
    # (1.6 s); the rest is slack for a loaded machine
    assert 0.95 <= elapsed < 1.45, elapsed


@pytest.mark.cffi_only  # uses zmq_cffi's raw layer to make a socket outside zmq_cffi
def test_a_shadow_keeps_the_deadline_of_a_timeout_set_outside_zmq_cffi(ctx, signal_later):
    from zmq_cffi._ffi import ffi, lib

    handle = lib.zmq_socket(ffi.cast("void *", ctx.underlying), zmq.PULL)
    assert handle != ffi.NULL
    try:
        timeout = ffi.new("int *", 1000)
        assert lib.zmq_setsockopt(handle, zmq.RCVTIMEO, timeout, ffi.sizeof("int")) == 0
        shadow = zmq.Socket.shadow(int(ffi.cast("uintptr_t", handle)))
        shadow.bind("inproc://deadline-foreign")
        elapsed = _time_timed_call_with_one_alarm(shadow.recv, signal_later)
        assert 0.95 <= elapsed < 1.45, elapsed
        shadow.close()
    finally:
        lib.zmq_setsockopt(handle, zmq.LINGER, ffi.new("int *", 0), ffi.sizeof("int"))
        lib.zmq_close(handle)


@pytest.mark.cffi_only  # pyzmq restarts the full timeout at every signal: it never times out
@pytest.mark.parametrize("name", sorted(_TIMED_CALLS))
def test_periodic_harmless_signals_do_not_stop_a_timeout(ctx, signal_later, name):
    pull, push = _timed_pair(ctx, "inproc://periodic-signals")
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal.setitimer(signal.ITIMER_REAL, 0.15, 0.15)  # every 0.15 s, for ever
    try:
        start = time.monotonic()
        with pytest.raises(zmq.Again):
            _TIMED_CALLS[name](pull, push)
        elapsed = time.monotonic() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert len(calls) >= 1
    # the deadline is kept (1 s), plus slack for a loaded machine; restarting
    # at every signal never ends
    assert 0.95 <= elapsed < 1.6, elapsed


@pytest.mark.cffi_only  # pyzmq restarts the full timeout after the signal
@pytest.mark.parametrize("how", ["poller", "socket_poll"])
def test_harmless_signal_during_a_timed_poll_keeps_the_deadline(ctx, signal_later, how):
    pull = ctx.socket(zmq.PULL)
    set_timeouts(pull)
    pull.bind("inproc://alarm-timed-poll")
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal_later(signal.SIGALRM, 0.7)
    start = time.monotonic()
    if how == "poller":
        poller = zmq.Poller()
        poller.register(pull, zmq.POLLIN)
        assert poller.poll(1000) == []
    else:
        assert pull.poll(1000) == 0
    elapsed = time.monotonic() - start
    assert calls == [signal.SIGALRM]
    # 1 s in all, not 0.7 s then the full second again (1.7 s); the rest is
    # slack for a loaded machine
    assert 0.95 <= elapsed < 1.5, elapsed


def test_harmless_signal_during_tracker_wait(ctx, ipc_dir, signal_later):
    push = ctx.socket(zmq.PUSH)
    set_timeouts(push)
    push.connect("ipc://%s/nobody.sock" % ipc_dir)
    tracker = push.send(bytearray(200000), copy=False, track=True)
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal_later(signal.SIGALRM, 0.1)
    closer = threading.Timer(0.4, push.close, kwargs={"linger": 0})
    closer.daemon = True
    closer.start()
    start = time.monotonic()
    tracker.wait(3)
    elapsed = time.monotonic() - start
    closer.join(5)
    assert calls == [signal.SIGALRM]
    assert tracker.done
    assert 0.3 <= elapsed < 2.5


@pytest.mark.cffi_only  # pyzmq's term() gives up at the first signal and marks the context closed
def test_harmless_signal_during_term(signal_later):
    c = zmq.Context()
    s = c.socket(zmq.PUSH)
    s.connect("tcp://127.0.0.1:9")
    s.send(b"queued", zmq.NOBLOCK)
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal_later(signal.SIGALRM, 0.1)
    closer = threading.Timer(0.4, s.close, kwargs={"linger": 0})
    closer.daemon = True
    closer.start()
    start = time.monotonic()
    c.term()
    elapsed = time.monotonic() - start
    closer.join(5)
    assert calls == [signal.SIGALRM]
    assert c.closed
    assert 0.3 <= elapsed < 2.5


def test_harmless_signal_during_proxy(ctx, signal_later):
    proxy = _proxy_function()
    c = zmq.Context()
    front = c.socket(zmq.PULL)
    back = c.socket(zmq.PUSH)
    front.bind("inproc://alarm-proxy-front")
    back.bind("inproc://alarm-proxy-back")
    feeder = c.socket(zmq.PUSH)
    sink = c.socket(zmq.PULL)
    for s in (front, back, feeder, sink):
        set_timeouts(s)
    feeder.connect("inproc://alarm-proxy-front")
    sink.connect("inproc://alarm-proxy-back")
    calls = []
    signal.signal(signal.SIGALRM, _alarm_handler(calls))
    signal_later(signal.SIGALRM, 0.1)

    def later():  # after the signal: a message must still be forwarded, then stop the proxy
        feeder.send(b"after the signal")
        assert sink.recv() == b"after the signal"
        feeder.close()
        sink.close()
        c.term()

    stopper = Worker(later)
    timer = threading.Timer(0.4, stopper.start)
    timer.daemon = True
    timer.start()
    with pytest.raises(zmq.ContextTerminated):
        proxy(front, back)
    front.close()
    back.close()
    timer.join(5)
    stopper.join(5)
    assert not stopper.is_alive() and stopper.error is None, stopper.error
    assert calls == [signal.SIGALRM]
    assert c.closed
