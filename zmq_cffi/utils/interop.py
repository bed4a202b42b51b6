"""Interoperability with other bindings: turning a foreign pointer into an address.

``Socket.shadow(address)`` and ``Context.shadow(address)`` take the address
of a libzmq object created elsewhere (by pyzmq, by C code, by a ctypes
binding).  :func:`cast_int_addr` accepts that address in the forms such code
hands it over: a plain int, a CFFI pointer, or a ctypes pointer.
"""
import ctypes
import operator
from typing import Any

# Only the ``ffi`` object is needed, to recognise and cast CFFI pointers; all
# CFFI instances share one cdata type, so pointers made by another library's
# FFI are recognised too.
from zmq_cffi._ffi import ffi

__all__ = ["cast_int_addr", "shadow_address"]

# The ctypes simple types that hold an address: c_char_p, c_void_p, c_wchar_p
# (POINTER(T) types derive from ctypes._Pointer instead).
_CTYPES_ADDRESS_CODES = frozenset("zPZ")


def cast_int_addr(n: Any) -> int:
    """Return the address held by ``n`` as a Python int.

    Parameters
    ----------
    n : int, CFFI pointer or ctypes pointer
        An int (or anything with ``__index__``) is returned unchanged; a CFFI
        ``cdata`` pointer from any ``FFI`` instance, a ctypes ``c_void_p``,
        ``c_char_p`` or ``POINTER(T)`` instance gives the address it points
        to (0 for NULL).

    Returns
    -------
    int
        The address.

    Raises
    ------
    ValueError
        If ``n`` is none of these (a float, a str, a ctypes integer, ...).
    """
    if isinstance(n, int):
        return n
    if isinstance(n, ffi.CData):
        try:
            # Through uintptr_t, not int(): CFFI refuses int() on pointers.
            return int(ffi.cast("uintptr_t", n))
        except TypeError:
            pass  # a struct or other cdata that holds no address
    elif isinstance(n, ctypes._Pointer) or (
            isinstance(n, ctypes._SimpleCData) and getattr(type(n), "_type_", None) in _CTYPES_ADDRESS_CODES):
        return ctypes.cast(n, ctypes.c_void_p).value or 0
    else:
        try:
            return operator.index(n)  # numpy integers and other int-likes
        except TypeError:
            pass
    raise ValueError("Cannot cast %r to an address: expected an int, a CFFI pointer "
                     "or a ctypes pointer" % (n,))


def shadow_address(n: Any, what: str) -> int:
    """The address to shadow, checked: ``cast_int_addr(n)`` in 1..2**64-1.

    Parameters
    ----------
    n : int, CFFI pointer or ctypes pointer
        As for :func:`cast_int_addr`.
    what : str
        What is shadowed ("socket" or "context"), for the error message.

    Raises
    ------
    ValueError
        For NULL (0, e.g. the ``underlying`` of a closed socket), a negative
        address or one too large for a pointer, or a value that is no address.
    """
    address = cast_int_addr(n)
    if not 0 < address < 1 << 64:
        raise ValueError("cannot shadow a %s at address %r" % (what, address))
    return address
