"""Interpreter exit with sockets and contexts left open.

Each scenario is a small program run in a child interpreter: it leaves
sockets, contexts, queued messages (default LINGER, i.e. wait for ever),
zero-copy buffers, frames or blocked threads behind and simply ends.  It must
exit promptly with status 0 and print no traceback or "Exception ignored"
on stderr: finalizers never block on ``zmq_ctx_term`` at exit, and never crash.

The children run a few at a time, in parallel, to keep the file fast; the
time measured is from the end of the program's last statement to the end of
the process (CLOCK_MONOTONIC is system-wide on Linux, so the two clocks agree).
"""
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from _backend import BACKEND, IS_CFFI, zmq  # noqa: F401 - zmq: the backend must import

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# Exit after the last statement must take less than this (seconds); libzmq's
# own shutdown is milliseconds, the rest is slack for a loaded machine.
EXIT_BUDGET_S = 4.0
CHILD_TIMEOUT_S = 30.0

_PRELUDE = """
import gc, os, sys, threading, time
sys.path.insert(0, %r)
from _backend import zmq
""" % HERE

_EPILOGUE = """
print("END %r" % time.monotonic(), flush=True)
"""

SCENARIOS = {
    "context_only": """
ctx = zmq.Context()
""",
    "instance_with_open_sockets": """
ctx = zmq.Context.instance()
socks = [ctx.socket(t) for t in (zmq.PUB, zmq.SUB, zmq.PUSH, zmq.PULL, zmq.ROUTER, zmq.DEALER)]
""",
    "unsent_messages_default_linger_tcp": """
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.connect("tcp://127.0.0.1:9")  # nobody listens: messages stay queued
for i in range(100):
    push.send(b"pending %d" % i, zmq.NOBLOCK)
""",
    "unsent_messages_default_linger_inproc": """
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.connect("inproc://nobody-binds-this")
for i in range(100):
    push.send(b"pending %d" % i, zmq.NOBLOCK)
""",
    "peer_never_reads": """
ctx = zmq.Context()
pull = ctx.socket(zmq.PULL)
port = pull.bind_to_random_port("tcp://127.0.0.1")
push = ctx.socket(zmq.PUSH)
push.connect("tcp://127.0.0.1:%d" % port)
sent = 0
try:
    for i in range(100000):
        push.send(b"x" * 10000, zmq.NOBLOCK)
        sent += 1
except zmq.Again:
    pass
assert sent > 0
""",
    "zero_copy_in_flight": """
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.connect("tcp://127.0.0.1:9")
trackers = [push.send(bytearray(200000), copy=False, track=True) for _ in range(20)]
push.send(memoryview(bytearray(300000)), copy=False)
assert not any(t.done for t in trackers)
""",
    "frames_and_views_alive": """
ctx = zmq.Context()
a = ctx.socket(zmq.PAIR)
b = ctx.socket(zmq.PAIR)
a.bind("inproc://frames")
b.connect("inproc://frames")
for size in (10, 100000):
    a.send(b"y" * size)
frames = [b.recv(copy=False) for _ in range(2)]
views = [f.buffer for f in frames]
sent_frame = zmq.Frame(bytearray(100000), track=True)
""",
    "reference_cycle_with_del": """
class Holder:
    def __init__(self):
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.PUSH)
        self.sock.connect("tcp://127.0.0.1:9")
        self.sock.send(b"queued", zmq.NOBLOCK)
        self.me = self  # a cycle: only the cyclic GC (or exit) frees it
    def __del__(self):
        self.sock.close()  # default linger: must not block
holder = Holder()
del holder
""",
    "user_del_closes_at_exit": """
class Service:
    def __init__(self, ctx):
        self.sock = ctx.socket(zmq.DEALER)
        self.sock.connect("tcp://127.0.0.1:9")
        self.sock.send(b"queued", zmq.NOBLOCK)
    def __del__(self):
        self.sock.close()
ctx = zmq.Context()
service = Service(ctx)  # a module global: finalised during interpreter exit
""",
    "daemon_thread_blocked_in_recv": """
ctx = zmq.Context()
pull = ctx.socket(zmq.PULL)
pull.bind("inproc://blocked-at-exit")
started = threading.Event()
def worker():
    started.set()
    pull.recv()
threading.Thread(target=worker, daemon=True).start()
started.wait(5)
time.sleep(0.1)
""",
    "daemon_thread_blocked_in_poll": """
ctx = zmq.Context()
pull = ctx.socket(zmq.PULL)
pull.bind("inproc://polled-at-exit")
poller = zmq.Poller()
poller.register(pull, zmq.POLLIN)
threading.Thread(target=poller.poll, daemon=True).start()
time.sleep(0.1)
""",
    "daemon_thread_blocked_in_send": """
ctx = zmq.Context()
push = ctx.socket(zmq.PUSH)
push.sndhwm = 1
push.bind("inproc://full-at-exit")
def worker():
    while True:
        push.send(b"z" * 1000)
threading.Thread(target=worker, daemon=True).start()
time.sleep(0.1)
""",
    "many_contexts_and_sockets": """
keep = []
for i in range(20):
    ctx = zmq.Context()
    for j in range(10):
        s = ctx.socket(zmq.PUSH)
        s.connect("tcp://127.0.0.1:9")
        s.send(b"m", zmq.NOBLOCK)
        keep.append(s)
""",
    "unreferenced_garbage": """
for i in range(50):
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.connect("inproc://garbage-%d" % i)
    s.send(b"lost", zmq.NOBLOCK)
    del ctx, s
gc.collect()
""",
    "monitor_left_open": """
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
mon = s.get_monitor_socket()
s.connect("tcp://127.0.0.1:9")
""",
    "sys_exit_inside_with_block": """
ctx = zmq.Context()
s = ctx.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:9")
s.send(b"queued", zmq.NOBLOCK)
print("END %r" % time.monotonic(), flush=True)
with ctx.socket(zmq.PULL):
    sys.exit(0)
""",
    "destroyed_in_atexit_handler": """
import atexit
ctx = zmq.Context()
s = ctx.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:9")
s.send(b"queued", zmq.NOBLOCK)
atexit.register(ctx.destroy, 0)
""",
    "finished_thread_left_sockets": """
ctx = zmq.Context()
def worker():
    s = ctx.socket(zmq.PUSH)
    s.connect("tcp://127.0.0.1:9")
    s.send(b"queued", zmq.NOBLOCK)
    worker.sock = s
t = threading.Thread(target=worker)
t.start()
t.join()
""",
}

# zmq_cffi-only scenarios (modules that pyzmq lays out differently).
CFFI_SCENARIOS = {
    "daemon_thread_in_proxy": """
from zmq_cffi import proxy
ctx = zmq.Context()
front = ctx.socket(zmq.PULL)
front.bind("inproc://proxy-front")
back = ctx.socket(zmq.PUSH)
back.bind("inproc://proxy-back")
threading.Thread(target=proxy, args=(front, back), daemon=True).start()
feeder = ctx.socket(zmq.PUSH)
feeder.connect("inproc://proxy-front")
feeder.send(b"through the proxy")
time.sleep(0.1)
""",
}


def _run(name, body):
    script = _PRELUDE + body + ("" if "END %r" in body else _EPILOGUE)
    env = dict(os.environ, ZMQ_CFFI_TEST_BACKEND=BACKEND, PYTHONWARNINGS="default")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)
    try:
        out, err = proc.communicate(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"rc": "hung", "out": out, "err": err, "exit_s": None}
    ended = time.monotonic()
    exit_s = None
    for line in out.splitlines():
        if line.startswith("END "):
            exit_s = ended - float(line.split()[1])
    return {"rc": proc.returncode, "out": out, "err": err, "exit_s": exit_s}


@pytest.fixture(scope="module")
def outcomes():
    todo = dict(SCENARIOS)
    if IS_CFFI:
        todo.update(CFFI_SCENARIOS)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(_run, name, body) for name, body in todo.items()}
        return {name: future.result() for name, future in futures.items()}


def _check(outcome):
    detail = "rc=%(rc)s exit_s=%(exit_s)s\nstdout: %(out)s\nstderr: %(err)s" % outcome
    assert outcome["rc"] == 0, detail
    assert outcome["exit_s"] is not None, detail  # the program ran to its end
    assert outcome["exit_s"] < EXIT_BUDGET_S, detail
    for bad in ("Traceback", "Exception ignored", "Fatal Python error", "Assertion failed", "Segmentation"):
        assert bad not in outcome["err"], detail


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_exit_is_prompt_and_clean(outcomes, name):
    _check(outcomes[name])


@pytest.mark.cffi_only
@pytest.mark.parametrize("name", sorted(CFFI_SCENARIOS))
def test_exit_is_prompt_and_clean_cffi(outcomes, name):
    _check(outcomes[name])
