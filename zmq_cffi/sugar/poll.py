"""``zmq.sugar.poll``: the Poller class and select at pyzmq's import path."""
from zmq_cffi.poll import Poller, select

__all__ = ["Poller", "select"]
