"""Subscripting zmq's classes behaves exactly as with pyzmq (the oracle,
installed in this session as a dependency of the applications)."""
import json
import subprocess
import sys
import textwrap

# Each expression is evaluated with ``zmq`` (and ``zmq.asyncio``) imported;
# the outcome is "ok" or the exception's class name.
EXPRESSIONS = [
    "zmq.Context[int]", "zmq.Context[1]", "zmq.Context[None]", "zmq.Context[()]",
    "zmq.Context[int, str]", "zmq.Context['Socket']", "zmq.Context[zmq.Socket[bytes]]",
    "zmq.Socket[int]", "zmq.Socket[typing.Any]", "zmq.Socket[int, str]", "zmq.Socket[...]",
    "zmq.Poller[int]", "zmq.Frame[int]", "zmq.MessageTracker[int]",
    "zmq.asyncio.Socket[int]", "zmq.asyncio.Context[int]", "zmq.asyncio.Poller[int]",
    "zmq.Context[typing.Any]()", "typing.get_args(zmq.Socket[bytes])",
]

SCRIPT = textwrap.dedent("""
    import json, sys, typing
    import zmq, zmq.asyncio
    out = {}
    for expr in %r:
        try:
            value = eval(expr)
            out[expr] = "ok" if not isinstance(value, tuple) else repr(value)
            if isinstance(value, zmq.Context):
                value.term()
        except Exception as exc:
            out[expr] = type(exc).__name__
    print(json.dumps({"module": zmq.__name__, "outcomes": out}))
""" % (EXPRESSIONS,))


def _outcomes(env=None):
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_subscripting_matches_pyzmq(switched_env):
    pyzmq = _outcomes()
    ours = _outcomes(switched_env)
    assert pyzmq["module"] == "zmq"
    assert ours["module"] == "zmq_cffi"
    assert ours["outcomes"] == pyzmq["outcomes"]
