"""Context: owns a libzmq context and knows every socket made from it."""
from __future__ import annotations

import atexit
import os
import sys
from errno import EINVAL as _EINVAL
import threading
import warnings
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, Generic, List, Optional, Type, TypeVar, Union

from zmq_cffi._ffi import ffi, lib
from zmq_cffi._wakeup import install_signal_wakeup
from zmq_cffi.constants import ContextOption, SocketOption
from zmq_cffi.error import ContextTerminated, ZMQError, error_for
from zmq_cffi.utils.interop import shadow_address

__all__ = ["Context"]

if TYPE_CHECKING:
    from zmq_cffi.socket import Socket

# The socket class a Context makes, for type checkers: ``zmq.Context[zmq.Socket[bytes]]``
# (Generic as in pyzmq 27, whose users annotate ``zmq.Context[Any]``).
_SocketT = TypeVar("_SocketT", bound="Socket[Any]", covariant=True)
_ContextT = TypeVar("_ContextT", bound="Context[Any]")

# Set at interpreter exit: finalizers then never block on zmq_ctx_term.
_exiting = False


def _at_exit() -> None:
    global _exiting
    _exiting = True


atexit.register(_at_exit)

def _terminate(handle: Any) -> None:
    """``zmq_ctx_term``, retried after EINTR (the reaper thread of Context.__del__)."""
    while lib.zmq_ctx_term(handle) != 0 and ffi.errno == lib.EINTR:
        pass


class _SocketRef(weakref.ref):  # type: ignore[type-arg]
    """A context's entry for one of its sockets: a weak reference to the
    Socket, with the slot it calls through (see socket._SocketSlot).

    The slot outlives the Socket object, so term() can still stop or close
    the libzmq socket of a Socket that is unreachable but not yet finalized
    (on PyPy a finalizer may run long after the object became garbage).
    """

    __slots__ = ("holder", "shadow")
    holder: Any
    shadow: bool


# Every live Context, so a forked child can disown them all (see _after_fork).
_live_contexts: "weakref.WeakSet[Context[Any]]" = weakref.WeakSet()


def _live_context_list() -> List[Context[Any]]:
    """The live Contexts.  list() of the WeakSet's own set of references is
    one builtin call, which another thread adding a Context cannot
    interrupt (iterating the WeakSet runs Python code, and can be)."""
    refs = list(_live_contexts.data)  # type: ignore[attr-defined]
    return [ctx for ctx in (ref() for ref in refs) if ctx is not None]


def _after_fork_in_child() -> None:
    """In a forked child, the parent's libzmq state must never be touched.

    Each inherited context and socket forgets its handle, so that any use
    raises a clear error instead of corrupting the parent's connections, and
    nothing blocks on a context whose I/O threads did not survive the fork.
    """
    for ctx in _live_context_list():
        ctx._disown("it was created in the parent process, before fork()")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Context(Generic[_SocketT]):
    """A ZeroMQ context, the factory and owner of sockets.

    Parameters
    ----------
    io_threads : int, optional
        Number of libzmq I/O threads (default 1).
    shadow : int, optional
        The address of an existing libzmq context to wrap instead of creating
        one; a shadow never terminates the context it wraps.
    """

    _instance: Optional[Context[Any]] = None
    _instance_lock = threading.Lock()
    _instance_pid: Optional[int] = None
    _socket_class: Type[Any]  # set in zmq_cffi/socket.py, which imports this module

    def __init__(self: SyncContext, io_threads: Union[int, Context[Any]] = 1,
                 shadow: Union[int, Context[Any]] = 0) -> None:
        if isinstance(io_threads, Context):
            shadow, io_threads = io_threads, 1
        object.__setattr__(self, "_closed", True)  # until the handle exists
        if shadow:
            address = shadow_address(shadow.underlying if isinstance(shadow, Context) else shadow,
                                     "context")
            handle = ffi.cast("void *", address)
            is_shadow = True
        else:
            handle = lib.zmq_ctx_new()
            if handle == ffi.NULL:
                raise ZMQError()
            is_shadow = False
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_shadow", is_shadow)
        # One _SocketRef per socket not yet closed (a dead one is an orphan),
        # as dict keys: a dict's table costs about half of a set's per entry.
        object.__setattr__(self, "_socket_refs", {})
        object.__setattr__(self, "_term_lock", threading.Lock())
        object.__setattr__(self, "_sockopts", {})
        object.__setattr__(self, "_pid", os.getpid())
        object.__setattr__(self, "_disowned", None)
        object.__setattr__(self, "_terminating", False)
        object.__setattr__(self, "_closed", False)
        _live_contexts.add(self)
        install_signal_wakeup()
        if not is_shadow and io_threads != 1:
            self.set(ContextOption.IO_THREADS, io_threads)

    # ---- life cycle ----------------------------------------------------------

    @classmethod
    def instance(cls: Type[_ContextT], io_threads: int = 1) -> _ContextT:
        """Return the process-wide shared Context, creating it when needed.

        A new one is made if the previous instance was terminated, or in a
        child process after fork().
        """
        inst: Any = cls._instance
        if inst is None or inst.closed or cls._instance_pid != os.getpid():
            with cls._instance_lock:
                inst = cls._instance
                if inst is None or inst.closed or cls._instance_pid != os.getpid():
                    inst = cls(io_threads=io_threads)
                    cls._instance = inst
                    cls._instance_pid = os.getpid()
        return inst

    @property
    def closed(self) -> bool:
        """True once the context is terminated."""
        return self._closed

    @property
    def underlying(self) -> int:
        """The address of the libzmq context, for other bindings to shadow."""
        return int(ffi.cast("intptr_t", self._handle))

    @classmethod
    def shadow(cls: Type[_ContextT], address: Union[int, Context[Any]]) -> _ContextT:
        """Wrap an existing libzmq context (by address) without owning it."""
        if isinstance(address, Context):
            return cls(shadow=address)
        return cls(shadow=shadow_address(address, "context"))

    def term(self) -> None:
        """Terminate the context.

        Blocking calls on its sockets, in any thread, fail at once with
        ContextTerminated, and so does every later call but ``close()``;
        ``term`` then waits until every socket is closed (and their LINGER
        periods have passed).  A signal handler (Ctrl-C) may interrupt the
        wait: the context then stays open, its sockets can still be closed,
        and ``term()`` can be called again to finish.
        """
        with self._term_lock:  # a second caller waits for the first, then returns
            self._term_locked()

    def _term_locked(self) -> None:
        if self._closed:
            return
        if self._shadow:
            # The wrapped libzmq context belongs to its creator: forget it, never terminate it.
            object.__setattr__(self, "_closed", True)
            object.__setattr__(self, "_handle", ffi.NULL)
            _live_contexts.discard(self)
            return
        self._close_orphans()
        self._stop_sockets()
        handle = self._handle
        while True:
            if lib.zmq_ctx_term(handle) == 0:
                break
            errno = ffi.errno
            if errno != lib.EINTR:
                raise error_for(errno)
            # A Python signal handler runs here, between the calls; if it
            # raises (KeyboardInterrupt), the exception propagates.
        object.__setattr__(self, "_closed", True)
        object.__setattr__(self, "_handle", ffi.NULL)
        _live_contexts.discard(self)

    def destroy(self, linger: Optional[int] = None) -> None:
        """Close every socket of this context, then terminate it.

        Parameters
        ----------
        linger : int, optional
            LINGER (ms) to close the sockets with; by default each keeps its own.

        Notes
        -----
        A socket that another thread is using right now (blocked in recv,
        send, poll or a proxy) is closed by that thread as soon as its call
        returns: term() wakes the call, which raises ContextTerminated.  So
        destroy() from the main thread is safe with worker threads blocked on
        their sockets (pyzmq closes such sockets under the worker's feet,
        which can abort the process).
        """
        if self._closed:
            return
        self._close_sockets(linger)
        self.term()

    def _close_sockets(self, linger: Optional[int]) -> None:
        """Close every socket of this context (orphans too), with ``linger``."""
        for sock in list(self._sockets):
            if not sock.closed:
                sock.close(linger=linger)
        self._close_orphans(linger)

    def _stop_sockets(self) -> None:
        """Make every socket call but close() raise ContextTerminated, from now on.

        term() does this before ``zmq_ctx_term``, which tells each socket to
        stop anyway.  Refusing the calls before they reach libzmq matters when
        a signal interrupts term(): in libzmq 4.3.4, a socket call that sees
        the stop command after an interrupted ``zmq_ctx_term`` makes the next
        ``zmq_ctx_term`` hang for ever.  (Calls already blocked in libzmq are
        woken by libzmq itself.)
        """
        object.__setattr__(self, "_terminating", True)
        for ref in list(self._socket_refs):
            lib.zmqcffi_slot_stop(ref.holder.c)

    def _check_open(self, for_new_socket: bool = False) -> None:
        """Raise ContextTerminated, saying why, if the context cannot be used."""
        if self._closed:
            if self._disowned:
                raise ContextTerminated(msg="Context is unusable: %s" % self._disowned)
            raise ContextTerminated()
        if for_new_socket and self._terminating:
            raise ContextTerminated(msg="Context is terminating (term() was called)")

    def _disown(self, reason: str) -> None:
        """Forget the handle without touching libzmq (after fork)."""
        for sock in list(self._sockets):
            sock._disown(reason)
        object.__setattr__(self, "_disowned", reason)
        object.__setattr__(self, "_closed", True)
        object.__setattr__(self, "_handle", ffi.NULL)

    def __copy__(self: _ContextT, memo: Any = None) -> _ContextT:
        """A copy is a shadow: another wrapper of the same libzmq context."""
        return type(self).shadow(self)

    __deepcopy__ = __copy__

    def __enter__(self: _ContextT) -> _ContextT:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # As pyzmq: leaving the block with sockets still open is worth a
        # warning (destroy() closes them, possibly dropping queued messages).
        if not self._closed:
            for sock in list(self._sockets):
                if not sock.closed and not sock._shadow:
                    warnings.warn("Destroying context with unclosed socket %r" % (sock,),
                                  ResourceWarning, stacklevel=2)
        self.destroy()

    def __del__(self) -> None:
        """A Context collected without ``term()``: terminated in the background.

        A finalizer must never block, and ``zmq_ctx_term`` waits for the
        messages its sockets still hold under LINGER (-1 by default: for ever,
        if the peer never comes).  So the sockets are closed with their own
        LINGER, as ``close()`` would, and a daemon thread terminates the
        context: queued messages still go out if their peer appears while the
        process lives, and the program goes on at once.  At interpreter exit
        nothing is terminated (see ``_at_exit``).
        """
        # Guard against a half-built object, a forked child, and exit.
        if getattr(self, "_closed", True) or self._shadow or _exiting:
            return
        if self._pid != os.getpid():
            return
        warnings.warn("Unclosed context %r (terminated in the background)" % (self,),  # noqa: B028 - as pyzmq
                      ResourceWarning, source=self)
        # Sockets hold their context, so any left here are garbage too.
        self._close_sockets(None)
        handle = self._handle
        object.__setattr__(self, "_closed", True)
        object.__setattr__(self, "_handle", ffi.NULL)
        _live_contexts.discard(self)
        threading.Thread(target=_terminate, args=(handle,), daemon=True,
                         name="zmq_cffi-context-reaper").start()

    # ---- sockets -------------------------------------------------------------

    def socket(self: _ContextT, socket_type: int,
               socket_class: Optional[Callable[[_ContextT, int], _SocketT]] = None,
               **kwargs: Any) -> _SocketT:
        """Create a Socket of this context.

        Parameters
        ----------
        socket_type : int
            zmq.REQ, zmq.PUB, ... (see SocketType).
        socket_class : type, optional
            A Socket subclass to instantiate instead of Socket.
        **kwargs
            Passed to the socket class, as ``socket_class(self, socket_type,
            **kwargs)``.  Socket itself takes socket options by name
            (``linger=0``, ``rcvtimeo=100``, ...).
        """
        self._check_open(for_new_socket=True)
        cls = socket_class or self._socket_class
        # As pyzmq: the keywords go to the class (Socket.__init__ takes socket
        # options by name, so ``linger=0`` reaches it through any subclass
        # that passes its unknown keywords on).
        sock = cls(self, socket_type, **kwargs)
        try:
            for option, value in self._sockopts.items():
                try:
                    sock.set(option, value)
                except ZMQError:
                    pass  # a default that does not apply to this socket type
        except BaseException:
            sock.close(linger=0)
            raise
        return sock

    @property
    def _sockets(self) -> List[Any]:
        """The sockets of this context that are alive and not closed."""
        found = []
        for ref in list(self._socket_refs):
            sock = ref()
            if sock is not None:
                found.append(sock)
        return found

    def _socket_slots(self) -> List[Any]:
        """The slots of this context's sockets not closed (orphans' too)."""
        return [ref.holder for ref in list(self._socket_refs)]

    def _add_socket(self, sock: Any) -> None:
        ref = _SocketRef(sock)
        ref.holder = sock._slot_holder
        ref.shadow = sock._shadow
        object.__setattr__(sock, "_context_ref", ref)
        self._socket_refs[ref] = None

    def _rm_socket(self, sock: Any) -> None:
        # By identity: the reference may be dead already (a socket finalized
        # in a garbage cycle), and dead references compare by identity.
        self._socket_refs.pop(getattr(sock, "_context_ref", None), None)

    def _close_orphans(self, linger: Optional[int] = None) -> None:
        """Close sockets that are unreachable but not yet finalized.

        On PyPy a dropped socket leaves the WeakSet at a GC, but its __del__
        (which closes it) runs later; zmq_ctx_term would wait for it for
        ever.  The socket's slot (held here) can close it: a slot closes only
        once, so the socket's own close() later does nothing.
        """
        # (A live shadow may share an orphan's slot: the orphan still goes,
        # as it would at once on CPython, and the shadow then sees it closed.)
        keep = lib.ZMQCFFI_KEEP_LINGER if linger is None else linger
        for ref in list(self._socket_refs):
            if ref() is None:
                self._socket_refs.pop(ref, None)
                if not ref.shadow:
                    lib.zmqcffi_slot_close(ref.holder.c, keep)

    # ---- options ---------------------------------------------------------------

    def get(self, option: int) -> int:
        """Get a context option (``zmq_ctx_get``), e.g. zmq.IO_THREADS."""
        self._check_open()
        rc = lib.zmq_ctx_get(self._handle, option)
        if rc < 0:
            raise error_for(ffi.errno)
        return rc

    def set(self, option: int, optval: int) -> None:
        """Set a context option (``zmq_ctx_set``), e.g. zmq.MAX_SOCKETS."""
        self._check_open()
        if not isinstance(optval, int):
            raise TypeError("context options take int values, not %s" % type(optval).__name__)
        if lib.zmq_ctx_set(self._handle, option, optval) < 0:
            raise error_for(ffi.errno)

    def setsockopt(self, opt: int, value: Any) -> None:
        """Set a default socket option for every socket created from now on."""
        self._sockopts[opt] = value

    def getsockopt(self, opt: int) -> Any:
        """Get a default socket option set with setsockopt.

        Raises
        ------
        KeyError
            If no default was set for ``opt``.
        """
        return self._sockopts[opt]

    @property
    def sockopts(self) -> Dict[int, Any]:
        """The default socket options applied to new sockets (option -> value)."""
        return self._sockopts

    @sockopts.setter
    def sockopts(self, value: Dict[int, Any]) -> None:
        object.__setattr__(self, "_sockopts", value)

    sockopt = sockopts

    @classmethod
    def shadow_pyczmq(cls: Type[_ContextT], ctx: Any) -> _ContextT:
        """Shadow an existing pyczmq context (needs the pyczmq package)."""
        from pyczmq import zctx  # ImportError without pyczmq, as in pyzmq

        from zmq_cffi.utils.interop import cast_int_addr
        return cls(shadow=cast_int_addr(zctx.underlying(ctx)))

    def __dir__(self) -> List[str]:
        return sorted(set(dir(type(self))) | set(vars(self)) | set(ContextOption.__members__))

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: options by attribute name.
        upper = name.upper()
        if upper in ContextOption.__members__:
            try:
                return self.get(ContextOption[upper])
            except ZMQError as exc:
                # A write-only option (BLOCKY, THREAD_PRIORITY, ...): as in
                # pyzmq, not readable as an attribute (hasattr, mocks).
                if exc.errno == _EINVAL:
                    raise AttributeError("%s attribute is write-only" % upper) from None
                raise
        if upper in SocketOption.__members__:
            try:
                return self._sockopts[SocketOption[upper]]
            except KeyError:
                raise AttributeError("No socket option default %s has been set" % upper) from None
        raise AttributeError("%s has no such option: %s" % (type(self).__name__, upper))

    def __setattr__(self, name: str, value: Any) -> None:
        # Not ``name in self.__dict__``: that materialises the instance dict on CPython.
        if name.startswith("_") or hasattr(type(self), name) or declared_attribute(type(self), name):
            object.__setattr__(self, name, value)
            return
        upper = name.upper()
        if upper in ContextOption.__members__:
            self.set(ContextOption[upper], value)
        elif upper in SocketOption.__members__:
            self.setsockopt(SocketOption[upper], value)
        else:
            raise AttributeError("%s has no such option: %s" % (type(self).__name__, upper))

    def __delattr__(self, name: str) -> None:
        upper = name.upper()
        if upper in SocketOption.__members__ and SocketOption[upper] in self._sockopts:
            del self._sockopts[SocketOption[upper]]
        else:
            object.__delattr__(self, name)

    def __repr__(self) -> str:
        if self._closed:
            state = "closed"
        else:
            n = len(self._sockets)
            state = "%i socket%s" % (n, "" if n == 1 else "s")
        return "<zmq_cffi.Context(%s) at %#x>" % (state, id(self))


def declared_attribute(cls: type, name: str) -> bool:
    """Whether ``cls`` (or a base) declares ``name`` by annotation, as in
    ``class MyContext(zmq.Context): extra: int``: such an attribute is set
    on the instance instead of being taken for an option (as pyzmq does)."""
    return any(name in _own_annotations(klass) for klass in cls.__mro__)


def _own_annotations(klass: type) -> Any:
    """The annotations written in ``klass``'s own body (not its bases')."""
    found = vars(klass).get("__annotations__")
    if found is None and sys.version_info >= (3, 14):
        # PEP 649: a 3.14 class body keeps an __annotate__ function instead,
        # evaluated on demand; FORWARDREF does not fail on undefined names.
        import annotationlib

        try:
            found = annotationlib.get_annotations(klass, format=annotationlib.Format.FORWARDREF)
        except Exception:  # an annotation whose evaluation fails otherwise
            found = None
    return found or {}


#: pyzmq 25+'s name for the synchronous Context.
if TYPE_CHECKING:
    SyncContext = Context[Socket[bytes]]
else:
    SyncContext = Context
