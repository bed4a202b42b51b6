"""fork(): the child never touches the parent's libzmq state, and can start afresh.

Each test forks; the child runs its checks and leaves with ``os._exit(code)``
(never through pytest), sending any failure text back over a pipe; the parent
polls ``waitpid`` with a deadline, so a hung child fails the test instead of
hanging it.

zmq_cffi disowns every inherited context and socket in the child: using one
raises ``ZMQError`` whose message says it belongs to the parent process.
pyzmq leaves them usable-but-unsafe, so those tests are ``cffi_only``.
"""
import gc
import os
import signal
import subprocess
import sys
import threading
import time
import traceback

import pytest

from _backend import BACKEND, zmq
from _util import set_timeouts, wait_tracker_done

HERE = os.path.dirname(os.path.abspath(__file__))
CHILD_TIMEOUT_S = 15.0

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def run_in_child(check, timeout=CHILD_TIMEOUT_S):
    """Run ``check()`` in a forked child; fail here with its error, if any."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 3
        try:
            os.close(read_fd)
            check()
            code = 0
        except BaseException:  # noqa: B902 - everything goes back to the parent
            try:
                os.write(write_fd, traceback.format_exc().encode("utf-8", "replace")[-4000:])
            except BaseException:  # noqa: B902
                pass
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_fd)
        pytest.fail("the forked child hung for %.0f s" % timeout)
    with os.fdopen(read_fd, "rb") as pipe:
        report = pipe.read().decode("utf-8", "replace")
    if os.WIFSIGNALED(status):
        pytest.fail("the forked child was killed by signal %d\n%s" % (os.WTERMSIG(status), report))
    code = os.WEXITSTATUS(status)
    assert code == 0, "the forked child failed (exit %d):\n%s" % (code, report)


def _fresh_round_trip(c, transport="inproc"):
    a = c.socket(zmq.PAIR)
    b = c.socket(zmq.PAIR)
    set_timeouts(a)
    set_timeouts(b)
    a.bind("inproc://fork-fresh-%d" % os.getpid() if transport == "inproc" else "tcp://127.0.0.1:*")
    b.connect(a.last_endpoint)
    a.send_multipart([b"child", b"x" * 100000])
    assert b.recv_multipart() == [b"child", b"x" * 100000]
    b.send(bytearray(200000), copy=False)
    assert a.recv() == bytes(200000)
    a.close()
    b.close()


@pytest.fixture
def parent_pair(ctx):
    """A connected PAIR over tcp with one message waiting, made before the fork."""
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    set_timeouts(a)
    set_timeouts(b)
    a.bind("tcp://127.0.0.1:*")
    b.connect(a.last_endpoint)
    a.send(b"before fork")
    assert b.poll(5000)
    return a, b


def _assert_parent_unaffected(a, b):
    assert b.recv() == b"before fork"
    for i in range(100):
        a.send(b"after %d" % i)
    assert [b.recv() for _ in range(100)] == [b"after %d" % i for i in range(100)]
    b.send(b"reply")
    assert a.recv() == b"reply"


# ---- inherited sockets and contexts are unusable in the child -------------------------

_INHERITED_SOCKET_CALLS = {
    "send": lambda s: s.send(b"x"),
    "send_nocopy": lambda s: s.send(bytearray(100000), copy=False),
    "recv": lambda s: s.recv(zmq.NOBLOCK),
    "recv_nocopy": lambda s: s.recv(copy=False),
    "send_multipart": lambda s: s.send_multipart([b"a", b"b"]),
    "recv_multipart": lambda s: s.recv_multipart(),
    "getsockopt": lambda s: s.getsockopt(zmq.LINGER),
    "setsockopt": lambda s: s.setsockopt(zmq.LINGER, 0),
    "bind": lambda s: s.bind("tcp://127.0.0.1:*"),
    "connect": lambda s: s.connect("inproc://anything"),
    "poll": lambda s: s.poll(0),
    "poller": lambda s: (lambda p: (p.register(s, zmq.POLLIN), p.poll(0)))(zmq.Poller()),
    "monitor": lambda s: s.monitor("inproc://fork-monitor"),
}


def _assert_fork_error(call, what):
    """``call()`` must raise a ZMQError that says it is about the fork."""
    try:
        call()
    except zmq.ZMQError as exc:
        message = str(exc).lower()
        assert "fork" in message or "parent" in message, str(exc)
    else:
        raise AssertionError("%s did not raise" % what)


@pytest.mark.cffi_only  # pyzmq lets the child use (and corrupt) the parent's sockets
@pytest.mark.parametrize("name", sorted(_INHERITED_SOCKET_CALLS))
def test_child_use_of_a_parent_socket_raises_a_fork_error(parent_pair, name):
    a, b = parent_pair

    def check():
        for s in (a, b):
            _assert_fork_error(lambda: _INHERITED_SOCKET_CALLS[name](s),
                               "%s on an inherited socket" % name)
            assert s.closed
        # closing and repr stay harmless
        a.close()
        b.close(linger=0)
        repr(a)

    run_in_child(check)
    _assert_parent_unaffected(a, b)


_INHERITED_CONTEXT_CALLS = {
    "socket": lambda c: c.socket(zmq.PAIR),
    "Socket_constructor": lambda c: zmq.Socket(c, zmq.PAIR),
    "get": lambda c: c.get(zmq.IO_THREADS),
    "set": lambda c: c.set(zmq.MAX_SOCKETS, 10),
}


@pytest.mark.cffi_only  # pyzmq lets the child use the parent's context
@pytest.mark.parametrize("name", sorted(_INHERITED_CONTEXT_CALLS))
def test_child_use_of_a_parent_context_raises_a_fork_error(ctx, name):
    def check():
        _assert_fork_error(lambda: _INHERITED_CONTEXT_CALLS[name](ctx),
                           "%s on an inherited context" % name)

    run_in_child(check)
    _fresh_round_trip(ctx)  # the parent's context is untouched


@pytest.mark.cffi_only  # pyzmq's term() in the child blocks on the parent's sockets
def test_child_can_term_and_destroy_inherited_contexts_without_blocking(ctx, parent_pair):
    a, b = parent_pair

    def check():
        start = time.monotonic()
        ctx.destroy(linger=0)
        ctx.term()
        assert ctx.closed and a.closed and b.closed
        assert time.monotonic() - start < 1.0
        inst = zmq.Context.instance()
        inst.term()

    run_in_child(check)
    _assert_parent_unaffected(a, b)


@pytest.mark.cffi_only  # pyzmq's finalizers may close the parent's sockets in the child
def test_child_garbage_collecting_inherited_objects_leaves_the_parent_alone(ctx, parent_pair):
    a, b = parent_pair
    frame_sender = ctx.socket(zmq.PAIR)
    frame_receiver = ctx.socket(zmq.PAIR)
    set_timeouts(frame_sender)
    set_timeouts(frame_receiver)
    frame_sender.bind("inproc://fork-frames")
    frame_receiver.connect("inproc://fork-frames")
    frame_sender.send(b"f" * 100000)
    frame = frame_receiver.recv(copy=False)
    extra = ctx.socket(zmq.PUSH)
    extra.connect("inproc://fork-nowhere")

    def check():
        # Inherited frames are plain memory in the child: readable, then freed.
        # (ruff's F821: ``frame`` is deleted only after run_in_child)
        assert frame.bytes == b"f" * 100000  # noqa: F821
        assert frame.buffer.tobytes() == b"f" * 100000  # noqa: F821
        holder = {"extra": extra, "frame": frame}  # noqa: F821
        holder.clear()
        gc.collect()
        gc.collect()

    run_in_child(check)
    del frame
    gc.collect()
    _assert_parent_unaffected(a, b)
    frame_sender.send(b"still here")
    assert frame_receiver.recv() == b"still here"
    extra.close()


# ---- fresh starts in the child -----------------------------------------------------------

@pytest.mark.parametrize("transport", ["inproc", "tcp"])
def test_new_context_works_in_the_child(ctx, parent_pair, transport):
    a, b = parent_pair

    def check():
        c = zmq.Context()
        _fresh_round_trip(c, transport)
        c.term()

    run_in_child(check)
    _assert_parent_unaffected(a, b)


def test_instance_in_the_child_is_a_new_context(parent_pair):
    a, b = parent_pair
    parent_instance = zmq.Context.instance()
    try:
        def check():
            inst = zmq.Context.instance()
            assert inst is not parent_instance
            assert not inst.closed
            assert zmq.Context.instance() is inst
            _fresh_round_trip(inst)
            inst.term()

        run_in_child(check)
        assert zmq.Context.instance() is parent_instance
        _fresh_round_trip(parent_instance)
        _assert_parent_unaffected(a, b)
    finally:
        parent_instance.term()


def test_zero_copy_and_trackers_work_in_the_child_and_parent(ctx, ipc_dir):
    """The zero-copy release queue is usable on both sides of the fork, even if a
    libzmq thread was releasing buffers (holding the queue's lock) at fork time."""
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    set_timeouts(pull)
    set_timeouts(push)
    pull.bind("tcp://127.0.0.1:*")
    push.connect(pull.last_endpoint)
    push.copy_threshold = 0
    stop = threading.Event()

    def churn():  # keep libzmq's I/O thread calling the release callback
        while not stop.is_set():
            push.send(bytearray(1000), copy=False)
            pull.recv()

    churner = threading.Thread(target=churn, daemon=True)
    churner.start()
    try:
        time.sleep(0.05)

        def check():
            c = zmq.Context()
            x = c.socket(zmq.PAIR)
            y = c.socket(zmq.PAIR)
            set_timeouts(x)
            set_timeouts(y)
            x.bind("inproc://fork-zero-copy")
            y.connect("inproc://fork-zero-copy")
            trackers = [x.send(bytearray(b"%d" % i) * 30000, copy=False, track=True) for i in range(20)]
            for i in range(20):
                assert y.recv() == bytes(bytearray(b"%d" % i) * 30000)
            for t in trackers:
                assert wait_tracker_done(t, 50)
            x.close()
            y.close()
            c.term()

        for _ in range(3):
            run_in_child(check)
    finally:
        stop.set()
        churner.join(5)
    assert not churner.is_alive()
    tracker = push.send(bytearray(70000), copy=False, track=True)
    assert pull.recv() == bytes(70000)
    assert wait_tracker_done(tracker, 50)


# ---- a child that exits the normal way (finalizers, atexit) ------------------------------

_NORMAL_EXIT_CHILD = r"""
import gc, os, sys, time
sys.path.insert(0, {here!r})
from _backend import zmq
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.connect("tcp://127.0.0.1:9")
push.send(b"queued in the parent", zmq.NOBLOCK)   # default linger: wait for ever
inst = zmq.Context.instance()
sub = inst.socket(zmq.SUB)
pid = os.fork()
if pid == 0:
    # The child uses nothing and ends normally: finalizers and atexit run.
    gc.collect()
    sys.exit(0)
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.01)
else:
    os.kill(pid, 9)
    print("child hung", flush=True)
    os._exit(5)
print("child status", status, flush=True)
push.close(linger=0)
sub.close()
ctx.term()
inst.term()
print("parent done", flush=True)
"""


@pytest.mark.cffi_only  # pyzmq's child blocks on exit in the inherited context
def test_child_that_exits_normally_does_not_hang():
    env = dict(os.environ, ZMQ_CFFI_TEST_BACKEND=BACKEND)
    proc = subprocess.run([sys.executable, "-c", _NORMAL_EXIT_CHILD.format(here=HERE)], capture_output=True,
                          text=True, timeout=30, env=env, cwd=os.path.dirname(HERE))
    assert proc.returncode == 0, (proc.stdout, proc.stderr[-1000:])
    assert "child status 0" in proc.stdout, proc.stdout
    assert "parent done" in proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr


def test_run_in_child_reports_failures():
    """The helper itself: a failing child fails the parent's test."""
    with pytest.raises(AssertionError, match="boom"):
        run_in_child(lambda: (_ for _ in ()).throw(AssertionError("boom")))
    with pytest.raises(pytest.fail.Exception, match="hung"):
        run_in_child(lambda: time.sleep(30), timeout=0.5)
