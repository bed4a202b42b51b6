"""zmq.devices: Device, Proxy, ProxySteerable and MonitoredQueue variants,
and monitored_queue."""
import importlib
import threading
import time

import pytest

from _backend import zmq
from _util import set_timeouts

devices = importlib.import_module(zmq.__name__ + ".devices")

JOIN_S = 5.0
ALL_NAMES = [
    "Device", "ThreadDevice", "ProcessDevice",
    "Proxy", "ThreadProxy", "ProcessProxy",
    "ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable",
    "MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue",
    "monitored_queue",
]


def _socket(ctx, kind, *, bind=None, connect=None):
    sock = ctx.socket(kind)
    set_timeouts(sock)
    if bind is not None:
        sock.bind(bind)
    if connect is not None:
        sock.connect(connect)
    return sock


def _quiet(dev, *roles):
    """LINGER=0 on each of the device's sockets, so that its context can end
    at once whatever is still queued."""
    for role in roles:
        getattr(dev, "setsockopt_" + role)(zmq.LINGER, 0)


def _term_bounded(ctx, main_sockets, dev):
    """Close the main thread's sockets, terminate the device's context, and
    wait (bounded) for the device to stop."""
    for sock in main_sockets:
        sock.close(linger=0)
    terminator = threading.Thread(target=ctx.term, daemon=True)
    terminator.start()
    dev.join(JOIN_S)
    terminator.join(JOIN_S)
    assert not dev.launcher.is_alive(), "the device did not stop when its context ended"
    assert not terminator.is_alive(), "Context.term() did not return"
    assert dev.done


def _with_context(dev, ctx):
    dev.context_factory = lambda: ctx
    return dev


# ---- the API -----------------------------------------------------------------


def test_devices_exports_pyzmqs_names():
    assert sorted(devices.__all__) == sorted(ALL_NAMES)
    for name in ALL_NAMES:
        assert callable(getattr(devices, name))


def test_constructors_take_pyzmqs_arguments():
    dev = devices.ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    assert (dev.device_type, dev.in_type, dev.out_type) == (zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    assert dev.daemon is True and dev.done is False
    prox = devices.ThreadProxy(zmq.PULL, zmq.PUSH, zmq.PUSH)
    assert prox.mon_type == zmq.PUSH
    assert devices.Proxy(zmq.PULL, zmq.PUSH).mon_type == zmq.PUB
    steer = devices.ProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    assert (steer.mon_type, steer.ctrl_type) == (zmq.PUB, zmq.PAIR)
    mq = devices.MonitoredQueue(zmq.ROUTER, zmq.ROUTER, zmq.PUB, b"<", b">")
    assert mq.mon_type == zmq.PUB
    with pytest.raises(TypeError):
        devices.Device(zmq.QUEUE, zmq.PULL)  # out_type missing
    with pytest.raises(TypeError):
        devices.Device(zmq.QUEUE, out_type=zmq.PUSH)  # in_type missing


def test_context_factories():
    # Threads share the process's context; a forked child must make its own.
    assert devices.ThreadDevice.context_factory == zmq.Context.instance
    assert devices.ProcessDevice.context_factory is zmq.Context
    assert devices.ProcessProxy.context_factory is zmq.Context


def test_bind_to_random_port_reserves_distinct_ports():
    dev = devices.ProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    ports = [
        dev.bind_in_to_random_port("tcp://127.0.0.1"),
        dev.bind_out_to_random_port("tcp://127.0.0.1"),
        dev.bind_mon_to_random_port("tcp://127.0.0.1"),
        dev.bind_ctrl_to_random_port("tcp://127.0.0.1"),
    ]
    assert len(set(ports)) == 4
    assert all(isinstance(p, int) and 0 < p < 65536 for p in ports)


# ---- threads ------------------------------------------------------------------


def test_thread_device_queue_serves_req_rep():
    ctx = zmq.Context()
    dev = _with_context(devices.ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER), ctx)
    port = dev.bind_in_to_random_port("tcp://127.0.0.1")
    dev.bind_out("inproc://device-workers")
    _quiet(dev, "in", "out")
    dev.start()
    client = _socket(ctx, zmq.REQ, connect="tcp://127.0.0.1:%d" % port)
    worker = _socket(ctx, zmq.REP, connect="inproc://device-workers")
    for i in range(3):
        client.send(b"question %d" % i)
        worker.send(worker.recv() + b"?")
        assert client.recv() == b"question %d?" % i
    _term_bounded(ctx, (client, worker), dev)


def test_thread_device_sets_options_before_connecting():
    ctx = zmq.Context()
    sink = _socket(ctx, zmq.ROUTER, bind="inproc://device-identity")
    source = _socket(ctx, zmq.PUSH, bind="inproc://device-source")
    dev = _with_context(devices.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.DEALER), ctx)
    dev.connect_in("inproc://device-source")
    dev.setsockopt_out(zmq.ROUTING_ID, b"the-device")
    dev.connect_out("inproc://device-identity")
    _quiet(dev, "in", "out")
    dev.start()
    source.send(b"hello")
    assert sink.recv_multipart() == [b"the-device", b"hello"]
    _term_bounded(ctx, (sink, source), dev)


def test_thread_proxy_copies_to_its_monitor():
    ctx = zmq.Context()
    tap = _socket(ctx, zmq.PULL, bind="inproc://proxy-tap")
    dev = _with_context(devices.ThreadProxy(zmq.PULL, zmq.PUSH, zmq.PUSH), ctx)
    dev.bind_in("inproc://proxy-in")
    dev.bind_out("inproc://proxy-out")
    dev.connect_mon("inproc://proxy-tap")
    _quiet(dev, "in", "out", "mon")
    dev.start()
    source = _socket(ctx, zmq.PUSH, connect="inproc://proxy-in")
    sink = _socket(ctx, zmq.PULL, connect="inproc://proxy-out")
    source.send_multipart([b"watched", b"message"])
    assert sink.recv_multipart() == [b"watched", b"message"]
    assert tap.recv_multipart() == [b"watched", b"message"]
    _term_bounded(ctx, (tap, source, sink), dev)


def test_thread_proxy_steerable_stops_on_terminate():
    ctx = zmq.Context()
    dev = _with_context(devices.ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUSH, zmq.PAIR), ctx)
    dev.bind_in("inproc://steer-in")
    dev.bind_out("inproc://steer-out")
    dev.bind_mon("inproc://steer-mon")
    dev.bind_ctrl("inproc://steer-ctrl")
    _quiet(dev, "in", "out", "mon", "ctrl")
    dev.start()
    source = _socket(ctx, zmq.PUSH, connect="inproc://steer-in")
    sink = _socket(ctx, zmq.PULL, connect="inproc://steer-out")
    tap = _socket(ctx, zmq.PULL, connect="inproc://steer-mon")
    control = _socket(ctx, zmq.PAIR, connect="inproc://steer-ctrl")
    source.send(b"through")
    assert sink.recv() == b"through"
    assert tap.recv() == b"through"
    control.send(b"STATISTICS")
    assert len(control.recv_multipart()) == 8
    control.send(b"TERMINATE")
    dev.join(JOIN_S)
    assert not dev.launcher.is_alive()
    assert dev.done
    for sock in (source, sink, tap, control):
        sock.close(linger=0)
    ctx.term()  # returns: the device closed its own sockets when it stopped


def test_thread_monitored_queue_prefixes_each_direction():
    ctx = zmq.Context()
    tap = _socket(ctx, zmq.PULL, bind="inproc://mq-tap")
    dev = _with_context(
        devices.ThreadMonitoredQueue(zmq.ROUTER, zmq.DEALER, zmq.PUSH, b"IN", b"OUT"), ctx)
    dev.bind_in("inproc://mq-in")
    dev.bind_out("inproc://mq-out")
    dev.connect_mon("inproc://mq-tap")
    _quiet(dev, "in", "out", "mon")
    dev.start()
    client = _socket(ctx, zmq.REQ)
    client.setsockopt(zmq.ROUTING_ID, b"client")
    client.connect("inproc://mq-in")
    worker = _socket(ctx, zmq.REP, connect="inproc://mq-out")
    client.send(b"request")
    assert worker.recv() == b"request"
    worker.send(b"reply")
    assert client.recv() == b"reply"
    # REQ/REP envelopes: routing id, empty delimiter, body.
    assert tap.recv_multipart() == [b"IN", b"client", b"", b"request"]
    assert tap.recv_multipart() == [b"OUT", b"client", b"", b"reply"]
    _term_bounded(ctx, (tap, client, worker), dev)


def test_plain_device_runs_in_the_calling_thread():
    ctx = zmq.Context()
    dev = _with_context(devices.Device(zmq.STREAMER, zmq.PULL, zmq.PUSH), ctx)
    dev.bind_in("inproc://plain-in")
    dev.bind_out("inproc://plain-out")
    _quiet(dev, "in", "out")
    dev.join(0.05)  # not started: join gives up after its timeout
    assert not dev.done
    # start() blocks, so run it in a thread of the test's own.
    dev.launcher = threading.Thread(target=dev.start, daemon=True)
    dev.launcher.start()
    source = _socket(ctx, zmq.PUSH, connect="inproc://plain-in")
    sink = _socket(ctx, zmq.PULL, connect="inproc://plain-out")
    source.send(b"plain")
    assert sink.recv() == b"plain"
    _term_bounded(ctx, (source, sink), dev)


# ---- processes ------------------------------------------------------------------


def test_process_proxy_end_to_end():
    dev = devices.ProcessProxy(zmq.PULL, zmq.PUSH, zmq.PUSH)
    in_port = dev.bind_in_to_random_port("tcp://127.0.0.1")
    out_port = dev.bind_out_to_random_port("tcp://127.0.0.1")
    mon_port = dev.bind_mon_to_random_port("tcp://127.0.0.1")
    _quiet(dev, "in", "out", "mon")
    dev.start()
    ctx = zmq.Context()
    try:
        source = _socket(ctx, zmq.PUSH, connect="tcp://127.0.0.1:%d" % in_port)
        sink = _socket(ctx, zmq.PULL, connect="tcp://127.0.0.1:%d" % out_port)
        tap = _socket(ctx, zmq.PULL, connect="tcp://127.0.0.1:%d" % mon_port)
        for i in range(5):
            source.send_multipart([b"from", b"parent %d" % i])
        assert [sink.recv_multipart() for _ in range(5)] == [
            [b"from", b"parent %d" % i] for i in range(5)]
        assert tap.recv_multipart() == [b"from", b"parent 0"]
        assert dev.launcher.is_alive()
    finally:
        dev.launcher.terminate()
        dev.join(JOIN_S)
        ctx.destroy(linger=0)
    assert not dev.launcher.is_alive()


# ---- monitored_queue ------------------------------------------------------------------


class _Runner(threading.Thread):
    def __init__(self, call, owned):
        super().__init__(daemon=True)
        self.call, self.owned, self.error = call, owned, None

    def run(self):
        try:
            self.call()
        except BaseException as exc:  # noqa: B902 - reported to the test
            self.error = exc
        finally:
            for sock in self.owned:
                sock.close(linger=0)


def _end_runner(ctx, main_sockets, runner):
    for sock in main_sockets:
        sock.close(linger=0)
    terminator = threading.Thread(target=ctx.term, daemon=True)
    terminator.start()
    runner.join(JOIN_S)
    terminator.join(JOIN_S)
    assert not runner.is_alive() and not terminator.is_alive()


def test_monitored_queue_default_prefixes_and_context_term():
    ctx = zmq.Context()
    ins = _socket(ctx, zmq.PAIR, bind="inproc://mqf-in")
    outs = _socket(ctx, zmq.PAIR, bind="inproc://mqf-out")
    mons = _socket(ctx, zmq.PUSH, bind="inproc://mqf-mon")
    left = _socket(ctx, zmq.PAIR, connect="inproc://mqf-in")
    right = _socket(ctx, zmq.PAIR, connect="inproc://mqf-out")
    tap = _socket(ctx, zmq.PULL, connect="inproc://mqf-mon")
    runner = _Runner(lambda: devices.monitored_queue(ins, outs, mons), (ins, outs, mons))
    runner.start()
    left.send_multipart([b"a", b"b"])
    assert right.recv_multipart() == [b"a", b"b"]
    right.send(b"c")
    assert left.recv() == b"c"
    assert tap.recv_multipart() == [b"in", b"a", b"b"]
    assert tap.recv_multipart() == [b"out", b"c"]
    _end_runner(ctx, (left, right, tap), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


def test_monitored_queue_keeps_order_under_a_burst():
    ctx = zmq.Context()
    ins = _socket(ctx, zmq.PULL, bind="inproc://mqb-in")
    outs = _socket(ctx, zmq.PUSH, bind="inproc://mqb-out")
    mons = _socket(ctx, zmq.PUSH, bind="inproc://mqb-mon")
    source = _socket(ctx, zmq.PUSH, connect="inproc://mqb-in")
    sink = _socket(ctx, zmq.PULL, connect="inproc://mqb-out")
    tap = _socket(ctx, zmq.PULL, connect="inproc://mqb-mon")
    runner = _Runner(lambda: devices.monitored_queue(ins, outs, mons, b"<", b">"),
                     (ins, outs, mons))
    runner.start()
    n = 500
    for i in range(n):
        source.send(b"%d" % i)
    assert [sink.recv() for _ in range(n)] == [b"%d" % i for i in range(n)]
    assert [tap.recv_multipart() for _ in range(n)] == [[b"<", b"%d" % i] for i in range(n)]
    _end_runner(ctx, (source, sink, tap), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


def test_monitored_queue_router_to_router_swaps_routing_ids():
    ctx = zmq.Context()
    ins = _socket(ctx, zmq.ROUTER, bind="inproc://mqr-in")
    outs = _socket(ctx, zmq.ROUTER, bind="inproc://mqr-out")
    mons = _socket(ctx, zmq.PUSH, bind="inproc://mqr-mon")
    client = _socket(ctx, zmq.DEALER)
    client.setsockopt(zmq.ROUTING_ID, b"client")
    client.connect("inproc://mqr-in")
    worker = _socket(ctx, zmq.DEALER)
    worker.setsockopt(zmq.ROUTING_ID, b"worker")
    worker.connect("inproc://mqr-out")
    tap = _socket(ctx, zmq.PULL, connect="inproc://mqr-mon")
    runner = _Runner(lambda: devices.monitored_queue(ins, outs, mons), (ins, outs, mons))
    runner.start()
    # A ROUTER drops messages to peers it does not know yet: probe until the
    # worker is reachable.
    deadline = time.monotonic() + JOIN_S
    while not worker.poll(20):
        assert time.monotonic() < deadline, "the worker never became reachable"
        client.send_multipart([b"worker", b"probe"])
    while worker.poll(50):
        assert worker.recv_multipart() == [b"client", b"probe"]
    while tap.poll(50):
        assert tap.recv_multipart() == [b"in", b"worker", b"client", b"probe"]
    # Client -> worker: the ROUTER pair delivers it with the sender's id first.
    client.send_multipart([b"worker", b"hello"])
    assert worker.recv_multipart() == [b"client", b"hello"]
    worker.send_multipart([b"client", b"hi back"])
    assert client.recv_multipart() == [b"worker", b"hi back"]
    # The monitor sees the messages after the swap.
    assert tap.recv_multipart() == [b"in", b"worker", b"client", b"hello"]
    assert tap.recv_multipart() == [b"out", b"client", b"worker", b"hi back"]
    _end_runner(ctx, (client, worker, tap), runner)
    assert isinstance(runner.error, zmq.ContextTerminated)


@pytest.mark.cffi_only
def test_monitored_queue_checks_its_arguments(ctx):
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    m = ctx.socket(zmq.PUB)
    with pytest.raises(TypeError, match="in_prefix"):
        devices.monitored_queue(a, b, m, in_prefix="text")
    with pytest.raises(TypeError, match="mon_socket"):
        devices.monitored_queue(a, b, "not a socket")
    m.close()
    with pytest.raises(zmq.ZMQError) as info:
        devices.monitored_queue(a, b, m)
    assert info.value.errno == zmq.ENOTSOCK
