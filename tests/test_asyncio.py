"""zmq_cffi.asyncio (pyzmq's zmq.asyncio): Futures for send, recv and poll.

Every test runs its coroutine with ``asyncio.run`` under ``asyncio.wait_for``,
so a lost wake-up fails the test instead of hanging it.
"""
import asyncio
import gc
import importlib
import os
import threading
import time

import pytest

from _backend import BACKEND, zmq

zmq_asyncio = importlib.import_module(BACKEND + ".asyncio")

RUN_TIMEOUT_S = 10.0


def run(coro, timeout=RUN_TIMEOUT_S):
    """Run ``coro`` in a fresh loop; fail if it takes longer than ``timeout`` s."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


# Sockets made by new_socket in the running test, closed at its teardown.
# Holding them matters: a socket garbage-collected but not yet finalized
# (PyPy) would escape Context.destroy(), and term() would wait for it.
_test_sockets = []


@pytest.fixture
def actx():
    """An asyncio Context; its sockets are closed and it is destroyed
    (linger=0) at teardown."""
    c = zmq_asyncio.Context()
    yield c
    while _test_sockets:
        _test_sockets.pop().close(linger=0)
    c.destroy(linger=0)


def new_socket(context, socket_type, **options):
    """A socket with linger=0 and the given options (set one by one: pyzmq's
    Context.socket takes constructor arguments, not options)."""
    sock = context.socket(socket_type)
    _test_sockets.append(sock)
    sock.linger = 0
    for name, value in options.items():
        setattr(sock, name, value)
    return sock


def make_pair(actx, type_a, type_b, transport="inproc"):
    """``(bound, connected)`` asyncio sockets with linger=0."""
    a = new_socket(actx, type_a)
    b = new_socket(actx, type_b)
    if transport == "tcp":
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect("tcp://127.0.0.1:%d" % port)
    else:
        addr = "inproc://asyncio-%d-%d" % (os.getpid(), id(a))
        a.bind(addr)
        b.connect(addr)
    return a, b


# ---- types and round trips ---------------------------------------------------


def test_context_makes_async_sockets(actx):
    sock = actx.socket(zmq.PUSH)
    try:
        assert isinstance(sock, zmq_asyncio.Socket)
        assert isinstance(sock, zmq.Socket)
        assert sock.type == zmq.PUSH
    finally:
        sock.close(linger=0)
    assert isinstance(actx, zmq.Context)


def test_instance_is_separate_from_sync_instance():
    inst = zmq_asyncio.Context.instance()
    assert isinstance(inst, zmq_asyncio.Context)
    assert zmq_asyncio.Context.instance() is inst
    assert inst is not zmq.Context.instance()


def test_shadow_context_shares_libzmq_context():
    sync_ctx = zmq.Context()
    try:
        shadow = zmq_asyncio.Context.shadow(sync_ctx.underlying)
        assert shadow.underlying == sync_ctx.underlying
        async_pull = new_socket(shadow, zmq.PULL)
        sync_push = new_socket(sync_ctx, zmq.PUSH)
        async_pull.bind("inproc://asyncio-shadow-ctx")
        sync_push.connect("inproc://asyncio-shadow-ctx")  # inproc needs one context

        async def main():
            sync_push.send(b"across")
            return await async_pull.recv()

        assert run(main()) == b"across"
        async_pull.close()
        sync_push.close()
    finally:
        sync_ctx.destroy(linger=0)


def test_methods_return_futures(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        sent = a.send(b"x")
        received = b.recv()
        assert asyncio.isfuture(sent) and asyncio.isfuture(received)
        assert await sent is None
        assert await received == b"x"

    run(main())


def test_req_rep_round_trip(actx):
    rep, req = make_pair(actx, zmq.REP, zmq.REQ)

    async def server():
        for _ in range(5):
            msg = await rep.recv()
            await rep.send(msg.upper())

    async def client():
        replies = []
        for word in (b"a", b"bb", b"ccc", b"dd", b"e"):
            await req.send(word)
            replies.append(await req.recv())
        return replies

    async def main():
        replies, _ = await asyncio.gather(client(), server())
        return replies

    assert run(main()) == [b"A", b"BB", b"CCC", b"DD", b"E"]


def test_push_pull_over_tcp(actx):
    pull, push = make_pair(actx, zmq.PULL, zmq.PUSH, "tcp")

    async def main():
        for i in range(50):
            await push.send(b"%d" % i)
        return [await pull.recv() for _ in range(50)]

    assert run(main()) == [b"%d" % i for i in range(50)]


def test_dealer_router_multipart_over_tcp(actx):
    router = new_socket(actx, zmq.ROUTER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer = new_socket(actx, zmq.DEALER, routing_id=b"dealer-1")
    dealer.connect("tcp://127.0.0.1:%d" % port)

    async def main():
        await dealer.send_multipart([b"", b"hello", b"world"])
        request = await router.recv_multipart()
        assert request == [b"dealer-1", b"", b"hello", b"world"]
        await router.send_multipart(request[:2] + [b"reply"])
        return await dealer.recv_multipart()

    assert run(main()) == [b"", b"reply"]


def test_concurrent_ping_pong_keeps_every_message(actx):
    """Two tasks per socket side, many round trips: no lost wake-up."""
    router, dealer = make_pair(actx, zmq.ROUTER, zmq.DEALER, "tcp")
    rounds = 300

    async def echo():
        for _ in range(rounds):
            msg = await router.recv_multipart()
            await router.send_multipart(msg)

    async def ping():
        got = []
        for i in range(rounds):
            await dealer.send(b"%d" % i)
            got.append(await dealer.recv())
        return got

    async def main():
        got, _ = await asyncio.gather(ping(), echo())
        return got

    assert run(main()) == [b"%d" % i for i in range(rounds)]


def test_recv_frame_without_copy(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        await a.send(b"frame data")
        frame = await b.recv(copy=False)
        assert isinstance(frame, zmq.Frame)
        assert frame.bytes == b"frame data"
        await a.send_multipart([b"1", b"2"])
        frames = await b.recv_multipart(copy=False)
        assert [f.bytes for f in frames] == [b"1", b"2"]

    run(main())


def test_send_tracked_zero_copy_returns_tracker(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    payload = b"z" * 200000  # above copy_threshold: really zero-copy

    async def main():
        tracker = await a.send(payload, copy=False, track=True)
        assert isinstance(tracker, zmq.MessageTracker)
        assert await b.recv() == payload
        deadline = time.monotonic() + 5
        while not tracker.done and time.monotonic() < deadline:
            gc.collect()
            await asyncio.sleep(0.01)
        assert tracker.done

    run(main())


def test_recv_into(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    buf = bytearray(16)

    async def main():
        pending = b.recv_into(buf)
        await a.send(b"into the buffer")
        return await pending

    assert run(main()) == len(b"into the buffer")
    assert bytes(buf[:15]) == b"into the buffer"


# ---- serialization -----------------------------------------------------------


def test_string_json_pyobj_serialized(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        await a.send_string("héllo")
        assert await b.recv_string() == "héllo"
        await a.send_string("latin", encoding="latin-1")
        assert await b.recv_string(encoding="latin-1") == "latin"
        await a.send_json({"k": [1, 2, None]})
        assert await b.recv_json() == {"k": [1, 2, None]}
        await a.send_pyobj({"set": {1, 2}, "t": (3, 4)})
        assert await b.recv_pyobj() == {"set": {1, 2}, "t": (3, 4)}
        await a.send_serialized("a,b,c", lambda s: [p.encode() for p in s.split(",")])
        assert await b.recv_serialized(lambda parts: b"+".join(parts)) == b"a+b+c"

    run(main())


def test_bad_json_fails_the_future_and_consumes_the_message(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        await a.send(b"{not json")
        await a.send(b"[1]")
        with pytest.raises(ValueError):
            await b.recv_json()
        assert await b.recv_json() == [1]

    run(main())


# ---- NOBLOCK, timeouts ---------------------------------------------------------


def test_recv_noblock_fails_at_once(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        empty = b.recv(zmq.NOBLOCK)
        await asyncio.sleep(0)  # pyzmq may complete it one loop step later
        assert empty.done()
        assert isinstance(empty.exception(), zmq.Again)
        await a.send(b"now")
        assert await b.poll(5000) == zmq.POLLIN
        ready = b.recv(zmq.NOBLOCK)
        await asyncio.sleep(0)
        assert ready.done() and ready.result() == b"now"
        with pytest.raises(zmq.Again):
            await b.recv_multipart(zmq.NOBLOCK)
        with pytest.raises(zmq.Again):
            await b.recv_string(zmq.NOBLOCK)

    run(main())


def test_send_noblock_without_peer_fails_at_once(actx):
    push = new_socket(actx, zmq.PUSH)
    push.bind("inproc://asyncio-lonely-push")

    async def main():
        with pytest.raises(zmq.Again):
            await push.send(b"nobody", zmq.NOBLOCK)

    run(main())


def test_recv_timeout_raises_again(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    b.rcvtimeo = 50

    async def main():
        start = time.monotonic()
        with pytest.raises(zmq.Again):
            await b.recv()
        elapsed = time.monotonic() - start
        assert 0.03 <= elapsed < 3.0
        with pytest.raises(zmq.Again):
            await b.recv_multipart()
        # A message sent after the timeouts is not lost.
        await a.send(b"late")
        assert await b.recv() == b"late"

    run(main())


def test_rcvtimeo_set_with_setsockopt_is_honoured(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    b.setsockopt(zmq.RCVTIMEO, 30)

    async def main():
        with pytest.raises(zmq.Again):
            await b.recv()

    run(main())


def test_context_default_rcvtimeo_applies(actx):
    actx.rcvtimeo = 30
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        with pytest.raises(zmq.Again):
            await b.recv()

    run(main())


def test_shorter_timeout_fires_first_and_message_goes_to_earlier_recv(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        b.rcvtimeo = 3000
        patient = b.recv()
        b.rcvtimeo = 30
        start = time.monotonic()
        with pytest.raises(zmq.Again):
            await b.recv()
        assert time.monotonic() - start < 2.0
        assert not patient.done()
        await a.send(b"for the patient one")
        assert await patient == b"for the patient one"

    run(main())


def test_successive_timeouts_each_fire(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    b.rcvtimeo = 40

    async def main():
        first = b.recv()
        await asyncio.sleep(0.02)
        second = b.recv()
        results = await asyncio.gather(first, second, return_exceptions=True)
        assert all(isinstance(r, zmq.Again) for r in results)
        b.rcvtimeo = -1
        await a.send(b"after both")
        assert await b.recv() == b"after both"

    run(main())


def test_send_timeout_raises_again(actx):
    push = new_socket(actx, zmq.PUSH)
    push.bind("inproc://asyncio-send-timeout")
    push.sndtimeo = 50

    async def main():
        with pytest.raises(zmq.Again):
            await push.send(b"nobody listens")

    run(main())


def test_send_waits_for_a_peer_and_keeps_order(actx):
    push = new_socket(actx, zmq.PUSH)
    port = push.bind_to_random_port("tcp://127.0.0.1")
    pull = new_socket(actx, zmq.PULL)

    async def main():
        pending = [push.send(b"%d" % i) for i in range(20)]
        await asyncio.sleep(0.02)
        assert not any(f.done() for f in pending)
        pull.connect("tcp://127.0.0.1:%d" % port)
        await asyncio.gather(*pending)
        return [await pull.recv() for _ in range(20)]

    assert run(main()) == [b"%d" % i for i in range(20)]


# ---- many waiters, cancellation ------------------------------------------------


def test_many_concurrent_recv_futures_complete_in_order(actx):
    pull, push = make_pair(actx, zmq.PULL, zmq.PUSH, "tcp")
    n = 60

    async def main():
        pending = [pull.recv() for _ in range(n)]
        assert not any(f.done() for f in pending)
        for i in range(n):
            await push.send(b"%d" % i)
        return await asyncio.gather(*pending)

    assert run(main()) == [b"%d" % i for i in range(n)]


def test_cancelled_recv_does_not_lose_the_message(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        first = b.recv()
        second = b.recv()
        first.cancel()
        await a.send(b"one")
        await a.send(b"two")
        assert await second == b"one"
        assert await b.recv() == b"two"

    run(main())


def test_cancel_after_message_is_queued_in_libzmq(actx):
    """The message is already in libzmq's queue when the recv is cancelled."""
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        waiting = b.recv()
        await asyncio.sleep(0)
        await a.send(b"kept")
        waiting.cancel()  # before the loop had a chance to deliver it
        assert await b.recv() == b"kept"

    run(main())


def test_wait_for_timeout_does_not_lose_messages(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR, "tcp")

    async def main():
        for _ in range(3):
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(b.recv_multipart(), 0.02)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(b.recv_json(), 0.02)
        await a.send_multipart([b"x", b"y"])
        await a.send_json({"after": "cancel"})
        assert await b.recv_multipart() == [b"x", b"y"]
        assert await b.recv_json() == {"after": "cancel"}

    run(main())


def _events_then_pending_recv(actx, read_events):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        pending = b.recv()
        await asyncio.sleep(0)
        await a.send(b"edge")
        assert read_events(b) & zmq.POLLIN
        return await asyncio.wait_for(pending, 5)

    assert run(main()) == b"edge"


def test_reading_events_does_not_strand_a_pending_recv(actx):
    """EVENTS consumes the FD's edge: the pending future must still complete."""
    _events_then_pending_recv(actx, lambda sock: sock.get(zmq.EVENTS))


@pytest.mark.cffi_only  # pyzmq's getsockopt alias skips the re-check and hangs
def test_getsockopt_events_does_not_strand_a_pending_recv(actx):
    _events_then_pending_recv(actx, lambda sock: sock.getsockopt(zmq.EVENTS))


def test_send_on_same_socket_does_not_strand_its_recv(actx):
    """A send may process the command that would have woken a pending recv."""
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        for i in range(30):
            pending = b.recv()
            await asyncio.sleep(0)
            a.send(b"%d" % i)
            # libzmq's send processes commands only after ~1 ms (a throttle):
            # wait past it, without yielding to the loop, so b's send eats
            # the command that made b's FD readable.
            time.sleep(0.003)
            await b.send(b"r%d" % i)
            assert await asyncio.wait_for(pending, 5) == b"%d" % i
            assert await a.recv() == b"r%d" % i

    run(main())


# ---- closing ---------------------------------------------------------------------


def test_close_cancels_pending_futures(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        recv_future = b.recv()
        poll_future = b.poll(5000)
        await asyncio.sleep(0)
        b.close()
        assert b.closed
        with pytest.raises(asyncio.CancelledError):
            await recv_future
        with pytest.raises(asyncio.CancelledError):
            await poll_future
        with pytest.raises(zmq.ZMQError):
            await b.recv()
        with pytest.raises(zmq.ZMQError):
            await b.send(b"closed")
        # The peer still works.
        assert not a.closed
        assert await a.poll(10) == 0

    run(main())


def test_close_while_a_task_awaits_recv(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        waiting = asyncio.ensure_future(b.recv_multipart())
        await asyncio.sleep(0.01)
        assert not waiting.done()
        b.close()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    run(main())


@pytest.mark.cffi_only  # pyzmq logs the error in the loop and the recv hangs
def test_terminated_context_fails_pending_recv(actx):
    sock = new_socket(actx, zmq.PULL)
    sock.bind("inproc://asyncio-term")
    terminator = threading.Thread(target=actx.term)

    async def main():
        pending = sock.recv()
        await asyncio.sleep(0)
        terminator.start()
        with pytest.raises(zmq.ContextTerminated):
            await asyncio.wait_for(pending, 5)
        sock.close()

    try:
        run(main())
    finally:
        sock.close()
        terminator.join(5)
    assert not terminator.is_alive()


def test_close_stops_watching_the_fd(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    fd = b.FD

    async def main():
        pending = b.recv()
        await asyncio.sleep(0)
        b.close()
        # remove_reader() is False when nothing was registered for the fd.
        assert asyncio.get_running_loop().remove_reader(fd) is False
        assert pending.cancelled()

    run(main())


def test_context_destroy_closes_async_sockets(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        pending = b.recv()
        await asyncio.sleep(0)
        actx.destroy(linger=0)
        assert a.closed and b.closed
        with pytest.raises(asyncio.CancelledError):
            await pending

    run(main())


# ---- poll and Poller ---------------------------------------------------------------


def test_socket_poll(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)

    async def main():
        assert await b.poll(20) == 0
        assert await b.poll(0) == 0
        assert await b.poll(100, zmq.POLLOUT) == zmq.POLLOUT
        waiting = b.poll(5000)
        await a.send(b"wake")
        assert await waiting == zmq.POLLIN
        assert await b.poll(100, zmq.POLLIN | zmq.POLLOUT) == zmq.POLLIN | zmq.POLLOUT
        assert await b.recv() == b"wake"

    run(main())


def test_poller_over_several_sockets(actx):
    pulls = [new_socket(actx, zmq.PULL) for _ in range(3)]
    pushes = [new_socket(actx, zmq.PUSH) for _ in range(3)]
    for i, (pull, push) in enumerate(zip(pulls, pushes)):
        addr = "inproc://asyncio-poller-%d" % i
        pull.bind(addr)
        push.connect(addr)
    poller = zmq_asyncio.Poller()
    for pull in pulls:
        poller.register(pull, zmq.POLLIN)

    async def main():
        start = time.monotonic()
        assert await poller.poll(30) == []
        assert time.monotonic() - start >= 0.02
        assert await poller.poll(0) == []
        waiting = poller.poll()
        await asyncio.sleep(0.01)
        assert not waiting.done()
        await pushes[1].send(b"one")
        assert await waiting == [(pulls[1], zmq.POLLIN)]
        await pushes[2].send(b"two")
        ready = dict(await poller.poll(1000))
        assert ready == {pulls[1]: zmq.POLLIN, pulls[2]: zmq.POLLIN}
        assert await pulls[1].recv() == b"one"
        assert await pulls[2].recv() == b"two"
        assert await poller.poll(10) == []

    run(main())


def test_poller_with_file_descriptor(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    rfd, wfd = os.pipe()
    poller = zmq_asyncio.Poller()
    poller.register(b, zmq.POLLIN)
    poller.register(rfd, zmq.POLLIN)

    async def main():
        assert await poller.poll(10) == []
        waiting = poller.poll(5000)
        await asyncio.sleep(0.01)
        os.write(wfd, b"!")
        assert await waiting == [(rfd, zmq.POLLIN)]
        await a.send(b"m")
        assert dict(await poller.poll(1000)) == {b: zmq.POLLIN, rfd: zmq.POLLIN}

    try:
        run(main())
    finally:
        os.close(rfd)
        os.close(wfd)


def test_poller_with_sync_socket(actx):
    sync_ctx = zmq.Context()
    try:
        pull = new_socket(sync_ctx, zmq.PULL)
        push = new_socket(sync_ctx, zmq.PUSH)
        pull.bind("inproc://asyncio-sync-in-poller")
        push.connect("inproc://asyncio-sync-in-poller")
        poller = zmq_asyncio.Poller()
        poller.register(pull, zmq.POLLIN)

        async def main():
            waiting = poller.poll(5000)
            await asyncio.sleep(0.01)
            push.send(b"sync")
            assert await waiting == [(pull, zmq.POLLIN)]

        run(main())
        assert not pull.closed  # the temporary wrapper left it open
        assert pull.recv() == b"sync"
        pull.close()
        push.close()
    finally:
        sync_ctx.destroy(linger=0)


def test_cancelled_poll_does_not_consume(actx):
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR)
    poller = zmq_asyncio.Poller()
    poller.register(b, zmq.POLLIN)

    async def main():
        waiting = poller.poll()
        await asyncio.sleep(0)
        waiting.cancel()
        await a.send(b"still here")
        assert await b.recv() == b"still here"

    run(main())


# ---- wrapping, loops -----------------------------------------------------------------


def test_from_socket_wraps_sync_socket():
    sync_ctx = zmq.Context()
    try:
        pull = new_socket(sync_ctx, zmq.PULL)
        push = new_socket(sync_ctx, zmq.PUSH)
        pull.bind("inproc://asyncio-from-socket")
        push.connect("inproc://asyncio-from-socket")
        wrapped = zmq_asyncio.Socket.from_socket(pull)
        assert isinstance(wrapped, zmq_asyncio.Socket)
        assert wrapped.underlying == pull.underlying

        async def main():
            pending = wrapped.recv()
            push.send(b"wrapped")
            return await pending

        assert run(main()) == b"wrapped"
        wrapped.close()
        assert pull.closed  # as in pyzmq, closing the wrapper closes the socket
        push.close()
    finally:
        sync_ctx.destroy(linger=0)


def test_socket_survives_a_new_event_loop(actx):
    rep, req = make_pair(actx, zmq.REP, zmq.REQ, "tcp")

    async def round_trip(word):
        await req.send(word)
        await rep.send(await rep.recv())
        return await req.recv()

    assert run(round_trip(b"first loop")) == b"first loop"
    assert run(round_trip(b"second loop")) == b"second loop"


@pytest.mark.cffi_only
def test_repr_names_the_asyncio_module(actx):
    sock = actx.socket(zmq.PUB)
    try:
        assert repr(sock).startswith("<zmq_cffi.asyncio.Socket(zmq_cffi.PUB)")
        assert repr(actx).startswith("<zmq_cffi.asyncio.Context(")
    finally:
        sock.close(linger=0)


@pytest.mark.cffi_only
def test_closed_socket_poll_raises_enotsock(actx):
    sock = actx.socket(zmq.PULL)
    sock.close()
    with pytest.raises(zmq.ZMQError) as info:
        sock.poll(10)
    assert info.value.errno == zmq.ENOTSOCK


@pytest.mark.cffi_only
def test_idle_socket_does_not_spin_the_loop(actx):
    """After a message is handled with no waiter left, the FD is drained:
    the loop sleeps instead of calling the reader again and again."""
    a, b = make_pair(actx, zmq.PAIR, zmq.PAIR, "tcp")
    calls = []

    async def main():
        original = b._serve

        def counting_serve():
            calls.append(1)
            original()

        loop = asyncio.get_running_loop()
        await a.send(b"x")
        assert await b.recv() == b"x"
        loop.remove_reader(b._fd)
        loop.add_reader(b._fd, counting_serve)
        # Reading EVENTS (nothing ready) makes libzmq signal the next message.
        assert not b.getsockopt(zmq.EVENTS) & zmq.POLLIN
        await a.send(b"unawaited")  # wakes b's FD once, nobody waits
        await asyncio.sleep(0.1)

    run(main())
    assert 0 < len(calls) < 5


def test_deprecated_install_warns():
    with pytest.warns(DeprecationWarning):
        zmq_asyncio.install()
