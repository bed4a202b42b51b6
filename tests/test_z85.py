"""Z85 (RFC 32): the pure-Python codec agrees with libzmq and refuses bad input."""
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _backend import IS_CFFI, zmq

z85 = importlib.import_module(zmq.__name__ + ".utils.z85")

if IS_CFFI:
    from zmq_cffi._ffi import ffi, lib

ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

# RFC 32's test vector.
RFC_RAW = bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])
RFC_TEXT = b"HelloWorld"


def libzmq_encode(data: bytes) -> bytes:
    dest = ffi.new("char[]", len(data) * 5 // 4 + 1)
    assert lib.zmq_z85_encode(dest, data, len(data)) != ffi.NULL
    return ffi.string(dest)


def libzmq_decode(text: bytes):
    """libzmq's decoding, or None where libzmq refuses the text."""
    dest = ffi.new("uint8_t[]", len(text) * 4 // 5 + 1)
    if lib.zmq_z85_decode(dest, text) == ffi.NULL:
        return None
    return ffi.unpack(ffi.cast("char *", dest), len(text) * 4 // 5)


def test_rfc_vector_both_ways():
    assert z85.encode(RFC_RAW) == RFC_TEXT
    assert z85.decode(RFC_TEXT) == RFC_RAW
    assert z85.decode(RFC_TEXT.decode("ascii")) == RFC_RAW


def test_empty_input():
    assert z85.encode(b"") == b""
    assert z85.decode(b"") == b""


def test_extreme_words():
    assert z85.encode(b"\0\0\0\0") == b"00000"
    assert z85.encode(b"\xff\xff\xff\xff") == b"%nSc0"
    assert z85.decode(b"%nSc0") == b"\xff\xff\xff\xff"


def test_buffer_types_are_accepted():
    assert z85.encode(bytearray(RFC_RAW)) == RFC_TEXT
    assert z85.encode(memoryview(RFC_RAW)) == RFC_TEXT
    assert z85.decode(bytearray(RFC_TEXT)) == RFC_RAW
    assert z85.decode(memoryview(RFC_TEXT)) == RFC_RAW


@pytest.mark.parametrize("size", [1, 2, 3, 5, 33])
def test_encode_length_not_multiple_of_4(size):
    with pytest.raises(ValueError, match="multiple of 4"):
        z85.encode(b"x" * size)


@pytest.mark.parametrize("size", [1, 4, 6, 41])
def test_decode_length_not_multiple_of_5(size):
    with pytest.raises(ValueError, match="multiple of 5"):
        z85.decode(b"0" * size)


def test_encode_refuses_str():
    with pytest.raises(TypeError):
        z85.encode("abcd")


@pytest.mark.cffi_only
@pytest.mark.parametrize("text, position", [
    (b"Hello World", None),  # wrong length is reported first
    (b"Hell\"World", 4),
    (b"HelloWor d", 8),
    (b"~0000", 0),
    (b"0000\x00", 4),
    (b"0000\xff", 4),
])
def test_decode_bad_character_is_a_valueerror_naming_it(text, position):
    with pytest.raises(ValueError) as info:
        z85.decode(text)
    if position is not None:
        assert "position %d" % position in str(info.value)
        assert libzmq_decode(text) is None  # libzmq refuses it too


@pytest.mark.cffi_only
def test_decode_non_ascii_str_is_a_valueerror():
    with pytest.raises(ValueError, match="position 2"):
        z85.decode("He\u00e9loWorld")


@pytest.mark.cffi_only
@pytest.mark.parametrize("text", [b"#####", b"%nSc1", b"00000%nSc1"])
def test_decode_overflowing_32_bits_is_a_valueerror(text):
    assert libzmq_decode(text) is None
    with pytest.raises(ValueError, match="32 bits"):
        z85.decode(text)


@pytest.mark.cffi_only
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=256).map(lambda b: b[:len(b) - len(b) % 4]))
def test_encode_matches_libzmq(data):
    encoded = z85.encode(data)
    assert encoded == libzmq_encode(data)
    assert z85.decode(encoded) == data


@pytest.mark.cffi_only
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(ALPHABET)), max_size=100)
       .map(lambda chars: bytes(chars[:len(chars) - len(chars) % 5])))
def test_decode_matches_libzmq_on_any_alphabet_text(text):
    # Random alphabet text often encodes a group above 2**32 - 1: both must
    # refuse exactly those.  (libzmq also refuses empty text, which is
    # simply empty data here, as in pyzmq.)
    expected = libzmq_decode(text) if text else b""
    if expected is None:
        with pytest.raises(ValueError):
            z85.decode(text)
    else:
        assert z85.decode(text) == expected
        assert z85.encode(expected) == text


def test_round_trip_of_a_large_buffer():
    data = bytes(range(256)) * 1024
    assert z85.decode(z85.encode(data)) == data
