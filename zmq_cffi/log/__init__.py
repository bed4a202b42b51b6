"""Logging over ZeroMQ, as pyzmq's ``zmq.log``.

:mod:`zmq_cffi.log.handlers` has :class:`PUBHandler` (a ``logging.Handler``
that publishes records on a PUB socket) and :class:`TopicLogger`;
``python -m zmq_cffi.log ENDPOINT`` subscribes to such a handler and prints
what it publishes.
"""
from zmq_cffi.log.handlers import TOPIC_DELIM, PUBHandler, TopicLogger

__all__ = ["PUBHandler", "TopicLogger", "TOPIC_DELIM"]
