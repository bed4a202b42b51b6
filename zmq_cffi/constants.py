"""libzmq's constants, as pyzmq's enums and as plain module attributes.

Every value that the system ``zmq.h`` defines comes from it (through the
compiled extension); the fallback beside it serves names that only draft or
newer libzmq builds define.  ``tests/test_raw_layer.py`` checks that each
fallback equals the header's value wherever both exist.
"""
from enum import Enum, IntEnum, IntFlag  # noqa: F401 - Enum is re-exported, as pyzmq does
from typing import TYPE_CHECKING, Dict

if TYPE_CHECKING:
    from typing_extensions import Literal

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
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED = _value(
        'ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED', 268435473)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE = _value(
        'ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE', 268435474)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO', 268435475)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE = _value(
        'ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE', 268435476)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR', 268435477)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY = _value('ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY', 268435478)
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME = _value(
        'ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME', 268435479)
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


def _flat_names() -> "Dict[str, Enum]":
    """Module-level name -> enum member, as pyzmq names its flat constants."""
    names: "Dict[str, Enum]" = {}
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

# Written out (not made with globals().update) so that type checkers see every
# name; tests/test_constants_static.py keeps this block equal to _flat_names().
# ---- BEGIN GENERATED: flat constants (tests/test_constants_static.py --write) ----
IO_THREADS: ContextOption = ContextOption.IO_THREADS
MAX_SOCKETS: ContextOption = ContextOption.MAX_SOCKETS
SOCKET_LIMIT: ContextOption = ContextOption.SOCKET_LIMIT
THREAD_PRIORITY: ContextOption = ContextOption.THREAD_PRIORITY
THREAD_SCHED_POLICY: ContextOption = ContextOption.THREAD_SCHED_POLICY
MAX_MSGSZ: ContextOption = ContextOption.MAX_MSGSZ
MSG_T_SIZE: ContextOption = ContextOption.MSG_T_SIZE
THREAD_AFFINITY_CPU_ADD: ContextOption = ContextOption.THREAD_AFFINITY_CPU_ADD
THREAD_AFFINITY_CPU_REMOVE: ContextOption = ContextOption.THREAD_AFFINITY_CPU_REMOVE
THREAD_NAME_PREFIX: ContextOption = ContextOption.THREAD_NAME_PREFIX
STREAMER: DeviceType = DeviceType.STREAMER
FORWARDER: DeviceType = DeviceType.FORWARDER
QUEUE: DeviceType = DeviceType.QUEUE
EAGAIN: Errno = Errno.EAGAIN
EFAULT: Errno = Errno.EFAULT
EINVAL: Errno = Errno.EINVAL
ENOTSUP: Errno = Errno.ENOTSUP
EPROTONOSUPPORT: Errno = Errno.EPROTONOSUPPORT
ENOBUFS: Errno = Errno.ENOBUFS
ENETDOWN: Errno = Errno.ENETDOWN
EADDRINUSE: Errno = Errno.EADDRINUSE
EADDRNOTAVAIL: Errno = Errno.EADDRNOTAVAIL
ECONNREFUSED: Errno = Errno.ECONNREFUSED
EINPROGRESS: Errno = Errno.EINPROGRESS
ENOTSOCK: Errno = Errno.ENOTSOCK
EMSGSIZE: Errno = Errno.EMSGSIZE
EAFNOSUPPORT: Errno = Errno.EAFNOSUPPORT
ENETUNREACH: Errno = Errno.ENETUNREACH
ECONNABORTED: Errno = Errno.ECONNABORTED
ECONNRESET: Errno = Errno.ECONNRESET
ENOTCONN: Errno = Errno.ENOTCONN
ETIMEDOUT: Errno = Errno.ETIMEDOUT
EHOSTUNREACH: Errno = Errno.EHOSTUNREACH
ENETRESET: Errno = Errno.ENETRESET
EFSM: Errno = Errno.EFSM
ENOCOMPATPROTO: Errno = Errno.ENOCOMPATPROTO
ETERM: Errno = Errno.ETERM
EMTHREAD: Errno = Errno.EMTHREAD
PROTOCOL_ERROR_WS_UNSPECIFIED: Event = Event.PROTOCOL_ERROR_WS_UNSPECIFIED
PROTOCOL_ERROR_ZMTP_UNSPECIFIED: Event = Event.PROTOCOL_ERROR_ZMTP_UNSPECIFIED
PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND: Event = Event.PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND
PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE: Event = Event.PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE
PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE: Event = Event.PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE
PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED: Event = Event.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED
PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE: Event = Event.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE
PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO: Event = Event.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO
PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE: Event = Event.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE
PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR: Event = Event.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR
PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY: Event = Event.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY
PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME: Event = Event.PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME
PROTOCOL_ERROR_ZMTP_INVALID_METADATA: Event = Event.PROTOCOL_ERROR_ZMTP_INVALID_METADATA
PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: Event = Event.PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC
PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: Event = Event.PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH
PROTOCOL_ERROR_ZAP_UNSPECIFIED: Event = Event.PROTOCOL_ERROR_ZAP_UNSPECIFIED
PROTOCOL_ERROR_ZAP_MALFORMED_REPLY: Event = Event.PROTOCOL_ERROR_ZAP_MALFORMED_REPLY
PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID: Event = Event.PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID
PROTOCOL_ERROR_ZAP_BAD_VERSION: Event = Event.PROTOCOL_ERROR_ZAP_BAD_VERSION
PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE: Event = Event.PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE
PROTOCOL_ERROR_ZAP_INVALID_METADATA: Event = Event.PROTOCOL_ERROR_ZAP_INVALID_METADATA
EVENT_CONNECTED: Event = Event.CONNECTED
EVENT_CONNECT_DELAYED: Event = Event.CONNECT_DELAYED
EVENT_CONNECT_RETRIED: Event = Event.CONNECT_RETRIED
EVENT_LISTENING: Event = Event.LISTENING
EVENT_BIND_FAILED: Event = Event.BIND_FAILED
EVENT_ACCEPTED: Event = Event.ACCEPTED
EVENT_ACCEPT_FAILED: Event = Event.ACCEPT_FAILED
EVENT_CLOSED: Event = Event.CLOSED
EVENT_CLOSE_FAILED: Event = Event.CLOSE_FAILED
EVENT_DISCONNECTED: Event = Event.DISCONNECTED
EVENT_MONITOR_STOPPED: Event = Event.MONITOR_STOPPED
EVENT_HANDSHAKE_FAILED_NO_DETAIL: Event = Event.HANDSHAKE_FAILED_NO_DETAIL
EVENT_HANDSHAKE_SUCCEEDED: Event = Event.HANDSHAKE_SUCCEEDED
EVENT_HANDSHAKE_FAILED_PROTOCOL: Event = Event.HANDSHAKE_FAILED_PROTOCOL
EVENT_HANDSHAKE_FAILED_AUTH: Event = Event.HANDSHAKE_FAILED_AUTH
EVENT_ALL_V1: Event = Event.ALL_V1
EVENT_ALL: Event = Event.ALL
EVENT_PIPES_STATS: Event = Event.PIPES_STATS
EVENT_ALL_V2: Event = Event.ALL_V2
DONTWAIT: Flag = Flag.DONTWAIT
SNDMORE: Flag = Flag.SNDMORE
NOBLOCK: Flag = Flag.NOBLOCK
MORE: MessageOption = MessageOption.MORE
SHARED: MessageOption = MessageOption.SHARED
SRCFD: MessageOption = MessageOption.SRCFD
NORM_FIXED: NormMode = NormMode.FIXED
NORM_CC: NormMode = NormMode.CC
NORM_CCL: NormMode = NormMode.CCL
NORM_CCE: NormMode = NormMode.CCE
NORM_CCE_ECNONLY: NormMode = NormMode.CCE_ECNONLY
POLLIN: PollEvent = PollEvent.POLLIN
POLLOUT: PollEvent = PollEvent.POLLOUT
POLLERR: PollEvent = PollEvent.POLLERR
POLLPRI: PollEvent = PollEvent.POLLPRI
RECONNECT_STOP_CONN_REFUSED: ReconnectStop = ReconnectStop.CONN_REFUSED
RECONNECT_STOP_HANDSHAKE_FAILED: ReconnectStop = ReconnectStop.HANDSHAKE_FAILED
RECONNECT_STOP_AFTER_DISCONNECT: ReconnectStop = ReconnectStop.AFTER_DISCONNECT
NOTIFY_CONNECT: RouterNotify = RouterNotify.CONNECT
NOTIFY_DISCONNECT: RouterNotify = RouterNotify.DISCONNECT
NULL: SecurityMechanism = SecurityMechanism.NULL
PLAIN: SecurityMechanism = SecurityMechanism.PLAIN
CURVE: SecurityMechanism = SecurityMechanism.CURVE
GSSAPI: SecurityMechanism = SecurityMechanism.GSSAPI
HWM: SocketOption = SocketOption.HWM
AFFINITY: SocketOption = SocketOption.AFFINITY
ROUTING_ID: SocketOption = SocketOption.ROUTING_ID
SUBSCRIBE: SocketOption = SocketOption.SUBSCRIBE
UNSUBSCRIBE: SocketOption = SocketOption.UNSUBSCRIBE
RATE: SocketOption = SocketOption.RATE
RECOVERY_IVL: SocketOption = SocketOption.RECOVERY_IVL
SNDBUF: SocketOption = SocketOption.SNDBUF
RCVBUF: SocketOption = SocketOption.RCVBUF
RCVMORE: SocketOption = SocketOption.RCVMORE
FD: SocketOption = SocketOption.FD
EVENTS: SocketOption = SocketOption.EVENTS
TYPE: SocketOption = SocketOption.TYPE
LINGER: SocketOption = SocketOption.LINGER
RECONNECT_IVL: SocketOption = SocketOption.RECONNECT_IVL
BACKLOG: SocketOption = SocketOption.BACKLOG
RECONNECT_IVL_MAX: SocketOption = SocketOption.RECONNECT_IVL_MAX
MAXMSGSIZE: SocketOption = SocketOption.MAXMSGSIZE
SNDHWM: SocketOption = SocketOption.SNDHWM
RCVHWM: SocketOption = SocketOption.RCVHWM
MULTICAST_HOPS: SocketOption = SocketOption.MULTICAST_HOPS
RCVTIMEO: SocketOption = SocketOption.RCVTIMEO
SNDTIMEO: SocketOption = SocketOption.SNDTIMEO
LAST_ENDPOINT: SocketOption = SocketOption.LAST_ENDPOINT
ROUTER_MANDATORY: SocketOption = SocketOption.ROUTER_MANDATORY
TCP_KEEPALIVE: SocketOption = SocketOption.TCP_KEEPALIVE
TCP_KEEPALIVE_CNT: SocketOption = SocketOption.TCP_KEEPALIVE_CNT
TCP_KEEPALIVE_IDLE: SocketOption = SocketOption.TCP_KEEPALIVE_IDLE
TCP_KEEPALIVE_INTVL: SocketOption = SocketOption.TCP_KEEPALIVE_INTVL
IMMEDIATE: SocketOption = SocketOption.IMMEDIATE
XPUB_VERBOSE: SocketOption = SocketOption.XPUB_VERBOSE
ROUTER_RAW: SocketOption = SocketOption.ROUTER_RAW
IPV6: SocketOption = SocketOption.IPV6
MECHANISM: SocketOption = SocketOption.MECHANISM
PLAIN_SERVER: SocketOption = SocketOption.PLAIN_SERVER
PLAIN_USERNAME: SocketOption = SocketOption.PLAIN_USERNAME
PLAIN_PASSWORD: SocketOption = SocketOption.PLAIN_PASSWORD
CURVE_SERVER: SocketOption = SocketOption.CURVE_SERVER
CURVE_PUBLICKEY: SocketOption = SocketOption.CURVE_PUBLICKEY
CURVE_SECRETKEY: SocketOption = SocketOption.CURVE_SECRETKEY
CURVE_SERVERKEY: SocketOption = SocketOption.CURVE_SERVERKEY
PROBE_ROUTER: SocketOption = SocketOption.PROBE_ROUTER
REQ_CORRELATE: SocketOption = SocketOption.REQ_CORRELATE
REQ_RELAXED: SocketOption = SocketOption.REQ_RELAXED
CONFLATE: SocketOption = SocketOption.CONFLATE
ZAP_DOMAIN: SocketOption = SocketOption.ZAP_DOMAIN
ROUTER_HANDOVER: SocketOption = SocketOption.ROUTER_HANDOVER
TOS: SocketOption = SocketOption.TOS
CONNECT_ROUTING_ID: SocketOption = SocketOption.CONNECT_ROUTING_ID
GSSAPI_SERVER: SocketOption = SocketOption.GSSAPI_SERVER
GSSAPI_PRINCIPAL: SocketOption = SocketOption.GSSAPI_PRINCIPAL
GSSAPI_SERVICE_PRINCIPAL: SocketOption = SocketOption.GSSAPI_SERVICE_PRINCIPAL
GSSAPI_PLAINTEXT: SocketOption = SocketOption.GSSAPI_PLAINTEXT
HANDSHAKE_IVL: SocketOption = SocketOption.HANDSHAKE_IVL
SOCKS_PROXY: SocketOption = SocketOption.SOCKS_PROXY
XPUB_NODROP: SocketOption = SocketOption.XPUB_NODROP
BLOCKY: SocketOption = SocketOption.BLOCKY
XPUB_MANUAL: SocketOption = SocketOption.XPUB_MANUAL
XPUB_WELCOME_MSG: SocketOption = SocketOption.XPUB_WELCOME_MSG
STREAM_NOTIFY: SocketOption = SocketOption.STREAM_NOTIFY
INVERT_MATCHING: SocketOption = SocketOption.INVERT_MATCHING
HEARTBEAT_IVL: SocketOption = SocketOption.HEARTBEAT_IVL
HEARTBEAT_TTL: SocketOption = SocketOption.HEARTBEAT_TTL
HEARTBEAT_TIMEOUT: SocketOption = SocketOption.HEARTBEAT_TIMEOUT
XPUB_VERBOSER: SocketOption = SocketOption.XPUB_VERBOSER
CONNECT_TIMEOUT: SocketOption = SocketOption.CONNECT_TIMEOUT
TCP_MAXRT: SocketOption = SocketOption.TCP_MAXRT
THREAD_SAFE: SocketOption = SocketOption.THREAD_SAFE
MULTICAST_MAXTPDU: SocketOption = SocketOption.MULTICAST_MAXTPDU
VMCI_BUFFER_SIZE: SocketOption = SocketOption.VMCI_BUFFER_SIZE
VMCI_BUFFER_MIN_SIZE: SocketOption = SocketOption.VMCI_BUFFER_MIN_SIZE
VMCI_BUFFER_MAX_SIZE: SocketOption = SocketOption.VMCI_BUFFER_MAX_SIZE
VMCI_CONNECT_TIMEOUT: SocketOption = SocketOption.VMCI_CONNECT_TIMEOUT
USE_FD: SocketOption = SocketOption.USE_FD
GSSAPI_PRINCIPAL_NAMETYPE: SocketOption = SocketOption.GSSAPI_PRINCIPAL_NAMETYPE
GSSAPI_SERVICE_PRINCIPAL_NAMETYPE: SocketOption = SocketOption.GSSAPI_SERVICE_PRINCIPAL_NAMETYPE
BINDTODEVICE: SocketOption = SocketOption.BINDTODEVICE
IDENTITY: SocketOption = SocketOption.IDENTITY
CONNECT_RID: SocketOption = SocketOption.CONNECT_RID
TCP_ACCEPT_FILTER: SocketOption = SocketOption.TCP_ACCEPT_FILTER
IPC_FILTER_PID: SocketOption = SocketOption.IPC_FILTER_PID
IPC_FILTER_UID: SocketOption = SocketOption.IPC_FILTER_UID
IPC_FILTER_GID: SocketOption = SocketOption.IPC_FILTER_GID
IPV4ONLY: SocketOption = SocketOption.IPV4ONLY
DELAY_ATTACH_ON_CONNECT: SocketOption = SocketOption.DELAY_ATTACH_ON_CONNECT
FAIL_UNROUTABLE: SocketOption = SocketOption.FAIL_UNROUTABLE
ROUTER_BEHAVIOR: SocketOption = SocketOption.ROUTER_BEHAVIOR
ZAP_ENFORCE_DOMAIN: SocketOption = SocketOption.ZAP_ENFORCE_DOMAIN
LOOPBACK_FASTPATH: SocketOption = SocketOption.LOOPBACK_FASTPATH
METADATA: SocketOption = SocketOption.METADATA
MULTICAST_LOOP: SocketOption = SocketOption.MULTICAST_LOOP
ROUTER_NOTIFY: SocketOption = SocketOption.ROUTER_NOTIFY
XPUB_MANUAL_LAST_VALUE: SocketOption = SocketOption.XPUB_MANUAL_LAST_VALUE
SOCKS_USERNAME: SocketOption = SocketOption.SOCKS_USERNAME
SOCKS_PASSWORD: SocketOption = SocketOption.SOCKS_PASSWORD
IN_BATCH_SIZE: SocketOption = SocketOption.IN_BATCH_SIZE
OUT_BATCH_SIZE: SocketOption = SocketOption.OUT_BATCH_SIZE
WSS_KEY_PEM: SocketOption = SocketOption.WSS_KEY_PEM
WSS_CERT_PEM: SocketOption = SocketOption.WSS_CERT_PEM
WSS_TRUST_PEM: SocketOption = SocketOption.WSS_TRUST_PEM
WSS_HOSTNAME: SocketOption = SocketOption.WSS_HOSTNAME
WSS_TRUST_SYSTEM: SocketOption = SocketOption.WSS_TRUST_SYSTEM
ONLY_FIRST_SUBSCRIBE: SocketOption = SocketOption.ONLY_FIRST_SUBSCRIBE
RECONNECT_STOP: SocketOption = SocketOption.RECONNECT_STOP
HELLO_MSG: SocketOption = SocketOption.HELLO_MSG
DISCONNECT_MSG: SocketOption = SocketOption.DISCONNECT_MSG
PRIORITY: SocketOption = SocketOption.PRIORITY
BUSY_POLL: SocketOption = SocketOption.BUSY_POLL
HICCUP_MSG: SocketOption = SocketOption.HICCUP_MSG
XSUB_VERBOSE_UNSUBSCRIBE: SocketOption = SocketOption.XSUB_VERBOSE_UNSUBSCRIBE
TOPICS_COUNT: SocketOption = SocketOption.TOPICS_COUNT
NORM_MODE: SocketOption = SocketOption.NORM_MODE
NORM_UNICAST_NACK: SocketOption = SocketOption.NORM_UNICAST_NACK
NORM_BUFFER_SIZE: SocketOption = SocketOption.NORM_BUFFER_SIZE
NORM_SEGMENT_SIZE: SocketOption = SocketOption.NORM_SEGMENT_SIZE
NORM_BLOCK_SIZE: SocketOption = SocketOption.NORM_BLOCK_SIZE
NORM_NUM_PARITY: SocketOption = SocketOption.NORM_NUM_PARITY
NORM_NUM_AUTOPARITY: SocketOption = SocketOption.NORM_NUM_AUTOPARITY
NORM_PUSH: SocketOption = SocketOption.NORM_PUSH
PAIR: SocketType = SocketType.PAIR
PUB: SocketType = SocketType.PUB
SUB: SocketType = SocketType.SUB
REQ: SocketType = SocketType.REQ
REP: SocketType = SocketType.REP
DEALER: SocketType = SocketType.DEALER
ROUTER: SocketType = SocketType.ROUTER
PULL: SocketType = SocketType.PULL
PUSH: SocketType = SocketType.PUSH
XPUB: SocketType = SocketType.XPUB
XSUB: SocketType = SocketType.XSUB
STREAM: SocketType = SocketType.STREAM
XREQ: SocketType = SocketType.XREQ
XREP: SocketType = SocketType.XREP
SERVER: SocketType = SocketType.SERVER
CLIENT: SocketType = SocketType.CLIENT
RADIO: SocketType = SocketType.RADIO
DISH: SocketType = SocketType.DISH
GATHER: SocketType = SocketType.GATHER
SCATTER: SocketType = SocketType.SCATTER
DGRAM: SocketType = SocketType.DGRAM
PEER: SocketType = SocketType.PEER
CHANNEL: SocketType = SocketType.CHANNEL

__all__ = [
    "DRAFT_API",
    "PYZMQ_DRAFT_API",
    "IPC_PATH_MAX_LEN",
    "COPY_THRESHOLD",
    "Enum",
    "IntEnum",
    "IntFlag",
    "ContextOption",
    "DeviceType",
    "Errno",
    "Event",
    "Flag",
    "MessageOption",
    "NormMode",
    "PollEvent",
    "ReconnectStop",
    "RouterNotify",
    "SecurityMechanism",
    "SocketOption",
    "SocketType",
    "AFFINITY",
    "BACKLOG",
    "BINDTODEVICE",
    "BLOCKY",
    "BUSY_POLL",
    "CHANNEL",
    "CLIENT",
    "CONFLATE",
    "CONNECT_RID",
    "CONNECT_ROUTING_ID",
    "CONNECT_TIMEOUT",
    "CURVE",
    "CURVE_PUBLICKEY",
    "CURVE_SECRETKEY",
    "CURVE_SERVER",
    "CURVE_SERVERKEY",
    "DEALER",
    "DELAY_ATTACH_ON_CONNECT",
    "DGRAM",
    "DISCONNECT_MSG",
    "DISH",
    "DONTWAIT",
    "EADDRINUSE",
    "EADDRNOTAVAIL",
    "EAFNOSUPPORT",
    "EAGAIN",
    "ECONNABORTED",
    "ECONNREFUSED",
    "ECONNRESET",
    "EFAULT",
    "EFSM",
    "EHOSTUNREACH",
    "EINPROGRESS",
    "EINVAL",
    "EMSGSIZE",
    "EMTHREAD",
    "ENETDOWN",
    "ENETRESET",
    "ENETUNREACH",
    "ENOBUFS",
    "ENOCOMPATPROTO",
    "ENOTCONN",
    "ENOTSOCK",
    "ENOTSUP",
    "EPROTONOSUPPORT",
    "ETERM",
    "ETIMEDOUT",
    "EVENTS",
    "EVENT_ACCEPTED",
    "EVENT_ACCEPT_FAILED",
    "EVENT_ALL",
    "EVENT_ALL_V1",
    "EVENT_ALL_V2",
    "EVENT_BIND_FAILED",
    "EVENT_CLOSED",
    "EVENT_CLOSE_FAILED",
    "EVENT_CONNECTED",
    "EVENT_CONNECT_DELAYED",
    "EVENT_CONNECT_RETRIED",
    "EVENT_DISCONNECTED",
    "EVENT_HANDSHAKE_FAILED_AUTH",
    "EVENT_HANDSHAKE_FAILED_NO_DETAIL",
    "EVENT_HANDSHAKE_FAILED_PROTOCOL",
    "EVENT_HANDSHAKE_SUCCEEDED",
    "EVENT_LISTENING",
    "EVENT_MONITOR_STOPPED",
    "EVENT_PIPES_STATS",
    "FAIL_UNROUTABLE",
    "FD",
    "FORWARDER",
    "GATHER",
    "GSSAPI",
    "GSSAPI_PLAINTEXT",
    "GSSAPI_PRINCIPAL",
    "GSSAPI_PRINCIPAL_NAMETYPE",
    "GSSAPI_SERVER",
    "GSSAPI_SERVICE_PRINCIPAL",
    "GSSAPI_SERVICE_PRINCIPAL_NAMETYPE",
    "HANDSHAKE_IVL",
    "HEARTBEAT_IVL",
    "HEARTBEAT_TIMEOUT",
    "HEARTBEAT_TTL",
    "HELLO_MSG",
    "HICCUP_MSG",
    "HWM",
    "IDENTITY",
    "IMMEDIATE",
    "INVERT_MATCHING",
    "IN_BATCH_SIZE",
    "IO_THREADS",
    "IPC_FILTER_GID",
    "IPC_FILTER_PID",
    "IPC_FILTER_UID",
    "IPV4ONLY",
    "IPV6",
    "LAST_ENDPOINT",
    "LINGER",
    "LOOPBACK_FASTPATH",
    "MAXMSGSIZE",
    "MAX_MSGSZ",
    "MAX_SOCKETS",
    "MECHANISM",
    "METADATA",
    "MORE",
    "MSG_T_SIZE",
    "MULTICAST_HOPS",
    "MULTICAST_LOOP",
    "MULTICAST_MAXTPDU",
    "NOBLOCK",
    "NORM_BLOCK_SIZE",
    "NORM_BUFFER_SIZE",
    "NORM_CC",
    "NORM_CCE",
    "NORM_CCE_ECNONLY",
    "NORM_CCL",
    "NORM_FIXED",
    "NORM_MODE",
    "NORM_NUM_AUTOPARITY",
    "NORM_NUM_PARITY",
    "NORM_PUSH",
    "NORM_SEGMENT_SIZE",
    "NORM_UNICAST_NACK",
    "NOTIFY_CONNECT",
    "NOTIFY_DISCONNECT",
    "NULL",
    "ONLY_FIRST_SUBSCRIBE",
    "OUT_BATCH_SIZE",
    "PAIR",
    "PEER",
    "PLAIN",
    "PLAIN_PASSWORD",
    "PLAIN_SERVER",
    "PLAIN_USERNAME",
    "POLLERR",
    "POLLIN",
    "POLLOUT",
    "POLLPRI",
    "PRIORITY",
    "PROBE_ROUTER",
    "PROTOCOL_ERROR_WS_UNSPECIFIED",
    "PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID",
    "PROTOCOL_ERROR_ZAP_BAD_VERSION",
    "PROTOCOL_ERROR_ZAP_INVALID_METADATA",
    "PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE",
    "PROTOCOL_ERROR_ZAP_MALFORMED_REPLY",
    "PROTOCOL_ERROR_ZAP_UNSPECIFIED",
    "PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC",
    "PROTOCOL_ERROR_ZMTP_INVALID_METADATA",
    "PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE",
    "PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE",
    "PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR",
    "PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO",
    "PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE",
    "PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE",
    "PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY",
    "PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED",
    "PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME",
    "PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH",
    "PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND",
    "PROTOCOL_ERROR_ZMTP_UNSPECIFIED",
    "PUB",
    "PULL",
    "PUSH",
    "QUEUE",
    "RADIO",
    "RATE",
    "RCVBUF",
    "RCVHWM",
    "RCVMORE",
    "RCVTIMEO",
    "RECONNECT_IVL",
    "RECONNECT_IVL_MAX",
    "RECONNECT_STOP",
    "RECONNECT_STOP_AFTER_DISCONNECT",
    "RECONNECT_STOP_CONN_REFUSED",
    "RECONNECT_STOP_HANDSHAKE_FAILED",
    "RECOVERY_IVL",
    "REP",
    "REQ",
    "REQ_CORRELATE",
    "REQ_RELAXED",
    "ROUTER",
    "ROUTER_BEHAVIOR",
    "ROUTER_HANDOVER",
    "ROUTER_MANDATORY",
    "ROUTER_NOTIFY",
    "ROUTER_RAW",
    "ROUTING_ID",
    "SCATTER",
    "SERVER",
    "SHARED",
    "SNDBUF",
    "SNDHWM",
    "SNDMORE",
    "SNDTIMEO",
    "SOCKET_LIMIT",
    "SOCKS_PASSWORD",
    "SOCKS_PROXY",
    "SOCKS_USERNAME",
    "SRCFD",
    "STREAM",
    "STREAMER",
    "STREAM_NOTIFY",
    "SUB",
    "SUBSCRIBE",
    "TCP_ACCEPT_FILTER",
    "TCP_KEEPALIVE",
    "TCP_KEEPALIVE_CNT",
    "TCP_KEEPALIVE_IDLE",
    "TCP_KEEPALIVE_INTVL",
    "TCP_MAXRT",
    "THREAD_AFFINITY_CPU_ADD",
    "THREAD_AFFINITY_CPU_REMOVE",
    "THREAD_NAME_PREFIX",
    "THREAD_PRIORITY",
    "THREAD_SAFE",
    "THREAD_SCHED_POLICY",
    "TOPICS_COUNT",
    "TOS",
    "TYPE",
    "UNSUBSCRIBE",
    "USE_FD",
    "VMCI_BUFFER_MAX_SIZE",
    "VMCI_BUFFER_MIN_SIZE",
    "VMCI_BUFFER_SIZE",
    "VMCI_CONNECT_TIMEOUT",
    "WSS_CERT_PEM",
    "WSS_HOSTNAME",
    "WSS_KEY_PEM",
    "WSS_TRUST_PEM",
    "WSS_TRUST_SYSTEM",
    "XPUB",
    "XPUB_MANUAL",
    "XPUB_MANUAL_LAST_VALUE",
    "XPUB_NODROP",
    "XPUB_VERBOSE",
    "XPUB_VERBOSER",
    "XPUB_WELCOME_MSG",
    "XREP",
    "XREQ",
    "XSUB",
    "XSUB_VERBOSE_UNSUBSCRIBE",
    "ZAP_DOMAIN",
    "ZAP_ENFORCE_DOMAIN",
]

if TYPE_CHECKING:
    _IntOption = Literal[
        SocketOption.HWM,
        SocketOption.AFFINITY,
        SocketOption.RATE,
        SocketOption.RECOVERY_IVL,
        SocketOption.SNDBUF,
        SocketOption.RCVBUF,
        SocketOption.RCVMORE,
        SocketOption.FD,
        SocketOption.EVENTS,
        SocketOption.TYPE,
        SocketOption.LINGER,
        SocketOption.RECONNECT_IVL,
        SocketOption.BACKLOG,
        SocketOption.RECONNECT_IVL_MAX,
        SocketOption.MAXMSGSIZE,
        SocketOption.SNDHWM,
        SocketOption.RCVHWM,
        SocketOption.MULTICAST_HOPS,
        SocketOption.RCVTIMEO,
        SocketOption.SNDTIMEO,
        SocketOption.ROUTER_MANDATORY,
        SocketOption.TCP_KEEPALIVE,
        SocketOption.TCP_KEEPALIVE_CNT,
        SocketOption.TCP_KEEPALIVE_IDLE,
        SocketOption.TCP_KEEPALIVE_INTVL,
        SocketOption.IMMEDIATE,
        SocketOption.XPUB_VERBOSE,
        SocketOption.ROUTER_RAW,
        SocketOption.IPV6,
        SocketOption.MECHANISM,
        SocketOption.PLAIN_SERVER,
        SocketOption.CURVE_SERVER,
        SocketOption.PROBE_ROUTER,
        SocketOption.REQ_CORRELATE,
        SocketOption.REQ_RELAXED,
        SocketOption.CONFLATE,
        SocketOption.ROUTER_HANDOVER,
        SocketOption.TOS,
        SocketOption.GSSAPI_SERVER,
        SocketOption.GSSAPI_PLAINTEXT,
        SocketOption.HANDSHAKE_IVL,
        SocketOption.XPUB_NODROP,
        SocketOption.BLOCKY,
        SocketOption.XPUB_MANUAL,
        SocketOption.STREAM_NOTIFY,
        SocketOption.INVERT_MATCHING,
        SocketOption.HEARTBEAT_IVL,
        SocketOption.HEARTBEAT_TTL,
        SocketOption.HEARTBEAT_TIMEOUT,
        SocketOption.XPUB_VERBOSER,
        SocketOption.CONNECT_TIMEOUT,
        SocketOption.TCP_MAXRT,
        SocketOption.THREAD_SAFE,
        SocketOption.MULTICAST_MAXTPDU,
        SocketOption.VMCI_BUFFER_SIZE,
        SocketOption.VMCI_BUFFER_MIN_SIZE,
        SocketOption.VMCI_BUFFER_MAX_SIZE,
        SocketOption.VMCI_CONNECT_TIMEOUT,
        SocketOption.USE_FD,
        SocketOption.GSSAPI_PRINCIPAL_NAMETYPE,
        SocketOption.GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
        SocketOption.IPC_FILTER_PID,
        SocketOption.IPC_FILTER_UID,
        SocketOption.IPC_FILTER_GID,
        SocketOption.IPV4ONLY,
        SocketOption.DELAY_ATTACH_ON_CONNECT,
        SocketOption.FAIL_UNROUTABLE,
        SocketOption.ROUTER_BEHAVIOR,
        SocketOption.ZAP_ENFORCE_DOMAIN,
        SocketOption.LOOPBACK_FASTPATH,
        SocketOption.MULTICAST_LOOP,
        SocketOption.ROUTER_NOTIFY,
        SocketOption.XPUB_MANUAL_LAST_VALUE,
        SocketOption.IN_BATCH_SIZE,
        SocketOption.OUT_BATCH_SIZE,
        SocketOption.WSS_TRUST_SYSTEM,
        SocketOption.ONLY_FIRST_SUBSCRIBE,
        SocketOption.RECONNECT_STOP,
        SocketOption.PRIORITY,
        SocketOption.BUSY_POLL,
        SocketOption.XSUB_VERBOSE_UNSUBSCRIBE,
        SocketOption.TOPICS_COUNT,
        SocketOption.NORM_MODE,
        SocketOption.NORM_UNICAST_NACK,
        SocketOption.NORM_BUFFER_SIZE,
        SocketOption.NORM_SEGMENT_SIZE,
        SocketOption.NORM_BLOCK_SIZE,
        SocketOption.NORM_NUM_PARITY,
        SocketOption.NORM_NUM_AUTOPARITY,
        SocketOption.NORM_PUSH,
    ]
    _BytesOption = Literal[
        SocketOption.ROUTING_ID,
        SocketOption.SUBSCRIBE,
        SocketOption.UNSUBSCRIBE,
        SocketOption.LAST_ENDPOINT,
        SocketOption.PLAIN_USERNAME,
        SocketOption.PLAIN_PASSWORD,
        SocketOption.CURVE_PUBLICKEY,
        SocketOption.CURVE_SECRETKEY,
        SocketOption.CURVE_SERVERKEY,
        SocketOption.ZAP_DOMAIN,
        SocketOption.CONNECT_ROUTING_ID,
        SocketOption.GSSAPI_PRINCIPAL,
        SocketOption.GSSAPI_SERVICE_PRINCIPAL,
        SocketOption.SOCKS_PROXY,
        SocketOption.XPUB_WELCOME_MSG,
        SocketOption.BINDTODEVICE,
        SocketOption.IDENTITY,
        SocketOption.CONNECT_RID,
        SocketOption.TCP_ACCEPT_FILTER,
        SocketOption.METADATA,
        SocketOption.SOCKS_USERNAME,
        SocketOption.SOCKS_PASSWORD,
        SocketOption.WSS_KEY_PEM,
        SocketOption.WSS_CERT_PEM,
        SocketOption.WSS_TRUST_PEM,
        SocketOption.WSS_HOSTNAME,
        SocketOption.HELLO_MSG,
        SocketOption.DISCONNECT_MSG,
        SocketOption.HICCUP_MSG,
    ]
# ---- END GENERATED ----
