"""Stand-in for pyzmq's ``zmq`` package, first on ``PYTHONPATH`` under
``python -m zmq_cffi.run``: importing it switches the process to zmq_cffi,
and the import system then hands out ``zmq_cffi`` itself as ``zmq``."""
from zmq_cffi.switch import install_as_zmq

install_as_zmq()
