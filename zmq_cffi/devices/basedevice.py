"""Device: a proxy whose sockets are created and run in a worker.

A device is configured with socket *types* and a plan for each socket
(options, binds, connects).  The sockets themselves are created where the
device runs (the calling thread, a background thread or a child process),
because a ZeroMQ socket must stay in the thread that uses it.
"""
import time
from multiprocessing import Process
from threading import Thread
from typing import Any, Callable, List, Optional, Tuple

from zmq_cffi.constants import DeviceType, Errno, SocketType
from zmq_cffi.context import Context
from zmq_cffi.error import ZMQBindError, ZMQError
from zmq_cffi._proxy import proxy
from zmq_cffi.socket import Socket

__all__ = ["Device", "ThreadDevice", "ProcessDevice"]

# How a device ends normally: its context was terminated (ETERM) or one of
# its sockets was closed under it (ENOTSOCK).  Neither is reported as an error.
_CLEAN_EXIT_ERRNOS = frozenset((Errno.ETERM, Errno.ENOTSOCK))


class _SocketPlan:
    """What to do to one of a device's sockets right after creating it."""

    __slots__ = ("sockopts", "binds", "connects")

    def __init__(self) -> None:
        self.sockopts: List[Tuple[int, Any]] = []
        self.binds: List[str] = []
        self.connects: List[str] = []


class Device:
    """A proxy between two sockets that the device creates itself.

    ``Device(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)`` describes the sockets by
    type; ``bind_in``/``connect_out``/``setsockopt_in``... record what to do
    to them, and :meth:`start` creates them, applies the plan (options first,
    so that e.g. ROUTING_ID takes effect, then binds, then connects) and runs
    the proxy.  A plain Device runs in the calling thread: ``start()`` blocks.
    Use :class:`ThreadDevice` or :class:`ProcessDevice` to run it in the
    background.

    Parameters
    ----------
    device_type : int, optional
        QUEUE, FORWARDER or STREAMER; kept for old code, every type forwards
        the same way (the socket types decide the pattern).
    in_type : int
        The type of the in (frontend) socket, e.g. zmq.ROUTER.
    out_type : int
        The type of the out (backend) socket, e.g. zmq.DEALER.  A negative
        value makes the device use the in socket for both sides.

    Attributes
    ----------
    daemon : bool
        Whether a background thread or process is a daemon (default True, so
        that a device blocked for ever never keeps the program alive).
    done : bool
        True once the device has stopped.
    context_factory : callable
        Returns the Context the sockets are made from:
        ``Context.instance`` here and for threads, ``Context`` (a fresh one)
        for processes, which must never use a context inherited through fork.
    """

    context_factory: Callable[[], Context[Any]] = Context.instance

    def __init__(self, device_type: int = DeviceType.QUEUE, in_type: Optional[int] = None,
                 out_type: Optional[int] = None) -> None:
        if in_type is None:
            raise TypeError("in_type must be specified")
        if out_type is None:
            raise TypeError("out_type must be specified")
        self.device_type = device_type
        self.in_type = in_type
        self.out_type = out_type
        self.daemon = True
        self.done = False
        self._plans = {"in": _SocketPlan(), "out": _SocketPlan()}
        self._random_addrs: List[str] = []
        self._sockets: List[Socket[Any]] = []
        self._context: Optional[Context[Any]] = None

    # ---- the plan of the in socket ---------------------------------------------

    def bind_in(self, addr: str) -> None:
        """Have the in socket bind to ``addr`` when the device starts."""
        self._plans["in"].binds.append(addr)

    def bind_in_to_random_port(self, addr: str, *args: int, **kwargs: int) -> int:
        """Pick a free port on ``addr`` now, and have the in socket bind to it.

        Takes the arguments of :meth:`Socket.bind_to_random_port`.

        Returns
        -------
        int
            The port.
        """
        return self._bind_random("in", addr, args, kwargs)

    def connect_in(self, addr: str) -> None:
        """Have the in socket connect to ``addr`` when the device starts."""
        self._plans["in"].connects.append(addr)

    def setsockopt_in(self, opt: int, value: Any) -> None:
        """Have option ``opt`` of the in socket set to ``value`` when it is created."""
        self._plans["in"].sockopts.append((opt, value))

    # ---- the plan of the out socket --------------------------------------------

    def bind_out(self, addr: str) -> None:
        """Have the out socket bind to ``addr`` when the device starts."""
        self._plans["out"].binds.append(addr)

    def bind_out_to_random_port(self, addr: str, *args: int, **kwargs: int) -> int:
        """Pick a free port on ``addr`` now, and have the out socket bind to it.

        Returns
        -------
        int
            The port.
        """
        return self._bind_random("out", addr, args, kwargs)

    def connect_out(self, addr: str) -> None:
        """Have the out socket connect to ``addr`` when the device starts."""
        self._plans["out"].connects.append(addr)

    def setsockopt_out(self, opt: int, value: Any) -> None:
        """Have option ``opt`` of the out socket set to ``value`` when it is created."""
        self._plans["out"].sockopts.append((opt, value))

    # ---- helpers ---------------------------------------------------------------

    def _bind_random(self, role: str, addr: str, args: Tuple[int, ...], kwargs: Any) -> int:
        port = self._reserve_random_port(addr, *args, **kwargs)
        self._plans[role].binds.append("%s:%i" % (addr, port))
        return port

    def _reserve_random_port(self, addr: str, *args: int, **kwargs: int) -> int:
        """Find a port on ``addr`` that is free now and not promised to another
        socket of this device.

        The port is found by binding a throw-away socket and released at once,
        so that the device's own socket can bind it later, in its worker.
        """
        ctx = Context()
        try:
            probe = ctx.socket(SocketType.PUSH)
            probe.linger = 0
            for _ in range(5):
                port = probe.bind_to_random_port(addr, *args, **kwargs)
                candidate = "%s:%i" % (addr, port)
                if candidate not in self._random_addrs:
                    self._random_addrs.append(candidate)
                    return port
            raise ZMQBindError("Could not reserve random port.")
        finally:
            ctx.destroy(linger=0)

    def _new_socket(self, socket_type: int) -> Socket[Any]:
        assert self._context is not None
        sock: Socket[Any] = self._context.socket(socket_type)
        self._sockets.append(sock)  # closed by run() whatever happens next
        return sock

    @staticmethod
    def _configure(sock: Socket[Any], plan: _SocketPlan) -> Socket[Any]:
        """Set the planned options of ``sock``, then bind it."""
        for opt, value in plan.sockopts:
            sock.setsockopt(opt, value)
        for addr in plan.binds:
            sock.bind(addr)
        return sock

    def _setup_sockets(self) -> Tuple[Socket[Any], ...]:
        """Create the device's sockets (in, out, and any more a subclass adds).

        Every socket is created and bound before any connects, so that
        sockets of one device may talk to each other.
        """
        self._context = self.context_factory()
        sockets: List[Socket[Any]] = []
        for role, socket_type in self._socket_roles():
            plan = self._plans[role]
            if role == "out" and socket_type < 0:
                # One socket serves both sides; the out plan applies to it too.
                sockets.append(self._configure(sockets[0], plan))
            else:
                sockets.append(self._configure(self._new_socket(socket_type), plan))
        for (role, _), sock in zip(self._socket_roles(), sockets):
            for addr in self._plans[role].connects:
                sock.connect(addr)
        return tuple(sockets)

    def _socket_roles(self) -> List[Tuple[str, int]]:
        """(role, socket type) of each socket, in the order run_device takes them."""
        return [("in", self.in_type), ("out", self.out_type)]

    def _close_sockets(self) -> None:
        for sock in self._sockets:
            if not sock.closed:
                sock.close()

    # ---- running ---------------------------------------------------------------

    def run_device(self) -> None:
        """Create the sockets and run the proxy; returns when it ends.

        Subclasses override this to run another loop.  Call :meth:`start`,
        not this.
        """
        ins, outs = self._setup_sockets()
        proxy(ins, outs)

    def run(self) -> None:
        """Run the device until its context is terminated, then close its sockets.

        The end of the context (ETERM) or the closing of a socket under the
        device (ENOTSOCK) is a normal stop; any other error propagates.
        """
        try:
            self.run_device()
        except ZMQError as exc:
            if exc.errno not in _CLEAN_EXIT_ERRNOS:
                raise
        finally:
            self.done = True
            self._close_sockets()

    def start(self) -> None:
        """Run the device (here: in the calling thread, blocking)."""
        self.run()

    def join(self, timeout: Optional[float] = None) -> None:
        """Wait until the device has stopped, like ``Thread.join``.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait at most; None waits for ever.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.done:
            if deadline is not None and time.monotonic() >= deadline:
                return
            time.sleep(0.001)


class BackgroundDevice(Device):
    """A Device that runs in a launcher (a Thread or a Process) of its own."""

    #: The Thread or Process class to run the device in.
    _launch_class: Any = None
    #: The Thread or Process running the device, once started.
    launcher: Any = None

    def start(self) -> None:
        """Start the device in the background and return at once."""
        self.launcher = self._launch_class(target=self.run)
        self.launcher.daemon = self.daemon
        self.launcher.start()

    def join(self, timeout: Optional[float] = None) -> None:
        """Wait for the background thread or process to end (``launcher.join``)."""
        self.launcher.join(timeout=timeout)


class ThreadDevice(BackgroundDevice):
    """A Device run in a background thread (see :class:`Device`).

    Its sockets come from ``Context.instance()``: terminating that context
    stops the device.
    """

    _launch_class = Thread


class ProcessDevice(BackgroundDevice):
    """A Device run in a child process (see :class:`Device`).

    The child makes a fresh Context (a context must never cross a fork);
    stop it with ``device.launcher.terminate()`` or by ending the program
    (the process is a daemon by default).
    """

    _launch_class = Process
    context_factory = Context
