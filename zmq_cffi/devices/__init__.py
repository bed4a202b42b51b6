"""Devices: proxies whose sockets are created where they run (the calling
thread, a background thread, or a child process), as pyzmq's ``zmq.devices``.

``ThreadProxy(zmq.ROUTER, zmq.DEALER)`` with ``bind_in``/``bind_out`` and
``start()`` runs a queue in the background; ``MonitoredQueue`` variants add
direction prefixes on the monitor socket; ``ProxySteerable`` variants take
PAUSE/RESUME/TERMINATE commands on a control socket.
"""
from zmq_cffi.constants import DeviceType
from zmq_cffi.devices import (
    basedevice,
    monitoredqueue,
    monitoredqueuedevice,
    proxydevice,
    proxysteerabledevice,
)
from zmq_cffi.devices.basedevice import Device, ProcessDevice, ThreadDevice
from zmq_cffi.devices.monitoredqueue import monitored_queue
from zmq_cffi.devices.monitoredqueuedevice import (
    MonitoredQueue,
    ProcessMonitoredQueue,
    ThreadMonitoredQueue,
)
from zmq_cffi.devices.proxydevice import ProcessProxy, Proxy, ThreadProxy
from zmq_cffi.devices.proxysteerabledevice import (
    ProcessProxySteerable,
    ProxySteerable,
    ThreadProxySteerable,
)
from zmq_cffi._proxy import proxy

__all__ = (basedevice.__all__ + proxydevice.__all__ + proxysteerabledevice.__all__
           + monitoredqueue.__all__ + monitoredqueuedevice.__all__)
