"""Steerable proxy devices: a Proxy device with a control socket that takes
PAUSE, RESUME, TERMINATE and STATISTICS commands."""
from typing import Any, List, Optional, Tuple

from zmq_cffi.constants import SocketType
from zmq_cffi.devices.basedevice import _SocketPlan
from zmq_cffi.devices.proxydevice import ProcessProxy, Proxy, ProxyBase, ThreadProxy
from zmq_cffi._proxy import proxy_steerable

__all__ = ["ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable"]


class ProxySteerableBase(ProxyBase):
    """Adds the control ("ctrl") socket to a Proxy device; mixed in before a
    Proxy class to make the ProxySteerable variants.

    Parameters
    ----------
    in_type, out_type, mon_type : int
        As for :class:`Proxy`.
    ctrl_type : int
        The type of the control socket: PAIR, SUB, PULL or REP (a REP gets
        an empty reply to every command but STATISTICS; see
        :func:`zmq_cffi.proxy_steerable`).
    """

    def __init__(self, in_type: int, out_type: int, mon_type: int = SocketType.PUB,
                 ctrl_type: Optional[int] = None) -> None:
        super().__init__(in_type=in_type, out_type=out_type, mon_type=mon_type)
        self.ctrl_type = ctrl_type
        self._plans["ctrl"] = _SocketPlan()

    def bind_ctrl(self, addr: str) -> None:
        """Have the control socket bind to ``addr`` when the device starts."""
        self._plans["ctrl"].binds.append(addr)

    def bind_ctrl_to_random_port(self, addr: str, *args: int, **kwargs: int) -> int:
        """Pick a free port on ``addr`` now, and have the control socket bind to it.

        Returns
        -------
        int
            The port.
        """
        return self._bind_random("ctrl", addr, args, kwargs)

    def connect_ctrl(self, addr: str) -> None:
        """Have the control socket connect to ``addr`` when the device starts."""
        self._plans["ctrl"].connects.append(addr)

    def setsockopt_ctrl(self, opt: int, value: Any) -> None:
        """Have option ``opt`` of the control socket set to ``value`` when it is created."""
        self._plans["ctrl"].sockopts.append((opt, value))

    def _socket_roles(self) -> List[Tuple[str, Any]]:
        return super()._socket_roles() + [("ctrl", self.ctrl_type)]

    def run_device(self) -> None:
        """Create the sockets and run :func:`zmq_cffi.proxy_steerable`.

        Returns when TERMINATE arrives on the control socket.
        """
        ins, outs, mons, ctrls = self._setup_sockets()
        proxy_steerable(ins, outs, mons, ctrls)


class ProxySteerable(ProxySteerableBase, Proxy):
    """A :class:`Proxy` steered through a control socket.

    ``PAUSE`` stops forwarding, ``RESUME`` restarts it, ``TERMINATE`` ends
    the device and ``STATISTICS`` asks for counters (see
    :func:`zmq_cffi.proxy_steerable`).  The control socket is set up
    with ``bind_ctrl``, ``connect_ctrl``, ``setsockopt_ctrl`` and
    ``bind_ctrl_to_random_port``.
    """


class ThreadProxySteerable(ProxySteerableBase, ThreadProxy):
    """A :class:`ProxySteerable` run in a background thread."""


class ProcessProxySteerable(ProxySteerableBase, ProcessProxy):
    """A :class:`ProxySteerable` run in a child process."""
