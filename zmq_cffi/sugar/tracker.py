"""``zmq.sugar.tracker``: the MessageTracker class at pyzmq's import path."""
from zmq_cffi.frame import _FINISHED_TRACKER, MessageTracker

__all__ = ["MessageTracker", "_FINISHED_TRACKER"]
