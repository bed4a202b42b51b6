"""Exceptions of zmq_cffi, and the one place where errno becomes an exception."""
from errno import EBUSY as _EBUSY
from errno import EINTR  # noqa: F401 - pyzmq's zmq.error exports it
from typing import Optional, Union

from zmq_cffi._ffi import ffi, lib

__all__ = [
    "ZMQBaseError",
    "ZMQError",
    "ContextTerminated",
    "Again",
    "InterruptedSystemCall",
    "NotDone",
    "ZMQBindError",
    "ZMQVersionError",
    "DraftFDWarning",
    "strerror",
    "zmq_errno",
]


def strerror(errno: int) -> str:
    """Return libzmq's error message for an error number.

    Parameters
    ----------
    errno : int
        The error number (a POSIX errno or one of libzmq's own, such as ETERM).
    """
    return ffi.string(lib.zmq_strerror(int(errno))).decode("utf-8", "replace")


def zmq_errno() -> int:
    """Return the errno of the calling thread's last libzmq call.

    This is the value cffi saved right after that call (``ffi.errno``): a
    fresh ``zmq_errno()`` call could see errno clobbered in between (on PyPy,
    by the GC or the JIT's own calls).
    """
    return ffi.errno


class ZMQBaseError(Exception):
    """Base class of every exception raised by zmq_cffi."""


class ZMQError(ZMQBaseError):
    """An error reported by libzmq, carrying its errno.

    Parameters
    ----------
    errno : int, optional
        The error number; by default that of the last libzmq call (``zmq_errno()``).
    msg : str, optional
        A message overriding libzmq's description of ``errno``.
    """

    errno: Optional[int] = None
    strerror: str = ""

    def __init__(self, errno: Optional[int] = None, msg: Optional[str] = None) -> None:
        if errno is None:
            errno = zmq_errno()
        if isinstance(errno, int):
            self.errno = errno
            self.strerror = msg if msg is not None else strerror(errno)
        else:
            # Old code passes only a message: ZMQError("text").
            self.strerror = str(errno) if msg is None else msg
        # args as in pyzmq: what was given, errno first (code reads e.args[0]).
        if msg is None:
            super().__init__(errno)
        else:
            super().__init__(errno, msg)

    def __str__(self) -> str:
        return self.strerror

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, str(self))


class ContextTerminated(ZMQError):
    """The socket's context was terminated (ETERM)."""

    def __init__(self, errno: Union[int, str] = "ignored", msg: str = "ignored") -> None:
        # pyzmq ignores both arguments; a message given by keyword is kept here.
        super().__init__(lib.ETERM, None if msg == "ignored" else msg)


class Again(ZMQError):
    """The operation would block (EAGAIN): nothing to receive, or the queue is full."""

    def __init__(self, errno: Union[int, str] = "ignored", msg: str = "ignored") -> None:
        super().__init__(lib.EAGAIN)


class InterruptedSystemCall(ZMQError, InterruptedError):  # type: ignore[misc]  # strerror: ZMQError's
    """A blocking call was interrupted by a signal (EINTR).

    Blocking calls of zmq_cffi retry by themselves after the signal's Python
    handler has run, so this is only raised where retrying is impossible.
    """

    def __init__(self, errno: Union[int, str] = "ignored", msg: str = "ignored") -> None:
        super().__init__(lib.EINTR)

    def __str__(self) -> str:
        return self.strerror + ": retry the call or handle the signal"


class NotDone(ZMQBaseError):
    """A MessageTracker did not complete within the timeout."""


class ZMQBindError(ZMQBaseError):
    """``bind_to_random_port`` found no free port within its tries."""


class ZMQVersionError(NotImplementedError):
    """A feature needs a newer (or draft) libzmq than the one loaded.

    Parameters
    ----------
    min_version : str
        The first libzmq version with the feature.
    msg : str, optional
        What needs it.
    """

    min_version: Optional[str] = None

    def __init__(self, min_version: str, msg: str = "Feature") -> None:
        self.min_version = min_version
        self.msg = msg
        from zmq_cffi.version import zmq_version

        self.version = zmq_version()
        super().__init__(str(self))

    def __repr__(self) -> str:
        return "ZMQVersionError('%s')" % str(self)

    def __str__(self) -> str:
        return "%s requires libzmq >= %s, have %s" % (self.msg, self.min_version, self.version)


class DraftFDWarning(RuntimeWarning):
    """pyzmq's warning about the emulated FD of thread-safe (draft) sockets.

    zmq_cffi has no draft sockets; the class exists so that code filtering
    the warning runs unchanged.
    """

    def __init__(self, msg: str = "") -> None:
        super().__init__(msg or "socket.FD on thread-safe (draft) sockets is experimental")


# errno -> exception class for the errors that have their own class.
_CLASS_FOR_ERRNO = {
    lib.EAGAIN: Again,
    lib.ETERM: ContextTerminated,
    lib.EINTR: InterruptedSystemCall,
}


def error_for(errno: int, detail: Optional[str] = None) -> ZMQError:
    """Build the exception for ``errno``; the single errno -> exception mapping.

    Parameters
    ----------
    errno : int
        A positive error number.
    detail : str, optional
        Context appended to the message, such as the endpoint of a bind.
    """
    cls = _CLASS_FOR_ERRNO.get(errno)
    if cls is not None:
        return cls()
    if errno == lib.ZMQCFFI_EINUSE:  # refused by the socket's guard (_helpers.c)
        return ZMQError(_EBUSY, "Socket in use by another thread%s: ZeroMQ sockets are not "
                        "thread-safe (give each thread its own socket; pass messages "
                        "between threads over inproc://)" % (" (%s)" % detail if detail else ""))
    err = ZMQError(errno)
    if detail:
        err.strerror = "%s (%s)" % (err.strerror, detail)
    return err


def check_rc(rc: int, detail: Optional[str] = None) -> int:
    """Raise for a helper's return code (``-errno`` on failure), else return it.

    Plain libzmq calls that signal failure with -1 go through
    :func:`check_zmq_call` instead, which reads errno right away.
    """
    if rc < 0:
        raise error_for(-rc, detail)
    return rc


def check_zmq_call(rc: int) -> int:
    """Raise for a plain libzmq call that returned -1 (errno as cffi saved it)."""
    if rc == -1:
        raise error_for(ffi.errno)
    return rc

