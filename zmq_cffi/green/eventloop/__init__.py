"""tornado integration for zmq_cffi.green (pyzmq's ``zmq.green.eventloop``).

:mod:`.ioloop` re-exports tornado's IOLoop names (as pyzmq's does) and adds
:func:`~zmq_cffi.green.eventloop.ioloop.green_ioloop`, an IOLoop whose
waits go through gevent's hub; :mod:`.zmqstream` has ``ZMQStream``.
"""
from zmq_cffi.green.eventloop.ioloop import IOLoop

__all__ = ["IOLoop"]
