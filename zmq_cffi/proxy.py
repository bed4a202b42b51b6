"""libzmq's built-in proxy: ``proxy``, ``proxy_steerable`` and the old ``device``.

The proxy loop runs entirely inside libzmq (``zmq_proxy`` /
``zmq_proxy_steerable``).  CFFI releases the GIL around that call, on CPython
and on PyPy, so other Python threads keep running while a proxy forwards
messages.

libzmq returns from the loop in three cases:

* the context of one of the sockets was terminated: ``ContextTerminated``
  is raised (as pyzmq does);
* a signal interrupted its internal poll (EINTR): the call is made again,
  after Python has run the signal's handler, so a handler that raises
  (Ctrl-C's ``KeyboardInterrupt``) stops the proxy with that exception;
* ``TERMINATE`` arrived on the control socket of ``proxy_steerable``: the
  call returns 0.
"""
from typing import Any, Optional

from zmq_cffi._ffi import ffi, lib
from zmq_cffi.constants import DeviceType
from zmq_cffi.error import ZMQError, error_for, strerror
from zmq_cffi.socket import Socket

__all__ = ["proxy", "proxy_steerable", "device"]

_EINTR = lib.EINTR
_ENOTSOCK = lib.ENOTSOCK


def _handle_for(sock: Any, role: str, optional: bool) -> Any:
    """The libzmq handle of ``sock``, after checking it may be given to libzmq.

    A closed socket's handle is NULL, which ``zmq_proxy`` would take as "no
    socket" for capture/control (running on without them) and reject with an
    unhelpful EFAULT for frontend/backend, so it is refused here by name.
    """
    if sock is None and optional:
        return ffi.NULL
    if not isinstance(sock, Socket):
        expected = "a zmq_cffi Socket or None" if optional else "a zmq_cffi Socket"
        raise TypeError("%s must be %s, not %s" % (role, expected, type(sock).__name__))
    if sock.closed:
        why = sock._disowned or "the socket is closed"
        raise ZMQError(_ENOTSOCK, "%s (%s is unusable: %s)" % (strerror(_ENOTSOCK), role, why))
    return sock._handle


def _run_proxy(c_function: Any, *handles: Any) -> int:
    """Call a libzmq proxy function until it returns for a reason other than EINTR."""
    while True:
        rc = c_function(*handles)
        if rc == 0:
            return 0
        # ffi.errno is the errno saved right after the call on this thread;
        # C's errno itself may have been reused since (on PyPy notably).
        errno = ffi.errno
        if errno != _EINTR:
            raise error_for(errno)
        # Looping back lets Python run the signal's handler; if it raised
        # (KeyboardInterrupt), the exception leaves here and the proxy stops.


def proxy(frontend: Socket, backend: Socket, capture: Optional[Socket] = None) -> int:
    """Forward messages between two sockets with libzmq's built-in proxy.

    Blocks in the calling thread (without holding the GIL) until the context
    of the sockets is terminated.  The sockets are used by libzmq for the
    whole call: no other thread may touch them meanwhile.

    Parameters
    ----------
    frontend : Socket
        The socket clients talk to (e.g. ROUTER, XSUB, PULL).
    backend : Socket
        The socket workers or subscribers talk to (e.g. DEALER, XPUB, PUSH).
    capture : Socket, optional
        Receives a copy of every message part forwarded in either direction
        (a PUB, PUSH, DEALER or PAIR socket).

    Returns
    -------
    int
        Never returns normally; see Raises.

    Raises
    ------
    ContextTerminated
        When the context is terminated (the normal way a proxy ends).
    TypeError
        If an argument is not a zmq_cffi Socket.
    ZMQError
        ENOTSOCK if a socket is closed, before anything starts.
    """
    return _run_proxy(
        lib.zmq_proxy,
        _handle_for(frontend, "frontend", False),
        _handle_for(backend, "backend", False),
        _handle_for(capture, "capture", True),
    )


def proxy_steerable(frontend: Socket, backend: Socket, capture: Optional[Socket] = None,
                    control: Optional[Socket] = None) -> int:
    """Run libzmq's proxy, steered by commands on a control socket.

    Commands, each a single-part message on ``control``:

    ``PAUSE`` / ``RESUME``
        Stop and restart forwarding (messages wait in the queues meanwhile).
    ``TERMINATE``
        End the proxy: this call returns 0.
    ``STATISTICS``
        The proxy replies on ``control`` with 8 frames, each an unsigned
        64-bit native-endian integer: count and bytes received by the
        frontend, sent by the frontend, received by the backend and sent by
        the backend, in that order (libzmq 4.3.4 counts whole messages,
        4.3.5 counts message parts).

    A REP control socket gets an empty reply to every other command.  Note:
    libzmq 4.3.5 (only that release) swapped the meanings of PAUSE and RESUME.

    Parameters
    ----------
    frontend, backend, capture : Socket
        As for :func:`proxy`.
    control : Socket, optional
        Where the commands arrive (PAIR, SUB, PULL or REP); None behaves like
        :func:`proxy`.

    Returns
    -------
    int
        0, after TERMINATE.

    Raises
    ------
    ContextTerminated
        When the context is terminated.
    TypeError, ZMQError
        As for :func:`proxy`.
    """
    return _run_proxy(
        lib.zmq_proxy_steerable,
        _handle_for(frontend, "frontend", False),
        _handle_for(backend, "backend", False),
        _handle_for(capture, "capture", True),
        _handle_for(control, "control", True),
    )


def device(device_type: int, frontend: Socket, backend: Socket) -> int:
    """The pre-libzmq-3.2 spelling of :func:`proxy`, kept for old code.

    Parameters
    ----------
    device_type : int
        QUEUE, FORWARDER or STREAMER; all three forward like :func:`proxy`
        (the socket types decide the pattern).
    frontend, backend : Socket
        As for :func:`proxy`.
    """
    try:
        DeviceType(device_type)
    except ValueError:
        raise ValueError("device_type must be QUEUE, FORWARDER or STREAMER, not %r"
                         % (device_type,)) from None
    return proxy(frontend, backend)
