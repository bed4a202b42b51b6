"""``zmq.sugar.socket``: the Socket class at pyzmq's import path."""
from zmq_cffi.socket import Socket, SyncSocket

__all__ = ["Socket", "SyncSocket"]
