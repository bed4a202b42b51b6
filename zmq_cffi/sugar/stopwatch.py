"""``zmq.sugar.stopwatch``: the Stopwatch class at pyzmq's import path."""
from zmq_cffi.stopwatch import Stopwatch

__all__ = ["Stopwatch"]
