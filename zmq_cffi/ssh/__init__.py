"""Reaching ZeroMQ sockets through ssh tunnels, as pyzmq's ``zmq.ssh``.

:func:`tunnel_connection` connects a socket to an address that only an ssh
server can reach: it forwards a free local port to that address with ssh
and connects the socket to the local end::

    from zmq_cffi.ssh import tunnel_connection

    req = ctx.socket(zmq.REQ)
    tunnel_connection(req, "tcp://10.0.0.5:5555", "alice@gateway.example.com")

The tunnels are made by the OpenSSH client (``ssh``) or, with
``paramiko=True`` (the default on Windows), by paramiko in a child process.
Neither pexpect nor paramiko is required: pexpect is only used to answer a
password prompt, paramiko only for the paramiko tunnels.  See
:mod:`zmq_cffi.ssh.tunnel` for the details.
"""
from zmq_cffi.ssh import tunnel as _tunnel
from zmq_cffi.ssh.tunnel import (  # noqa: F401 (re-exported, see __all__)
    openssh_tunnel,
    paramiko_tunnel,
    ssh_tunnel,
    try_passwordless_ssh,
    tunnel_connection,
)

# pyzmq's zmq.ssh names; open_tunnel and select_random_ports stay in .tunnel.
__all__ = list(_tunnel.__all__)
