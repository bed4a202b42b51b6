"""Old import paths (``zmq.core.*``) of pyzmq before 13, kept for old code."""
from zmq_cffi.context import Context
from zmq_cffi.socket import Socket
from zmq_cffi.stopwatch import Stopwatch

__all__ = ["Context", "Socket", "Stopwatch"]
