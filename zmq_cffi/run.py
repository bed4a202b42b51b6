"""Run a program written for pyzmq on zmq_cffi, child processes included.

Usage::

    python -m zmq_cffi.run script.py ARGS...      # a Python script
    python -m zmq_cffi.run -m package.module ARGS...   (or -c CODE, any python option)
    python -m zmq_cffi.run COMMAND ARGS...        # any program, e.g. jupyter lab, ipcluster start

The program is started with the stand-in ``zmq`` package of
:mod:`zmq_cffi.switch` first on ``PYTHONPATH``.  Every Python process it
starts inherits that setting, so each one's ``import zmq`` gives zmq_cffi
(Jupyter kernels, ipyparallel engines, multiprocessing children).  A child
started with ``python -I`` or ``-E`` ignores ``PYTHONPATH`` and gets pyzmq.
"""
import os
import sys
from typing import List, Optional

from zmq_cffi.switch import SHIM_DIR

__all__ = ["main", "switched_environ"]

USAGE = "usage: python -m zmq_cffi.run (script.py | -m module | command) [args...]"


def switched_environ(environ: Optional["os._Environ[str]"] = None) -> "dict[str, str]":
    """A copy of ``environ`` (default ``os.environ``) whose Python processes
    import zmq_cffi as ``zmq``: the stand-in package first on ``PYTHONPATH``."""
    env = dict(os.environ if environ is None else environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != SHIM_DIR]
    env["PYTHONPATH"] = os.pathsep.join([SHIM_DIR] + parts)
    return env


def _command(args: List[str]) -> List[str]:
    if args[0].startswith("-") or args[0].endswith(".py"):  # python options: -m, -c, ...
        return [sys.executable] + args
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Replace this process with the program, switched (``os.execvpe``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--":
        args = args[1:]
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        raise SystemExit(0 if args and args[0] in ("-h", "--help") else 2)
    command = _command(args)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(command[0], command, switched_environ())
    except OSError as exc:
        print("zmq_cffi.run: cannot run %s: %s" % (command[0], exc.strerror), file=sys.stderr)
        raise SystemExit(127)


if __name__ == "__main__":
    main()
