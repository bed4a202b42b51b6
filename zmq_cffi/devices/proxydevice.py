"""Proxy devices: a Device with a third, monitor socket that gets a copy of
every message part the proxy forwards."""
from typing import Any, List, Tuple

from zmq_cffi.constants import SocketType
from zmq_cffi.devices.basedevice import Device, ProcessDevice, ThreadDevice, _SocketPlan
from zmq_cffi._proxy import proxy

__all__ = ["Proxy", "ThreadProxy", "ProcessProxy"]


class ProxyBase(Device):
    """Adds the monitor ("mon") socket to a Device; mixed in before a Device class
    (ThreadDevice, ProcessDevice) to make the Proxy variants.

    Parameters
    ----------
    in_type, out_type : int
        As for :class:`Device`.
    mon_type : int, optional
        The type of the monitor socket (default PUB, the usual choice).
    """

    def __init__(self, in_type: int, out_type: int, mon_type: int = SocketType.PUB) -> None:
        super().__init__(in_type=in_type, out_type=out_type)
        self.mon_type = mon_type
        self._plans["mon"] = _SocketPlan()

    def bind_mon(self, addr: str) -> None:
        """Have the monitor socket bind to ``addr`` when the device starts."""
        self._plans["mon"].binds.append(addr)

    def bind_mon_to_random_port(self, addr: str, *args: int, **kwargs: int) -> int:
        """Pick a free port on ``addr`` now, and have the monitor socket bind to it.

        Returns
        -------
        int
            The port.
        """
        return self._bind_random("mon", addr, args, kwargs)

    def connect_mon(self, addr: str) -> None:
        """Have the monitor socket connect to ``addr`` when the device starts."""
        self._plans["mon"].connects.append(addr)

    def setsockopt_mon(self, opt: int, value: Any) -> None:
        """Have option ``opt`` of the monitor socket set to ``value`` when it is created."""
        self._plans["mon"].sockopts.append((opt, value))

    def _socket_roles(self) -> List[Tuple[str, int]]:
        return super()._socket_roles() + [("mon", self.mon_type)]

    def run_device(self) -> None:
        """Create the sockets and run :func:`zmq_cffi.proxy` with a capture socket."""
        ins, outs, mons = self._setup_sockets()
        proxy(ins, outs, mons)


class Proxy(ProxyBase, Device):
    """A Device whose monitor socket receives a copy of every forwarded part.

    Besides the ``*_in``/``*_out`` methods of :class:`Device`, it has
    ``bind_mon``, ``connect_mon``, ``setsockopt_mon`` and
    ``bind_mon_to_random_port`` for the monitor socket.
    """


class ThreadProxy(ProxyBase, ThreadDevice):
    """A :class:`Proxy` run in a background thread."""


class ProcessProxy(ProxyBase, ProcessDevice):
    """A :class:`Proxy` run in a child process."""
