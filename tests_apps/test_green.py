"""zmq.green (gevent) on zmq_cffi: ``import zmq.green as zmq`` as gevent apps use it.

Every test runs its greenlets on the test's thread and bounds the whole run
with a gevent.Timeout, so a lost wake-up fails the test instead of hanging.
"""
import os
import struct
import time

import gevent
import pytest
from gevent.event import Event

import zmq  # zmq_cffi, switched by conftest.py
import zmq.green as gzmq  # noqa: E402 - the module under test, as locust imports it

import zmq_cffi
import zmq_cffi.green

LIMIT = 20.0  # seconds: no test should come near this


class _KeepingContext(gzmq.Context):
    """A green Context that keeps its sockets alive until the test ends, so
    that teardown's destroy() closes them (instead of their finalizers)."""

    def socket(self, *args, **kwargs):
        sock = super().socket(*args, **kwargs)
        self._kept.append(sock)
        return sock


@pytest.fixture
def ctx():
    context = _KeepingContext()
    context._kept = []
    yield context
    context.destroy(linger=0)


def _pair(ctx, kind_a, kind_b, transport="tcp"):
    """Two connected green sockets: ``a`` bound, ``b`` connected."""
    a = ctx.socket(kind_a, linger=0)
    b = ctx.socket(kind_b, linger=0)
    if transport == "tcp":
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect("tcp://127.0.0.1:%d" % port)
    else:
        url = "inproc://green-%d" % id(a)
        a.bind(url)
        b.connect(url)
    return a, b


class Ticker:
    """A greenlet that counts while others are blocked (proof they interleave)."""

    def __init__(self, interval=0.005):
        self.count = 0
        self._stop = False
        self._greenlet = gevent.spawn(self._run, interval)

    def _run(self, interval):
        for _ in range(int(LIMIT / interval)):
            if self._stop:
                return
            self.count += 1
            gevent.sleep(interval)

    def stop(self):
        self._stop = True
        self._greenlet.join(1)
        return self.count


def _join_all(greenlets):
    """Join greenlets within LIMIT and re-raise the first failure."""
    gevent.joinall(greenlets, timeout=LIMIT)
    for g in greenlets:
        assert g.ready(), "greenlet %r still running after %ss" % (g, LIMIT)
        if g.exception is not None:
            raise g.exception
    return [g.value for g in greenlets]


# ---- the module -------------------------------------------------------------


def test_import_green_is_zmq_cffi_green():
    assert gzmq is zmq_cffi.green
    assert zmq.green is zmq_cffi.green
    # everything zmq exports, with the green replacements
    missing = [name for name in zmq_cffi.__all__ if not hasattr(gzmq, name)]
    assert missing == []
    assert gzmq.Context is not zmq.Context and issubclass(gzmq.Context, zmq.Context)
    assert gzmq.Socket is not zmq.Socket and issubclass(gzmq.Socket, zmq.Socket)
    assert gzmq.Poller is not zmq.Poller and issubclass(gzmq.Poller, zmq.Poller)
    assert gzmq.device is not zmq.device
    assert gzmq.proxy is not zmq.proxy
    assert gzmq.POLLIN == zmq.POLLIN and gzmq.Again is zmq.Again
    from zmq.green.eventloop import ioloop, zmqstream
    from zmq.green.eventloop.zmqstream import ZMQStream

    assert ioloop.ZMQIOLoop is ioloop.IOLoop
    assert issubclass(ZMQStream, zmq_cffi.eventloop.zmqstream.ZMQStream)
    assert zmqstream.ZMQStream is ZMQStream


def test_context_makes_green_sockets_and_has_its_own_instance(ctx):
    s = ctx.socket(gzmq.PAIR)
    assert type(s) is gzmq.Socket
    assert repr(s).startswith("<zmq_cffi.green.Socket(zmq_cffi.PAIR) at ")
    assert repr(gzmq.Context.instance()).startswith("<zmq_cffi.green.Context(")
    shadow = gzmq.Socket.shadow(s.underlying)  # a shadow is green too
    assert type(shadow) is gzmq.Socket and shadow.socket_type == zmq.PAIR
    shadow.close()
    s.close()
    direct = gzmq.Socket(ctx, gzmq.PUSH)
    assert isinstance(direct, gzmq.Socket) and direct.socket_type == zmq.PUSH
    direct.close()
    green_inst = gzmq.Context.instance()
    plain_inst = zmq.Context.instance()
    assert green_inst is gzmq.Context.instance()
    assert green_inst is not plain_inst
    assert type(green_inst) is gzmq.Context and type(plain_inst) is zmq.Context
    plain = plain_inst.socket(zmq.PAIR, linger=0)
    assert type(plain) is zmq.Socket
    plain.close()
    no_ctx = gzmq.Socket(socket_type=gzmq.PAIR)
    assert no_ctx.context is green_inst
    no_ctx.close()


# ---- greenlets interleave ------------------------------------------------------


def test_blocked_recv_does_not_stop_other_greenlets(ctx):
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH)
    got = []
    receiver = gevent.spawn(lambda: got.append(pull.recv()))
    ticker = Ticker()
    gevent.sleep(0.2)  # the receiver is parked in recv all this time
    assert not receiver.ready() and got == []
    ticks_while_blocked = ticker.count
    push.send(b"wake")
    _join_all([receiver])
    ticker.stop()
    assert got == [b"wake"]
    # a blocking recv would have frozen the ticker (about 40 ticks in 0.2 s)
    assert ticks_while_blocked >= 10


def test_many_greenlets_reqrep_and_pushpull(ctx):
    n_pairs, n_msgs = 8, 25
    order = []  # (kind, index, step) in the order things happened

    def rep_server(sock, i):
        for k in range(n_msgs):
            msg = sock.recv()
            order.append(("rep", i, k))
            sock.send(msg + b"-ok")

    def req_client(sock, i):
        replies = []
        for k in range(n_msgs):
            sock.send(b"%d:%d" % (i, k))
            replies.append(sock.recv())
        return replies

    def pusher(sock, i):
        for k in range(n_msgs):
            sock.send_multipart([b"%d" % i, b"%d" % k])
            gevent.sleep(0)  # be a polite producer: let consumers run

    def puller(sock, i):
        got = []
        for _ in range(n_msgs):
            got.append(sock.recv_multipart())
            order.append(("pull", i, len(got)))
        return got

    greenlets = []
    for i in range(n_pairs):
        rep, req = _pair(ctx, gzmq.REP, gzmq.REQ, "tcp" if i % 2 else "inproc")
        pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc" if i % 2 else "tcp")
        greenlets += [gevent.spawn(rep_server, rep, i), gevent.spawn(req_client, req, i),
                      gevent.spawn(pusher, push, i), gevent.spawn(puller, pull, i)]
    results = _join_all(greenlets)
    for i in range(n_pairs):
        replies = results[4 * i + 1]
        assert replies == [b"%d:%d-ok" % (i, k) for k in range(n_msgs)]
        pulled = results[4 * i + 3]
        assert pulled == [[b"%d" % i, b"%d" % k] for k in range(n_msgs)]
    # They interleaved: every pair's activity overlaps in time with another's
    # (run one after the other, no interval would overlap any other).
    first, last = {}, {}
    for pos, (kind, i, _) in enumerate(order):
        first.setdefault((kind, i), pos)
        last[(kind, i)] = pos
    assert len(first) == 2 * n_pairs
    for key in first:
        assert any(first[other] < last[key] and first[key] < last[other]
                   for other in first if other != key), key


def test_several_greenlets_wait_on_one_socket(ctx):
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc")
    n_readers, n_msgs = 5, 60
    got = {i: [] for i in range(n_readers)}
    done = Event()

    def reader(i):
        while not done.is_set():
            try:
                msg = pull.recv()
            except zmq.ZMQError:
                return  # closed at the end
            got[i].append(msg)
            if sum(len(v) for v in got.values()) == n_msgs:
                done.set()
            gevent.sleep(0.001)  # give the others a turn at the socket

    readers = [gevent.spawn(reader, i) for i in range(n_readers)]
    gevent.sleep(0.05)  # all parked in recv
    for k in range(n_msgs):
        push.send(b"%d" % k)
        if k % 10 == 0:
            gevent.sleep(0.005)
    assert done.wait(LIMIT), "only %d of %d messages arrived" % (sum(map(len, got.values())), n_msgs)
    pull.close()  # wakes the readers still parked
    _join_all(readers)
    everything = sorted(int(m) for v in got.values() for m in v)
    assert everything == list(range(n_msgs))
    assert sum(1 for v in got.values() if v) >= 2  # the work was shared


def test_no_lost_wakeup_when_another_greenlet_uses_the_socket(ctx):
    """A greenlet parked in recv on a DEALER while another greenlet sends on
    the same socket: those sends consume the FD's signal, so the parked one
    must be woken from EVENTS, not from the FD."""
    router, dealer = _pair(ctx, gzmq.ROUTER, gzmq.DEALER)
    n = 300

    def echo():
        for _ in range(n):
            router.send_multipart(router.recv_multipart())

    def send_all():
        for k in range(n):
            dealer.send(b"%d" % k)
            if k % 7 == 0:
                gevent.sleep(0)

    def recv_all():
        return [int(dealer.recv()) for _ in range(n)]

    with gevent.Timeout(LIMIT):
        results = _join_all([gevent.spawn(echo), gevent.spawn(recv_all), gevent.spawn(send_all)])
    assert results[1] == list(range(n))


@pytest.mark.parametrize("eater", ["send", "get_events", "poller", "socket_poll"])
def test_no_lost_wakeup_when_a_call_eats_the_fd_signal(ctx, eater):
    """Deterministic form of the above: a message arrives for a greenlet
    parked in recv, and before the hub looks at the FD, another call on the
    socket processes libzmq's command (draining the FD).  The parked greenlet
    must be woken anyway."""
    router, dealer = _pair(ctx, gzmq.ROUTER, gzmq.DEALER, "inproc")
    dealer.send(b"hello")
    with gevent.Timeout(LIMIT):
        identity, _ = router.recv_multipart()
    got = []
    receiver = gevent.spawn(lambda: got.append(dealer.recv()))
    gevent.sleep(0.05)
    assert not receiver.ready()
    router.send_multipart([identity, b"for-the-receiver"])  # signals the dealer's FD
    # libzmq processes commands in send() at most every ~1 ms: make sure it does
    time.sleep(0.01)
    if eater == "send":
        dealer.send(b"y", zmq.NOBLOCK)
    elif eater == "get_events":
        assert dealer.get(zmq.EVENTS) & zmq.POLLIN
    elif eater == "poller":
        poller = gzmq.Poller()
        poller.register(dealer, zmq.POLLIN)
        assert poller.poll(0) == [(dealer, zmq.POLLIN)]
    else:
        assert dealer.poll(0, zmq.POLLOUT) == zmq.POLLOUT
    receiver.join(0.5)  # no further FD signal will come
    assert got == [b"for-the-receiver"]


def test_send_past_hwm_waits_cooperatively(ctx):
    # the high-water marks must be set before the pipe exists
    push = ctx.socket(gzmq.PUSH, linger=0, sndhwm=1)
    pull = ctx.socket(gzmq.PULL, linger=0, rcvhwm=1)
    push.bind("inproc://green-hwm")
    pull.connect("inproc://green-hwm")
    n = 50
    sent = []

    def producer():
        for k in range(n):
            push.send(b"%d" % k)
            sent.append(k)

    prod = gevent.spawn(producer)
    gevent.sleep(0.1)
    blocked_at = len(sent)
    assert not prod.ready() and blocked_at < n  # the queue is full: it waits
    got = [int(pull.recv()) for _ in range(n)]
    _join_all([prod])
    assert got == list(range(n))


# ---- timeouts ------------------------------------------------------------------


def test_rcvtimeo_raises_again_on_time_and_others_run(ctx):
    pull, _push = _pair(ctx, gzmq.PULL, gzmq.PUSH)
    pull.rcvtimeo = 250
    ticker = Ticker()
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        pull.recv()
    elapsed = time.monotonic() - t0
    ticks = ticker.stop()
    assert 0.24 <= elapsed < 2.0, elapsed
    assert ticks >= 10
    for call in (pull.recv_multipart, lambda: pull.recv_into(bytearray(10)), pull.recv_string):
        t0 = time.monotonic()
        with pytest.raises(zmq.Again):
            call()
        assert 0.24 <= time.monotonic() - t0 < 2.0
    # the timeout is read when set, and -1 turns it off again
    pull.setsockopt(zmq.RCVTIMEO, 50)
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        pull.recv()
    assert 0.045 <= time.monotonic() - t0 < 1.5
    pull.rcvtimeo = -1
    waiter = gevent.spawn(pull.recv)
    gevent.sleep(0.15)
    assert not waiter.ready()  # no timeout any more
    _push.send(b"late")
    assert _join_all([waiter]) == [b"late"]


def test_sndtimeo_raises_again_on_time(ctx):
    push = ctx.socket(gzmq.PUSH, linger=0, sndtimeo=200)  # no peer: cannot send
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        push.send(b"x")
    assert 0.19 <= time.monotonic() - t0 < 2.0
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        push.send_multipart([b"a", b"b"])
    assert 0.19 <= time.monotonic() - t0 < 2.0


def test_noblock_is_passed_straight_through(ctx):
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc")
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        pull.recv(zmq.NOBLOCK)
    with pytest.raises(zmq.Again):
        pull.recv_multipart(flags=zmq.DONTWAIT)
    lone = ctx.socket(gzmq.PUSH, linger=0)
    with pytest.raises(zmq.Again):
        lone.send(b"x", zmq.NOBLOCK)
    assert time.monotonic() - t0 < 0.1
    push.send(b"now")
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            assert pull.recv(zmq.NOBLOCK) == b"now"
            break
        except zmq.Again:
            gevent.sleep(0.005)
    else:
        pytest.fail("message never arrived")


def test_gevent_timeout_around_recv_leaves_socket_usable(ctx):
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH)
    t0 = time.monotonic()
    with pytest.raises(gevent.Timeout):
        with gevent.Timeout(0.15):
            pull.recv()
    assert 0.14 <= time.monotonic() - t0 < 2.0
    assert pull._green_waiters == []  # the parked greenlet left the table
    # the flavour that swallows the timeout
    with gevent.Timeout(0.05, False):
        pull.recv()
        pytest.fail("recv returned without a message")
    push.send(b"after")
    with gevent.Timeout(LIMIT):
        assert pull.recv() == b"after"


@pytest.mark.parametrize("how", ["timeout", "kill"])
def test_timeouts_and_kills_at_random_moments_lose_no_message(ctx, how):
    """Thousands of receives, each under a gevent Timeout (or a kill from
    another greenlet) of 0-1.5 ms while its message is sent at a random
    moment of the next 3 ms: every message arrives once, in order.  A green receive
    takes the message from libzmq only after its wait, with no switch before
    it returns, so an exception delivered at the wait leaves it queued."""
    import random

    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH, transport="inproc")
    rng = random.Random(1208 if how == "timeout" else 812)
    sent = [0]
    got, interrupted = [], 0

    def send_one(delay):
        gevent.sleep(delay)
        push.send(b"%d" % sent[0])  # numbered when it leaves
        sent[0] += 1

    def receive_one():
        got.append(pull.recv())

    with gevent.Timeout(LIMIT * 2):
        for _ in range(2000):
            sender = gevent.spawn(send_one, rng.random() * 0.003)
            limit = rng.random() * 0.0015
            if how == "timeout":
                try:
                    with gevent.Timeout(limit):
                        receive_one()
                except gevent.Timeout:
                    interrupted += 1
            else:
                receiver = gevent.spawn(receive_one)
                gevent.sleep(limit)
                if not receiver.dead:
                    receiver.kill()
                    interrupted += 1
            sender.join()
            while pull.poll(0):  # an interrupted round's message: start the next one clean
                got.append(pull.recv(gzmq.NOBLOCK))
        while pull.poll(50):
            got.append(pull.recv())
    numbers = [int(m) for m in got]
    print("interrupted %d of 2000, received %d" % (interrupted, len(numbers)))
    assert interrupted >= 10, "the schedule must interrupt receives to test anything"
    assert numbers == list(range(sent[0])), "lost, duplicated or reordered"


def test_socket_poll_is_green(ctx):
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc")
    ticker = Ticker()
    t0 = time.monotonic()
    assert pull.poll(150) == 0
    assert 0.14 <= time.monotonic() - t0 < 2.0
    assert ticker.stop() >= 5
    gevent.spawn_later(0.05, push.send, b"x")
    assert pull.poll(LIMIT * 1000) == zmq.POLLIN
    assert push.poll(0, zmq.POLLOUT) == zmq.POLLOUT
    assert pull.recv() == b"x"


# ---- Poller ------------------------------------------------------------------


def test_poller_timeouts_and_several_sockets(ctx):
    pairs = [_pair(ctx, gzmq.PULL, gzmq.PUSH, "tcp" if i % 2 else "inproc") for i in range(3)]
    poller = gzmq.Poller()
    for pull, _ in pairs:
        poller.register(pull, gzmq.POLLIN)
    ticker = Ticker()
    t0 = time.monotonic()
    assert poller.poll(200) == []
    assert 0.19 <= time.monotonic() - t0 < 2.0
    assert ticker.count >= 10
    assert poller.poll(0) == []

    def later():
        gevent.sleep(0.05)
        pairs[0][1].send(b"zero")
        pairs[2][1].send(b"two")

    gevent.spawn(later)
    seen = {}
    deadline = time.monotonic() + LIMIT
    while len(seen) < 2 and time.monotonic() < deadline:
        for sock, ev in poller.poll(1000):
            assert ev == gzmq.POLLIN
            seen[sock] = sock.recv()
    ticker.stop()
    assert seen == {pairs[0][0]: b"zero", pairs[2][0]: b"two"}
    # POLLOUT on a connected PUSH is ready at once; a plain fd works too
    poller.register(pairs[1][1], gzmq.POLLOUT)
    assert dict(poller.poll(1000)) == {pairs[1][1]: gzmq.POLLOUT}
    r, w = os.pipe()
    try:
        fd_poller = gzmq.Poller()
        fd_poller.register(r, gzmq.POLLIN)
        gevent.spawn_later(0.05, os.write, w, b"!")
        t0 = time.monotonic()
        assert fd_poller.poll(LIMIT * 1000) == [(r, gzmq.POLLIN)]
        assert 0.04 <= time.monotonic() - t0 < LIMIT
    finally:
        os.close(r)
        os.close(w)


def test_poller_and_recv_on_the_same_socket_from_two_greenlets(ctx):
    """A Poller's zmq_poll reads the socket's state; a greenlet parked in recv
    on that socket must still be woken."""
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc")
    other_pull, other_push = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc")
    poller = gzmq.Poller()
    poller.register(pull, gzmq.POLLIN)
    poller.register(other_pull, gzmq.POLLIN)
    receiver = gevent.spawn(pull.recv)
    polls = []

    def polling():
        for _ in range(20):
            polls.append(poller.poll(20))

    poll_greenlet = gevent.spawn(polling)
    gevent.sleep(0.05)
    push.send(b"for-receiver")
    assert _join_all([receiver]) == [b"for-receiver"]
    _join_all([poll_greenlet])
    assert len(polls) == 20


def test_green_select(ctx):
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc")
    t0 = time.monotonic()
    assert gzmq.select([pull], [], [], 0.1) == ([], [], [])
    assert 0.09 <= time.monotonic() - t0 < 2.0
    gevent.spawn_later(0.05, push.send, b"x")
    r, w, x = gzmq.select([pull], [], [], LIMIT)
    assert r == [pull] and w == [] and x == []
    assert pull.recv() == b"x"


# ---- close, term -----------------------------------------------------------------


def test_close_from_another_greenlet_wakes_the_waiters(ctx):
    pull, _push = _pair(ctx, gzmq.PULL, gzmq.PUSH)
    waiters = [gevent.spawn(pull.recv), gevent.spawn(pull.recv_multipart),
               gevent.spawn(pull.poll, 10000)]
    gevent.sleep(0.05)
    assert not any(g.ready() for g in waiters)
    t0 = time.monotonic()
    pull.close()
    gevent.joinall(waiters, timeout=LIMIT)
    assert time.monotonic() - t0 < 1.0
    for g in waiters:
        assert g.ready()
        assert isinstance(g.exception, zmq.ZMQError), g.exception
        assert g.exception.errno == zmq.ENOTSOCK
        assert "closed" in str(g.exception)
    assert pull.closed


def test_term_from_a_greenlet_lets_blocked_greenlets_finish():
    ctx = gzmq.Context()
    pull, push = _pair(ctx, gzmq.PULL, gzmq.PUSH)
    lone = ctx.socket(gzmq.PUSH, linger=0)  # no peer: its send waits
    outcome = []

    def worker(sock, call):
        try:
            call()
        except zmq.ContextTerminated:
            outcome.append(sock.socket_type)
        finally:
            sock.close(linger=0)

    greenlets = [gevent.spawn(worker, pull, pull.recv),
                 gevent.spawn(worker, lone, lambda: lone.send(b"x"))]
    gevent.sleep(0.05)
    assert not any(g.ready() for g in greenlets)
    ticker = Ticker()
    gevent.spawn_later(0.1, push.close)  # closed by yet another greenlet, later
    t0 = time.monotonic()
    with gevent.Timeout(LIMIT):
        ctx.term()  # waits in the hub until every socket is closed
    assert time.monotonic() - t0 >= 0.09  # ... which the last one was after 0.1 s
    assert ctx.closed
    _join_all(greenlets)
    assert ticker.stop() >= 5
    assert sorted(outcome) == sorted([zmq.PULL, zmq.PUSH])


# ---- device / proxy --------------------------------------------------------------


def test_green_device_between_sockets_while_other_greenlets_run(ctx):
    frontend = ctx.socket(gzmq.ROUTER, linger=0)
    backend = ctx.socket(gzmq.DEALER, linger=0)
    front_port = frontend.bind_to_random_port("tcp://127.0.0.1")
    backend.bind("inproc://green-device-back")
    device = gevent.spawn(gzmq.device, gzmq.QUEUE, frontend, backend)

    def worker(i):
        rep = ctx.socket(gzmq.REP, linger=0)
        rep.connect("inproc://green-device-back")
        for _ in range(40):
            rep.send(rep.recv() + b" by %d" % i)

    def client(i):
        req = ctx.socket(gzmq.REQ, linger=0)
        req.connect("tcp://127.0.0.1:%d" % front_port)
        replies = []
        for k in range(10):
            req.send(b"%d.%d" % (i, k))
            replies.append(req.recv())
        req.close()
        return replies

    # Ticks of 1 ms: the 80 round trips can finish in about 10 ms, in which a
    # 5 ms ticker counted only 2 (seen once in CI) although nothing blocked.
    ticker = Ticker(interval=0.001)
    workers = [gevent.spawn(worker, i) for i in range(2)]
    clients = [gevent.spawn(client, i) for i in range(8)]
    results = _join_all(clients)
    ticks = ticker.stop()
    for i, replies in enumerate(results):
        assert [r.split(b" by ")[0] for r in replies] == [b"%d.%d" % (i, k) for k in range(10)]
    served_by = {r.rsplit(b" ", 1)[1] for replies in results for r in replies}
    assert served_by == {b"0", b"1"}
    assert ticks >= 3
    assert not device.ready()  # still forwarding
    frontend.close()  # a socket of the device closes: the device ends with ENOTSOCK
    gevent.joinall([device], timeout=LIMIT)
    assert device.ready() and isinstance(device.exception, zmq.ZMQError)
    assert device.exception.errno == zmq.ENOTSOCK
    for g in workers:
        g.kill()


def test_green_proxy_steerable_with_capture_and_control(ctx):
    pull_in, push_in = _pair(ctx, gzmq.PULL, gzmq.PUSH, "inproc")
    push_out, pull_out = _pair(ctx, gzmq.PUSH, gzmq.PULL, "inproc")
    capture_pub, capture_sub = _pair(ctx, gzmq.PAIR, gzmq.PAIR, "inproc")
    control_a, control_b = _pair(ctx, gzmq.PAIR, gzmq.PAIR, "inproc")
    proxy = gevent.spawn(gzmq.proxy_steerable, pull_in, push_out, capture_pub, control_a)
    for k in range(5):
        push_in.send(b"m%d" % k)
    with gevent.Timeout(LIMIT):
        assert [pull_out.recv() for _ in range(5)] == [b"m%d" % k for k in range(5)]
        assert [capture_sub.recv() for _ in range(5)] == [b"m%d" % k for k in range(5)]
        control_b.send(b"PAUSE")
        gevent.sleep(0.05)
        push_in.send(b"held")
        assert pull_out.poll(150) == 0  # paused: nothing forwarded
        control_b.send(b"RESUME")
        assert pull_out.recv() == b"held"
        control_b.send(b"STATISTICS")
        stats = [struct.unpack("=Q", part)[0] for part in control_b.recv_multipart()]
        assert len(stats) == 8
        assert stats[0] == 6 and stats[1] == 5 * 2 + 4  # 6 messages (14 bytes) in at the frontend
        assert stats[6] == 6  # 6 sent by the backend
        control_b.send(b"TERMINATE")
        assert _join_all([proxy]) == [0]


# ---- ZMQStream on a green IOLoop ----------------------------------------------------


def test_zmqstream_on_green_ioloop_with_green_sockets(ctx):
    from zmq.green.eventloop.ioloop import green_ioloop
    from zmq.green.eventloop.zmqstream import ZMQStream

    loop = green_ioloop()
    try:
        router = ctx.socket(gzmq.ROUTER, linger=0)
        port = router.bind_to_random_port("tcp://127.0.0.1")
        stream = ZMQStream(router, io_loop=loop)
        assert stream.io_loop is loop
        echoed = []

        def echo(msg):
            echoed.append(msg[-1])
            stream.send_multipart(msg[:-1] + [msg[-1].upper()])

        stream.on_recv(echo)
        ticker = Ticker()
        results = {}

        def client(i):
            dealer = ctx.socket(gzmq.DEALER, linger=0)
            dealer.connect("tcp://127.0.0.1:%d" % port)
            out = []
            for k in range(10):
                dealer.send(b"c%d-%d" % (i, k))
                out.append(dealer.recv())  # parks this greenlet while the loop runs
            dealer.close()
            results[i] = out

        clients = [gevent.spawn(client, i) for i in range(3)]

        def stop_when_done():
            gevent.joinall(clients, timeout=LIMIT)
            loop.add_callback(loop.stop)

        gevent.spawn(stop_when_done)
        loop.call_later(LIMIT, loop.stop)
        t0 = time.monotonic()
        loop.start()  # the tornado loop runs in this greenlet, sleeping in the hub
        assert time.monotonic() - t0 < LIMIT - 1
        ticks = ticker.stop()
        for g in clients:
            assert g.ready() and g.exception is None, g.exception
        assert results == {i: [b"C%d-%d" % (i, k) for k in range(10)] for i in range(3)}
        assert len(echoed) == 30
        assert ticks >= 1
        stream.close()
        assert router.closed
    finally:
        loop.close(all_fds=False)


# ---- locust's pattern ------------------------------------------------------------------


def test_locust_style_router_dealer_exchange():
    """What locust's distributed mode does (locust/rpc/zmqrpc.py): a master
    ROUTER and worker DEALERs with identities, one greenlet receiving on each
    socket while others send heartbeats and commands, all through
    ``import zmq.green as zmq``."""
    import zmq.green as zmq  # noqa: F811 - exactly locust's import

    class BaseSocket:
        def __init__(self, sock_type):
            context = zmq.Context()
            self.socket = context.socket(sock_type)
            self.socket.setsockopt(zmq.TCP_KEEPALIVE, 1)
            self.socket.setsockopt(zmq.TCP_KEEPALIVE_IDLE, 30)

        def send(self, msg):
            self.socket.send(msg, zmq.NOBLOCK)

        def send_to_client(self, node_id, msg):
            self.socket.send_multipart([node_id.encode(), msg])

        def recv(self):
            return self.socket.recv()

        def recv_from_client(self):
            data = self.socket.recv_multipart()
            return data[0].decode(), data[1]

        def close(self, linger=None):
            self.socket.close(linger=linger)

    class Server(BaseSocket):
        def __init__(self, host):
            BaseSocket.__init__(self, zmq.ROUTER)
            self.port = self.socket.bind_to_random_port("tcp://%s" % host)

    class Client(BaseSocket):
        def __init__(self, host, port, identity):
            BaseSocket.__init__(self, zmq.DEALER)
            self.socket.setsockopt(zmq.IDENTITY, identity.encode())
            self.socket.connect("tcp://%s:%i" % (host, port))

    server = Server("127.0.0.1")
    workers = {"worker-%d" % i: Client("127.0.0.1", server.port, "worker-%d" % i) for i in range(4)}
    heartbeats = {name: 0 for name in workers}
    received_by_worker = {name: [] for name in workers}
    stop = Event()

    def master_listener():
        # locust's MasterRunner.client_listener: one greenlet in recv_from_client
        while not stop.is_set():
            try:
                node_id, msg = server.recv_from_client()
            except zmq.ZMQError:
                return
            if msg == b"heartbeat":
                heartbeats[node_id] += 1
                if heartbeats[node_id] == 1:
                    server.send_to_client(node_id, b"spawn")
            elif msg == b"spawned":
                server.send_to_client(node_id, b"stop")

    def worker_listener(name, client):
        # locust's WorkerRunner.worker: blocks in recv in its own greenlet
        while True:
            msg = client.recv()
            received_by_worker[name].append(msg)
            if msg == b"spawn":
                client.send(b"spawned")
            elif msg == b"stop":
                return

    def worker_heartbeat(client):
        # locust's heartbeat greenlet: sends on the socket another greenlet reads
        for _ in range(5):
            client.send(b"heartbeat")
            gevent.sleep(0.01)

    ticker = Ticker()
    listener = gevent.spawn(master_listener)
    worker_greenlets = [gevent.spawn(worker_listener, n, c) for n, c in workers.items()]
    beats = [gevent.spawn(worker_heartbeat, c) for c in workers.values()]
    _join_all(worker_greenlets + beats)
    poller = zmq.Poller()  # and locust-style polling with the green Poller
    poller.register(server.socket, zmq.POLLIN)
    deadline = time.monotonic() + LIMIT
    while sum(heartbeats.values()) < 20 and time.monotonic() < deadline:
        gevent.sleep(0.01)
    stop.set()
    ticks = ticker.stop()
    assert received_by_worker == {name: [b"spawn", b"stop"] for name in workers}
    assert heartbeats == {name: 5 for name in workers}
    assert ticks >= 3
    assert poller.poll(50) == []  # nothing left unread
    server.close(linger=0)  # wakes the master's listener
    _join_all([listener])
    for client in workers.values():
        client.close(linger=0)
    for sock in [server.socket] + [c.socket for c in workers.values()]:
        sock.context.term()
