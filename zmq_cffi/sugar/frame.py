"""``zmq.sugar.frame``: the Frame class at pyzmq's import path."""
from zmq_cffi.frame import Frame, Message

__all__ = ["Frame", "Message"]
