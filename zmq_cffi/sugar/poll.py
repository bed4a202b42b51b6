"""``zmq.sugar.poll``: the Poller class and select at pyzmq's import path."""
from zmq_cffi.constants import POLLERR, POLLIN, POLLOUT  # noqa: F401 - pyzmq's module has them
from zmq_cffi.poll import Poller, select, zmq_poll  # noqa: F401

__all__ = ["Poller", "select"]
