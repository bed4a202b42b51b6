"""``zmq.core.socket``: the Socket class at its historic import path."""
from zmq_cffi.socket import Socket

__all__ = ["Socket"]
