"""The proxy: ``proxy``, ``proxy_steerable`` and the old ``device``.

The loop is zmq_cffi's own (``zmqcffi_proxy`` in ``_helpers.c``), not
libzmq's ``zmq_proxy_steerable``: libzmq 4.3.5 rewrote that function and
changed what it does (it answers every control command with a blocking send
of an empty message, so a PAIR control whose peer sent TERMINATE and closed
makes it hang or fail with EAGAIN, and a SUB or PULL control fails with
ENOTSUP; it swapped PAUSE and RESUME; it counts STATISTICS per part).  The
loop here behaves like libzmq 4.3.4's on every libzmq version.  It runs in C
without the GIL (cffi releases it around the call, on CPython and on PyPy),
so other Python threads keep running while a proxy forwards messages.

The call returns in three cases:

* the context of one of the sockets was terminated: ``ContextTerminated``
  is raised (as pyzmq does);
* a signal arrived: the C loop returns, Python runs the signal's handler and
  the loop is entered again where it stopped (paused or not, same counters),
  so a handler that raises (Ctrl-C's ``KeyboardInterrupt``) stops the proxy
  with that exception;
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


def _slot_for(sock: Any, role: str, optional: bool) -> Any:
    """The slot of ``sock`` (NULL for an omitted optional socket), after
    checking the socket may be given to libzmq.

    A closed socket is refused here by name (its slot would refuse it in C
    too, without saying which socket it was).
    """
    if sock is None and optional:
        return ffi.NULL
    if not isinstance(sock, Socket):
        expected = "a zmq_cffi Socket or None" if optional else "a zmq_cffi Socket"
        raise TypeError("%s must be %s, not %s" % (role, expected, type(sock).__name__))
    if sock.closed:
        raise ZMQError(_ENOTSOCK, "%s (%s is unusable: %s)"
                       % (strerror(_ENOTSOCK), role, sock._unusable_reason()))
    return sock._slot


def _run_proxy(frontend: Any, backend: Any, capture: Any, control: Any) -> int:
    """Run the proxy loop until it returns for a reason other than a signal.

    Without a control socket it runs until the context is terminated.
    """
    sockets = (frontend, backend, capture, control)
    slots = ffi.new("zmqcffi_slot_t *[4]", [
        _slot_for(frontend, "frontend", False),
        _slot_for(backend, "backend", False),
        _slot_for(capture, "capture", True),
        _slot_for(control, "control", True),
    ])
    # Paused or not, the counters and a message part waiting for a full
    # destination: kept across the calls that a signal separates.
    state = ffi.new("zmqcffi_proxy_state_t *")
    try:
        while True:
            rc = lib.zmqcffi_proxy(slots, state)
            if rc == 0:
                return 0
            if rc != -_EINTR:
                for role, sock in zip(("frontend", "backend", "capture", "control"), sockets):
                    if sock is not None and sock.closed:  # closed by another thread meanwhile
                        _slot_for(sock, role, True)
                raise error_for(-rc)
            # Looping back lets Python run the signal's handler; if it raised
            # (KeyboardInterrupt), the exception leaves here and the proxy stops.
    finally:
        lib.zmqcffi_proxy_end(slots, state)


def proxy(frontend: Socket[Any], backend: Socket[Any], capture: Optional[Socket[Any]] = None) -> int:
    """Forward messages between two sockets, both ways.

    Blocks in the calling thread (without holding the GIL) until the context
    of the sockets is terminated.  Whole messages are forwarded; when a
    destination is full the proxy waits for it to take more (it does not
    drop), and meanwhile goes on with the other direction.  The sockets are
    used by the proxy for the whole call: no other thread may use them
    meanwhile.  Closing one from
    another thread is safe; it is closed for Python at once, and in libzmq
    when the proxy returns.

    Parameters
    ----------
    frontend : Socket
        The socket clients talk to (e.g. ROUTER, XSUB, PULL).
    backend : Socket
        The socket workers or subscribers talk to (e.g. DEALER, XPUB, PUSH).
    capture : Socket, optional
        Receives a copy of every message forwarded in either direction, and
        of every control command (a PUB, PUSH, DEALER or PAIR socket).  It
        is sent to with blocking sends, as libzmq does: a capture socket
        that cannot keep up slows the proxy down.

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
    return _run_proxy(frontend, backend, capture, None)


def proxy_steerable(frontend: Socket[Any], backend: Socket[Any], capture: Optional[Socket[Any]] = None,
                    control: Optional[Socket[Any]] = None) -> int:
    """Run :func:`proxy`, steered by commands on a control socket.

    Commands, each a single-part message on ``control``:

    ``PAUSE`` / ``RESUME``
        Stop and restart forwarding (messages wait in the queues meanwhile).
    ``TERMINATE``
        End the proxy: this call returns 0.  A message held back for a full
        destination is dropped.
    ``STATISTICS``
        The proxy replies on ``control`` with 8 frames, each an unsigned
        64-bit native-endian integer: count and bytes received by the
        frontend, sent by the frontend, received by the backend and sent by
        the backend, in that order (a multipart message counts once).  A
        reply the control socket cannot take at once (a PAIR whose peer is
        gone) is dropped, so it never blocks the proxy.

    The same on every libzmq version: STATISTICS is answered as above, and a
    REP control socket gets an empty reply to every other command, so that
    it can take the next one (libzmq 4.3.4 answers nothing but STATISTICS,
    which leaves a REP stuck after one PAUSE; libzmq 4.3.5's own proxy
    answers every command on any socket type, with a send that blocks when
    a PAIR peer is gone, and swapped PAUSE and RESUME).  Other commands are ignored (libzmq 4.3.4 aborts the
    process); a multipart command raises ZMQError EINVAL.  A signal neither
    resumes a paused proxy nor resets its counters (with libzmq's own loop,
    both were lost when a signal made the call start again).

    Parameters
    ----------
    frontend, backend, capture : Socket
        As for :func:`proxy`.
    control : Socket, optional
        Where the commands arrive (PAIR, SUB, PULL or REP); None behaves
        like :func:`proxy`.

    Returns
    -------
    int
        0, after TERMINATE.

    Raises
    ------
    ContextTerminated
        When the context is terminated.
    TypeError, ZMQError
        As for :func:`proxy`; also ENOTSUP for STATISTICS on a control
        socket that cannot send (SUB, PULL), EINVAL for a multipart command.
    """
    return _run_proxy(frontend, backend, capture, control)


def device(device_type: int, frontend: Socket[Any], backend: Socket[Any]) -> int:
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
