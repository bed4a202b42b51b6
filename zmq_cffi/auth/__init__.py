"""ZAP authentication (ZeroMQ RFC 27): who may connect, as in ``zmq.auth``.

:class:`Authenticator` holds the policy (IP allow/deny lists, PLAIN
passwords, CURVE client keys); :mod:`zmq_cffi.auth.thread` serves it from a
background thread and :mod:`zmq_cffi.auth.asyncio` from an asyncio task.
:mod:`zmq_cffi.auth.certs` reads and writes CURVE certificate files.
"""
from zmq_cffi.auth.base import CURVE_ALLOW_ANY, Authenticator
from zmq_cffi.auth.certs import create_certificates, load_certificate, load_certificates

__all__ = ["Authenticator", "CURVE_ALLOW_ANY", "create_certificates", "load_certificate",
           "load_certificates"]
