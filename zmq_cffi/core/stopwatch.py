"""``zmq.core.stopwatch``: the Stopwatch class at its historic import path."""
from zmq_cffi.stopwatch import Stopwatch

__all__ = ["Stopwatch"]
