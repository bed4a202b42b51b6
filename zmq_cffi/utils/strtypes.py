"""Python 2/3 string helpers, kept only for old code (pyzmq's deprecated
``zmq.utils.strtypes``).

``bytes``, ``unicode`` (``str``) and ``basestring`` (``(str,)``) are the
plain Python 3 types.  The converters :func:`cast_bytes` (alias ``b``,
``asbytes``) and :func:`cast_unicode` (alias ``u``) work but emit a
DeprecationWarning at each call, pointing at the caller; importing the module
does not warn.  New code should call ``str.encode``/``bytes.decode``.
"""
import warnings
from typing import Union

__all__ = ["asbytes", "bytes", "unicode", "basestring", "b", "u",
           "cast_bytes", "cast_unicode"]

bytes = bytes
unicode = str
basestring = (str,)

# Starts as pyzmq's warning does, so that filters written for pyzmq's
# message (``-W "ignore:zmq.utils.strtypes is deprecated"``) apply here too.
_DEPRECATED = ("zmq.utils.strtypes is deprecated (since pyzmq 23); "
               "use str.encode/bytes.decode")


def cast_bytes(s: Union[str, bytes], encoding: str = "utf8",
               errors: str = "strict") -> bytes:
    """``s`` as bytes: bytes as they are, str encoded (deprecated).

    Parameters
    ----------
    s : str or bytes
    encoding, errors : str, optional
        As for ``str.encode`` (default UTF-8, strict).

    Raises
    ------
    TypeError
        If ``s`` is neither str nor bytes.
    """
    warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
    if isinstance(s, bytes):
        return s
    if isinstance(s, str):
        return s.encode(encoding, errors)
    raise TypeError("Expected unicode or bytes, got %r" % (s,))


def cast_unicode(s: Union[str, bytes], encoding: str = "utf8",
                 errors: str = "strict") -> str:
    """``s`` as str: str as it is, bytes decoded (deprecated).

    Parameters
    ----------
    s : str or bytes
    encoding, errors : str, optional
        As for ``bytes.decode`` (default UTF-8, strict).

    Raises
    ------
    TypeError
        If ``s`` is neither str nor bytes.
    """
    warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
    if isinstance(s, bytes):
        return s.decode(encoding, errors)
    if isinstance(s, str):
        return s
    raise TypeError("Expected unicode or bytes, got %r" % (s,))


b = asbytes = cast_bytes
u = cast_unicode
