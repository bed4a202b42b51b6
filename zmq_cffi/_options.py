"""The socket-option type table, and marshalling of option values.

This is the only place that knows how each option's value travels to and from
libzmq (int, int64, bytes, or a file descriptor).  Sockets call
:func:`get_option` and :func:`set_option` with their own scratch buffers.
"""
from enum import IntEnum
from typing import Any, Dict, Union

from zmq_cffi._ffi import ffi, lib
from zmq_cffi.error import error_for

__all__ = ["OptType", "OPTION_TYPES", "OptionScratch", "get_option", "set_option"]


class OptType(IntEnum):
    """How an option's value is passed to libzmq."""

    int = 0
    int64 = 1
    bytes = 2
    fd = 3


#: option number -> value type; an option missing here is passed as an int
#: (libzmq then rejects an unknown number with EINVAL).
OPTION_TYPES: Dict[int, OptType] = {
    1: OptType.int,  # HWM
    4: OptType.int64,  # AFFINITY
    5: OptType.bytes,  # ROUTING_ID
    6: OptType.bytes,  # SUBSCRIBE
    7: OptType.bytes,  # UNSUBSCRIBE
    8: OptType.int,  # RATE
    9: OptType.int,  # RECOVERY_IVL
    11: OptType.int,  # SNDBUF
    12: OptType.int,  # RCVBUF
    13: OptType.int,  # RCVMORE
    14: OptType.fd,  # FD
    15: OptType.int,  # EVENTS
    16: OptType.int,  # TYPE
    17: OptType.int,  # LINGER
    18: OptType.int,  # RECONNECT_IVL
    19: OptType.int,  # BACKLOG
    21: OptType.int,  # RECONNECT_IVL_MAX
    22: OptType.int64,  # MAXMSGSIZE
    23: OptType.int,  # SNDHWM
    24: OptType.int,  # RCVHWM
    25: OptType.int,  # MULTICAST_HOPS
    27: OptType.int,  # RCVTIMEO
    28: OptType.int,  # SNDTIMEO
    31: OptType.int,  # IPV4ONLY
    32: OptType.bytes,  # LAST_ENDPOINT
    33: OptType.int,  # ROUTER_MANDATORY
    34: OptType.int,  # TCP_KEEPALIVE
    35: OptType.int,  # TCP_KEEPALIVE_CNT
    36: OptType.int,  # TCP_KEEPALIVE_IDLE
    37: OptType.int,  # TCP_KEEPALIVE_INTVL
    38: OptType.bytes,  # TCP_ACCEPT_FILTER
    39: OptType.int,  # IMMEDIATE
    40: OptType.int,  # XPUB_VERBOSE
    41: OptType.int,  # ROUTER_RAW
    42: OptType.int,  # IPV6
    43: OptType.int,  # MECHANISM
    44: OptType.int,  # PLAIN_SERVER
    45: OptType.bytes,  # PLAIN_USERNAME
    46: OptType.bytes,  # PLAIN_PASSWORD
    47: OptType.int,  # CURVE_SERVER
    48: OptType.bytes,  # CURVE_PUBLICKEY
    49: OptType.bytes,  # CURVE_SECRETKEY
    50: OptType.bytes,  # CURVE_SERVERKEY
    51: OptType.int,  # PROBE_ROUTER
    52: OptType.int,  # REQ_CORRELATE
    53: OptType.int,  # REQ_RELAXED
    54: OptType.int,  # CONFLATE
    55: OptType.bytes,  # ZAP_DOMAIN
    56: OptType.int,  # ROUTER_HANDOVER
    57: OptType.int,  # TOS
    58: OptType.int,  # IPC_FILTER_PID
    59: OptType.int,  # IPC_FILTER_UID
    60: OptType.int,  # IPC_FILTER_GID
    61: OptType.bytes,  # CONNECT_ROUTING_ID
    62: OptType.int,  # GSSAPI_SERVER
    63: OptType.bytes,  # GSSAPI_PRINCIPAL
    64: OptType.bytes,  # GSSAPI_SERVICE_PRINCIPAL
    65: OptType.int,  # GSSAPI_PLAINTEXT
    66: OptType.int,  # HANDSHAKE_IVL
    68: OptType.bytes,  # SOCKS_PROXY
    69: OptType.int,  # XPUB_NODROP
    70: OptType.int,  # BLOCKY
    71: OptType.int,  # XPUB_MANUAL
    72: OptType.bytes,  # XPUB_WELCOME_MSG
    73: OptType.int,  # STREAM_NOTIFY
    74: OptType.int,  # INVERT_MATCHING
    75: OptType.int,  # HEARTBEAT_IVL
    76: OptType.int,  # HEARTBEAT_TTL
    77: OptType.int,  # HEARTBEAT_TIMEOUT
    78: OptType.int,  # XPUB_VERBOSER
    79: OptType.int,  # CONNECT_TIMEOUT
    80: OptType.int,  # TCP_MAXRT
    81: OptType.int,  # THREAD_SAFE
    84: OptType.int,  # MULTICAST_MAXTPDU
    85: OptType.int64,  # VMCI_BUFFER_SIZE
    86: OptType.int64,  # VMCI_BUFFER_MIN_SIZE
    87: OptType.int64,  # VMCI_BUFFER_MAX_SIZE
    88: OptType.int,  # VMCI_CONNECT_TIMEOUT
    89: OptType.int,  # USE_FD
    90: OptType.int,  # GSSAPI_PRINCIPAL_NAMETYPE
    91: OptType.int,  # GSSAPI_SERVICE_PRINCIPAL_NAMETYPE
    92: OptType.bytes,  # BINDTODEVICE
    93: OptType.int,  # ZAP_ENFORCE_DOMAIN
    94: OptType.int,  # LOOPBACK_FASTPATH
    95: OptType.bytes,  # METADATA
    96: OptType.int,  # MULTICAST_LOOP
    97: OptType.int,  # ROUTER_NOTIFY
    98: OptType.int,  # XPUB_MANUAL_LAST_VALUE
    99: OptType.bytes,  # SOCKS_USERNAME
    100: OptType.bytes,  # SOCKS_PASSWORD
    101: OptType.int,  # IN_BATCH_SIZE
    102: OptType.int,  # OUT_BATCH_SIZE
    103: OptType.bytes,  # WSS_KEY_PEM
    104: OptType.bytes,  # WSS_CERT_PEM
    105: OptType.bytes,  # WSS_TRUST_PEM
    106: OptType.bytes,  # WSS_HOSTNAME
    107: OptType.int,  # WSS_TRUST_SYSTEM
    108: OptType.int,  # ONLY_FIRST_SUBSCRIBE
    109: OptType.int,  # RECONNECT_STOP
    110: OptType.bytes,  # HELLO_MSG
    111: OptType.bytes,  # DISCONNECT_MSG
    112: OptType.int,  # PRIORITY
    113: OptType.int,  # BUSY_POLL
    114: OptType.bytes,  # HICCUP_MSG
    115: OptType.int,  # XSUB_VERBOSE_UNSUBSCRIBE
    116: OptType.int,  # TOPICS_COUNT
    117: OptType.int,  # NORM_MODE
    118: OptType.int,  # NORM_UNICAST_NACK
    119: OptType.int,  # NORM_BUFFER_SIZE
    120: OptType.int,  # NORM_SEGMENT_SIZE
    121: OptType.int,  # NORM_BLOCK_SIZE
    122: OptType.int,  # NORM_NUM_PARITY
    123: OptType.int,  # NORM_NUM_AUTOPARITY
    124: OptType.int,  # NORM_PUSH
}

# Bytes options that hold binary data: never strip a trailing NUL from them.
_BINARY_OPTIONS = frozenset((lib.ZMQ_ROUTING_ID, lib.ZMQ_CONNECT_ROUTING_ID))
# CURVE keys are read as 40-char Z85 text (libzmq wants a 41-byte buffer for
# that; pyzmq's fixed 255-byte buffer makes libzmq answer EINVAL).
_CURVE_KEYS = frozenset((lib.ZMQ_CURVE_PUBLICKEY, lib.ZMQ_CURVE_SECRETKEY, lib.ZMQ_CURVE_SERVERKEY))
_BYTES_CAPACITY = 1024

OptionValue = Union[int, bytes]


class OptionScratch:
    """A socket's reusable buffers for option values (allocated once)."""

    __slots__ = ("int_p", "int64_p", "size_p", "chars")

    def __init__(self) -> None:
        self.int_p = ffi.new("int *")
        self.int64_p = ffi.new("int64_t *")
        self.size_p = ffi.new("size_t *")
        self.chars = ffi.new("char[]", _BYTES_CAPACITY)


def _option_label(option: int) -> str:
    """``NAME (number)`` for a known option, else the number."""
    from zmq_cffi.constants import SocketOption  # constants imports this module

    try:
        return "%s (%d)" % (SocketOption(option).name, option)
    except ValueError:
        return str(option)


def _check(rc: int, option: int) -> None:
    """Raise for a failed get/set of ``option``, naming the option."""
    if rc < 0:
        raise error_for(-rc, "socket option %s" % _option_label(option))


_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1


def _check_option_number(option: int) -> None:
    if not _INT_MIN <= option <= _INT_MAX:
        raise OverflowError("socket option number %d does not fit a C int" % option)


def get_option(slot: Any, option: int, scratch: OptionScratch) -> OptionValue:
    """Read socket option ``option`` (an int) through the socket's ``slot``."""
    _check_option_number(option)
    opt_type = OPTION_TYPES.get(option, OptType.int)
    size_p = scratch.size_p
    if opt_type == OptType.bytes:
        size_p[0] = 41 if option in _CURVE_KEYS else _BYTES_CAPACITY
        _check(lib.zmqcffi_getsockopt(slot, option, scratch.chars, size_p), option)
        size = size_p[0]
        if size and option not in _BINARY_OPTIONS and scratch.chars[size - 1] == b"\0":
            size -= 1
        return ffi.unpack(scratch.chars, size)
    if opt_type == OptType.int64:
        size_p[0] = 8
        _check(lib.zmqcffi_getsockopt(slot, option, scratch.int64_p, size_p), option)
        return scratch.int64_p[0]
    size_p[0] = ffi.sizeof("int")
    _check(lib.zmqcffi_getsockopt(slot, option, scratch.int_p, size_p), option)
    return scratch.int_p[0]


def set_option(slot: Any, option: int, value: OptionValue, scratch: OptionScratch) -> None:
    """Write ``value`` to socket option ``option`` through the socket's ``slot``.

    Raises
    ------
    TypeError
        If the value's type does not fit the option (str for bytes options
        included: use ``setsockopt_string``).
    OverflowError
        If an int does not fit the option's C type (or the option number
        does not fit a C int).
    """
    _check_option_number(option)
    opt_type = OPTION_TYPES.get(option, OptType.int)
    if opt_type == OptType.bytes:
        if isinstance(value, str):
            raise TypeError("unicode not allowed, use setsockopt_string")
        if not isinstance(value, bytes):
            try:
                value = bytes(memoryview(value))  # type: ignore[arg-type]  # TypeError below if not a buffer
            except TypeError:
                raise TypeError("expected bytes for option %d, got %s"
                                % (option, type(value).__name__)) from None
        _check(lib.zmqcffi_setsockopt(slot, option, value, len(value)), option)
        return
    if isinstance(value, str):
        raise TypeError("unicode not allowed, use setsockopt_string")
    if not isinstance(value, int):
        raise TypeError("expected int for option %d, got %s: %r"
                        % (option, type(value).__name__, value))
    try:
        if opt_type == OptType.int64:
            scratch.int64_p[0] = value
            _check(lib.zmqcffi_setsockopt(slot, option, ffi.cast("char *", scratch.int64_p), 8),
                   option)
        else:
            scratch.int_p[0] = value
            _check(lib.zmqcffi_setsockopt(slot, option, ffi.cast("char *", scratch.int_p),
                                          ffi.sizeof("int")), option)
    except OverflowError:
        raise OverflowError("value %d out of range for option %d" % (value, option)) from None
