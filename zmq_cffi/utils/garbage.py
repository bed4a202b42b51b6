"""``zmq.utils.garbage``: the owners of zero-copy buffers libzmq still reads.

pyzmq keeps the object behind each zero-copy message in ``gc.refs`` until a
background thread learns (over an inproc socket) that libzmq let go of it.
zmq_cffi needs no thread: libzmq's release callback queues a token in C, and
Python drops the owner the next time the queue is read.  This module gives
the same view: ``gc.refs`` maps a token to the held buffer, one entry per
message libzmq has not released yet, read fresh on every access.
"""
from typing import Any, Dict

from zmq_cffi.frame import _zero_copy

__all__ = ["GarbageCollector", "gc"]


class GarbageCollector:
    """The zero-copy owners, by token (pyzmq's ``zmq.utils.garbage.gc``).

    There is no thread to start or stop; ``start()``/``stop()`` exist for
    code that calls them, and ``is_alive()`` is always True.
    """

    @property
    def refs(self) -> Dict[int, Any]:
        """token -> held buffer, for each message libzmq has not released."""
        _zero_copy.collect()
        return dict(_zero_copy._owners)

    def start(self) -> None:
        """Nothing to start (released buffers are dropped without a thread)."""

    def stop(self) -> None:
        """Nothing to stop."""

    def is_alive(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self.refs)


#: The process-wide view, as pyzmq names it.
gc = GarbageCollector()
