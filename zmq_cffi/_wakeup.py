"""The signal wakeup pipe that lets a signal end a blocking call at once.

Python runs a signal's handler between bytecodes, so a signal that lands just
before a blocking recv/send/poll starts to wait used to be handled only when
the call returned (after a message, after RCVTIMEO, or never).  Python's
C-level handler also writes a byte to the fd given to
:func:`signal.set_wakeup_fd`; zmq_cffi installs a pipe there, and its blocking
calls in that thread wait on the socket and the pipe together (see "a signal
just before a blocking call" in ``_helpers.c``).

It is installed once, by the first Context made in the main thread, and only
if the program has no wakeup fd of its own (asyncio and other event loops set
theirs while they run, and their own waits already see signals).  Setting
``ZMQ_CFFI_NO_SIGNAL_WAKEUP=1`` in the environment opts out (e.g. for a
library that insists on being the first to set the wakeup fd).
"""
import os
import signal
import threading
from typing import Optional, Tuple

from zmq_cffi._ffi import lib

__all__ = ["install_signal_wakeup"]

_tried = False
_fds: Optional[Tuple[int, int]] = None  # (read end, write end) once installed


def install_signal_wakeup() -> bool:
    """Install zmq_cffi's wakeup pipe if possible; True if it is in place.

    A no-op after the first call, outside the main thread, with the opt-out
    variable set, or when the program already has a wakeup fd.
    """
    global _tried, _fds
    if _tried:
        return _fds is not None
    if threading.current_thread() is not threading.main_thread():
        return False
    _tried = True
    if os.environ.get("ZMQ_CFFI_NO_SIGNAL_WAKEUP"):
        return False
    read_fd, write_fd = os.pipe()
    for fd in (read_fd, write_fd):
        os.set_blocking(fd, False)
        os.set_inheritable(fd, False)
    try:
        previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    except (ValueError, OSError):  # not the main interpreter, or refused
        previous = None
    if previous != -1:
        if previous is not None:
            signal.set_wakeup_fd(previous)  # the program's own: leave it alone
        os.close(read_fd)
        os.close(write_fd)
        return False
    _fds = (read_fd, write_fd)
    lib.zmqcffi_set_wakeup_fd(read_fd)
    return True
