"""Utilities of zmq_cffi (JSON, Z85, monitoring, ...), as in ``zmq.utils``."""
