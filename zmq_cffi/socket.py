"""Socket: a pure-Python ZeroMQ socket over the raw libzmq handle.

The hot paths (``send``/``recv`` of bytes, multipart) make one C call per
message part: the helpers in ``_helpers.c`` return ``-errno`` on failure, and
a received message waits in the socket's own ``zmqcffi_slot_t`` so the
Python side copies it out with ``ffi.unpack`` and no further call.

Every call goes through that slot, which refuses calls on a closed socket
(ENOTSOCK) in C, and defers closing while another thread is inside a call on
the socket; so the fast paths need no extra "closed?" test to be safe.
"""
from __future__ import annotations

import errno as _errno_mod
import itertools
import os
import pickle
import random
import warnings
import weakref
from time import monotonic as _monotonic
from typing import (TYPE_CHECKING, Any, Callable, Dict, Generic, List, Optional, Sequence, Tuple, Type, TypeVar,
                    Union, overload)

from zmq_cffi import _options
from zmq_cffi._ffi import fastcall, ffi, lib
from zmq_cffi.constants import (
    COPY_THRESHOLD,
    IPC_PATH_MAX_LEN,
    Event,
    PollEvent,
    SocketOption,
    SocketType,
)
from zmq_cffi.context import Context, _live_context_list, declared_attribute
from zmq_cffi.error import ZMQBindError, ZMQError, ZMQVersionError, error_for, strerror
from zmq_cffi.frame import _FINISHED_TRACKER, Frame, MessageTracker, _zero_copy
from zmq_cffi.poll import SIGNAL_SLICE_MS as _SIGNAL_SLICE_MS
from zmq_cffi.poll import poll_items, shadow_closes
from zmq_cffi.utils import jsonapi
from zmq_cffi.utils.interop import shadow_address

if TYPE_CHECKING:
    from typing_extensions import Buffer, Literal

    from zmq_cffi.constants import _BytesOption, _IntOption

__all__ = ["Socket", "SyncSocket"]

# What recv_json returns, for type checkers (pyzmq's declaration).
_JSON = Union[Dict[str, Any], List[Any], str, float]

_send = lib.zmqcffi_send
_recv = lib.zmqcffi_recv
_recv0 = lib.zmqcffi_recv0
_recv_parts = lib.zmqcffi_recv_parts
_rx_here = lib.zmqcffi_rx_here
_take_part = lib.zmqcffi_rx_take_part
_unpack = ffi.unpack
_from_buffer = ffi.from_buffer
_send_parts4 = lib.zmqcffi_send_parts4
_NO_PARTS = (b"", b"", b"", b"")  # pads a short message to send_parts4's four parts
_EINTR = lib.EINTR
_EAGAIN = lib.EAGAIN
_ENOTSOCK = lib.ENOTSOCK
_SNDMORE = lib.ZMQ_SNDMORE
_EAWAY = lib.ZMQCFFI_EAWAY
_NOBLOCK = lib.ZMQ_DONTWAIT
_POLLIN = lib.ZMQ_POLLIN
_POLLOUT = lib.ZMQ_POLLOUT
_EVENTS_OPTION = lib.ZMQ_EVENTS
_INT_SIZE = ffi.sizeof("int")
# A part up to this size is received into the thread's receive area (see
# zmqcffi_rx_t in _helpers.c) and sliced out; a larger one is copied out of
# libzmq's message held there, which is released right after (over inproc it
# may be a sender's zero-copy buffer, whose tracker must not wait for this
# thread's next recv).
_RX_CAP = lib.ZMQCFFI_RX_CAP
_KEEP_LINGER = lib.ZMQCFFI_KEEP_LINGER
_SLOT_CLOSING = lib.ZMQCFFI_SLOT_CLOSING

# The copying send and recv of bytes and of multipart messages of bytes, the
# commonest calls, take a socket's "hot" handle (_SocketSlot.hot).  recv
# returns the part as bytes when it is small and in the thread's home area,
# else the C helper's int result for Socket._recv_slow; recv_parts likewise
# a list of bytes, or an int for the general path of recv_multipart;
# send_parts returns None for parts it does not take.  On CPython they are
# _fastcall's (the handle is the slot's address); on PyPy, thin wrappers of
# the cffi helpers, which its JIT inlines (the handle is the _SocketSlot).
if fastcall is not None:
    _send_bytes = fastcall.send
    _recv_bytes = fastcall.recv
    _recv_bytes0 = fastcall.recv0
    _send_parts_bytes = fastcall.send_parts
    _recv_parts_bytes = fastcall.recv_parts

    def _hot_handle(holder: _SocketSlot) -> Any:
        return int(ffi.cast("uintptr_t", holder.c))
else:
    def _send_bytes(holder: _SocketSlot, data: bytes, nbytes: int, flags: int) -> int:
        return _send(holder.c, data, nbytes, flags)

    def _recv_bytes(holder: _SocketSlot, flags: int) -> Union[bytes, int]:
        n = _recv(holder.c, flags)
        if 0 <= n <= _RX_CAP:
            return holder.rx_view[:n]
        return n

    def _recv_bytes0(holder: _SocketSlot) -> Union[bytes, int]:
        n = _recv0(holder.c)
        if 0 <= n <= _RX_CAP:
            return holder.rx_view[:n]
        return n

    def _send_parts_bytes(holder: _SocketSlot, parts: Sequence[bytes], flags: int) -> Optional[int]:
        n = len(parts)
        if n > 4:
            return None
        a, b, c, d = tuple(parts) + _NO_PARTS[n:]
        return _send_parts4(holder.c, flags, n, a, len(a), b, len(b), c, len(c), d, len(d))

    def _recv_parts_bytes(holder: _SocketSlot, flags: int) -> Union[List[bytes], int]:
        return _recv_parts(holder.c, flags, 0)

    def _hot_handle(holder: _SocketSlot) -> Any:
        return holder

_BIND, _CONNECT, _UNBIND, _DISCONNECT = 0, 1, 2, 3
# Public attributes a Socket sets on itself (everything else settable is a
# class attribute or a socket option).
_PUBLIC_INSTANCE_ATTRS = frozenset(("context", "copy_threshold", "socket_type"))
# int -> SocketType member (a dict lookup: SocketType(n) costs far more).
_SOCKET_TYPES: Dict[int, SocketType] = {int(kind): kind for kind in SocketType}
# Monitor endpoints get a fresh name each time: libzmq frees a stopped
# monitor's inproc name later, on its reaper thread.
_monitor_serial = itertools.count(1)


def _as_addr(addr: Union[str, bytes]) -> bytes:
    if isinstance(addr, str):
        addr = addr.encode("utf-8")
    elif not isinstance(addr, bytes):
        raise TypeError("expected str or bytes address, got %s" % type(addr).__name__)
    if b"\0" in addr:
        # C would silently cut the endpoint at the NUL.
        raise ValueError("address contains a NUL character: %r" % (addr,))
    return addr


_new = ffi.new
_SLOT_ARRAY = ffi.typeof("zmqcffi_slot_t[1]")


class _SocketSlot:
    """The C slot of one libzmq socket.

    Shared by every zmq_cffi wrapper of that socket (the Socket that created
    it and its shadows), so that closing the socket is seen by all of them: a
    shadow's calls then fail with ENOTSOCK in C instead of reaching a freed
    libzmq socket.

    ``home`` is the receive area of the thread that made it, and ``rx_view``
    a view of that area's buffer (both shared by every slot made in that
    thread, see _area_and_view): C reports a receive as done *there* only
    when the calling thread is the one whose area lives at that address
    (see zmqcffi_rx_t), so reading them then is always safe.
    """

    __slots__ = ("c", "home", "rx_view", "hot", "context", "socket_type")

    def __init__(self, handle: Any, owned: bool, context: Optional[Context[Any]] = None) -> None:
        # Owned by ffi.new, not ffi.gc: cffi runs ffi.gc destructors as
        # finalizers, so in cyclic garbage the slot could go before a
        # Socket's __del__ closes the socket through it.
        # A one-element array: one allocation (a "T *" from ffi.new is two
        # objects, about 60 bytes more per socket); cffi passes it for a
        # zmqcffi_slot_t * argument, and its fields are at c[0].
        slot = _new(_SLOT_ARRAY)  # zeroed: state OPEN, busy 0
        home = lib.zmqcffi_slot_init(slot, handle, 1 if owned else 0)
        self.c = slot
        self.home, self.rx_view = _area_and_view(home)
        self.hot = _hot_handle(self)  # what _send_bytes and _recv_bytes take
        self.context = context  # of the Socket that created the libzmq socket
        # Known to the Socket that made it: a shadow sharing this slot takes
        # it from here instead of asking libzmq, which another thread may be
        # using right now (the guard would refuse the call).
        self.socket_type = -1


# Receive area -> (area, view of its buffer): one pair per thread that made
# sockets, not one per socket (cffi pointers hash and compare by address).
# A dead thread's address may be a later thread's area: the pair (a pointer
# and a view, owning nothing) then serves that one.
_areas: Dict[Any, Tuple[Any, Any]] = {}


def _area_and_view(home: Any) -> Tuple[Any, Any]:
    """The shared (area, view of its buffer) pair for the area ``home``."""
    pair = _areas.get(home)
    if pair is None:
        if not home:
            raise MemoryError("no memory for this thread's receive area")
        pair = _areas[home] = (home, ffi.buffer(home.buf, _RX_CAP))
    return pair


# This process's id, one int object shared by every Socket made here (a
# Socket made before a fork must not close its libzmq socket in the child).
_process_id = [os.getpid()]
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _process_id.__setitem__(0, os.getpid()))


def _address_of(handle: Any) -> int:
    """A libzmq handle as the int that ``shadow_address`` gives for it."""
    return int(ffi.cast("uintptr_t", handle))


def _closed_slot() -> _SocketSlot:
    """A slot that refuses every call: what a closed shadow calls through."""
    holder = _SocketSlot(ffi.NULL, owned=False)
    holder.c[0].state = lib.ZMQCFFI_SLOT_CLOSED
    return holder


_CLOSED_SLOT = _closed_slot()

def _slot_of_open_socket(address: int) -> Optional[_SocketSlot]:
    """The slot of the open zmq_cffi Socket that created the libzmq socket at
    ``address``, so that a shadow made from the bare address shares it.

    Searched among the live contexts' sockets: shadows of bare addresses
    are rare, and a table kept for them would cost every socket memory.
    """
    for context in _live_context_list():
        for holder in context._socket_slots():
            slot = holder.c[0]
            if slot.owned and slot.state < _SLOT_CLOSING and _address_of(slot.socket) == address:
                return holder
    return None


# A Socket (subclass) in self-typed signatures: ``with ctx.socket(PUSH) as s`` keeps the class.
_SocketSelf = TypeVar("_SocketSelf", bound="Socket[Any]")


class _EndpointContext(Generic[_SocketSelf]):
    """What bind/connect return: usable as ``with sock.bind(url):`` to undo it.

    ``kind`` is ``"bind"`` or ``"connect"``; ``addr`` is what the block undoes
    (for a bind, the endpoint libzmq resolved, so ``tcp://127.0.0.1:0`` and
    ``ipc://*`` unbind the port or path actually bound).
    """

    __slots__ = ("socket", "kind", "addr")

    def __init__(self, socket: _SocketSelf, kind: str, addr: str) -> None:
        self.socket = socket
        self.kind = kind
        self.addr = addr

    def __enter__(self) -> _SocketSelf:
        return self.socket

    def __exit__(self, *exc_info: Any) -> None:
        if self.socket.closed:
            return
        if self.kind == "bind":
            self.socket.unbind(self.addr)
        else:
            self.socket.disconnect(self.addr)

    def __repr__(self) -> str:
        return "<SocketContext(%s=%r)>" % (self.kind, self.addr)


#: pyzmq's name for the class.
_SocketContext = _EndpointContext


# What a Socket's methods return, for type checkers: ``bytes``-like for
# zmq_cffi.Socket, a Future for the asyncio Socket (Generic as in pyzmq 27,
# whose users annotate ``zmq.Socket[Any]``).
_ReturnT = TypeVar("_ReturnT", covariant=True)


class Socket(Generic[_ReturnT]):
    """A ZeroMQ socket.

    These objects are normally made with :meth:`Context.socket`.

    Note: ZeroMQ sockets are not thread-safe.  Do not use one from two
    threads at once (pass messages between threads over inproc:// instead).
    The one exception is ``close()``: closing from another thread while a
    call blocks on the socket is safe (see :meth:`close`).

    Parameters
    ----------
    context : Context
        The Context this Socket belongs to (kept alive by the socket).
    socket_type : int
        The socket type: REQ, REP, PUB, SUB, PAIR, XREQ, DEALER, XREP, ROUTER,
        PULL, PUSH, XPUB, XSUB or STREAM.
    shadow : int, optional
        The address of an existing libzmq socket to wrap (never closed by us).
    copy_threshold : int, optional
        Size below which ``send(copy=False)`` copies anyway
        (default ``zmq.COPY_THRESHOLD``).
    """

    # Instance attributes, set with object.__setattr__ (this class's
    # __setattr__ routes other names to socket options); declared here for
    # type checkers.  Those with a class-level default are set on an instance
    # only when it needs another value: every idle socket costs less memory.
    context: Context[Any]
    socket_type: Union[SocketType, int]
    copy_threshold: int
    _closed: bool
    _shadow: bool
    _slot: Any
    _hot: Any
    _slot_holder: _SocketSlot
    _pid: int
    _shares_slot: bool = False
    _scratch: Optional[_options.OptionScratch] = None
    _poll_arrays: Any = None
    _disowned: Optional[str] = None
    _monitor_socket: Optional[Socket[Any]] = None
    _shadow_ref: Optional[weakref.ReferenceType[Socket[Any]]] = None
    _context_ref: Any = None  # this socket's entry in its context (see context._SocketRef)

    if TYPE_CHECKING:
        # Socket options as attributes (``s.linger``, ``s.RCVMORE``) are
        # properties added below the class at import time; type checkers see
        # them through this declaration (the same type pyzmq declares).  Not
        # defined at run time: a __getattr__ would slow every attribute read.
        def __getattr__(self, name: str) -> Union[str, bytes, int]: ...

        # The int-valued ones pyzmq's annotations pin down.
        sndhwm: int
        rcvhwm: int

    def __init__(self: Socket[bytes], ctx_or_socket: Union[Context[Any], Socket[Any], None] = None,
                 socket_type: int = -1, *,
                 shadow: Union[int, Socket[Any]] = 0, copy_threshold: Optional[int] = None,
                 **options: Any) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "_closed", True)  # until the handle exists (for __del__)
        context: Any = ctx_or_socket
        if "context" in options and context is None:  # zmq_cffi's old name for the first parameter
            context = options.pop("context")
        for name in options:
            if name.upper() not in SocketOption.__members__:
                raise TypeError("%s() got an unexpected keyword argument %r (not a socket option)"
                                % (type(self).__name__, name))
        if isinstance(context, Socket) and not shadow:
            context, shadow = None, context
        if isinstance(shadow, Socket):
            setattr_(self, "_shadow_ref", weakref.ref(shadow))
        shared = None
        if shadow:
            if isinstance(shadow, Socket):
                context = context or shadow.context
                address = shadow_address(shadow.underlying, "socket")
                # Its own slot, when that is the slot of the open Socket that
                # made the libzmq socket (asyncio makes a shadow per socket).
                shared = shadow._slot_holder
                first = shared.c[0]
                if not first.owned or first.state >= _SLOT_CLOSING:
                    shared = _slot_of_open_socket(address)
            else:
                address = shadow_address(shadow, "socket")  # int, CFFI or ctypes pointer
                shared = _slot_of_open_socket(address)
            handle = ffi.cast("void *", address)
            context = context or (shared.context if shared is not None else Context.instance())
        else:
            if context is None:
                context = Context.instance()
            if not isinstance(context, Context):
                raise TypeError("context must be a Context, not %s" % type(context).__name__)
            context._check_open(for_new_socket=True)
            if not isinstance(socket_type, int):
                raise TypeError("socket_type must be an int, not %s" % type(socket_type).__name__)
            if socket_type == -1:
                raise TypeError("socket_type is required (zmq.PAIR, zmq.PUSH, ...)")
            handle = lib.zmq_socket(context._handle, socket_type)
            if handle == ffi.NULL:
                raise error_for(ffi.errno, "socket type %r" % (socket_type,))
        setattr_(self, "_shadow", bool(shadow))
        setattr_(self, "context", context)
        # A shadow of a zmq_cffi Socket shares its slot (see _SocketSlot);
        # a shadow of a foreign socket gets a slot that never closes it.
        holder = shared if shared is not None else _SocketSlot(handle, owned=not shadow, context=context)
        setattr_(self, "_slot_holder", holder)
        if shared is not None:
            setattr_(self, "_shares_slot", True)
        setattr_(self, "_slot", holder.c)
        setattr_(self, "_hot", holder.hot)
        setattr_(self, "_pid", _process_id[0])
        setattr_(self, "copy_threshold", COPY_THRESHOLD if copy_threshold is None else copy_threshold)
        setattr_(self, "_closed", False)
        if shared is not None:
            socket_type = shared.socket_type
        elif shadow:
            socket_type = self.get(SocketOption.TYPE)
            # Timeouts set elsewhere (see _after_signal).
            for option in (SocketOption.RCVTIMEO, SocketOption.SNDTIMEO):
                lib.zmqcffi_slot_note_option(holder.c, option, self.get(option))
        setattr_(self, "socket_type", _SOCKET_TYPES.get(socket_type, socket_type))
        if not shadow:
            holder.socket_type = socket_type
        context._add_socket(self)
        if options:
            # Socket options by keyword (zmq_cffi's extension: pyzmq's Socket
            # takes none), so ctx.socket(PUSH, linger=0) works.
            try:
                for name, value in options.items():
                    setattr(self, name, value)
            except BaseException:
                self.close(linger=0)
                raise

    @property
    def _shadow_obj(self) -> Optional[Socket[Any]]:
        """The Socket this one shadows, while it lives (pyzmq's private name)."""
        ref = self._shadow_ref
        return ref() if ref is not None else None

    # ---- life cycle ----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once the socket is closed (for a shadow: or what it wraps)."""
        return self._closed or self._slot[0].state >= _SLOT_CLOSING

    @property
    def _handle(self) -> Any:
        """The libzmq socket; NULL once closed (or, for a shadow, forgotten)."""
        return ffi.NULL if self._closed else self._slot_holder.c[0].socket

    @property
    def underlying(self) -> int:
        """The address of the libzmq socket, for other bindings to shadow."""
        return int(ffi.cast("intptr_t", self._handle))

    @classmethod
    def shadow(cls: Type[_SocketSelf], address: Union[int, Socket[Any]]) -> _SocketSelf:
        """Wrap an existing libzmq socket (by address) without owning it."""
        if isinstance(address, Socket):
            return cls(shadow=address)
        return cls(shadow=shadow_address(address, "socket"))

    def close(self, linger: Optional[int] = None) -> None:
        """Close the socket.

        Parameters
        ----------
        linger : int, optional
            If given, set LINGER (ms) first: how long unsent messages may
            still be delivered after close.  Closing twice is harmless.

        Closing from another thread while a call (recv, send, poll, proxy)
        blocks on this socket is safe: the socket is closed at once for
        Python, and the blocked call's thread closes the libzmq socket when
        that call returns (with its message, on timeout, or with
        ContextTerminated after ``term()``).
        """
        if self._closed:
            return
        if linger is None:
            linger = _KEEP_LINGER
        elif not isinstance(linger, int):
            raise TypeError("linger must be an int, not %s" % type(linger).__name__)
        elif not -1 <= linger < 1 << 31:
            if -(1 << 31) <= linger < -1:
                raise ValueError("linger must be -1 (for ever) or a number of ms >= 0, not %d" % linger)
            raise OverflowError("linger %d does not fit a C int" % linger)
        self._forget_handle()
        if self._shares_slot:
            # The owner's slot stays open; this wrapper calls through one that
            # refuses (a call in progress in another thread keeps the old one).
            object.__setattr__(self, "_slot", _CLOSED_SLOT.c)
            object.__setattr__(self, "_hot", _CLOSED_SLOT.hot)
            shadow_closes[0] += 1  # Pollers caching the shared slot rebuild
        else:
            lib.zmqcffi_slot_close(self._slot, linger)
        self.context._rm_socket(self)

    def _forget_handle(self) -> None:
        """Closed for Python from now on: ``_handle`` reads NULL."""
        object.__setattr__(self, "_closed", True)

    def _disown(self, reason: str) -> None:
        """Forget the handle without touching libzmq (after fork)."""
        object.__setattr__(self, "_disowned", reason)
        self._forget_handle()
        slot = self._slot
        slot[0].owned = 0
        lib.zmqcffi_slot_close(slot, _KEEP_LINGER)

    def __del__(self) -> None:
        if getattr(self, "_slot", None) is None or getattr(self, "_pid", None) != _process_id[0]:
            return  # half-built, or inherited over fork
        if not self._closed:
            if not self._shadow:
                warnings.warn("Unclosed socket %r" % self, ResourceWarning, stacklevel=2)
            self.close()

    def __enter__(self: _SocketSelf) -> _SocketSelf:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _unusable_reason(self) -> str:
        """Why a closed socket cannot be used (closed, or inherited over fork)."""
        if self._disowned:
            return self._disowned
        if not self._closed:
            return "the socket this shadow wraps is closed"
        return "the socket is closed"

    def _raise(self, rc: int, detail: Optional[str] = None) -> None:
        """Raise for a failed call, explaining a closed socket."""
        if -rc == _ENOTSOCK and self.closed:
            raise ZMQError(_ENOTSOCK, "%s (%s)" % (strerror(_ENOTSOCK), self._unusable_reason()))
        if -rc == lib.ZMQCFFI_EINUSE:
            raise error_for(-rc, repr(self))
        raise error_for(-rc, detail)

    # ---- endpoints -------------------------------------------------------------

    def _endpoint_call(self, which: int, addr: Union[str, bytes]) -> None:
        rc = lib.zmqcffi_call_addr(self._slot, which, _as_addr(addr))
        if rc < 0:
            detail = "addr=%r" % (addr,)
            if -rc == _errno_mod.ENAMETOOLONG and _as_addr(addr).startswith(b"ipc://"):
                detail += "; ipc paths are limited to IPC_PATH_MAX_LEN=%i bytes" % IPC_PATH_MAX_LEN
            self._raise(rc, detail)

    def bind(self: _SocketSelf, addr: str) -> _EndpointContext[_SocketSelf]:
        """Bind the socket to an address, e.g. ``"tcp://127.0.0.1:5555"``.

        Sockets elsewhere then ``connect`` to it.  Protocols: tcp, ipc,
        inproc, pgm, epgm (and others libzmq supports).  A str address is
        encoded to UTF-8.  The result can be used as ``with s.bind(url):`` to
        unbind at the end of the block.
        """
        self._endpoint_call(_BIND, addr)
        try:
            # What was bound: ``tcp://127.0.0.1:0`` or ``ipc://*`` resolve
            # to a port or path, and only that can be unbound.
            bound = self.get(SocketOption.LAST_ENDPOINT).decode("utf-8")
        except (ZMQError, UnicodeDecodeError):
            bound = addr if isinstance(addr, str) else addr.decode("utf-8", "replace")
        return _EndpointContext(self, "bind", bound)

    def connect(self: _SocketSelf, addr: str) -> _EndpointContext[_SocketSelf]:
        """Connect to a remote socket's address, e.g. ``"tcp://127.0.0.1:5555"``.

        The result can be used as ``with s.connect(url):`` to disconnect at
        the end of the block.
        """
        self._endpoint_call(_CONNECT, addr)
        return _EndpointContext(self, "connect", addr)

    def unbind(self, addr: str) -> None:
        """Stop listening on an address bound earlier."""
        self._endpoint_call(_UNBIND, addr)

    def disconnect(self, addr: str) -> None:
        """Disconnect from an address connected earlier."""
        self._endpoint_call(_DISCONNECT, addr)

    def bind_to_random_port(self, addr: str, min_port: int = 49152, max_port: int = 65536,
                            max_tries: int = 100) -> int:
        """Bind to a random port in a range and return the port.

        Parameters
        ----------
        addr : str
            The address without the port, e.g. ``"tcp://127.0.0.1"``.
        min_port : int, optional
            The lowest port to try (inclusive).
        max_port : int, optional
            The highest port to try (exclusive).
        max_tries : int, optional
            How many ports to try.

        Raises
        ------
        ZMQBindError
            If no port could be bound within ``max_tries``.
        """
        if not 0 < min_port < max_port <= 65536:
            raise ValueError("need 0 < min_port < max_port <= 65536, got %r, %r"
                             % (min_port, max_port))
        if min_port == 49152 and max_port == 65536:
            # The whole ephemeral range: let the OS pick, in one try.
            self.bind("%s:*" % addr)
            endpoint = self.get(SocketOption.LAST_ENDPOINT).decode("utf-8")
            return int(endpoint.rsplit(":", 1)[-1])
        for _ in range(max_tries):
            port = random.randrange(min_port, max_port)
            try:
                self.bind("%s:%s" % (addr, port))
            except ZMQError as exc:
                if exc.errno in (lib.EADDRINUSE, _errno_mod.EACCES):
                    continue
                raise
            return port
        raise ZMQBindError("Could not bind socket to random port.")

    # ---- options ---------------------------------------------------------------

    def _opt_scratch(self) -> _options.OptionScratch:
        scratch = self._scratch
        if scratch is None:
            scratch = _options.OptionScratch()
            object.__setattr__(self, "_scratch", scratch)
        return scratch

    def set(self, option: int, optval: Union[int, bytes]) -> None:
        """Set a socket option (``zmq_setsockopt``).

        Parameters
        ----------
        option : int
            The option, e.g. zmq.LINGER, zmq.SUBSCRIBE, zmq.ROUTING_ID.
        optval : int or bytes
            The value; its type must match the option (see SocketOption).
        """
        if self.closed:
            self._raise(-_ENOTSOCK)
        if not isinstance(option, int):
            raise TypeError("option must be an int, not %s" % type(option).__name__)
        _options.set_option(self._slot, option, optval, self._opt_scratch())

    # An enum member (SocketOption.LINGER) tells type checkers the value's
    # type; a plain int (zmq.LINGER, typed SocketOption as in pyzmq) does not.
    @overload
    def get(self, option: _IntOption) -> int: ...
    @overload
    def get(self, option: _BytesOption) -> bytes: ...
    @overload
    def get(self, option: int) -> Union[int, bytes]: ...

    def get(self, option: int) -> Union[int, bytes]:
        """Get a socket option (``zmq_getsockopt``) as an int or bytes."""
        if self.closed:
            self._raise(-_ENOTSOCK)
        if not isinstance(option, int):
            raise TypeError("option must be an int, not %s" % type(option).__name__)
        return _options.get_option(self._slot, option, self._opt_scratch())

    setsockopt = set
    getsockopt = get

    def _events(self) -> int:
        """The EVENTS option in one C call: event loops read it after every operation."""
        scratch = self._scratch or self._opt_scratch()
        size_p = scratch.size_p
        size_p[0] = _INT_SIZE
        rc = lib.zmqcffi_getsockopt(self._slot, _EVENTS_OPTION, scratch.int_p, size_p)
        if rc:  # (EINTR, from commands processed first, is retried in C)
            self._raise(rc)
        return scratch.int_p[0]

    def set_string(self, option: int, optval: str, encoding: str = "utf-8") -> None:
        """Set a bytes option from a str, encoded with ``encoding``."""
        if not isinstance(optval, str):
            raise TypeError("expected str, got: %r" % (optval,))
        self.set(option, optval.encode(encoding))

    def get_string(self, option: int, encoding: str = "utf-8") -> str:
        """Get a bytes option decoded to str with ``encoding``."""
        if _options.OPTION_TYPES.get(option) != _options.OptType.bytes:
            raise TypeError("option %i will not return a string to be decoded" % option)
        return self.get(option).decode(encoding)  # type: ignore[union-attr]  # a bytes option (checked above)

    setsockopt_string = setsockopt_unicode = set_string
    getsockopt_string = getsockopt_unicode = get_string

    def set_hwm(self, value: int) -> None:
        """Set both SNDHWM and RCVHWM."""
        self.set(SocketOption.SNDHWM, value)
        self.set(SocketOption.RCVHWM, value)

    def get_hwm(self) -> int:
        """Get the high-water mark (SNDHWM)."""
        return self.get(SocketOption.SNDHWM)

    if TYPE_CHECKING:
        @property
        def hwm(self) -> int: ...
        @hwm.setter
        def hwm(self, value: int) -> None: ...
    else:
        hwm = property(get_hwm, set_hwm, doc="The high-water mark (SNDHWM and RCVHWM).")

    def fileno(self) -> int:
        """The file descriptor that signals events (the FD option), for event loops."""
        return self.get(SocketOption.FD)

    def subscribe(self, topic: Union[str, bytes]) -> None:
        """Subscribe to a topic prefix (SUB and XSUB sockets)."""
        if isinstance(topic, str):
            topic = topic.encode("utf-8")
        self.set(SocketOption.SUBSCRIBE, topic)

    def unsubscribe(self, topic: Union[str, bytes]) -> None:
        """Unsubscribe from a topic prefix."""
        if isinstance(topic, str):
            topic = topic.encode("utf-8")
        self.set(SocketOption.UNSUBSCRIBE, topic)

    def __setattr__(self, name: str, value: Any) -> None:
        # Never touch self.__dict__ here: on CPython that materialises the
        # instance dict and slows every later attribute read of the socket.
        if (name.startswith("_") or name in _PUBLIC_INSTANCE_ATTRS or hasattr(type(self), name)
                or declared_attribute(type(self), name)):
            if name in ("subscribe", "unsubscribe"):
                # s.subscribe = b"topic", as pyzmq allows
                getattr(self, name)(value)
                return
            object.__setattr__(self, name, value)
            return
        raise AttributeError("%s has no such option: %s" % (type(self).__name__, name.upper()))

    # ---- sending ---------------------------------------------------------------

    # What send returns, for type checkers: a Frame its tracker (None if
    # untracked), a copy None, copy=False with track=True a MessageTracker.
    @overload
    def send(self, data: Frame, flags: int = 0, copy: bool = True, track: bool = False,  # type: ignore[overload-overlap]  # Frame is a Buffer too: first match wins
             routing_id: Optional[int] = None, group: Optional[str] = None) -> Optional[MessageTracker]: ...
    @overload
    def send(self, data: Buffer, flags: int = 0, copy: Literal[True] = True, track: bool = False,
             routing_id: Optional[int] = None, group: Optional[str] = None) -> None: ...
    @overload
    def send(self, data: Buffer, flags: int = 0, *, copy: Literal[False], track: Literal[True],
             routing_id: Optional[int] = None, group: Optional[str] = None) -> MessageTracker: ...
    @overload
    def send(self, data: Buffer, flags: int, copy: Literal[False], track: Literal[True],
             routing_id: Optional[int] = None, group: Optional[str] = None) -> MessageTracker: ...
    @overload
    def send(self, data: Buffer, flags: int = 0, copy: bool = True, track: bool = False,
             routing_id: Optional[int] = None, group: Optional[str] = None) -> Optional[MessageTracker]: ...

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
             routing_id: Optional[int] = None, group: Optional[str] = None) -> Optional[MessageTracker]:
        """Send one message part.

        The message is queued; libzmq's I/O thread sends it later.

        Parameters
        ----------
        data : bytes, Frame or buffer
            The content.  str is refused: encode it, or use send_string.
        flags : int, optional
            NOBLOCK (DONTWAIT) and/or SNDMORE.
        copy : bool, optional
            Copy the data (True, default), or let libzmq read it in place.
        track : bool, optional
            Return a MessageTracker that tells when libzmq is done with the
            data (only without copy).

        Returns
        -------
        None, or a MessageTracker when ``track`` and not ``copy``.

        Raises
        ------
        TypeError
            If data is a str or has no buffer interface.
        ValueError
            If track=True but an untracked Frame is given.
        ZMQError
            If libzmq fails (Again when NOBLOCK and the queue is full).
        """
        if type(data) is bytes and (copy or len(data) < self.copy_threshold):
            rc = _send_bytes(self._hot, data, len(data), flags)
            if rc:
                self._retry_send(rc, data, flags)
            return _FINISHED_TRACKER if track and not copy else None
        return self._send_other(data, flags, copy, track, routing_id, group)

    def _retry_send(self, rc: int, data: bytes, flags: int) -> None:
        """A copying send failed: retry after a signal, else raise."""
        if rc == -_EINTR:
            slot = self._slot
            rc = self._after_signal(lambda f: _send(slot, data, len(data), f), flags, _POLLOUT)
        if rc:
            self._raise(rc)

    def _after_signal(self, call: Callable[[int], int], flags: int, events: int) -> int:
        """Make ``call(flags)`` again after a signal interrupted it.

        The signal's handler did not raise (or has not run yet: PyPy may run
        it a few bytecodes later than CPython).  A blocking call with a
        timeout (RCVTIMEO for ``events`` POLLIN, SNDTIMEO for POLLOUT) keeps
        its deadline, counted from the start of the call, however many
        signals come (pyzmq restarts the full timeout on each, so a periodic
        signal can make it wait for ever).  The wait goes on in slices of at
        most ``_SIGNAL_SLICE_MS``, each a poll followed by the call without
        blocking, so a handler that runs late still runs (and may raise)
        within a slice, not after the whole wait.

        Returns
        -------
        int
            The call's result: >= 0, or -errno (-EAGAIN when the time is up).
        """
        if flags & _NOBLOCK:
            rc = call(flags)
            while rc == -_EINTR:
                rc = call(flags)
            return rc
        option: Literal[SocketOption.RCVTIMEO, SocketOption.SNDTIMEO] = (
            SocketOption.RCVTIMEO if events == _POLLIN else SocketOption.SNDTIMEO)
        timeout = self.get(option)
        deadline = None
        if timeout >= 0:
            # The slot knows when the interrupted call began, unless the timeout
            # was set outside zmq_cffi (then it counts from the signal).
            waited_ms = lib.zmqcffi_slot_waited_ms(self._slot, events)
            deadline = _monotonic() + (timeout - max(waited_ms, 0)) / 1000.0
        while True:
            left_ms = _SIGNAL_SLICE_MS
            if deadline is not None:
                left_ms = min(max(int((deadline - _monotonic()) * 1000.0 + 0.999), 0), left_ms)
            if self.poll(left_ms, events):
                rc = call(flags | _NOBLOCK)
                if rc != -_EAGAIN and rc != -_EINTR:
                    return rc
            if deadline is not None and _monotonic() >= deadline:
                return -_EAGAIN

    def _send_other(self, data: Any, flags: int, copy: bool, track: bool,
                    routing_id: Optional[int], group: Optional[str]) -> Optional[MessageTracker]:
        if routing_id is not None or group is not None:
            raise ZMQVersionError("4.2", "routing_id/group (draft API)")
        if isinstance(data, Frame):
            return self._send_frame(data, flags, track)
        if isinstance(data, str):
            raise TypeError("unicode not allowed, use send_string")
        try:
            pinned = _from_buffer(data)
        except TypeError:
            raise TypeError("a bytes-like object is required to send, not %s"
                            % type(data).__name__) from None
        nbytes = len(pinned)
        slot = self._slot
        if copy or nbytes < self.copy_threshold:
            rc = lib.zmqcffi_send(slot, pinned, nbytes, flags)
            if rc == -_EINTR:
                rc = self._after_signal(lambda f: lib.zmqcffi_send(slot, pinned, nbytes, f),
                                        flags, _POLLOUT)
            if rc:
                self._raise_unpinned(rc, pinned)
            return _FINISHED_TRACKER if track and not copy else None
        # Zero-copy, in one C call: libzmq reads the buffer in place, and the
        # pinned owner is held until libzmq's release callback.
        tokens = [_zero_copy.hold(pinned)]
        rc = lib.zmqcffi_send_zerocopy(slot, pinned, nbytes, tokens[-1], flags)
        if rc == -_EINTR:
            def send_again(f: int) -> int:
                # The failed send released the token; pin the buffer afresh.
                tokens.append(_zero_copy.hold(pinned))
                return lib.zmqcffi_send_zerocopy(slot, pinned, nbytes, tokens[-1], f)
            rc = self._after_signal(send_again, flags, _POLLOUT)
        if rc:
            self._raise_unpinned(rc, pinned)  # libzmq released the failed message
        return MessageTracker._for_token(tokens[-1]) if track else None

    def _raise_unpinned(self, rc: int, pinned: Any) -> None:
        """Raise for a failed send of ``pinned``, releasing its buffer first.

        The traceback keeps this frame, and so ``pinned``, alive: if it ends
        in a reference cycle, CPython's GC may clear the exported memoryview
        while ``pinned`` still holds its buffer, and crash.  Releasing the
        buffer now (libzmq no longer reads it) leaves nothing to clear.
        """
        ffi.release(pinned)
        self._raise(rc)

    def _send_frame(self, frame: Frame, flags: int, track: bool) -> Optional[MessageTracker]:
        if track and frame.tracker is None:
            raise ValueError("Not a tracked message")
        slot = self._slot
        if frame._msg is None:
            data = frame._bytes
            rc = _send(slot, data, len(data), flags)
            if rc == -_EINTR:
                rc = self._after_signal(lambda f: _send(slot, data, len(data), f), flags, _POLLOUT)
        else:
            msg = frame._msg
            rc = lib.zmqcffi_msg_send_copy(slot, msg, flags)
            if rc == -_EINTR:
                rc = self._after_signal(lambda f: lib.zmqcffi_msg_send_copy(slot, msg, f),
                                        flags, _POLLOUT)
        if rc:
            self._raise(rc)
        return frame.tracker  # as pyzmq: a Frame's own tracker (None if untracked), whatever copy and track say

    def send_multipart(self, msg_parts: Sequence[Union[Buffer, Frame]], flags: int = 0, copy: bool = True,
                       track: bool = False, **kwargs: Any) -> Optional[MessageTracker]:
        """Send a sequence of buffers as one multipart message.

        Parameters
        ----------
        msg_parts : sequence
            Frames, bytes or other buffers.  Every part is checked before
            anything is sent, so a bad part never leaves half a message.
        flags : int, optional
            NOBLOCK; SNDMORE is added for every part but the last (and to the
            last too if given here).
        copy, track : bool, optional
            As for send; the tracker returned follows the last part.
        """
        if not isinstance(flags, int):
            raise TypeError("flags must be an int, not %s" % type(flags).__name__)
        n = len(msg_parts)
        all_bytes = True
        max_len = 0
        for i, part in enumerate(msg_parts):
            if type(part) is bytes:
                if len(part) > max_len:
                    max_len = len(part)
                continue
            all_bytes = False
            if isinstance(part, Frame):
                if track and part.tracker is None:  # before any part is pinned
                    raise ValueError("Not a tracked message")
                continue
            if isinstance(part, str):
                raise TypeError("Frame %i (%r...) is a str; send bytes (encode it)"
                                % (i, part[:32]))
            try:
                memoryview(part)
            except TypeError:
                raise TypeError("Frame %i (%r...) does not support the buffer interface."
                                % (i, repr(part)[:32])) from None
        if n == 0:
            raise ValueError("cannot send an empty multipart message")
        # Every part goes in one C call, so the message is sent whole or not
        # at all (see zmqcffi_send_parts): nothing can interrupt it between parts.
        if not track and all_bytes and (copy or max_len < self.copy_threshold):
            hot = self._hot
            rc = _send_parts_bytes(hot, msg_parts, flags)  # all bytes
            if rc is not None:
                if rc == -_EINTR:
                    rc = self._after_signal(
                        lambda f: _send_parts_bytes(hot, msg_parts, f),
                        flags, _POLLOUT)
                if rc:
                    self._raise(rc)
                return None
        return self._send_parts(msg_parts, flags, copy, track)

    def _send_parts(self, msg_parts: Sequence[Any], flags: int, copy: bool,
                    track: bool) -> Optional[MessageTracker]:
        """send_multipart of Frames, buffers, zero-copy parts, or many parts."""
        n = len(msg_parts)
        threshold = self.copy_threshold
        pinned: List[Any] = []   # keeps every buffer alive during the call
        outcome: List[Any] = [None]  # the last part's tracker, when track

        def attempt(f: int) -> int:
            # Built afresh for each attempt: a failed call released the
            # zero-copy tokens of the previous one.
            parts = ffi.new("zmqcffi_part_t[]", n)
            for i, part in enumerate(msg_parts):
                tracker = None
                if isinstance(part, Frame):
                    tracker = part.tracker
                    if part._msg is not None:
                        parts[i].frame = part._msg
                        outcome[0] = tracker
                        continue
                    part = part._bytes
                view = _from_buffer(part)
                pinned.append(view)
                parts[i].data = view
                parts[i].size = size = len(view)
                if not copy and size >= threshold:
                    parts[i].token = token = _zero_copy.hold(view)
                    tracker = MessageTracker._for_token(token)
                elif tracker is None and not copy:
                    tracker = _FINISHED_TRACKER
                outcome[0] = tracker
            return lib.zmqcffi_send_parts(self._slot, parts, n, f)

        rc = attempt(flags)
        if rc == -_EINTR:
            rc = self._after_signal(attempt, flags, _POLLOUT)
        if rc:
            for view in pinned:  # libzmq let go of them (see _raise_unpinned)
                ffi.release(view)
            self._raise(rc)
        return outcome[0] if track else None

    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8",
                    **kwargs: Any) -> Optional[MessageTracker]:
        """Send a str, encoded (UTF-8 by default).

        Parameters
        ----------
        u : str
            The text to send.
        flags : int, optional
            Any send flag.
        encoding : str, optional
            The encoding to use.
        """
        if not isinstance(u, str):
            raise TypeError("str objects only")
        return self.send(u.encode(encoding), flags=flags, copy=copy, **kwargs)

    send_unicode = send_string

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = pickle.DEFAULT_PROTOCOL,
                   **kwargs: Any) -> Optional[MessageTracker]:
        """Send a Python object, pickled with ``protocol`` (default: pickle's
        default protocol, as in pyzmq; -1 for the highest)."""
        return self.send(pickle.dumps(obj, protocol), flags=flags, **kwargs)

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Optional[MessageTracker]:
        """Send a Python object as JSON; ``kwargs`` go to ``json.dumps``."""
        send_kwargs = {k: kwargs.pop(k) for k in ("copy", "track", "routing_id", "group") if k in kwargs}
        return self.send(jsonapi.dumps(obj, **kwargs), flags=flags, **send_kwargs)

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Sequence[Any]], flags: int = 0,
                        copy: bool = True, **kwargs: Any) -> Optional[MessageTracker]:
        """Send ``serialize(msg)`` (a list of frames) as one multipart message."""
        return self.send_multipart(serialize(msg), flags=flags, copy=copy, **kwargs)

    # ---- receiving -------------------------------------------------------------

    # What recv returns, for type checkers (as pyzmq declares): bytes, or a
    # Frame with copy=False.
    @overload
    def recv(self, flags: int = 0, copy: Literal[True] = True, track: bool = False) -> bytes: ...
    @overload
    def recv(self, flags: int = 0, *, copy: Literal[False], track: bool = False) -> Frame: ...
    @overload
    def recv(self, flags: int, copy: Literal[False], track: bool = False) -> Frame: ...
    @overload
    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Union[bytes, Frame]: ...

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive one message part.

        Parameters
        ----------
        flags : int, optional
            NOBLOCK: raise Again at once when nothing is waiting; otherwise
            block until a message arrives (Ctrl-C interrupts the wait).
        copy : bool, optional
            Return bytes (True) or a Frame that holds libzmq's message.
        track : bool, optional
            Ignored (kept for pyzmq compatibility).

        Returns
        -------
        bytes or Frame
        """
        if copy:
            # flags != 0, not just flags: None must reach C and raise TypeError
            got = _recv_bytes(self._hot, flags) if flags != 0 else _recv_bytes0(self._hot)
            if got.__class__ is bytes:
                return got
            return self._recv_slow(got, flags)
        return self._recv_frame(flags)

    def _recv_slow(self, n: int, flags: int) -> bytes:
        """A copying recv that failed, that another thread than the socket's
        home made, or whose part is held in the receive area."""
        if n == -_EINTR:
            slot = self._slot
            n = self._after_signal(lambda f: _recv(slot, f), flags, _POLLIN)
        if n >= 0:
            rx = self._slot_holder.home
        elif n == -_EAWAY:  # in this thread's own area
            rx = _rx_here()
            n = rx.size
            if n <= _RX_CAP:
                return ffi.buffer(rx.buf, n)[:]
        else:
            self._raise(n)
        if n <= _RX_CAP:
            return self._slot_holder.rx_view[:n]
        data = _unpack(rx.data, n)
        lib.zmqcffi_rx_release(rx)
        return data

    def _recv_frame(self, flags: int) -> Frame:
        slot = self._slot
        rc = lib.zmqcffi_msg_recv_new(slot, flags)
        if rc == -_EINTR:
            rc = self._after_signal(lambda f: lib.zmqcffi_msg_recv_new(slot, f), flags, _POLLIN)
        if rc == 0:
            rx = self._slot_holder.home
        elif rc == -_EAWAY:
            rx = _rx_here()
        else:
            self._raise(rc)
        return Frame._from_msg(lib.zmqcffi_rx_take_frame(rx), rx.frame_data, rx.frame_size,
                               rx.frame_more)

    def recv_into(self, buffer: Any, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one part into a writable buffer, without an intermediate copy.

        Parameters
        ----------
        buffer : writable buffer
            Where to put the message (bytearray, memoryview, array, ...).
        nbytes : int, optional
            At most this many bytes (0: the buffer's size).
        flags : int, optional
            NOBLOCK, as for recv.

        Returns
        -------
        int
            The message's full size; larger than the buffer if it was truncated.
        """
        try:
            target = _from_buffer(buffer, require_writable=True)
        except TypeError:
            # A buffer of the wrong kind is a BufferError (as CPython's cffi
            # and pyzmq say); an object without the buffer protocol a TypeError.
            try:
                view = memoryview(buffer)
            except TypeError:
                view = None
            if view is not None and (view.readonly or not view.contiguous):
                raise BufferError("recv_into needs writable, contiguous memory, not %s"
                                  % ("a read-only buffer" if view.readonly else "a strided view")) from None
            raise TypeError("recv_into needs a writable buffer (bytearray, memoryview, ...), "
                            "not %s" % type(buffer).__name__) from None
        size = len(target)
        if nbytes < 0:
            raise ValueError("nbytes must be non-negative, got %i" % nbytes)
        if nbytes:
            if nbytes > size:
                raise ValueError("nbytes=%i exceeds the buffer's %i bytes" % (nbytes, size))
            size = nbytes
        slot = self._slot
        rc = lib.zmqcffi_recv_into(slot, target, size, flags)
        if rc == -_EINTR:
            rc = self._after_signal(lambda f: lib.zmqcffi_recv_into(slot, target, size, f),
                                    flags, _POLLIN)
        if rc < 0:
            self._raise(rc)
        return rc

    @overload
    def recv_multipart(self, flags: int = 0, copy: Literal[True] = True, track: bool = False) -> List[bytes]: ...
    @overload
    def recv_multipart(self, flags: int = 0, *, copy: Literal[False], track: bool = False) -> List[Frame]: ...
    @overload
    def recv_multipart(self, flags: int, copy: Literal[False], track: bool = False) -> List[Frame]: ...
    @overload
    def recv_multipart(self, flags: int = 0, copy: bool = True,
                       track: bool = False) -> Union[List[bytes], List[Frame]]: ...

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> List[Any]:
        """Receive every part of a multipart message.

        Parameters
        ----------
        flags : int, optional
            NOBLOCK applies to the first part (the others are already there).
        copy : bool, optional
            bytes (True) or Frames (False) for each part.
        track : bool, optional
            Ignored.

        Returns
        -------
        list of bytes or of Frame
        """
        # One C call receives every part (zmqcffi_recv_parts): nothing can
        # come between two parts, so the message is whole or not received.
        want_frames = 0 if copy else 1
        slot = self._slot
        if copy:
            got = _recv_parts_bytes(self._hot, flags)
            if got.__class__ is list:
                return got
            n: int = got
        else:
            n = _recv_parts(slot, flags, want_frames)
        if n > 0:
            rx = self._slot_holder.home
            view = self._slot_holder.rx_view
        else:
            if n == -_EINTR:
                n = self._after_signal(lambda f: _recv_parts(slot, f, want_frames), flags, _POLLIN)
            if n > 0:
                rx = self._slot_holder.home
                view = self._slot_holder.rx_view
            elif n == -_EAWAY:  # in this thread's own area
                rx = _rx_here()
                n = rx.nparts
                view = ffi.buffer(rx.buf, _RX_CAP)
            else:
                self._raise(n)
        sizes = _unpack(rx.sizes, n)
        if not copy:
            datas = _unpack(rx.datas, n)
            last = n - 1
            return [Frame._from_msg(_take_part(rx, i), datas[i], sizes[i], i < last)
                    for i in range(n)]
        parts = []
        start = 0
        held = False
        for i, size in enumerate(sizes):
            if size >= 0:
                end = start + size
                parts.append(view[start:end])
                start = end
            else:  # a large part, held in its message
                parts.append(_unpack(rx.datas[i], -size - 1))
                held = True
        if held:
            lib.zmqcffi_rx_release(rx)
        return parts

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> str:
        """Receive a str, as sent by send_string."""
        return self.recv(flags).decode(encoding)

    recv_unicode = recv_string

    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive a pickled Python object, as sent by send_pyobj.

        Never unpickle data from peers you do not trust.
        """
        return pickle.loads(self.recv(flags))

    def recv_json(self, flags: int = 0, **kwargs: Any) -> _JSON:
        """Receive a JSON document; ``kwargs`` go to ``json.loads``."""
        return jsonapi.loads(self.recv(flags), **kwargs)

    def recv_serialized(self, deserialize: Callable[[List[Any]], Any], flags: int = 0,
                        copy: bool = True) -> Any:
        """Receive a multipart message and return ``deserialize(parts)``."""
        return deserialize(self.recv_multipart(flags, copy=copy))

    # ---- polling, monitoring -------------------------------------------------

    def poll(self, timeout: Optional[int] = None, flags: int = _POLLIN) -> int:
        """Wait until the socket is ready for ``flags`` (POLLIN and/or POLLOUT).

        Parameters
        ----------
        timeout : int, optional
            Milliseconds to wait; None (default) or negative waits for ever.
        flags : int, optional
            The events to wait for.

        Returns
        -------
        int
            The ready events (0 on timeout).
        """
        if self.closed:
            self._raise(-_ENOTSOCK)
        if not flags and (timeout is None or timeout < 0):
            return 0  # waiting for no event at all: nothing can ever happen
        cached = self._poll_arrays
        if cached is None:
            items = ffi.new("zmq_pollitem_t[1]")
            items[0].socket = self._handle
            cached = (items, ffi.new("zmqcffi_slot_t *[1]", [self._slot]))
            object.__setattr__(self, "_poll_arrays", cached)
        items, slots = cached
        item = items[0]
        item.events = flags
        item.revents = 0
        rc = poll_items(items, slots, 1, timeout)
        if rc < 0:
            self._raise(rc)
        return PollEvent(item.revents) if item.revents else 0

    def monitor(self, addr: Optional[str], events: int = Event.ALL) -> None:
        """Publish this socket's events (connects, disconnects, ...) on a PAIR
        socket bound to ``addr`` (inproc://...); ``addr=None`` stops it."""
        if self.closed:
            self._raise(-_ENOTSOCK)
        c_addr = ffi.NULL if addr is None else _as_addr(addr)
        rc = lib.zmqcffi_monitor(self._slot, c_addr, events)
        if rc < 0:
            self._raise(rc)

    def get_monitor_socket(self, events: Optional[int] = None, addr: Optional[str] = None) -> Socket[bytes]:
        """Start monitoring (once) and return the connected PAIR socket that
        receives the events (see zmq_cffi.utils.monitor.recv_monitor_message).

        Parameters
        ----------
        events : int, optional
            The events to report (default: all).
        addr : str, optional
            The inproc endpoint to publish on (default: a fresh private name).
        """
        peer = self._monitor_socket
        if peer is not None and not peer.closed:
            return peer
        if events is None:
            events = Event.ALL
        if addr is None:
            addr = "inproc://monitor.s-%d.%d" % (self.underlying, next(_monitor_serial))
        self.monitor(addr, events)
        peer = self.context.socket(SocketType.PAIR)
        peer.connect(addr)
        object.__setattr__(self, "_monitor_socket", peer)
        return peer

    def disable_monitor(self) -> None:
        """Stop the monitor started by monitor or get_monitor_socket."""
        object.__setattr__(self, "_monitor_socket", None)
        self.monitor(None, 0)

    # ---- RADIO/DISH (draft API) ------------------------------------------------

    def join(self, group: Union[str, bytes]) -> None:
        """Join a RADIO/DISH group (DISH sockets; needs a draft libzmq)."""
        raise RuntimeError("joining a RADIO/DISH group needs libzmq built with the draft API "
                           "(zmq.DRAFT_API is False)")

    def leave(self, group: Union[str, bytes]) -> None:
        """Leave a RADIO/DISH group (DISH sockets; needs a draft libzmq)."""
        raise RuntimeError("leaving a RADIO/DISH group needs libzmq built with the draft API "
                           "(zmq.DRAFT_API is False)")

    def __dir__(self) -> List[str]:
        return sorted(set(dir(type(self))) | set(SocketOption.__members__))

    def __copy__(self: _SocketSelf, memo: Any = None) -> _SocketSelf:
        """A copy is a shadow: another wrapper of the same libzmq socket."""
        return type(self).shadow(self)

    __deepcopy__ = __copy__

    # ---- repr ----------------------------------------------------------------

    def __repr__(self) -> str:
        kind = self.socket_type
        name = kind.name if isinstance(kind, SocketType) else str(kind)
        closed = " closed" if self.closed else ""
        return "<zmq_cffi.%s(zmq_cffi.%s) at %#x%s>" % (type(self).__name__, name, id(self), closed)


def _option_property(option: SocketOption) -> property:
    def fget(self: Socket[Any]) -> Union[int, bytes]:
        try:
            return self.get(option)
        except ZMQError as exc:
            # libzmq refuses to read a write-only option (SUBSCRIBE, ...) with
            # EINVAL: as in pyzmq, that attribute does not exist for reading,
            # so hasattr(), getattr(s, name, default) and mocks work.
            if exc.errno == _errno_mod.EINVAL and not self.closed:
                raise AttributeError("%s attribute is write-only" % option.name) from None
            raise

    def fset(self: Socket[Any], value: Union[int, bytes]) -> None:
        self.set(option, value)

    return property(fget, fset, doc="The %s socket option." % option.name)


# Options as attributes (``s.linger = 0``, ``s.RCVMORE``): real properties,
# not a __getattr__ hook, which would slow every attribute read of a socket
# on CPython (it disables the interpreter's attribute-load specialisation).
Socket.HWM = Socket.hwm  # type: ignore[attr-defined]
for _name, _option in SocketOption.__members__.items():
    for _attr in (_name.lower(), _name):
        if not hasattr(Socket, _attr):
            setattr(Socket, _attr, _option_property(_option))
del _name, _option, _attr
# ``s.type`` reads as a SocketType; setting it is refused by libzmq (TYPE is read-only).
Socket.type = property(lambda self: self.socket_type, Socket.type.fset,  # type: ignore[attr-defined]
                       doc="The socket type, as a SocketType.")

Context._socket_class = Socket

#: pyzmq 25+'s name for the synchronous Socket.
if TYPE_CHECKING:
    SyncSocket = Socket[bytes]
else:
    SyncSocket = Socket
