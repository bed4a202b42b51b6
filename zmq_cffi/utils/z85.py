"""Z85: ZeroMQ's printable encoding of binary data (ZeroMQ RFC 32).

Every 4 bytes, read as one big-endian 32-bit number, become 5 characters
taken from an 85-symbol alphabet, so CURVE keys (32 bytes) travel as
40-character text.  This is a pure-Python implementation that gives the
same results as libzmq's ``zmq_z85_encode``/``zmq_z85_decode`` and refuses
the same malformed text (a wrong length, a character outside the alphabet, a
group worth more than 32 bits), with a :class:`ValueError` that says what is
wrong and where.  Empty input is simply empty output.

The loops are plain indexing into precomputed tables, which PyPy's JIT turns
into tight machine code and which CPython runs without attribute lookups.
"""
import struct
from typing import List, Union

__all__ = ["Z85CHARS", "Z85MAP", "encode", "decode"]

#: The 85 symbols, in value order (digit 0 is ``"0"``, digit 84 is ``"#"``).
Z85CHARS = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

#: Symbol (as a byte value) -> digit value, for the 85 symbols only.
Z85MAP = {symbol: value for value, symbol in enumerate(Z85CHARS)}

# A word is written as 5 base-85 digits, most significant first.  The leading
# digit is looked up alone and the other four as two pairs, so one word costs
# three table lookups: _PAIRS[n] holds the two symbols of 0 <= n < 85**2 as
# one 16-bit number (first symbol in the high byte).
_PAIRS = [Z85CHARS[n // 85] << 8 | Z85CHARS[n % 85] for n in range(85 * 85)]

# Byte value -> digit value for decoding; -1 marks a byte outside the alphabet.
_DIGIT = [-1] * 256
for _value, _symbol in enumerate(Z85CHARS):
    _DIGIT[_symbol] = _value
del _value, _symbol

RawBytes = Union[bytes, bytearray, memoryview]


def _as_bytes(data: object, what: str) -> bytes:
    """Return ``data`` as bytes, refusing str (which has no single byte form)."""
    if type(data) is bytes:
        return data
    if isinstance(data, str):
        raise TypeError("%s must be bytes-like, not str" % what)
    try:
        return memoryview(data).tobytes()  # type: ignore[arg-type]
    except TypeError:
        raise TypeError("%s must be bytes-like, not %s" % (what, type(data).__name__)) from None


def encode(rawbytes: RawBytes) -> bytes:
    """Encode binary data as Z85 text.

    Parameters
    ----------
    rawbytes : bytes-like
        The data; its length must be a multiple of 4.

    Returns
    -------
    bytes
        The ASCII encoding, 5 characters for every 4 bytes.

    Raises
    ------
    ValueError
        If the length is not a multiple of 4.
    TypeError
        If ``rawbytes`` is a str or not bytes-like.
    """
    data = _as_bytes(rawbytes, "Z85 input")
    size = len(data)
    if size % 4:
        raise ValueError("Z85 encodes whole 4-byte words: the input length must be a "
                         "multiple of 4, not %i" % size)
    words = struct.unpack(">%iI" % (size // 4), data)
    # Filling a preallocated bytearray byte by byte is what PyPy's JIT does
    # best (several times faster there than joining small bytes objects).
    out = bytearray(len(words) * 5)
    symbols = Z85CHARS
    pairs = _PAIRS
    at = 0
    for word in words:
        rest = word % 52200625  # 85**4
        high = pairs[rest // 7225]  # 85**2
        low = pairs[rest % 7225]
        out[at] = symbols[word // 52200625]
        out[at + 1] = high >> 8
        out[at + 2] = high & 0xFF
        out[at + 3] = low >> 8
        out[at + 4] = low & 0xFF
        at += 5
    return bytes(out)


def decode(z85bytes: Union[str, RawBytes]) -> bytes:
    """Decode Z85 text to the binary data it encodes.

    Parameters
    ----------
    z85bytes : str or bytes-like
        The encoded text; its length must be a multiple of 5.

    Returns
    -------
    bytes
        The data, 4 bytes for every 5 characters.

    Raises
    ------
    ValueError
        If the length is not a multiple of 5, a character is not in the Z85
        alphabet, or a group of 5 characters stands for a number above
        ``2**32 - 1``.
    """
    if isinstance(z85bytes, str):
        try:
            text = z85bytes.encode("ascii")
        except UnicodeEncodeError as exc:
            raise ValueError("invalid Z85 character %r at position %i (not ASCII)"
                             % (z85bytes[exc.start], exc.start)) from None
    else:
        text = _as_bytes(z85bytes, "Z85 text")
    size = len(text)
    if size % 5:
        raise ValueError("Z85 text comes in groups of 5 characters: the length must be "
                         "a multiple of 5, not %i" % size)
    digit = _DIGIT
    words: List[int] = []
    append = words.append
    for start in range(0, size, 5):
        a = digit[text[start]]
        b = digit[text[start + 1]]
        c = digit[text[start + 2]]
        d = digit[text[start + 3]]
        e = digit[text[start + 4]]
        if a < 0 or b < 0 or c < 0 or d < 0 or e < 0:
            _raise_bad_symbol(text, start)
        word = (((a * 85 + b) * 85 + c) * 85 + d) * 85 + e
        if word > 0xFFFFFFFF:
            raise ValueError("invalid Z85 group %r at position %i: it stands for %i, "
                             "more than 32 bits hold" % (text[start:start + 5].decode("ascii"),
                                                        start, word))
        append(word)
    return struct.pack(">%iI" % len(words), *words)


def _raise_bad_symbol(text: bytes, start: int) -> None:
    """Raise the ValueError for the first character of a group outside the alphabet."""
    for position in range(start, start + 5):
        if _DIGIT[text[position]] < 0:
            raise ValueError("invalid Z85 character %r at position %i"
                             % (chr(text[position]), position))
