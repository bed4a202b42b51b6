"""libzmq's constants, as pyzmq's enums and as plain module attributes.

Every value that the system ``zmq.h`` defines comes from it (through the
compiled extension); the fallback beside it serves names that only draft or
newer libzmq builds define.  ``tests/test_raw_layer.py`` checks that each
fallback equals the header's value wherever both exist.
"""
from enum import Enum, IntEnum, IntFlag  # noqa: F401 - Enum is re-exported, as pyzmq does

from zmq_cffi._ffi import lib
from zmq_cffi._options import OPTION_TYPES, OptType


def _value(c_name: str, fallback: int) -> int:
    """The value of ``c_name`` in the system zmq.h, else ``fallback``."""
    return getattr(lib, c_name, fallback)


class ContextOption(IntEnum):
    """Options of a Context (``zmq_ctx_set``/``zmq_ctx_get``)."""

    IO_THREADS = _value('ZMQ_IO_THREADS', 1)
    MAX_SOCKETS = _value('ZMQ_MAX_SOCKETS', 2)
    SOCKET_LIMIT = _value('ZMQ_SOCKET_LIMIT', 3)
    THREAD_PRIORITY = _value('ZMQ_THREAD_PRIORITY', 3)
    THREAD_SCHED_POLICY = _value('ZMQ_THREAD_SCHED_POLICY', 4)
    MAX_MSGSZ = _value('ZMQ_MAX_MSGSZ', 5)
    MSG_T_SIZE = _value('ZMQ_MSG_T_SIZE', 6)
    THREAD_AFFINITY_CPU_ADD = _value('ZMQ_THREAD_AFFINITY_CPU_ADD', 7)
    THREAD_AFFINITY_CPU_REMOVE = _value('ZMQ_THREAD_AFFINITY_CPU_REMOVE', 8)
    THREAD_NAME_PREFIX = _value('ZMQ_THREAD_NAME_PREFIX', 9)


class DeviceType(IntEnum):
    """Device types of the legacy ``zmq.device`` call."""

    STREAMER = _value('ZMQ_STREAMER', 1)
    FORWARDER = _value('ZMQ_FORWARDER', 2)
    QUEUE = _value('ZMQ_QUEUE', 3)


class Errno(IntEnum):
    """Error numbers libzmq reports: POSIX ones and libzmq's own."""

    EAGAIN = _value('EAGAIN', 11)
    EFAULT = _value('EFAULT', 14)
    EINVAL = _value('EINVAL', 22)
    ENOTSUP = _value('ENOTSUP', 95)
    EPROTONOSUPPORT = _value('EPROTONOSUPPORT', 93)
    ENOBUFS = _value('ENOBUFS', 105)
    ENETDOWN = _value('ENETDOWN', 100)
    EADDRINUSE = _value('EADDRINUSE', 98)
    EADDRNOTAVAIL = _value('EADDRNOTAVAIL', 99)
    ECONNREFUSED = _value('ECONNREFUSED', 111)
    EINPROGRESS = _value('EINPROGRESS', 115)
    ENOTSOCK = _value('ENOTSOCK', 88)
    EMSGSIZE = _value('EMSGSIZE', 90)
    EAFNOSUPPORT = _value('EAFNOSUPPORT', 97)
    ENETUNREACH = _value('ENETUNREACH', 101)
    ECONNABORTED = _value('ECONNABORTED', 103)
    ECONNRESET = _value('ECONNRESET', 104)
    ENOTCONN = _value('ENOTCONN', 107)
    ETIMEDOUT = _value('ETIMEDOUT', 110)
    EHOSTUNREACH = _value('EHOSTUNREACH', 113)
    ENETRESET = _value('ENETRESET', 102)
    EFSM = _value('EFSM', 156384763)
    ENOCOMPATPROTO = _value('ENOCOMPATPROTO', 156384764)
    ETERM = _value('ETERM', 156384765)
    EMTHREAD = _value('EMTHREAD', 156384766)


class Event(IntFlag):
    """Socket monitor events (``zmq_socket_monitor``), and protocol error codes."""

    PROTOCOL_ERROR_WS_UNSPECIFIED = _value('ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED', 805306368)
    PROTOCOL_ERROR_ZMTP_UNSPECIFIED = _value('ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED', 268435456)
    PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND = _value('ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND', 268435457)
    PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE = _value('ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE', 268435458)
    PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE = _value('ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE', 268435459)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED', 268435473)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE', 268435474)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO', 268435475)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE', 268435476)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR', 268435477)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY', 268435478)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME', 268435479)
    PROTOCOL_ERROR_ZMTP_INVALID_METADATA = _value('ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA', 268435480)
    PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC = _value('ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC', 285212673)
    PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH', 285212674)
    PROTOCOL_ERROR_ZAP_UNSPECIFIED = _value('ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED', 536870912)
    PROTOCOL_ERROR_ZAP_MALFORMED_REPLY = _value('ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY', 536870913)
    PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID = _value('ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID', 536870914)
    PROTOCOL_ERROR_ZAP_BAD_VERSION = _value('ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION', 536870915)
    PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE = _value('ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE', 536870916)
    PROTOCOL_ERROR_ZAP_INVALID_METADATA = _value('ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA', 536870917)
    CONNECTED = _value('ZMQ_EVENT_CONNECTED', 1)
    CONNECT_DELAYED = _value('ZMQ_EVENT_CONNECT_DELAYED', 2)
    CONNECT_RETRIED = _value('ZMQ_EVENT_CONNECT_RETRIED', 4)
    LISTENING = _value('ZMQ_EVENT_LISTENING', 8)
    BIND_FAILED = _value('ZMQ_EVENT_BIND_FAILED', 16)
    ACCEPTED = _value('ZMQ_EVENT_ACCEPTED', 32)
    ACCEPT_FAILED = _value('ZMQ_EVENT_ACCEPT_FAILED', 64)
    CLOSED = _value('ZMQ_EVENT_CLOSED', 128)
    CLOSE_FAILED = _value('ZMQ_EVENT_CLOSE_FAILED', 256)
    DISCONNECTED = _value('ZMQ_EVENT_DISCONNECTED', 512)
    MONITOR_STOPPED = _value('ZMQ_EVENT_MONITOR_STOPPED', 1024)
    HANDSHAKE_FAILED_NO_DETAIL = _value('ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL', 2048)
    HANDSHAKE_SUCCEEDED = _value('ZMQ_EVENT_HANDSHAKE_SUCCEEDED', 4096)
    HANDSHAKE_FAILED_PROTOCOL = _value('ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL', 8192)
    HANDSHAKE_FAILED_AUTH = _value('ZMQ_EVENT_HANDSHAKE_FAILED_AUTH', 16384)
    ALL_V1 = 65535
    ALL = _value('ZMQ_EVENT_ALL', 65535)
    PIPES_STATS = 65536
    ALL_V2 = 131071


class Flag(IntFlag):
    """Send and receive flags."""

    DONTWAIT = _value('ZMQ_DONTWAIT', 1)
    SNDMORE = _value('ZMQ_SNDMORE', 2)
    NOBLOCK = _value('ZMQ_NOBLOCK', 1)


class MessageOption(IntEnum):
    """Properties of a message (``zmq_msg_get``)."""

    MORE = _value('ZMQ_MORE', 1)
    SHARED = _value('ZMQ_SHARED', 3)
    SRCFD = _value('ZMQ_SRCFD', 2)


class NormMode(IntEnum):
    """NORM transport congestion-control modes (draft)."""

    FIXED = 0
    CC = 1
    CCL = 2
    CCE = 3
    CCE_ECNONLY = 4


class PollEvent(IntFlag):
    """Poll event bits."""

    POLLIN = _value('ZMQ_POLLIN', 1)
    POLLOUT = _value('ZMQ_POLLOUT', 2)
    POLLERR = _value('ZMQ_POLLERR', 4)
    POLLPRI = _value('ZMQ_POLLPRI', 8)


class ReconnectStop(IntEnum):
    """Values of the RECONNECT_STOP socket option (draft)."""

    CONN_REFUSED = 1
    HANDSHAKE_FAILED = 2
    AFTER_DISCONNECT = 4


class RouterNotify(IntEnum):
    """Values of the ROUTER_NOTIFY socket option."""

    CONNECT = 1
    DISCONNECT = 2


class SecurityMechanism(IntEnum):
    """Security mechanisms (the MECHANISM socket option)."""

    NULL = _value('ZMQ_NULL', 0)
    PLAIN = _value('ZMQ_PLAIN', 1)
    CURVE = _value('ZMQ_CURVE', 2)
    GSSAPI = _value('ZMQ_GSSAPI', 3)


class SocketOption(IntEnum):
    """Socket options (``zmq_setsockopt``/``zmq_getsockopt``)."""

    HWM = 1
    AFFINITY = _value('ZMQ_AFFINITY', 4)
    ROUTING_ID = _value('ZMQ_ROUTING_ID', 5)
    SUBSCRIBE = _value('ZMQ_SUBSCRIBE', 6)
    UNSUBSCRIBE = _value('ZMQ_UNSUBSCRIBE', 7)
    RATE = _value('ZMQ_RATE', 8)
    RECOVERY_IVL = _value('ZMQ_RECOVERY_IVL', 9)
    SNDBUF = _value('ZMQ_SNDBUF', 11)
    RCVBUF = _value('ZMQ_RCVBUF', 12)
    RCVMORE = _value('ZMQ_RCVMORE', 13)
    FD = _value('ZMQ_FD', 14)
    EVENTS = _value('ZMQ_EVENTS', 15)
    TYPE = _value('ZMQ_TYPE', 16)
    LINGER = _value('ZMQ_LINGER', 17)
    RECONNECT_IVL = _value('ZMQ_RECONNECT_IVL', 18)
    BACKLOG = _value('ZMQ_BACKLOG', 19)
    RECONNECT_IVL_MAX = _value('ZMQ_RECONNECT_IVL_MAX', 21)
    MAXMSGSIZE = _value('ZMQ_MAXMSGSIZE', 22)
    SNDHWM = _value('ZMQ_SNDHWM', 23)
    RCVHWM = _value('ZMQ_RCVHWM', 24)
    MULTICAST_HOPS = _value('ZMQ_MULTICAST_HOPS', 25)
    RCVTIMEO = _value('ZMQ_RCVTIMEO', 27)
    SNDTIMEO = _value('ZMQ_SNDTIMEO', 28)
    LAST_ENDPOINT = _value('ZMQ_LAST_ENDPOINT', 32)
    ROUTER_MANDATORY = _value('ZMQ_ROUTER_MANDATORY', 33)
    TCP_KEEPALIVE = _value('ZMQ_TCP_KEEPALIVE', 34)
    TCP_KEEPALIVE_CNT = _value('ZMQ_TCP_KEEPALIVE_CNT', 35)
    TCP_KEEPALIVE_IDLE = _value('ZMQ_TCP_KEEPALIVE_IDLE', 36)
    TCP_KEEPALIVE_INTVL = _value('ZMQ_TCP_KEEPALIVE_INTVL', 37)
    IMMEDIATE = _value('ZMQ_IMMEDIATE', 39)
    XPUB_VERBOSE = _value('ZMQ_XPUB_VERBOSE', 40)
    ROUTER_RAW = _value('ZMQ_ROUTER_RAW', 41)
    IPV6 = _value('ZMQ_IPV6', 42)
    MECHANISM = _value('ZMQ_MECHANISM', 43)
    PLAIN_SERVER = _value('ZMQ_PLAIN_SERVER', 44)
    PLAIN_USERNAME = _value('ZMQ_PLAIN_USERNAME', 45)
    PLAIN_PASSWORD = _value('ZMQ_PLAIN_PASSWORD', 46)
    CURVE_SERVER = _value('ZMQ_CURVE_SERVER', 47)
    CURVE_PUBLICKEY = _value('ZMQ_CURVE_PUBLICKEY', 48)
    CURVE_SECRETKEY = _value('ZMQ_CURVE_SECRETKEY', 49)
    CURVE_SERVERKEY = _value('ZMQ_CURVE_SERVERKEY', 50)
    PROBE_ROUTER = _value('ZMQ_PROBE_ROUTER', 51)
    REQ_CORRELATE = _value('ZMQ_REQ_CORRELATE', 52)
    REQ_RELAXED = _value('ZMQ_REQ_RELAXED', 53)
    CONFLATE = _value('ZMQ_CONFLATE', 54)
    ZAP_DOMAIN = _value('ZMQ_ZAP_DOMAIN', 55)
    ROUTER_HANDOVER = _value('ZMQ_ROUTER_HANDOVER', 56)
    TOS = _value('ZMQ_TOS', 57)
    CONNECT_ROUTING_ID = _value('ZMQ_CONNECT_ROUTING_ID', 61)
    GSSAPI_SERVER = _value('ZMQ_GSSAPI_SERVER', 62)
    GSSAPI_PRINCIPAL = _value('ZMQ_GSSAPI_PRINCIPAL', 63)
    GSSAPI_SERVICE_PRINCIPAL = _value('ZMQ_GSSAPI_SERVICE_PRINCIPAL', 64)
    GSSAPI_PLAINTEXT = _value('ZMQ_GSSAPI_PLAINTEXT', 65)
    HANDSHAKE_IVL = _value('ZMQ_HANDSHAKE_IVL', 66)
    SOCKS_PROXY = _value('ZMQ_SOCKS_PROXY', 68)
    XPUB_NODROP = _value('ZMQ_XPUB_NODROP', 69)
    BLOCKY = _value('ZMQ_BLOCKY', 70)
    XPUB_MANUAL = _value('ZMQ_XPUB_MANUAL', 71)
    XPUB_WELCOME_MSG = _value('ZMQ_XPUB_WELCOME_MSG', 72)
    STREAM_NOTIFY = _value('ZMQ_STREAM_NOTIFY', 73)
    INVERT_MATCHING = _value('ZMQ_INVERT_MATCHING', 74)
    HEARTBEAT_IVL = _value('ZMQ_HEARTBEAT_IVL', 75)
    HEARTBEAT_TTL = _value('ZMQ_HEARTBEAT_TTL', 76)
    HEARTBEAT_TIMEOUT = _value('ZMQ_HEARTBEAT_TIMEOUT', 77)
    XPUB_VERBOSER = _value('ZMQ_XPUB_VERBOSER', 78)
    CONNECT_TIMEOUT = _value('ZMQ_CONNECT_TIMEOUT', 79)
    TCP_MAXRT = _value('ZMQ_TCP_MAXRT', 80)
    THREAD_SAFE = _value('ZMQ_THREAD_SAFE', 81)
    MULTICAST_MAXTPDU = _value('ZMQ_MULTICAST_MAXTPDU', 84)
    VMCI_BUFFER_SIZE = _value('ZMQ_VMCI_BUFFER_SIZE', 85)
    VMCI_BUFFER_MIN_SIZE = _value('ZMQ_VMCI_BUFFER_MIN_SIZE', 86)
    VMCI_BUFFER_MAX_SIZE = _value('ZMQ_VMCI_BUFFER_MAX_SIZE', 87)
    VMCI_CONNECT_TIMEOUT = _value('ZMQ_VMCI_CONNECT_TIMEOUT', 88)
    USE_FD = _value('ZMQ_USE_FD', 89)
    GSSAPI_PRINCIPAL_NAMETYPE = _value('ZMQ_GSSAPI_PRINCIPAL_NAMETYPE', 90)
    GSSAPI_SERVICE_PRINCIPAL_NAMETYPE = _value('ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE', 91)
    BINDTODEVICE = _value('ZMQ_BINDTODEVICE', 92)
    IDENTITY = _value('ZMQ_IDENTITY', 5)
    CONNECT_RID = _value('ZMQ_CONNECT_RID', 61)
    TCP_ACCEPT_FILTER = _value('ZMQ_TCP_ACCEPT_FILTER', 38)
    IPC_FILTER_PID = _value('ZMQ_IPC_FILTER_PID', 58)
    IPC_FILTER_UID = _value('ZMQ_IPC_FILTER_UID', 59)
    IPC_FILTER_GID = _value('ZMQ_IPC_FILTER_GID', 60)
    IPV4ONLY = _value('ZMQ_IPV4ONLY', 31)
    DELAY_ATTACH_ON_CONNECT = _value('ZMQ_DELAY_ATTACH_ON_CONNECT', 39)
    FAIL_UNROUTABLE = _value('ZMQ_FAIL_UNROUTABLE', 33)
    ROUTER_BEHAVIOR = _value('ZMQ_ROUTER_BEHAVIOR', 33)
    ZAP_ENFORCE_DOMAIN = 93
    LOOPBACK_FASTPATH = 94
    METADATA = 95
    MULTICAST_LOOP = 96
    ROUTER_NOTIFY = 97
    XPUB_MANUAL_LAST_VALUE = 98
    SOCKS_USERNAME = 99
    SOCKS_PASSWORD = 100
    IN_BATCH_SIZE = 101
    OUT_BATCH_SIZE = 102
    WSS_KEY_PEM = 103
    WSS_CERT_PEM = 104
    WSS_TRUST_PEM = 105
    WSS_HOSTNAME = 106
    WSS_TRUST_SYSTEM = 107
    ONLY_FIRST_SUBSCRIBE = 108
    RECONNECT_STOP = 109
    HELLO_MSG = 110
    DISCONNECT_MSG = 111
    PRIORITY = 112
    BUSY_POLL = 113
    HICCUP_MSG = 114
    XSUB_VERBOSE_UNSUBSCRIBE = 115
    TOPICS_COUNT = 116
    NORM_MODE = 117
    NORM_UNICAST_NACK = 118
    NORM_BUFFER_SIZE = 119
    NORM_SEGMENT_SIZE = 120
    NORM_BLOCK_SIZE = 121
    NORM_NUM_PARITY = 122
    NORM_NUM_AUTOPARITY = 123
    NORM_PUSH = 124

    @property
    def _opt_type(self) -> OptType:
        """How the option's value is passed: int, int64, bytes or fd."""
        return OPTION_TYPES.get(self.value, OptType.int)


class SocketType(IntEnum):
    """Socket types."""

    PAIR = _value('ZMQ_PAIR', 0)
    PUB = _value('ZMQ_PUB', 1)
    SUB = _value('ZMQ_SUB', 2)
    REQ = _value('ZMQ_REQ', 3)
    REP = _value('ZMQ_REP', 4)
    DEALER = _value('ZMQ_DEALER', 5)
    ROUTER = _value('ZMQ_ROUTER', 6)
    PULL = _value('ZMQ_PULL', 7)
    PUSH = _value('ZMQ_PUSH', 8)
    XPUB = _value('ZMQ_XPUB', 9)
    XSUB = _value('ZMQ_XSUB', 10)
    STREAM = _value('ZMQ_STREAM', 11)
    XREQ = _value('ZMQ_XREQ', 5)
    XREP = _value('ZMQ_XREP', 6)
    SERVER = 12
    CLIENT = 13
    RADIO = 14
    DISH = 15
    GATHER = 16
    SCATTER = 17
    DGRAM = 18
    PEER = 19
    CHANNEL = 20

# ---- plain module attributes, named as pyzmq names them --------------------

_PREFIXES = {Event: "EVENT_", RouterNotify: "NOTIFY_", ReconnectStop: "RECONNECT_STOP_", NormMode: "NORM_"}
_ENUMS = (ContextOption, DeviceType, Errno, Event, Flag, MessageOption, NormMode, PollEvent,
          ReconnectStop, RouterNotify, SecurityMechanism, SocketOption, SocketType)


def _flat_names():
    names = {}
    for enum in _ENUMS:
        prefix = _PREFIXES.get(enum, "")
        for name, member in enum.__members__.items():
            # Protocol error codes keep their own prefix: zmq.PROTOCOL_ERROR_ZAP_...
            names[name if name.startswith("PROTOCOL_ERROR") else prefix + name] = member
    return names


#: pyzmq's private name for the option value types (``SocketOption.X._opt_type``).
_OptType = OptType

#: Whether the loaded libzmq was built with the draft API (never, for the
#: stable Debian/Ubuntu packages zmq_cffi builds against).
DRAFT_API = False
#: pyzmq's spelling of DRAFT_API.
PYZMQ_DRAFT_API = DRAFT_API
#: The longest ipc:// path libzmq can bind (from sockaddr_un, read at build time).
IPC_PATH_MAX_LEN: int = lib.ZMQCFFI_IPC_PATH_MAX_LEN
#: Messages shorter than this are copied even when sent with copy=False.
COPY_THRESHOLD = 65536

globals().update(_flat_names())

__all__ = ["DRAFT_API", "PYZMQ_DRAFT_API", "IPC_PATH_MAX_LEN", "COPY_THRESHOLD", "Enum", "IntEnum",
           "IntFlag"] + [enum.__name__ for enum in _ENUMS] + sorted(_flat_names())
