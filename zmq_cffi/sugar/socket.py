"""``zmq.sugar.socket``: the Socket class at pyzmq's import path."""
from pickle import DEFAULT_PROTOCOL  # noqa: F401 - send_pyobj's default, named as in pyzmq

from zmq_cffi.socket import Socket, SyncSocket

__all__ = ["Socket", "SyncSocket"]
