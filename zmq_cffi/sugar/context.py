"""``zmq.sugar.context``: the Context class at pyzmq's import path."""
from zmq_cffi.context import Context, SyncContext

__all__ = ["Context", "SyncContext"]
