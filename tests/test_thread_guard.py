"""Two threads on one socket: the second gets a clear error, the socket
stays usable for the first, and the process never aborts.

libzmq sockets are not thread-safe: a second thread inside a call on a
socket that another thread is using corrupts it or aborts the process
(``Bad address (src/fq.cpp:87)``).  zmq_cffi's per-socket guard
(``zmqcffi_slot_enter_if`` in ``_helpers.c``) refuses the second thread with
``ZMQError(EBUSY)`` before it reaches libzmq.  ``close()`` from another
thread stays allowed (tests/test_threads.py).
"""
import errno
import threading
import time

import pytest

from _backend import zmq
from _util import set_timeouts

pytestmark = pytest.mark.cffi_only  # pyzmq lets the second call into libzmq

BOUND_S = 10.0


def _block_in(call):
    """Start ``call()`` in a thread; return (thread, results) once it blocks."""
    results = []

    def run():
        try:
            results.append(call())
        except Exception as exc:  # reported through results
            results.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.3)  # long enough to be inside libzmq's blocking call
    assert thread.is_alive() and not results, "the call did not block"
    return thread, results


@pytest.fixture
def pull_push(ctx):
    pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    set_timeouts(pull, 5000)
    set_timeouts(push, 5000)
    pull.bind("inproc://guard")
    push.connect("inproc://guard")
    yield pull, push
    pull.close(linger=0)
    push.close(linger=0)


def _assert_in_use(exc_info, sock):
    err = exc_info.value
    assert err.errno == errno.EBUSY
    text = str(err)
    assert "in use by another thread" in text
    assert "not thread-safe" in text
    if sock is not None:
        assert repr(sock) in text


@pytest.mark.parametrize("second", ["recv_noblock", "recv_frame", "recv_into", "recv_multipart",
                                    "events", "poll", "set_option"])
def test_second_thread_is_refused_while_the_first_blocks_in_recv(pull_push, second):
    pull, push = pull_push
    thread, results = _block_in(pull.recv)
    calls = {
        "recv_noblock": lambda: pull.recv(zmq.NOBLOCK),
        "recv_frame": lambda: pull.recv(zmq.NOBLOCK, copy=False),
        "recv_into": lambda: pull.recv_into(bytearray(10), flags=zmq.NOBLOCK),
        "recv_multipart": lambda: pull.recv_multipart(zmq.NOBLOCK),
        "events": lambda: pull.get(zmq.EVENTS),
        "poll": lambda: pull.poll(0),
        "set_option": lambda: pull.setsockopt(zmq.RCVHWM, 5),
    }
    with pytest.raises(zmq.ZMQError) as exc_info:
        calls[second]()
    _assert_in_use(exc_info, pull if second not in ("events", "set_option") else None)
    # The first thread's call goes on and gets the message.
    push.send(b"for the first thread")
    thread.join(BOUND_S)
    assert results == [b"for the first thread"]
    # ... and afterwards any thread may use the socket again.
    push.send(b"next")
    assert pull.recv() == b"next"
    assert pull.get(zmq.EVENTS) == 0


def test_send_during_a_blocking_recv_on_the_same_socket_is_refused(ctx):
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    set_timeouts(a, 5000)
    set_timeouts(b, 5000)
    a.bind("inproc://guard-pair")
    b.connect("inproc://guard-pair")
    try:
        thread, results = _block_in(a.recv)
        with pytest.raises(zmq.ZMQError) as exc_info:
            a.send(b"from the wrong thread")
        _assert_in_use(exc_info, a)
        b.send(b"ping")
        thread.join(BOUND_S)
        assert results == [b"ping"]
        # The refused send never reached libzmq: b has nothing to read.
        assert b.poll(100) == 0
        a.send(b"pong")
        assert b.recv() == b"pong"
    finally:
        a.close(linger=0)
        b.close(linger=0)


def test_a_shadow_in_another_thread_is_refused_too(pull_push):
    pull, push = pull_push
    shadow = zmq.Socket.shadow(pull.underlying)
    thread, results = _block_in(pull.recv)
    with pytest.raises(zmq.ZMQError) as exc_info:
        shadow.recv(zmq.NOBLOCK)
    _assert_in_use(exc_info, shadow)
    push.send(b"x")
    thread.join(BOUND_S)
    assert results == [b"x"]


def test_a_poll_listing_a_socket_twice_in_one_thread_works(pull_push):
    pull, push = pull_push
    push.send(b"ready")
    rlist, wlist, _ = zmq.select([pull, pull], [pull], [], 1.0)
    assert rlist == [pull, pull] and wlist == []
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    poller.register(zmq.Socket.shadow(pull.underlying), zmq.POLLIN)
    assert len(poller.poll(1000)) == 2
    assert pull.recv() == b"ready"


def test_racing_threads_never_abort(ctx):
    # Two threads hammer one socket with NOBLOCK receives while a third
    # sends: every call succeeds, finds nothing (Again) or is refused (EBUSY),
    # nothing else, and the process survives.
    _race(ctx, check_each_message_once=False)


@pytest.mark.parametrize("kind", ["recv", "recv_frame", "recv_multipart", "recv_multipart_frames",
                                  "recv_large"])
def test_racing_threads_lose_no_message(ctx, kind):
    # Receives leave their result in the receiving thread's own area (see
    # zmqcffi_rx_t), so two threads taking turns without a lock never read
    # each other's message, whichever way they receive.
    _race(ctx, check_each_message_once=True, kind=kind)


_TAIL = b"-" * 9000  # larger than the receive area's buffer: held, then copied


def _race(ctx, check_each_message_once, kind="recv"):
    n = 20000
    pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    pull.rcvhwm = push.sndhwm = 0
    pull.bind("inproc://guard-race")
    push.connect("inproc://guard-race")
    received = [[], []]
    refused = [0, 0]
    done = threading.Event()

    def reader(k):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (done.is_set() and sum(map(len, received)) >= n):
            try:
                if kind == "recv":
                    received[k].append(pull.recv(zmq.NOBLOCK))
                elif kind == "recv_frame":
                    received[k].append(pull.recv(zmq.NOBLOCK, copy=False).bytes)
                elif kind == "recv_large":
                    data = pull.recv(zmq.NOBLOCK)
                    assert data.endswith(_TAIL), data[:20]
                    received[k].append(data[:-len(_TAIL)])
                else:
                    parts = pull.recv_multipart(zmq.NOBLOCK, copy=kind == "recv_multipart")
                    parts = [bytes(p) for p in parts]
                    assert parts[1:] == [parts[0] + b"/2", _TAIL], parts[:2]
                    received[k].append(parts[0])
            except zmq.Again:
                pass
            except zmq.ZMQError as exc:
                assert exc.errno == errno.EBUSY, exc
                refused[k] += 1

    readers = [threading.Thread(target=reader, args=(k,)) for k in (0, 1)]
    for t in readers:
        t.start()
    for i in range(n):
        if kind.startswith("recv_multipart"):
            push.send_multipart([b"%d" % i, b"%d/2" % i, _TAIL])
        elif kind == "recv_large":
            push.send(b"%d" % i + _TAIL)
        else:
            push.send(b"%d" % i)
    done.set()
    for t in readers:
        t.join(40)
    try:
        assert not any(t.is_alive() for t in readers)
        got = sorted(int(m) for m in received[0] + received[1])
        assert len(got) == n
        assert received[0] and received[1]  # both threads really ran
        if check_each_message_once:
            assert got == list(range(n))  # none lost, none duplicated
    finally:
        pull.close(linger=0)
        push.close(linger=0)
