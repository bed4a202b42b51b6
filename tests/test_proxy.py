"""proxy, proxy_steerable and device.

zmq_cffi runs its own proxy loop, with libzmq 4.3.4's behaviour on every
libzmq; pyzmq calls libzmq's, whose steering changed in 4.3.5, so the tests of
that behaviour are ``cffi_only``.
"""
import faulthandler
import signal
import struct
import threading
import time

import pytest

from _backend import zmq
from _util import set_timeouts

JOIN_S = 5.0


def _api(name):
    """``zmq.<name>``: the top-level function (the module is private)."""
    return getattr(zmq, name)


proxy = _api("proxy")
proxy_steerable = _api("proxy_steerable")
device = _api("device")


class Runner(threading.Thread):
    """Runs ``call()`` in a daemon thread, keeping its result or exception,
    and closes the sockets ``owned`` (handed over to that thread) at the end."""

    def __init__(self, call, owned=()):
        super().__init__(daemon=True)
        self.call = call
        self.owned = list(owned)
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self.call()
        except BaseException as exc:  # noqa: B902 - reported to the test
            self.error = exc
        finally:
            for sock in self.owned:
                sock.close(linger=0)


def _call_bounded(call, timeout=JOIN_S):
    """Run ``call`` in a thread; fail (instead of hanging) if it does not end."""
    runner = Runner(call)
    runner.start()
    runner.join(timeout)
    assert not runner.is_alive(), "call still running after %.1fs" % timeout
    return runner


def _term_bounded(ctx, main_sockets, runner):
    """Close the main thread's sockets, terminate ``ctx`` and wait for the
    proxy thread to end, all within bounded time."""
    for sock in main_sockets:
        sock.close(linger=0)
    terminator = threading.Thread(target=ctx.term, daemon=True)
    terminator.start()
    runner.join(JOIN_S)
    terminator.join(JOIN_S)
    assert not runner.is_alive(), "the proxy did not stop when its context was terminated"
    assert not terminator.is_alive(), "Context.term() did not return"


def _socket(ctx, kind, *, bind=None, connect=None):
    sock = ctx.socket(kind)
    set_timeouts(sock)
    if bind is not None:
        sock.bind(bind)
    if connect is not None:
        sock.connect(connect)
    return sock


def _endpoint(sock):
    return sock.getsockopt(zmq.LAST_ENDPOINT).decode()


def _stream_pair(ctx):
    """frontend PULL and backend PUSH (bound, for the proxy), plus the main
    thread's source PUSH and sink PULL connected to them."""
    frontend = _socket(ctx, zmq.PULL, bind="tcp://127.0.0.1:*")
    backend = _socket(ctx, zmq.PUSH, bind="tcp://127.0.0.1:*")
    source = _socket(ctx, zmq.PUSH, connect=_endpoint(frontend))
    sink = _socket(ctx, zmq.PULL, connect=_endpoint(backend))
    return frontend, backend, source, sink


# ---- forwarding ------------------------------------------------------------


def test_proxy_forwards_push_pull_and_ends_with_context_term():
    ctx = zmq.Context()
    frontend, backend, source, sink = _stream_pair(ctx)
    runner = Runner(lambda: proxy(frontend, backend), owned=(frontend, backend))
    runner.start()
    messages = [[b"single"], [b"multi", b"part", b""], [b"x" * 100000]]
    for msg in messages:
        source.send_multipart(msg)
    assert [sink.recv_multipart() for _ in messages] == messages
    assert runner.is_alive()
    _term_bounded(ctx, (source, sink), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


def test_request_reply_through_router_dealer_queue():
    ctx = zmq.Context()
    frontend = _socket(ctx, zmq.ROUTER, bind="tcp://127.0.0.1:*")
    backend = _socket(ctx, zmq.DEALER, bind="inproc://proxy-queue-workers")
    clients = [_socket(ctx, zmq.REQ, connect=_endpoint(frontend)) for _ in range(3)]
    worker = _socket(ctx, zmq.REP, connect="inproc://proxy-queue-workers")
    runner = Runner(lambda: proxy(frontend, backend), owned=(frontend, backend))
    runner.start()
    for round_ in range(3):
        for i, client in enumerate(clients):
            client.send(b"request %d.%d" % (i, round_))
        for _ in clients:
            worker.send(worker.recv().replace(b"request", b"reply"))
        # Each reply found its way back to the client that asked.
        assert [c.recv() for c in clients] == [b"reply %d.%d" % (i, round_)
                                              for i in range(len(clients))]
    _term_bounded(ctx, clients + [worker], runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


def test_capture_socket_receives_a_copy_of_each_part_both_ways():
    ctx = zmq.Context()
    frontend = _socket(ctx, zmq.ROUTER, bind="inproc://capture-front")
    backend = _socket(ctx, zmq.DEALER, bind="inproc://capture-back")
    capture = _socket(ctx, zmq.PUSH, bind="inproc://capture-copies")
    tap = _socket(ctx, zmq.PULL, connect="inproc://capture-copies")
    client = _socket(ctx, zmq.DEALER)
    client.setsockopt(zmq.ROUTING_ID, b"client-1")  # before connecting, to take effect
    client.connect("inproc://capture-front")
    worker = _socket(ctx, zmq.DEALER, connect="inproc://capture-back")
    runner = Runner(lambda: proxy(frontend, backend, capture), owned=(frontend, backend, capture))
    runner.start()
    client.send_multipart([b"ask", b"twice"])
    request = worker.recv_multipart()
    assert request == [b"client-1", b"ask", b"twice"]
    worker.send_multipart([b"client-1", b"answer"])
    assert client.recv_multipart() == [b"answer"]
    # The copies keep the message boundaries of what was forwarded.
    assert tap.recv_multipart() == [b"client-1", b"ask", b"twice"]
    assert tap.recv_multipart() == [b"client-1", b"answer"]
    assert tap.poll(100) == 0
    _term_bounded(ctx, (tap, client, worker), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


@pytest.mark.parametrize("kind", ["QUEUE", "FORWARDER", "STREAMER"])
def test_device_forwards_like_proxy(kind):
    ctx = zmq.Context()
    frontend, backend, source, sink = _stream_pair(ctx)
    runner = Runner(lambda: device(getattr(zmq, kind), frontend, backend),
                    owned=(frontend, backend))
    runner.start()
    source.send_multipart([b"old", b"api"])
    assert sink.recv_multipart() == [b"old", b"api"]
    _term_bounded(ctx, (source, sink), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


@pytest.mark.cffi_only
def test_device_rejects_an_unknown_type(ctx):
    a = ctx.socket(zmq.PULL)
    b = ctx.socket(zmq.PUSH)
    with pytest.raises(ValueError, match="QUEUE, FORWARDER or STREAMER"):
        device(42, a, b)


# ---- steering ----------------------------------------------------------------


def _steerable(ctx, name, control_type=zmq.PAIR, steer_type=zmq.PAIR):
    """A proxy_steerable (not started) over a stream pair, steered from a
    ``steer_type`` socket connected to its ``control_type`` control socket."""
    frontend, backend, source, sink = _stream_pair(ctx)
    control = _socket(ctx, control_type, bind="inproc://%s" % name)
    steer = _socket(ctx, steer_type, connect="inproc://%s" % name)
    runner = Runner(lambda: proxy_steerable(frontend, backend, None, control),
                    owned=(frontend, backend, control))
    return runner, source, sink, steer


def _assert_ended_by_terminate(ctx, runner, sockets):
    """The proxy returned 0 within JOIN_S; then close ``sockets`` and term."""
    runner.join(JOIN_S)
    assert not runner.is_alive()
    assert runner.error is None and runner.result == 0
    for sock in sockets:
        sock.close(linger=0)
    ctx.term()


# libzmq 4.3.5's own proxy (pyzmq's) swapped PAUSE and RESUME, and answers
# every command with an empty message.
_LIBZMQ_435_DIFFERS = pytest.mark.cffi_only


@_LIBZMQ_435_DIFFERS
def test_proxy_steerable_pause_resume_terminate():
    ctx = zmq.Context()
    runner, source, sink, steer = _steerable(ctx, "steer-pause")
    runner.start()
    source.send(b"before")
    assert sink.recv() == b"before"
    steer.send(b"PAUSE")
    time.sleep(0.1)  # the command is handled before the next message arrives
    source.send(b"while paused")
    assert sink.poll(300) == 0, "a paused proxy forwarded a message"
    steer.send(b"RESUME")
    assert sink.recv() == b"while paused"  # it waited in the queue
    source.send(b"after")
    assert sink.recv() == b"after"
    steer.send(b"TERMINATE")
    runner.join(JOIN_S)
    assert not runner.is_alive()
    assert runner.error is None
    assert runner.result == 0
    assert steer.poll(0) == 0, "PAUSE, RESUME or TERMINATE got a reply"
    for sock in (source, sink, steer):
        sock.close(linger=0)
    ctx.term()


def test_proxy_steerable_statistics_are_eight_counters():
    ctx = zmq.Context()
    runner, source, sink, steer = _steerable(ctx, "steer-stats")
    runner.start()
    sizes = [1, 10, 100, 1000]
    for size in sizes:
        source.send(b"s" * size)
    assert [len(sink.recv()) for _ in sizes] == sizes
    steer.send(b"STATISTICS")
    reply = steer.recv_multipart()
    assert len(reply) == 8
    assert all(len(frame) == 8 for frame in reply)
    stats = [struct.unpack("=Q", frame)[0] for frame in reply]
    # (count, bytes) received by the frontend, sent by the frontend,
    # received by the backend, sent by the backend.
    assert stats == [len(sizes), sum(sizes), 0, 0, 0, 0, len(sizes), sum(sizes)]
    steer.send(b"TERMINATE")
    _assert_ended_by_terminate(ctx, runner, (source, sink, steer))


def test_statistics_count_a_multipart_message_once():
    ctx = zmq.Context()
    runner, source, sink, steer = _steerable(ctx, "steer-stats-multipart")
    runner.start()
    source.send_multipart([b"ab", b"cde"])
    assert sink.recv_multipart() == [b"ab", b"cde"]
    steer.send(b"STATISTICS")
    stats = [struct.unpack("=Q", frame)[0] for frame in steer.recv_multipart()]
    assert stats == [1, 5, 0, 0, 0, 0, 1, 5]
    steer.send(b"TERMINATE")
    _assert_ended_by_terminate(ctx, runner, (source, sink, steer))


@_LIBZMQ_435_DIFFERS
def test_terminate_from_a_control_peer_that_closes_at_once():
    # libzmq 4.3.5 answers TERMINATE with a blocking send to the PAIR whose
    # peer is gone: it hangs, or fails with Again after SNDTIMEO.
    for round_ in range(20):
        ctx = zmq.Context()
        frontend, backend, source, sink = _stream_pair(ctx)
        control = _socket(ctx, zmq.PAIR, bind="inproc://steer-gone-%d" % round_)
        runner = Runner(lambda: proxy_steerable(frontend, backend, None, control),
                        owned=(frontend, backend, control))
        started_first = round_ % 2 == 0  # else the command waits for the proxy
        if started_first:
            runner.start()
        peer = ctx.socket(zmq.PAIR)
        peer.connect("inproc://steer-gone-%d" % round_)
        peer.send(b"TERMINATE")
        peer.close()
        if not started_first:
            time.sleep(0.02)
            runner.start()
        runner.join(2.0)
        if runner.is_alive():
            _term_bounded(ctx, (source, sink), runner)
            pytest.fail("round %d: the proxy did not end after TERMINATE" % round_)
        assert runner.error is None and runner.result == 0, "round %d" % round_
        for sock in (source, sink):
            sock.close(linger=0)
        ctx.term()


@_LIBZMQ_435_DIFFERS
def test_a_pull_control_socket_takes_terminate():
    # libzmq 4.3.5 replies to it, and a PULL cannot send: ENOTSUP.
    ctx = zmq.Context()
    runner, source, sink, steer = _steerable(ctx, "steer-pull", zmq.PULL, zmq.PUSH)
    runner.start()
    steer.send(b"TERMINATE")
    _assert_ended_by_terminate(ctx, runner, (source, sink, steer))


def test_a_rep_control_socket_answers_statistics():
    ctx = zmq.Context()
    runner, source, sink, asker = _steerable(ctx, "steer-rep", zmq.REP, zmq.REQ)
    runner.start()
    source.send(b"counted")
    assert sink.recv() == b"counted"
    asker.send(b"STATISTICS")
    stats = [struct.unpack("=Q", frame)[0] for frame in asker.recv_multipart()]
    assert stats == [1, 7, 0, 0, 0, 0, 1, 7]
    _term_bounded(ctx, (source, sink, asker), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


@pytest.mark.cffi_only  # libzmq 4.3.4's proxy answers a REP only for STATISTICS
def test_a_rep_control_socket_is_answered_for_every_command():
    ctx = zmq.Context()
    runner, source, sink, asker = _steerable(ctx, "steer-rep-all", zmq.REP, zmq.REQ)
    runner.start()
    for command in (b"PAUSE", b"RESUME", b"what?"):
        asker.send(command)
        assert asker.recv() == b""  # REQ/REP stays in step
    source.send(b"after resume")
    assert sink.recv() == b"after resume"
    asker.send(b"TERMINATE")
    assert asker.recv() == b""
    _assert_ended_by_terminate(ctx, runner, (source, sink, asker))


@_LIBZMQ_435_DIFFERS
def test_a_full_destination_does_not_stop_steering_nor_tear_messages():
    ctx = zmq.Context()
    frontend = _socket(ctx, zmq.PULL, bind="inproc://full-front")
    backend = _socket(ctx, zmq.PUSH)
    backend.setsockopt(zmq.SNDHWM, 2)  # inproc: the queue holds about 2 + 2
    backend.bind("inproc://full-back")
    source = _socket(ctx, zmq.PUSH, connect="inproc://full-front")
    sink = _socket(ctx, zmq.PULL)
    sink.setsockopt(zmq.RCVHWM, 2)
    sink.connect("inproc://full-back")
    control = _socket(ctx, zmq.PAIR, bind="inproc://steer-full")
    steer = _socket(ctx, zmq.PAIR, connect="inproc://steer-full")
    runner = Runner(lambda: proxy_steerable(frontend, backend, None, control),
                    owned=(frontend, backend, control))
    runner.start()
    messages = [[b"m%d" % i, b"second part", b"third"] for i in range(200)]
    for msg in messages:
        source.send_multipart(msg)
    time.sleep(0.2)  # the backend fills up; the proxy waits for it
    steer.send(b"STATISTICS")  # answered although the backend is full
    assert steer.poll(2000), "the proxy stopped answering while its backend was full"
    forwarded = struct.unpack("=Q", steer.recv_multipart()[6])[0]
    assert forwarded < len(messages)
    assert [sink.recv_multipart() for _ in messages] == messages
    steer.send(b"STATISTICS")
    stats = [struct.unpack("=Q", frame)[0] for frame in steer.recv_multipart()]
    assert stats[0] == stats[6] == len(messages)
    steer.send(b"TERMINATE")
    _assert_ended_by_terminate(ctx, runner, (source, sink, steer))


def test_proxy_with_frontend_equal_to_backend_echoes():
    ctx = zmq.Context()
    echo = _socket(ctx, zmq.DEALER, bind="inproc://proxy-echo")
    peer = _socket(ctx, zmq.DEALER, connect="inproc://proxy-echo")
    runner = Runner(lambda: proxy(echo, echo), owned=(echo,))
    runner.start()
    for i in range(3):
        peer.send_multipart([b"echo", b"%d" % i])
        assert peer.recv_multipart() == [b"echo", b"%d" % i]
    _term_bounded(ctx, (peer,), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


def test_proxy_steerable_without_control_ends_with_context_term():
    ctx = zmq.Context()
    frontend, backend, source, sink = _stream_pair(ctx)
    runner = Runner(lambda: proxy_steerable(frontend, backend), owned=(frontend, backend))
    runner.start()
    source.send(b"plain")
    assert sink.recv() == b"plain"
    _term_bounded(ctx, (source, sink), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


# ---- bad arguments ------------------------------------------------------------


@pytest.mark.parametrize("closed_role", ["frontend", "backend"])
def test_proxy_on_a_closed_socket_raises_at_once(ctx, closed_role):
    socks = {"frontend": ctx.socket(zmq.PULL), "backend": ctx.socket(zmq.PUSH)}
    for sock in socks.values():
        sock.linger = 0
    socks[closed_role].close()
    runner = _call_bounded(lambda: proxy(socks["frontend"], socks["backend"]))
    assert isinstance(runner.error, zmq.ZMQError)


@pytest.mark.cffi_only
@pytest.mark.parametrize("closed_role", ["frontend", "backend", "capture", "control"])
def test_proxy_steerable_on_a_closed_socket_names_it(ctx, closed_role):
    # pyzmq would pass a closed capture/control to libzmq as NULL, i.e. run
    # a proxy without them, possibly for ever.
    roles = ("frontend", "backend", "capture", "control")
    kinds = (zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    socks = {role: ctx.socket(kind) for role, kind in zip(roles, kinds)}
    socks[closed_role].close()
    runner = _call_bounded(lambda: proxy_steerable(*(socks[r] for r in roles)))
    assert isinstance(runner.error, zmq.ZMQError)
    assert runner.error.errno == zmq.ENOTSOCK
    assert closed_role in str(runner.error) and "closed" in str(runner.error)


def test_proxy_rejects_a_non_socket(ctx):
    frontend = ctx.socket(zmq.PULL)
    with pytest.raises(TypeError):
        proxy(frontend, "tcp://127.0.0.1:5555")
    with pytest.raises(TypeError):
        proxy(None, frontend)


@pytest.mark.cffi_only
def test_proxy_rejects_a_non_socket_capture(ctx):
    frontend = ctx.socket(zmq.PULL)
    backend = ctx.socket(zmq.PUSH)
    with pytest.raises(TypeError, match="capture"):
        proxy(frontend, backend, capture="not a socket")


# ---- threads and signals ---------------------------------------------------------


def test_other_threads_run_while_a_proxy_blocks():
    ctx = zmq.Context()
    runner, source, sink, steer = _steerable(ctx, "steer-gil")
    counter = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter[0] += 1

    counting = threading.Thread(target=count, daemon=True)
    # Should the proxy ever hold the GIL, no Python thread (pytest-timeout's
    # included) could run again: a C-level watchdog ends the process instead.
    faulthandler.dump_traceback_later(30, exit=True)
    try:
        runner.start()
        source.send(b"ping")
        assert sink.recv() == b"ping"  # the proxy is now inside libzmq
        counting.start()
        time.sleep(0.05)
        before = counter[0]
        time.sleep(0.3)
        progress = counter[0] - before
        source.send(b"still running")
        assert sink.recv() == b"still running"
        assert runner.is_alive()
        assert progress > 1000, "the counting thread barely ran (%d)" % progress
    finally:
        stop.set()
        steer.send(b"TERMINATE")
        runner.join(JOIN_S)
        counting.join(JOIN_S)
        faulthandler.cancel_dump_traceback_later()
    assert not runner.is_alive() and runner.result == 0
    for sock in (source, sink, steer):
        sock.close(linger=0)
    ctx.term()


@pytest.fixture
def usr1_handler():
    """Install a SIGUSR1 handler for one test; restore the old one after."""
    saved = signal.getsignal(signal.SIGUSR1)
    yield lambda handler: signal.signal(signal.SIGUSR1, handler)
    signal.signal(signal.SIGUSR1, saved)


def _signal_main_then_terminate(ctx, endpoint, delay_s, terminate_after_s):
    """From a helper thread: SIGUSR1 the main thread after ``delay_s``, then
    send TERMINATE to the control socket at ``endpoint`` after
    ``terminate_after_s`` (so that a test never hangs)."""
    steer = _socket(ctx, zmq.PAIR, connect=endpoint)
    main_id = threading.main_thread().ident

    def helper():
        time.sleep(delay_s)
        signal.pthread_kill(main_id, signal.SIGUSR1)
        time.sleep(terminate_after_s)
        steer.send(b"TERMINATE")
        steer.close(linger=1000)

    thread = threading.Thread(target=helper, daemon=True)
    thread.start()
    return thread


# These run on zmq_cffi only: with libzmq 4.3.5's own proxy (pyzmq 27.3's
# bundled one) the signal makes the call start again, the restarted proxy
# reads TERMINATE after the helper closed its PAIR, and its reply to it
# blocks until SNDTIMEO: proxy_steerable raises Again (most runs).
_PYZMQ_SIGNAL_FLAKE = pytest.mark.cffi_only


@_PYZMQ_SIGNAL_FLAKE
def test_proxy_carries_on_after_a_harmless_signal(usr1_handler):
    ctx = zmq.Context()
    helper = None
    try:
        frontend, backend, source, sink = _stream_pair(ctx)
        control = _socket(ctx, zmq.PAIR, bind="inproc://signal-harmless")
        calls = []
        usr1_handler(lambda signum, frame: calls.append(signum))
        helper = _signal_main_then_terminate(ctx, "inproc://signal-harmless", 0.1, 0.3)
        start = time.monotonic()
        rc = proxy_steerable(frontend, backend, None, control)  # in the main thread
        elapsed = time.monotonic() - start
        assert rc == 0
        assert calls == [signal.SIGUSR1]  # the handler ran, and the proxy carried on
        assert 0.35 <= elapsed < 3.0
    finally:
        if helper is not None:
            helper.join(JOIN_S)  # it owns a socket until it ends
        ctx.destroy(linger=0)


class _Interrupted(Exception):
    pass


@_PYZMQ_SIGNAL_FLAKE
def test_signal_handler_exception_stops_the_proxy(usr1_handler):
    ctx = zmq.Context()
    helper = None

    def interrupt(signum, frame):
        raise _Interrupted()

    try:
        frontend, backend, source, sink = _stream_pair(ctx)
        control = _socket(ctx, zmq.PAIR, bind="inproc://signal-raise")
        usr1_handler(interrupt)
        # The TERMINATE 0.6 s later only ends a proxy that wrongly ignored the exception.
        helper = _signal_main_then_terminate(ctx, "inproc://signal-raise", 0.1, 0.6)
        start = time.monotonic()
        with pytest.raises(_Interrupted):
            proxy_steerable(frontend, backend, None, control)
        elapsed = time.monotonic() - start
        assert elapsed < 0.5, "the exception took %.2fs to propagate" % elapsed
        # The sockets are still usable: the proxy can run again.
        rc = proxy_steerable(frontend, backend, None, control)
        assert rc == 0  # ended by the helper's TERMINATE
    finally:
        if helper is not None:
            helper.join(JOIN_S)
        ctx.destroy(linger=0)


@_PYZMQ_SIGNAL_FLAKE
def test_a_signal_keeps_a_paused_proxy_paused_and_its_counters(usr1_handler):
    ctx = zmq.Context()
    helper = None
    seen = {}
    try:
        frontend, backend, source, sink = _stream_pair(ctx)
        control = _socket(ctx, zmq.PAIR, bind="inproc://signal-paused")
        steer = _socket(ctx, zmq.PAIR, connect="inproc://signal-paused")
        calls = []
        usr1_handler(lambda signum, frame: calls.append(signum))
        main_id = threading.main_thread().ident

        def steer_it():
            try:
                source.send(b"before")
                seen["before"] = sink.recv()
                steer.send(b"PAUSE")
                time.sleep(0.1)
                signal.pthread_kill(main_id, signal.SIGUSR1)
                time.sleep(0.1)
                source.send(b"while paused")
                seen["forwarded while paused"] = sink.poll(300)
                steer.send(b"RESUME")
                seen["after resume"] = sink.recv()
                steer.send(b"STATISTICS")
                seen["stats"] = [struct.unpack("=Q", f)[0] for f in steer.recv_multipart()]
            finally:
                steer.send(b"TERMINATE")
                steer.close(linger=1000)

        helper = threading.Thread(target=steer_it, daemon=True)
        helper.start()
        rc = proxy_steerable(frontend, backend, None, control)  # in the main thread
        helper.join(JOIN_S)
        assert rc == 0
        assert calls == [signal.SIGUSR1]
        assert seen["before"] == b"before"
        assert seen["forwarded while paused"] == 0, "the signal resumed the paused proxy"
        assert seen["after resume"] == b"while paused"
        # Counted across the signal: both messages, not only the one after it.
        assert seen["stats"][:2] == [2, len(b"before") + len(b"while paused")]
    finally:
        if helper is not None:
            helper.join(JOIN_S)
        ctx.destroy(linger=0)
