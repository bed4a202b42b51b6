"""MessageTracker and zero-copy sends: completion, timeouts, and buffer safety."""
import gc
import random
import time

import pytest

from _backend import zmq
from _util import set_timeouts


@pytest.fixture
def stuck_push(ctx, ipc_dir):
    """A PUSH connected to an ipc path nobody listens on: sends queue forever."""
    s = ctx.socket(zmq.PUSH)
    set_timeouts(s)
    s.copy_threshold = 0  # always really zero-copy, whatever the size
    s.connect("ipc://%s/nobody.sock" % ipc_dir)
    return s


def test_empty_tracker_is_done():
    tracker = zmq.MessageTracker()
    assert tracker.done
    tracker.wait(0)


def test_wait_times_out_with_notdone_while_message_is_queued(stuck_push):
    tracker = stuck_push.send(b"stuck", copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    assert tracker.done is False
    start = time.monotonic()
    with pytest.raises(zmq.NotDone):
        tracker.wait(0.1)
    assert 0.05 <= time.monotonic() - start < 2
    assert not tracker.done


def test_closing_the_socket_releases_the_message(stuck_push):
    tracker = stuck_push.send(b"dropped", copy=False, track=True)
    assert not tracker.done
    stuck_push.close(linger=0)
    tracker.wait(5)
    assert tracker.done


def test_tracker_completes_after_delivery(make_pair):
    pull, push = make_pair(zmq.PULL, zmq.PUSH, transport="tcp")
    push.copy_threshold = 0
    data = bytearray(b"D" * 1000)
    tracker = push.send(data, copy=False, track=True)
    assert pull.recv() == b"D" * 1000
    gc.collect()
    tracker.wait(5)
    assert tracker.done


@pytest.mark.parametrize("size", [100, 8192, 8193, 9000, 65535, 65536, 200000])
def test_inproc_tracker_completes_once_a_copying_recv_returns(make_pair, size):
    # Over inproc libzmq hands the receiver the sender's own buffer: once
    # recv() has copied it out, nothing may keep it (not until the next recv).
    pull, push = make_pair(zmq.PULL, zmq.PUSH, transport="inproc")
    push.copy_threshold = 0
    tracker = push.send(bytearray(b"I" * size), copy=False, track=True)
    assert pull.recv() == b"I" * size
    gc.collect()
    tracker.wait(5)
    assert tracker.done


def test_copied_small_message_gives_a_done_tracker(make_pair):
    # Below copy_threshold the data is copied, so nothing is left to wait for.
    pull, push = make_pair(zmq.PULL, zmq.PUSH)
    tracker = push.send(b"tiny", copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    assert pull.recv() == b"tiny"
    tracker.wait(5)
    assert tracker.done


def test_multipart_tracker_covers_every_part(stuck_push):
    tracker = stuck_push.send_multipart([b"a", b"b", b"c"], copy=False, track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    assert not tracker.done
    stuck_push.close(linger=0)
    tracker.wait(5)
    assert tracker.done


def _payload(i):
    rnd = random.Random(i)
    return b"%06d:" % i + rnd.randbytes(rnd.randint(0, 300))


def test_thousands_of_zero_copy_sends_survive_garbage_collection(ctx):
    count = 3000
    push = ctx.socket(zmq.PUSH)
    pull = ctx.socket(zmq.PULL)
    for s in (push, pull):
        set_timeouts(s)
        s.hwm = 0  # queue everything; the receiver reads after the burst
    push.copy_threshold = 0
    pull.bind("inproc://zero-copy-burst")
    push.connect("inproc://zero-copy-burst")
    trackers = []
    for i in range(count):
        # a fresh object owned only by the message once this line is done
        tracked = i % 10 == 0
        tracker = push.send(bytes(bytearray(_payload(i))), copy=False, track=tracked)
        if tracked:
            assert isinstance(tracker, zmq.MessageTracker)
            trackers.append(tracker)
        if i % 100 == 0:
            gc.collect()
    gc.collect()
    for i in range(count):
        assert pull.recv() == _payload(i), "message %d corrupted" % i
    gc.collect()
    deadline = time.monotonic() + 10
    for tracker in trackers:
        tracker.wait(max(0.0, deadline - time.monotonic()))
    assert all(t.done for t in trackers)
