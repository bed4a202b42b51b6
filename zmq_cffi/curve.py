"""CURVE key generation: ``zmq_curve_keypair`` and ``zmq_curve_public``.

Keys travel as 40-character Z85 text (see :mod:`zmq_cffi.utils.z85`), which
is what the ``CURVE_PUBLICKEY``/``CURVE_SECRETKEY``/``CURVE_SERVERKEY``
socket options accept.
"""
from typing import Tuple, Union

from zmq_cffi._ffi import ffi, lib
from zmq_cffi.error import check_zmq_call, error_for
from zmq_cffi.version import has

__all__ = ["curve_keypair", "curve_public"]

# A Z85 CURVE key: 32 bytes of key make 40 characters of text.
_Z85_KEY_LENGTH = 40


def _require_curve(what: str) -> None:
    """Raise ZMQError(ENOTSUP) naming ``what`` if libzmq was built without CURVE."""
    if not has("curve"):
        raise error_for(lib.ENOTSUP, "%s needs a libzmq built with CURVE security "
                                     "(libsodium or tweetnacl)" % what)


def curve_keypair() -> Tuple[bytes, bytes]:
    """Generate a new CURVE key pair.

    Returns
    -------
    public_key, secret_key : bytes
        Both as 40-byte Z85 text.

    Raises
    ------
    ZMQError
        ENOTSUP if libzmq has no CURVE support, or libzmq's own error.
    """
    _require_curve("curve_keypair")
    public_key = ffi.new("char[]", _Z85_KEY_LENGTH + 1)
    secret_key = ffi.new("char[]", _Z85_KEY_LENGTH + 1)
    check_zmq_call(lib.zmq_curve_keypair(public_key, secret_key))
    return (ffi.unpack(public_key, _Z85_KEY_LENGTH), ffi.unpack(secret_key, _Z85_KEY_LENGTH))


def curve_public(secret_key: Union[bytes, str]) -> bytes:
    """Compute the public key that belongs to a CURVE secret key.

    Parameters
    ----------
    secret_key : bytes or str
        The secret key as 40 characters of Z85 text.

    Returns
    -------
    bytes
        The public key as 40-byte Z85 text.

    Raises
    ------
    ValueError
        If ``secret_key`` is not 40 characters long.
    ZMQError
        EINVAL if libzmq rejects the key (not valid Z85), or ENOTSUP if libzmq
        has no CURVE support.
    """
    if isinstance(secret_key, str):
        secret_key = secret_key.encode("utf-8")
    if not isinstance(secret_key, bytes):
        secret_key = memoryview(secret_key).tobytes()
    if len(secret_key) != _Z85_KEY_LENGTH:
        raise ValueError("a CURVE secret key is %i characters of Z85 text, not %i"
                         % (_Z85_KEY_LENGTH, len(secret_key)))
    _require_curve("curve_public")
    if b"\0" in secret_key:
        # libzmq reads the key as a C string: a NUL would cut it short, and a
        # 35-character prefix would even decode (to a partly unset key).
        # Refuse it as libzmq refuses any other character outside Z85.
        raise error_for(lib.EINVAL, "not a valid Z85 CURVE secret key: it contains a NUL byte")
    public_key = ffi.new("char[]", _Z85_KEY_LENGTH + 1)
    if lib.zmq_curve_public(public_key, secret_key) == -1:
        raise error_for(ffi.errno, "not a valid Z85 CURVE secret key")
    return ffi.unpack(public_key, _Z85_KEY_LENGTH)
