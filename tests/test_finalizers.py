"""No finalizer blocks: a Context and sockets dropped without close()/term()
never hang the program, whatever their sockets still hold.

Each case runs in a child interpreter with a timeout, so that a hang fails
the test instead of stalling the run.  The peer of the PUSH sockets is
absent, so with the default LINGER (-1) a blocking ``zmq_ctx_term`` in a
finalizer would wait for ever (pyzmq does).  zmq_cffi terminates a
collected context in a background thread (``Context.__del__``).
"""
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from _backend import zmq

pytestmark = pytest.mark.cffi_only  # pyzmq hangs in these cases

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(zmq.__file__)))

PRELUDE = textwrap.dedent("""
    import asyncio, gc, sys, threading, time, warnings
    import BACKEND as zmq
    import BACKEND.asyncio
    ADDR = "tcp://127.0.0.1:" + sys.argv[1]
    warnings.simplefilter("ignore", ResourceWarning)
""")

CASES = {
    "function": """
        def work():
            ctx = zmq.Context()
            push = ctx.socket(zmq.PUSH)
            push.connect(ADDR)
            for i in range(3):
                push.send(b"m%d" % i)
        work()
    """,
    "function_sockets_only_dropped": """
        ctx = zmq.Context()
        def work():
            push = ctx.socket(zmq.PUSH)
            push.connect(ADDR)
            push.send(b"m0")
        work()
        del ctx
    """,
    "thread": """
        def work():
            ctx = zmq.Context()
            push = ctx.socket(zmq.PUSH)
            push.connect(ADDR)
            for i in range(3):
                push.send(b"m%d" % i)
        t = threading.Thread(target=work)
        t.start()
        t.join(10)
        assert not t.is_alive()
    """,
    "asyncio": """
        async def work():
            ctx = zmq.asyncio.Context()
            push = ctx.socket(zmq.PUSH)
            push.connect(ADDR)
            for i in range(3):
                await push.send(b"m%d" % i)
        asyncio.run(work())
    """,
    "zmqstream": """
        from tornado.ioloop import IOLoop
        from BACKEND.eventloop.zmqstream import ZMQStream
        def work():
            loop = IOLoop(make_current=False)
            ctx = zmq.Context()
            stream = ZMQStream(ctx.socket(zmq.PUSH), io_loop=loop)
            stream.connect(ADDR)
            for i in range(3):
                stream.send(b"m%d" % i)
            loop.call_later(0.2, loop.stop)
            loop.start()
            loop.close(all_fds=False)
        work()
    """,
}

EPILOGUE = """
    for _ in range(3):
        gc.collect()
    print("returned", flush=True)
"""

DELIVER = """
    # The collected context lingers in the background: its queued messages
    # still reach a peer that appears later.
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = 10000
    pull.bind(ADDR)
    print(" ".join(pull.recv().decode() for _ in range(3)), flush=True)
    pull.close(linger=0)
    ctx.term()
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*parts):
    """Run PRELUDE + parts in a child interpreter; BACKEND names the backend under test."""
    script = "".join(textwrap.dedent(part) for part in (PRELUDE,) + parts)
    return subprocess.run([sys.executable, "-c", script.replace("BACKEND", zmq.__name__),
                           str(_free_port())],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("case", sorted(CASES))
def test_dropped_context_with_undeliverable_messages_does_not_hang(case):
    proc = _run(CASES[case], EPILOGUE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["returned"]


@pytest.mark.parametrize("case", ["function", "thread", "asyncio"])
def test_messages_of_a_collected_context_still_reach_a_late_peer(case):
    proc = _run(CASES[case], EPILOGUE, DELIVER)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["returned", "m0", "m1", "m2"]


def test_collected_context_warns_resourcewarning():
    script = textwrap.dedent("""
        import gc, warnings
        import %s as zmq
        warnings.simplefilter("always", ResourceWarning)
        with warnings.catch_warnings(record=True) as seen:
            ctx = zmq.Context()
            del ctx
            gc.collect()
        print([str(w.message).split(" <")[0] for w in seen if w.category is ResourceWarning])
    """ % zmq.__name__)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "['Unclosed context']"
