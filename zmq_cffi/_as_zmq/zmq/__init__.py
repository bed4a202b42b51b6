"""Stand-in for pyzmq's ``zmq`` package, first on ``PYTHONPATH`` under
``python -m zmq_cffi.run``: importing it switches the process to zmq_cffi,
and the import system then hands out ``zmq_cffi`` itself as ``zmq``."""
_ZMQ_CFFI_SHIM = True  # how install_as_zmq() tells this stand-in from pyzmq

from zmq_cffi.switch import install_as_zmq  # noqa: E402

install_as_zmq()
