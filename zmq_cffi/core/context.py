"""``zmq.core.context``: the Context class at its historic import path."""
from zmq_cffi.context import Context

__all__ = ["Context"]
