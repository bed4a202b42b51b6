"""Stopwatch: microsecond timing with libzmq's own clock."""
from typing import Any

from zmq_cffi._ffi import ffi, lib
from zmq_cffi.error import ZMQError

__all__ = ["Stopwatch"]


class Stopwatch:
    """A simple stopwatch counting microseconds (``zmq_stopwatch_*``).

    Use ``start()`` then ``stop()``, which returns the elapsed time in µs.
    """

    def __init__(self) -> None:
        self._watch: Any = ffi.NULL

    def start(self) -> None:
        """Start (or restart) the stopwatch."""
        if self._watch != ffi.NULL:
            lib.zmq_stopwatch_stop(self._watch)
        self._watch = lib.zmq_stopwatch_start()

    def stop(self) -> int:
        """Stop the stopwatch and return the µs since ``start()``.

        Raises
        ------
        ZMQError
            If the stopwatch was not started.
        """
        if self._watch == ffi.NULL:
            raise ZMQError(lib.EINVAL, "Must start the Stopwatch before calling stop.")
        elapsed = lib.zmq_stopwatch_stop(self._watch)
        self._watch = ffi.NULL
        return int(elapsed)

    def __del__(self) -> None:
        # zmq_stopwatch_stop frees the watch; never leak one that was started.
        watch = getattr(self, "_watch", ffi.NULL)
        if watch != ffi.NULL:
            lib.zmq_stopwatch_stop(watch)
