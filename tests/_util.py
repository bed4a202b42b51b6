"""Plain helpers shared by the test modules (fixtures live in conftest.py)."""
import gc
import time
import uuid

from _backend import zmq

# Default send/receive timeout of test sockets: long enough for a slow CI
# machine, short enough that a broken implementation fails instead of hanging.
TIMEOUT_MS = 5000


def new_endpoint(transport, ipc_dir=None):
    """A fresh, unused address for inproc or ipc (tcp uses a wildcard port)."""
    name = uuid.uuid4().hex[:12]
    if transport == "inproc":
        return "inproc://test-" + name
    if transport == "ipc":
        return "ipc://%s/%s.sock" % (ipc_dir, name)
    if transport == "tcp":
        return "tcp://127.0.0.1:*"
    raise ValueError(transport)


def bind_any(sock, transport, ipc_dir=None):
    """Bind ``sock`` on a fresh endpoint and return the address peers connect to."""
    sock.bind(new_endpoint(transport, ipc_dir))
    return sock.getsockopt(zmq.LAST_ENDPOINT).decode()


def set_timeouts(sock, ms=TIMEOUT_MS):
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, ms)
    sock.setsockopt(zmq.SNDTIMEO, ms)


def sync_subscription(pub, sub, topic, timeout=5.0):
    """Publish probes on ``topic`` until ``sub`` sees one, then drain the probes.

    This is the slow-joiner dance: a subscription travels to the publisher
    asynchronously, so messages published right after ``subscribe`` can be lost.
    """
    if isinstance(topic, str):
        topic = topic.encode()
    probe = topic + b"\x00probe"
    deadline = time.monotonic() + timeout
    while not sub.poll(20):
        if time.monotonic() > deadline:
            raise AssertionError("subscription to %r never took effect" % topic)
        pub.send(probe)
    drained = 0
    while sub.poll(100) and drained < 10000:
        assert sub.recv() == probe
        drained += 1


def wait_tracker_done(tracker, tries):
    """Wait for a MessageTracker: up to ``tries`` rounds of a garbage
    collection and a 0.05 s wait (PyPy: a Frame holding the message may await
    a collection before libzmq can release it).  Returns ``tracker.done``."""
    for _ in range(tries):
        if tracker.done:
            break
        gc.collect()
        try:
            tracker.wait(0.05)
        except zmq.NotDone:
            pass
    return tracker.done


def wait_until(predicate, timeout=5.0, interval=0.01):
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
