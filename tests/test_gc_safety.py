"""A failed send leaves nothing that the cyclic GC can crash on.

A NOBLOCK send that raises Again keeps the sending frame alive in the
traceback, with the pinned buffer of the message.  If the exception ends in
a reference cycle, CPython's GC clears the memoryview that the buffer pins
(tp_clear: "memoryview has 1 exported buffer") and then crashes
(SIGSEGV).  zmq_cffi releases the pinned buffer before raising.  A child
process, so that a crash fails this test instead of ending the run.
"""
import os
import subprocess
import sys
import textwrap

import pytest

from _backend import zmq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(zmq.__file__)))


@pytest.mark.parametrize("copy", [False, True], ids=["zero_copy", "copy"])
@pytest.mark.parametrize("kind", ["memoryview", "bytearray", "array"])
def test_failed_send_in_a_reference_cycle_survives_gc(copy, kind):
    script = textwrap.dedent("""
        import array, gc
        import %(zmq)s as zmq
        make = {"memoryview": lambda: memoryview(b"x" * 100000),
                "bytearray": lambda: bytearray(100000),
                "array": lambda: array.array("B", bytes(100000))}[%(kind)r]
        ctx = zmq.Context()
        push = ctx.socket(zmq.PUSH)  # no peer: a NOBLOCK send fails with Again
        refused = 0
        for i in range(5):
            try:
                push.send(make(), zmq.NOBLOCK, copy=%(copy)r)
            except zmq.Again as exc:
                refused += 1
                cycle = [exc]
                cycle.append(cycle)
                del exc, cycle
            gc.collect()
        push.close(linger=0)
        ctx.term()
        print("refused", refused)
    """ % {"zmq": zmq.__name__, "kind": kind, "copy": copy})
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["refused", "5"]
    assert "exported buffer" not in proc.stderr
