"""The Python side of the zmq_cffi benchmark: one function per workload.

Every function takes the binding *module* (``zmq_cffi`` or pyzmq's ``zmq``)
and runs the same pyzmq-style code against it, so the one implementation
measures both bindings.  bench/c/zmqbench.c holds the same workloads in C.

A workload function is called as ``fn(zmq, count, runs, warmup, timeout_ms,
emit)`` and calls ``emit(warmup_flag, value, elapsed_s)`` once per run: first
``warmup`` runs that are not counted (PyPy's JIT compiles the loops in them),
then ``runs`` measured runs.  It raises ``Unavailable`` when the module lacks
what the workload needs (``Poller``, the ``asyncio`` submodule).

Choices, the same for every binding and for C:

* Peers run in threads of the same process.  On CPython both bindings
  release the GIL inside the blocking libzmq calls, so a thread blocked in
  recv/send does not hold back its peer.  (In the throughput workloads the
  two Python threads still take turns at the GIL; that cost is part of what a
  Python program with a sender thread pays, and both bindings pay it.)
* Throughput is measured on the receiver, from the first message received to
  the last: rate = (count - 1) / elapsed.  Connecting, thread start and the
  first message's delivery are outside the clock.
* ``multipart_3x32b`` runs over inproc (not tcp): on the 2-core machine the
  tcp I/O threads would compete with the two Python threads, and the workload
  is about the cost of the multipart calls, not of the tcp stack.
* ``big_*`` messages are 100,000 bytes.  ``copy=False`` receives keep the
  Frame only until the next one (the loop does not touch its bytes).
* Every socket has RCVTIMEO/SNDTIMEO = timeout_ms and LINGER = 0, and every
  loop is bounded by ``count``, so a stalled peer ends a run with an error
  rather than a hang.  Only 127.0.0.1 and inproc endpoints are used.  The
  event-loop workloads (asyncio_inflight, zmqstream_echo) bound each run in
  the loop instead and leave the timeouts unset, as applications do.

The last section holds workloads shaped like applications: many requests
in flight on asyncio and on tornado's ZMQStream, Jupyter's multipart message
with a large zero-copy buffer, and the socket life cycle (creation rate,
memory per idle socket).
"""
import asyncio
import ctypes
import ctypes.util
import errno
import gc
import importlib
import os
import threading
import time

SMALL = 32
BIG = 100000
POLL_SOCKETS = 10

perf_counter = time.perf_counter


class Unavailable(Exception):
    """The binding lacks something the workload needs: record, don't fail."""


class BenchError(Exception):
    """A run went wrong (timeout, wrong message, peer failure)."""


# --------------------------------------------------------------- helpers

def _socket(zmq, ctx, kind, timeout_ms):
    """A socket with LINGER 0 and, unless timeout_ms is None, RCVTIMEO and
    SNDTIMEO (event-loop workloads bound their waits in the loop instead)."""
    s = ctx.socket(kind)
    if timeout_ms is not None:
        s.setsockopt(zmq.RCVTIMEO, timeout_ms)
        s.setsockopt(zmq.SNDTIMEO, timeout_ms)
    s.setsockopt(zmq.LINGER, 0)
    return s


def _tcp_pair(zmq, ctx, bind_kind, connect_kind, timeout_ms):
    b = _socket(zmq, ctx, bind_kind, timeout_ms)
    port = b.bind_to_random_port("tcp://127.0.0.1")
    c = _socket(zmq, ctx, connect_kind, timeout_ms)
    c.connect("tcp://127.0.0.1:%d" % port)
    return b, c


def _inproc_pair(zmq, ctx, name, bind_kind, connect_kind, timeout_ms):
    endpoint = "inproc://bench-%s" % name
    b = _socket(zmq, ctx, bind_kind, timeout_ms)
    b.bind(endpoint)
    c = _socket(zmq, ctx, connect_kind, timeout_ms)
    c.connect(endpoint)
    return b, c


def _close(ctx, *socks):
    for s in socks:
        s.close()
    ctx.term()


def _start_thread(target, args, errors):
    def wrapper():
        try:
            target(*args)
        except BaseException as e:  # reported by the main thread
            errors.append("%s: %s" % (type(e).__name__, e))

    t = threading.Thread(target=wrapper, name="bench-peer", daemon=True)
    t.start()
    return t


def _join(thread, errors, timeout_s, what):
    thread.join(timeout_s)
    if thread.is_alive():
        raise BenchError("%s thread did not finish" % what)
    if errors:
        raise BenchError("%s thread failed: %s" % (what, errors[0]))


def _recv_error(zmq, e, what):
    if isinstance(e, zmq.Again):
        return BenchError("%s timed out (peer stalled?)" % what)
    return e


# ------------------------------------------------------ PUSH -> PULL loops
# One small function per send/receive mode, so that each timed loop is a
# single bound-method call per message with no branches.

def _send_copy(sock, payload, count):
    send = sock.send
    for _ in range(count):
        send(payload)


def _send_nocopy(sock, payload, count):
    send = sock.send
    for _ in range(count):
        send(payload, copy=False)


def _send_multipart(sock, payload, count):
    send_multipart = sock.send_multipart
    parts = [payload, payload, payload]
    for _ in range(count):
        send_multipart(parts)


def _recv_copy(sock, count):
    recv = sock.recv
    first = recv()
    t0 = perf_counter()
    for _ in range(count - 2):
        recv()
    last = recv()
    t1 = perf_counter()
    return t0, t1, len(first), len(last)


def _recv_nocopy(sock, count):
    recv = sock.recv
    first = recv(copy=False)
    t0 = perf_counter()
    for _ in range(count - 2):
        recv(copy=False)
    last = recv(copy=False)
    t1 = perf_counter()
    return t0, t1, len(first), len(last)


def _recv_multipart(sock, count):
    recv_multipart = sock.recv_multipart
    first = recv_multipart()
    t0 = perf_counter()
    for _ in range(count - 2):
        recv_multipart()
    last = recv_multipart()
    t1 = perf_counter()
    return t0, t1, sum(map(len, first)), sum(map(len, last))


def _push_pull(zmq, name, transport, size, sender, receiver, count, runs,
               warmup, timeout_ms, emit):
    ctx = zmq.Context()
    if transport == "tcp":
        pull, push = _tcp_pair(zmq, ctx, zmq.PULL, zmq.PUSH, timeout_ms)
    else:
        pull, push = _inproc_pair(zmq, ctx, name, zmq.PULL, zmq.PUSH, timeout_ms)
    payload = b"x" * size
    expected = size * (3 if receiver is _recv_multipart else 1)
    for r in range(warmup + runs):
        errors = []
        t = _start_thread(sender, (push, payload, count), errors)
        try:
            t0, t1, n_first, n_last = receiver(pull, count)
        except Exception as e:
            raise _recv_error(zmq, e, "%s receive" % name)
        _join(t, errors, timeout_ms / 1000.0, "sender")
        if n_first != expected or n_last != expected:
            raise BenchError("%s: got %d/%d bytes, expected %d"
                             % (name, n_first, n_last, expected))
        emit(r < warmup, (count - 1) / (t1 - t0), t1 - t0)
    _close(ctx, push, pull)


def thr_32b(zmq, *args):
    _push_pull(zmq, "thr_32b", "tcp", SMALL, _send_copy, _recv_copy, *args)


def multipart_3x32b(zmq, *args):
    _push_pull(zmq, "multipart_3x32b", "inproc", SMALL, _send_multipart,
               _recv_multipart, *args)


def big_100k_nocopy(zmq, *args):
    _push_pull(zmq, "big_100k_nocopy", "tcp", BIG, _send_nocopy,
               _recv_nocopy, *args)


def big_100k_copy(zmq, *args):
    _push_pull(zmq, "big_100k_copy", "tcp", BIG, _send_copy, _recv_copy, *args)


# ------------------------------------------------------------- latency

def _echo(sock, count):
    recv = sock.recv
    send = sock.send
    for _ in range(count):
        send(recv())


def lat_32b(zmq, count, runs, warmup, timeout_ms, emit):
    ctx = zmq.Context()
    rep, req = _tcp_pair(zmq, ctx, zmq.REP, zmq.REQ, timeout_ms)
    payload = b"x" * SMALL
    send = req.send
    recv = req.recv
    for r in range(warmup + runs):
        errors = []
        t = _start_thread(_echo, (rep, count), errors)
        reply = b""
        t0 = perf_counter()
        try:
            for _ in range(count):
                send(payload)
                reply = recv()
        except Exception as e:
            raise _recv_error(zmq, e, "lat_32b round trip")
        t1 = perf_counter()
        _join(t, errors, timeout_ms / 1000.0, "echo")
        if reply != payload:
            raise BenchError("lat_32b: wrong reply")
        emit(r < warmup, (t1 - t0) / count * 1e6, t1 - t0)
    _close(ctx, req, rep)


# ------------------------------------------------------- call overhead

def call_overhead(zmq, count, runs, warmup, timeout_ms, emit):
    ctx = zmq.Context()
    a, b = _inproc_pair(zmq, ctx, "call", zmq.PAIR, zmq.PAIR, timeout_ms)
    payload = b"x" * SMALL
    send = a.send
    recv = b.recv
    for r in range(warmup + runs):
        got = b""
        t0 = perf_counter()
        try:
            for _ in range(count):
                send(payload)
                got = recv()
        except Exception as e:
            raise _recv_error(zmq, e, "call_overhead")
        t1 = perf_counter()
        if got != payload:
            raise BenchError("call_overhead: wrong message")
        emit(r < warmup, (t1 - t0) / count * 1e9, t1 - t0)
    _close(ctx, a, b)


# ---------------------------------------------------------------- poll

def poll_idle10(zmq, count, runs, warmup, timeout_ms, emit):
    if not hasattr(zmq, "Poller"):
        raise Unavailable("%s has no Poller" % zmq.__name__)
    ctx = zmq.Context()
    socks = []
    poller = zmq.Poller()
    for i in range(POLL_SOCKETS):
        s = _socket(zmq, ctx, zmq.PULL, timeout_ms)
        s.bind("inproc://bench-poll-%d" % i)
        poller.register(s, zmq.POLLIN)
        socks.append(s)
    poll = poller.poll
    for r in range(warmup + runs):
        events = None
        t0 = perf_counter()
        for _ in range(count):
            events = poll(0)
        t1 = perf_counter()
        if events:
            raise BenchError("poll_idle10: idle sockets reported events")
        emit(r < warmup, (t1 - t0) / count * 1e6, t1 - t0)
    _close(ctx, *socks)


# ------------------------------------------------------------- asyncio

async def _async_echo(router, count):
    recv_multipart = router.recv_multipart
    send_multipart = router.send_multipart
    for _ in range(count):
        await send_multipart(await recv_multipart())


async def _async_client(dealer, payload, count):
    send = dealer.send
    recv = dealer.recv
    reply = b""
    for _ in range(count):
        await send(payload)
        reply = await recv()
    return reply


async def _asyncio_main(zmq, azmq, count, runs, warmup, timeout_ms, emit):
    ctx = azmq.Context()
    router, dealer = _tcp_pair(zmq, ctx, zmq.ROUTER, zmq.DEALER, timeout_ms)
    payload = b"x" * SMALL
    timeout_s = max(timeout_ms / 1000.0, count * 0.01)
    try:
        for r in range(warmup + runs):
            server = asyncio.ensure_future(_async_echo(router, count))
            t0 = perf_counter()
            try:
                reply = await asyncio.wait_for(
                    _async_client(dealer, payload, count), timeout_s)
            except asyncio.TimeoutError:
                server.cancel()
                raise BenchError("asyncio_rt: round trips timed out")
            t1 = perf_counter()
            await asyncio.wait_for(server, timeout_ms / 1000.0)
            if reply != payload:
                raise BenchError("asyncio_rt: wrong reply")
            emit(r < warmup, (t1 - t0) / count * 1e6, t1 - t0)
    finally:
        _close(ctx, dealer, router)


def asyncio_rt(zmq, count, runs, warmup, timeout_ms, emit):
    try:
        azmq = importlib.import_module(zmq.__name__ + ".asyncio")
    except ImportError as e:
        raise Unavailable("%s.asyncio cannot be imported (%s)" % (zmq.__name__, e))
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(
            _asyncio_main(zmq, azmq, count, runs, warmup, timeout_ms, emit))
    finally:
        loop.close()


# ------------------------------------------------ what applications do
# Workloads shaped like real pyzmq applications rather than like libzmq's
# perf tools: many requests in flight on one asyncio socket, a tornado
# ZMQStream server, Jupyter's multipart message with a large buffer, and the
# socket life cycle (creation rate, memory per idle socket).

INFLIGHT = 100          # requests in flight in asyncio_inflight / zmqstream_echo
JUPYTER_BUFFER = 1 << 20


async def _inflight_client(dealer, payload, count):
    """One of INFLIGHT concurrent requesters: `count` request/reply pairs."""
    send = dealer.send
    recv = dealer.recv
    reply = b""
    for _ in range(count):
        await send(payload)
        reply = await recv()
    return reply


async def _inflight_main(zmq, azmq, count, runs, warmup, timeout_ms, emit):
    ctx = azmq.Context()
    # No RCVTIMEO/SNDTIMEO: applications rarely set them on asyncio sockets,
    # and pyzmq arms a loop timer for every send and receive when they are set.
    router, dealer = _tcp_pair(zmq, ctx, zmq.ROUTER, zmq.DEALER, None)
    payload = b"x" * SMALL
    per_client = max(1, count // INFLIGHT)
    total = per_client * INFLIGHT
    timeout_s = max(timeout_ms / 1000.0, total * 0.001)
    try:
        for r in range(warmup + runs):
            server = asyncio.ensure_future(_async_echo(router, total))
            t0 = perf_counter()
            clients = [asyncio.ensure_future(_inflight_client(dealer, payload, per_client))
                       for _ in range(INFLIGHT)]
            try:
                replies = await asyncio.wait_for(asyncio.gather(*clients), timeout_s)
            except asyncio.TimeoutError:
                server.cancel()
                raise BenchError("asyncio_inflight: requests timed out")
            t1 = perf_counter()
            await asyncio.wait_for(server, timeout_ms / 1000.0)
            if replies != [payload] * INFLIGHT:
                raise BenchError("asyncio_inflight: wrong reply")
            emit(r < warmup, total / (t1 - t0), t1 - t0)
    finally:
        _close(ctx, dealer, router)


def asyncio_inflight(zmq, count, runs, warmup, timeout_ms, emit):
    """INFLIGHT coroutines share one zmq.asyncio DEALER; a ROUTER echoes."""
    try:
        azmq = importlib.import_module(zmq.__name__ + ".asyncio")
    except ImportError as e:
        raise Unavailable("%s.asyncio cannot be imported (%s)" % (zmq.__name__, e))
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(
            _inflight_main(zmq, azmq, count, runs, warmup, timeout_ms, emit))
    finally:
        loop.close()


def zmqstream_echo(zmq, count, runs, warmup, timeout_ms, emit):
    """A ROUTER ZMQStream echoes in on_recv; a DEALER ZMQStream keeps INFLIGHT
    requests outstanding, sending the next one from its on_recv."""
    try:
        zmqstream = importlib.import_module(zmq.__name__ + ".eventloop.zmqstream")
        from tornado.ioloop import IOLoop
    except ImportError as e:
        raise Unavailable("ZMQStream on tornado cannot be imported (%s)" % e)
    io_loop = IOLoop()  # a loop of its own (tornado >= 5: on a new asyncio loop)
    ctx = zmq.Context()
    # ZMQStream never blocks in libzmq: run_sync's timeout bounds each run.
    router, dealer = _tcp_pair(zmq, ctx, zmq.ROUTER, zmq.DEALER, None)
    server = zmqstream.ZMQStream(router, io_loop)
    client = zmqstream.ZMQStream(dealer, io_loop)
    payload = b"x" * SMALL
    window = min(INFLIGHT, count)
    state = {}

    def on_reply(msg):
        state["received"] += 1
        if state["sent"] < count:
            state["sent"] += 1
            client.send(payload)
        elif state["received"] == count:
            state["t1"] = perf_counter()
            state["done"].set_result(msg)

    server.on_recv(server.send_multipart)  # [identity, request] back to its sender
    client.on_recv(on_reply)

    async def one_run():
        state.update(sent=window, received=0,
                     done=asyncio.get_event_loop().create_future())
        t0 = perf_counter()
        for _ in range(window):
            client.send(payload)
        last = await state["done"]
        return t0, last

    timeout_s = max(timeout_ms / 1000.0, count * 0.001)
    try:
        for r in range(warmup + runs):
            try:
                t0, last = io_loop.run_sync(one_run, timeout=timeout_s)
            except TimeoutError:
                raise BenchError("zmqstream_echo: %d of %d replies in %.0fs"
                                 % (state["received"], count, timeout_s))
            if last != [payload]:
                raise BenchError("zmqstream_echo: wrong reply")
            emit(r < warmup, count / (state["t1"] - t0), state["t1"] - t0)
    finally:
        server.close()
        client.close()
        io_loop.close()
        ctx.term()


def _jupyter_message():
    """A Jupyter-style message as a DEALER client sends it: delimiter, HMAC
    signature, header, parent header, content, and one large buffer."""
    header = (b'{"msg_id": "5d3c8b2e-1f4a-4c8e-9a57-2b7e0c4d9f31_1234_56", '
              b'"msg_type": "comm_msg", "username": "bench", '
              b'"session": "5d3c8b2e-1f4a-4c8e-9a57-2b7e0c4d9f31", '
              b'"date": "2026-01-01T00:00:00.000000Z", "version": "5.3"}')
    parent = header.replace(b"comm_msg", b"execute_request")
    content = b'{"comm_id": "a3f1c2d4e5b6", "data": {"method": "update"}}'
    return [b"<IDS|MSG>", b"0123456789abcdef" * 4, header, parent, content,
            b"\0" * JUPYTER_BUFFER]


def _jupyter_echo(router, count):
    recv_multipart = router.recv_multipart
    send_multipart = router.send_multipart
    for _ in range(count):
        send_multipart(recv_multipart(copy=False), copy=False)


def jupyter_1mb(zmq, count, runs, warmup, timeout_ms, emit):
    """Round trips of a 6-part Jupyter-like message with a 1 MiB buffer: the
    DEALER sends copy=False, the ROUTER (a thread) receives copy=False and
    returns the same Frames, identity first, copy=False."""
    ctx = zmq.Context()
    router, dealer = _tcp_pair(zmq, ctx, zmq.ROUTER, zmq.DEALER, timeout_ms)
    parts = _jupyter_message()
    send_multipart = dealer.send_multipart
    recv_multipart = dealer.recv_multipart
    for r in range(warmup + runs):
        errors = []
        t = _start_thread(_jupyter_echo, (router, count), errors)
        reply = []
        t0 = perf_counter()
        try:
            for _ in range(count):
                send_multipart(parts, copy=False)
                reply = recv_multipart(copy=False)
        except Exception as e:
            raise _recv_error(zmq, e, "jupyter_1mb round trip")
        t1 = perf_counter()
        _join(t, errors, timeout_ms / 1000.0, "echo")
        if [len(f) for f in reply] != [len(p) for p in parts] or reply[2].bytes != parts[2]:
            raise BenchError("jupyter_1mb: wrong reply")
        emit(r < warmup, count / (t1 - t0), t1 - t0)
    _close(ctx, dealer, router)


def _socket_when_free(zmq, ctx, kind):
    """ctx.socket(kind) once libzmq's reaper has freed a socket slot."""
    deadline = perf_counter() + 10.0
    while True:
        try:
            return ctx.socket(kind)
        except zmq.ZMQError as e:
            if e.errno != errno.EMFILE or perf_counter() > deadline:
                raise
            time.sleep(0)


def socket_churn(zmq, count, runs, warmup, timeout_ms, emit):
    """Create a DEALER socket and close it again, `count` times.

    libzmq's reaper thread frees a closed socket's slot later; should the
    closes run ahead of it by MAX_SOCKETS, ctx.socket raises EMFILE: the
    loop waits for a free slot then (as the C version does), so the rate is
    what the context sustains."""
    ctx = zmq.Context()
    socket = ctx.socket
    kind = zmq.DEALER
    for r in range(warmup + runs):
        t0 = perf_counter()
        for _ in range(count):
            try:
                s = socket(kind)
            except zmq.ZMQError:
                s = _socket_when_free(zmq, ctx, kind)
            s.close()
        t1 = perf_counter()
        emit(r < warmup, count / (t1 - t0), t1 - t0)
    ctx.term()


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE_SIZE


def _release_free_memory():
    """Collect garbage, then give the C heap's free pages back to the OS
    (glibc malloc_trim), so that the sockets about to be made cannot fill
    pages that are already resident: without it PyPy, whose collector frees
    large blocks, shows less memory per socket than libzmq alone uses."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the reading is rougher


def mem_idle_socket(zmq, count, runs, warmup, timeout_ms, emit):
    """Resident memory added per idle (unconnected) DEALER socket, in KiB,
    over `count` sockets.  Every run has a new context, and every socket
    stays open until the end, so that no run reuses memory freed by another.
    The context's threads start with its first socket: that one is made
    before the first reading."""
    contexts = []
    try:
        for r in range(warmup + runs):
            ctx = zmq.Context()
            socks = [ctx.socket(zmq.DEALER)]
            contexts.append((ctx, socks))
            _release_free_memory()
            rss0 = _rss_bytes()
            t0 = perf_counter()
            for _ in range(count):
                socks.append(ctx.socket(zmq.DEALER))
            t1 = perf_counter()
            gc.collect()
            rss1 = _rss_bytes()
            emit(r < warmup, (rss1 - rss0) / count / 1024.0, t1 - t0)
    finally:
        for ctx, socks in contexts:
            for s in socks:
                s.close(linger=0)
            ctx.term()


FUNCTIONS = {
    "thr_32b": thr_32b,
    "lat_32b": lat_32b,
    "call_overhead": call_overhead,
    "multipart_3x32b": multipart_3x32b,
    "big_100k_nocopy": big_100k_nocopy,
    "big_100k_copy": big_100k_copy,
    "poll_idle10": poll_idle10,
    "asyncio_rt": asyncio_rt,
    "asyncio_inflight": asyncio_inflight,
    "zmqstream_echo": zmqstream_echo,
    "jupyter_1mb": jupyter_1mb,
    "socket_churn": socket_churn,
    "mem_idle_socket": mem_idle_socket,
}
