"""Frame (a single message part), MessageTracker, and zero-copy lifetimes.

Zero-copy rules, which keep every pointer valid:

* A buffer handed to libzmq without copying is pinned by ``ffi.from_buffer``;
  that cdata (and so the Python object behind it) is held in ``_zero_copy``
  under a token until libzmq calls the C release callback for the token.
* The callback runs on any thread (often libzmq's I/O thread) and only records
  the token in a C queue; Python takes the queue later and drops the owners.
* A Frame owns its ``zmq_msg_t`` through ``ffi.gc``; a memoryview of a Frame
  (``memoryview(frame)``, ``frame.buffer``, ``numpy.frombuffer(frame)``)
  holds the message itself, so it stays valid after the Frame is gone.
"""
import builtins  # noqa: F401 - for an annotation inside Frame, where bytes is a property
import itertools
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, NoReturn, Optional, Set, Union

from zmq_cffi._ffi import ffi, lib
from zmq_cffi.error import NotDone, ZMQError, check_rc

__all__ = ["Frame", "Message", "MessageTracker"]

# Below COPY_THRESHOLD the bookkeeping of zero-copy costs more than a memcpy.
from zmq_cffi.constants import COPY_THRESHOLD

_MSG_SIZE = ffi.sizeof("zmq_msg_t")
_msg_free = lib.zmqcffi_msg_free


def _new_msg() -> Any:
    """A new, initialised heap zmq_msg_t (to be owned via Frame._set_msg)."""
    raw = lib.zmqcffi_msg_new()
    if raw == ffi.NULL:
        raise MemoryError("cannot allocate a zmq_msg_t")
    return raw


class _ZeroCopyOwners:
    """Keeps the owners of zero-copy buffers alive until libzmq releases them."""

    # Take released tokens from C after this many new holds (and whenever a
    # tracker is asked), so at most this many stale owners linger.
    COLLECT_EVERY = 64

    def __init__(self) -> None:
        self._owners: Dict[int, Any] = {}
        self._tokens = itertools.count(1)
        self._since_collect = 0
        self._lock = threading.Lock()
        self._scratch = ffi.new("uint64_t[]", 512)

    def hold(self, pinned: Any) -> int:
        """Hold ``pinned`` (an ``ffi.from_buffer`` cdata) and return its token."""
        token = next(self._tokens)
        self._owners[token] = pinned
        self._since_collect += 1
        if self._since_collect >= self.COLLECT_EVERY:
            self.collect()
        return token

    def forget(self, token: int) -> None:
        """Drop a token whose message was never created."""
        self._owners.pop(token, None)

    def collect(self) -> None:
        """Release the owners of every buffer libzmq has let go of."""
        with self._lock:
            self._since_collect = 0
            scratch = self._scratch
            owners = self._owners
            while True:
                n = lib.zmqcffi_released_take(scratch, 512)
                for i in range(n):
                    owners.pop(scratch[i], None)
                if n < 512:
                    return

    def is_released(self, token: int) -> bool:
        if token in self._owners:
            self.collect()
        return token not in self._owners

    def __len__(self) -> int:
        return len(self._owners)


_zero_copy = _ZeroCopyOwners()


def pin_zero_copy(data: Any, msg: Any) -> int:
    """Initialise ``msg`` to point into ``data`` without copying; return its token.

    Raises
    ------
    TypeError
        If ``data`` does not support the buffer protocol.
    """
    pinned = ffi.from_buffer(data)
    token = _zero_copy.hold(pinned)
    rc = lib.zmqcffi_msg_init_zerocopy(msg, pinned, len(pinned), token)
    if rc < 0:
        _zero_copy.forget(token)
        check_rc(rc)
    return token


class MessageTracker:
    """Tracks whether libzmq is done with one or more zero-copy messages.

    Parameters
    ----------
    *towatch : MessageTracker, Frame or threading.Event
        What to wait for; a tracker is done when all of them are.
    """

    def __init__(self, *towatch: Any) -> None:
        self._tokens: Set[int] = set()
        self.events: Set[threading.Event] = set()
        self.peers: Set["MessageTracker"] = set()
        for obj in towatch:
            if isinstance(obj, threading.Event):
                self.events.add(obj)
            elif isinstance(obj, MessageTracker):
                self.peers.add(obj)
            elif isinstance(obj, Frame):
                if obj.tracker is None:
                    raise ValueError("Frame was not created with track=True")
                self.peers.add(obj.tracker)
            else:
                raise TypeError("Require Events, MessageTrackers or Frames, not %s" % type(obj))

    @classmethod
    def _for_token(cls, token: int) -> "MessageTracker":
        tracker = cls()
        tracker._tokens.add(token)
        return tracker

    @property
    def done(self) -> bool:
        """True once libzmq has released every message being tracked."""
        if self._tokens:
            self._tokens = {t for t in self._tokens if not _zero_copy.is_released(t)}
            if self._tokens:
                return False
        if any(not ev.is_set() for ev in self.events):
            return False
        return all(peer.done for peer in self.peers)

    def wait(self, timeout: Union[float, int, None] = -1) -> None:
        """Wait until the tracked messages are done.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait; ``-1`` or ``None`` (the default) waits for ever.

        Raises
        ------
        NotDone
            If the timeout passes first.
        """
        forever = timeout is None or timeout < 0
        deadline = 0.0 if forever else time.monotonic() + timeout  # type: ignore[operator]  # not None
        while True:
            seen = lib.zmqcffi_released_total()
            if self.done:
                return
            left_ms = 100 if forever else int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                raise NotDone
            # Sleep in C without the GIL, in slices so that signals get handled.
            lib.zmqcffi_released_wait(seen, min(left_ms, 100))
            if self.events and not self._tokens:
                for ev in self.events:
                    ev.wait(0.001)


#: A tracker that is already done: for messages that were copied.
_FINISHED_TRACKER = MessageTracker()


# The base that gives Frame the buffer protocol, so that memoryview(frame),
# numpy.frombuffer(frame), struct and hashlib read the message in place:
# each consumer's request ends in Frame.__buffer__.  CPython 3.12+ honours
# __buffer__ on any class (PEP 688); PyPy does for subclasses of its
# bufferable (numpy, through cpyext, needs that base too); CPython < 3.12
# needs a C type, built only there (zmq_cffi/_bufferable.c).
if TYPE_CHECKING:  # the buffer protocol is declared by Frame.__buffer__
    _BufferBase = object
elif sys.implementation.name == "pypy":
    from __pypy__.bufferable import bufferable as _BufferBase
elif sys.version_info >= (3, 12):
    _BufferBase = object
else:
    from zmq_cffi._bufferable import Bufferable as _BufferBase


class Frame(_BufferBase):
    """One message part, for sending and receiving without copies.

    Parameters
    ----------
    data : bytes or buffer, optional
        The content.  Without a copy, libzmq reads this object's memory
        directly, and the object is kept alive until libzmq is done with it.
    track : bool, optional
        Create a MessageTracker (``.tracker``) that tells when libzmq is done.
    copy : bool, optional
        Copy ``data`` into the frame.  By default, data shorter than
        ``copy_threshold`` is copied and longer data is not.
    copy_threshold : int, optional
        The size below which ``copy=None`` copies; default ``zmq.COPY_THRESHOLD``.
    """

    # _msg: the frame's zmq_msg_t, or None while the frame is only bytes.
    # _owner: the gc-tracked cdata whose collection frees _msg; views from
    # .buffer hold it too, so the message outlives every view.
    __slots__ = ("_msg", "_owner", "_bytes", "_data", "more", "tracker", "__weakref__")

    def __init__(self, data: Any = None, track: bool = False, copy: Optional[bool] = None,
                 copy_threshold: Optional[int] = None) -> None:
        self.more = False
        self.tracker: Optional[MessageTracker] = None
        self._msg = self._owner = None
        self._data = data
        if data is None:
            data = self._bytes = b""
            self._data = data
        elif isinstance(data, str):
            raise TypeError("Str objects not allowed. Only: bytes, buffers; encode it first")
        elif isinstance(data, Frame):
            data = data.bytes
            self._data = data
        if type(data) is not bytes:
            view = memoryview(data)  # TypeError without the buffer protocol
            if not view.contiguous:
                raise BufferError("a Frame needs contiguous memory (got a strided view)")
        if copy is None:
            threshold = COPY_THRESHOLD if copy_threshold is None else copy_threshold
            copy = memoryview(data).nbytes < threshold
        if copy:
            self._bytes = data if type(data) is bytes else bytes(memoryview(data))
            self._data = self._bytes
            if track:
                self.tracker = _FINISHED_TRACKER
            return
        self._bytes = None  # type: ignore[assignment]  # made from the message on demand
        raw = _new_msg()
        try:
            token = pin_zero_copy(data, raw)
        except BaseException:
            _msg_free(raw)
            raise
        self._set_msg(raw)
        if track:
            self.tracker = MessageTracker._for_token(token)

    def _set_msg(self, raw: Any, data: Any = None, size: int = -1) -> None:
        """Adopt a heap zmq_msg_t: it is freed once the frame and its views are gone."""
        if data is None:
            data = lib.zmq_msg_data(raw)
            size = lib.zmq_msg_size(raw)
        self._msg = raw
        # The destructor closes over the raw pointer, so a view made from
        # _owner frees the message by itself, in a single collection.
        self._owner = ffi.gc(ffi.cast("char *", data), lambda _data: _msg_free(raw),
                             size + _MSG_SIZE)

    @classmethod
    def _from_msg(cls, raw: Any, data: Any = None, size: int = -1, more: int = -1) -> "Frame":
        """Wrap a received heap ``zmq_msg_t``, taking ownership of it.

        ``data``, ``size`` and ``more``, when the caller has them, save C calls.
        """
        frame = cls.__new__(cls)
        frame._set_msg(raw, data, size)
        frame._bytes = None  # type: ignore[assignment]
        frame._data = None
        frame.tracker = None
        frame.more = bool(lib.zmq_msg_more(raw) if more < 0 else more)
        return frame

    def _get_msg(self) -> Any:
        """The frame's zmq_msg_t, made from its bytes on first need."""
        if self._msg is None:
            data = self._bytes
            raw = _new_msg()
            if lib.zmq_msg_init_size(raw, len(data)) < 0:
                err = ZMQError()  # read errno before the next C call
                _msg_free(raw)
                raise err
            ffi.memmove(lib.zmq_msg_data(raw), data, len(data))
            self._set_msg(raw)
        return self._msg

    def __len__(self) -> int:
        if self._msg is None:
            return len(self._bytes)
        return lib.zmq_msg_size(self._msg)

    @property
    def bytes(self) -> bytes:
        """The content as bytes (copied once, then cached)."""
        data = self._bytes
        if data is None:
            data = self._bytes = ffi.unpack(self._owner, lib.zmq_msg_size(self._msg))
        return data

    def __bytes__(self) -> builtins.bytes:
        return self.bytes

    def __buffer__(self, flags: int = 0) -> memoryview:
        """The buffer protocol (``memoryview(frame)``): a view of the content.

        No copy is made, and the view keeps the content alive by itself.
        A received frame is writable, as in pyzmq (over ``inproc://`` its
        memory may be the sender's zero-copy buffer); a frame made from
        data is as writable as that data (read-only for ``bytes``).
        """
        if self._msg is None:
            return memoryview(self._bytes)
        if self._data is not None:
            view = memoryview(self._data)  # zero-copy frame: the sender's own object
            return view if view.format == "B" and view.ndim == 1 else view.cast("B")
        return memoryview(ffi.buffer(self._owner, lib.zmq_msg_size(self._msg)))

    @property
    def buffer(self) -> memoryview:
        """A memoryview of the content, without copying (``memoryview(frame)``).

        The view keeps the content alive for as long as the view lives, even
        after the Frame itself is gone.
        """
        return self.__buffer__(0)

    def fast_copy(self) -> "Frame":
        """A new Frame sharing this frame's content (no data copy)."""
        if self._msg is None:
            other = Frame(self._bytes, copy=True)
        else:
            raw = _new_msg()
            if lib.zmq_msg_copy(raw, self._msg) < 0:
                err = ZMQError()  # read errno before the next C call
                _msg_free(raw)
                raise err
            other = Frame._from_msg(raw)
            other._data = self._data
        other.more = self.more
        other.tracker = self.tracker
        return other

    __copy__ = fast_copy

    def get(self, option: Union[int, str]) -> Union[int, str]:
        """Get a message property or a metadata value.

        Parameters
        ----------
        option : int or str
            An int property such as ``zmq.MORE``, or a metadata name such
            as ``"Socket-Type"``, ``"User-Id"`` or ``"Peer-Address"``.
        """
        msg = self._get_msg()
        if isinstance(option, str):
            value = lib.zmq_msg_gets(msg, option.encode("utf-8"))
            if value == ffi.NULL:
                raise ZMQError()
            return ffi.string(value).decode("utf-8")
        rc = lib.zmq_msg_get(msg, option)
        if rc < 0:
            raise ZMQError()
        return rc

    __getitem__ = get

    def set(self, option: int, value: int) -> None:
        """Set an int message property (``zmq_msg_set``)."""
        if lib.zmq_msg_set(self._get_msg(), option, value) < 0:
            raise ZMQError()

    @property
    def routing_id(self) -> Optional[int]:
        """The routing id of a SERVER/CLIENT message (needs draft libzmq)."""
        _no_draft("CLIENT-SERVER (Frame.routing_id)")

    @routing_id.setter
    def routing_id(self, routing_id: int) -> None:
        _no_draft("CLIENT-SERVER (Frame.routing_id)")

    @property
    def group(self) -> Optional[str]:
        """The group of a RADIO/DISH message (needs draft libzmq)."""
        _no_draft("RADIO-DISH (Frame.group)")

    @group.setter
    # quoted: the bytes property shadows the type here (PyPy 3.9's typing refuses it)
    def group(self, group: "Union[str, builtins.bytes]") -> None:
        _no_draft("RADIO-DISH (Frame.group)")

    @property
    def tracker_event(self) -> Optional["_TrackerEvent"]:
        """pyzmq's event set once libzmq let go of a tracked frame's data:
        None for an untracked frame, else an object with ``is_set()`` and
        ``wait(timeout)`` that follows :attr:`tracker`."""
        tracker = self.tracker
        return None if tracker is None else _TrackerEvent(tracker)

    def __repr__(self) -> str:
        nbytes = len(self)
        if nbytes <= 16:
            return "<zmq_cffi.Frame(%r)>" % self.bytes
        head = bytes(self.buffer[:12])
        return "<zmq_cffi.Frame(%r...%iB)>" % (head, nbytes)

    __str__ = __repr__


def _no_draft(feature: str) -> NoReturn:
    """Refuse a draft-API feature, as pyzmq does without a draft libzmq."""
    raise RuntimeError("%s needs libzmq built with the draft API (zmq.DRAFT_API is False)"
                       % feature)


class _TrackerEvent:
    """A read-only ``threading.Event`` view of a MessageTracker (``Frame.tracker_event``)."""

    __slots__ = ("_tracker",)

    def __init__(self, tracker: MessageTracker) -> None:
        self._tracker = tracker

    def is_set(self) -> bool:
        return self._tracker.done

    isSet = is_set

    def wait(self, timeout: Optional[float] = None) -> bool:
        try:
            self._tracker.wait(-1 if timeout is None else timeout)
        except NotDone:
            return False
        return True


#: pyzmq's older name for Frame.
Message = Frame
