"""Local port forwarding over a paramiko transport (ssh ``-L`` in Python).

This is what :func:`zmq_cffi.ssh.tunnel.paramiko_tunnel` runs in its child
process: a TCP server on ``127.0.0.1:local_port`` that, for every connection
it accepts, opens a ``direct-tcpip`` channel to ``remote_host:remote_port``
through an ssh transport and copies bytes both ways until either side closes.

The transport is only used through ``open_channel(kind, dest, origin)``, and
the channel it returns through ``recv``, ``sendall``, ``fileno`` and
``close``, so paramiko itself is never imported here.
"""
import logging
import selectors
import socket
import socketserver
from typing import Any, Tuple

__all__ = ["forward_tunnel"]

logger = logging.getLogger(__name__)

_CHUNK = 32768


def _relay(a: Any, b: Any) -> None:
    """Copy bytes between ``a`` and ``b`` until one of them reaches EOF.

    Data is written with ``sendall``: a plain ``send`` may write only part of
    a chunk, which silently drops the rest (pyzmq's forwarder does that).
    """
    with selectors.DefaultSelector() as sel:
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        while True:
            for key, _ in sel.select():
                data = key.fileobj.recv(_CHUNK)  # type: ignore[union-attr]  # the sockets registered above
                if not data:
                    return
                key.data.sendall(data)


class _ChannelHandler(socketserver.BaseRequestHandler):
    """Relays one accepted connection through a new ssh channel."""

    server: "ForwardServer"

    def handle(self) -> None:
        srv = self.server
        dest = (srv.remote_host, srv.remote_port)
        try:
            chan = srv.transport.open_channel("direct-tcpip", dest, self.request.getpeername())
        except Exception as exc:  # the server refused, or the transport is gone
            logger.debug("ssh channel to %s:%d failed: %r", dest[0], dest[1], exc)
            return
        if chan is None:
            logger.debug("ssh server rejected the channel to %s:%d", dest[0], dest[1])
            return
        logger.debug("forwarding %r to %s:%d", self.request.getpeername(), dest[0], dest[1])
        try:
            _relay(self.request, chan)
        except OSError as exc:
            logger.debug("forwarded connection to %s:%d broke: %r", dest[0], dest[1], exc)
        finally:
            chan.close()


class ForwardServer(socketserver.ThreadingTCPServer):
    """A threaded TCP server that forwards its connections over ssh.

    Parameters
    ----------
    local_port : int
        Port to listen on (0 picks a free one; see ``server_address``).
    remote_host : str
        Destination host, as the ssh server resolves it.
    remote_port : int
        Destination port.
    transport : paramiko.Transport
        An authenticated transport (anything with a compatible
        ``open_channel``).
    bind_host : str, default "127.0.0.1"
        Local address to listen on.  Keep the loopback address unless other
        machines should use the tunnel.

    Call ``serve_forever()`` to run it, ``shutdown()`` from another thread
    to stop it and ``server_close()`` to release the port.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        local_port: int,
        remote_host: str,
        remote_port: int,
        transport: Any,
        bind_host: str = "127.0.0.1",
    ) -> None:
        self.remote_host = remote_host
        self.remote_port = remote_port
        self.transport = transport
        family = socket.AF_INET6 if ":" in bind_host else socket.AF_INET
        self.address_family = family
        address: Tuple[str, int] = (bind_host, local_port)
        socketserver.ThreadingTCPServer.__init__(self, address, _ChannelHandler)


def forward_tunnel(local_port: int, remote_host: str, remote_port: int, transport: Any) -> None:
    """Forward ``127.0.0.1:local_port`` to ``remote_host:remote_port`` through
    ``transport``, serving connections until the process ends.

    Parameters
    ----------
    local_port : int
        Local port to listen on, on the loopback interface.
    remote_host : str
        Destination host, as seen from the ssh server.
    remote_port : int
        Destination port.
    transport : paramiko.Transport
        An authenticated ssh transport (``SSHClient.get_transport()``).

    Notes
    -----
    Never returns normally.  Use :class:`ForwardServer` directly for a
    forwarder that can be stopped.
    """
    server = ForwardServer(local_port, remote_host, remote_port, transport)
    try:
        server.serve_forever()
    finally:
        server.server_close()
