"""MonitoredQueue devices: :func:`monitored_queue` run by a Device."""
from zmq_cffi.constants import SocketType
from zmq_cffi.devices.monitoredqueue import monitored_queue
from zmq_cffi.devices.proxydevice import ProcessProxy, Proxy, ProxyBase, ThreadProxy

__all__ = ["MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue"]


class MonitoredQueueBase(ProxyBase):
    """Runs :func:`monitored_queue` instead of the proxy; mixed in before a
    Proxy class to make the MonitoredQueue variants.

    Parameters
    ----------
    in_type, out_type, mon_type : int
        As for :class:`Proxy`; ROUTER on both sides is allowed.
    in_prefix, out_prefix : bytes, optional
        The frame put before the monitor's copy of each message, by the
        side it arrived on.
    """

    def __init__(self, in_type: int, out_type: int, mon_type: int = SocketType.PUB,
                 in_prefix: bytes = b"in", out_prefix: bytes = b"out") -> None:
        super().__init__(in_type=in_type, out_type=out_type, mon_type=mon_type)
        self._in_prefix = in_prefix
        self._out_prefix = out_prefix

    def run_device(self) -> None:
        """Create the sockets and run :func:`monitored_queue` on them."""
        ins, outs, mons = self._setup_sockets()
        monitored_queue(ins, outs, mons, self._in_prefix, self._out_prefix)


class MonitoredQueue(MonitoredQueueBase, Proxy):
    """A Proxy device running :func:`monitored_queue`: the monitor's copies
    start with a prefix frame naming their direction, and ROUTER-ROUTER
    queues work (:func:`zmq_cffi.proxy` cannot do either)."""


class ThreadMonitoredQueue(MonitoredQueueBase, ThreadProxy):
    """A :class:`MonitoredQueue` run in a background thread."""


class ProcessMonitoredQueue(MonitoredQueueBase, ProcessProxy):
    """A :class:`MonitoredQueue` run in a child process."""
