"""Constants and enums: names, values and types match pyzmq; version helpers."""
import enum
import errno

import pytest

from _backend import zmq

ZMQ_HAUSNUMERO = 156384712

EXPECTED = {
    "SocketType": {
        "PAIR": 0, "PUB": 1, "SUB": 2, "REQ": 3, "REP": 4, "DEALER": 5, "ROUTER": 6,
        "PULL": 7, "PUSH": 8, "XPUB": 9, "XSUB": 10, "STREAM": 11, "SERVER": 12,
        "CLIENT": 13, "RADIO": 14, "DISH": 15, "GATHER": 16, "SCATTER": 17,
        "DGRAM": 18, "PEER": 19, "CHANNEL": 20,
    },
    "SocketOption": {
        "AFFINITY": 4, "ROUTING_ID": 5, "SUBSCRIBE": 6, "UNSUBSCRIBE": 7, "RATE": 8,
        "SNDBUF": 11, "RCVBUF": 12, "RCVMORE": 13, "FD": 14, "EVENTS": 15, "TYPE": 16,
        "LINGER": 17, "RECONNECT_IVL": 18, "BACKLOG": 19, "MAXMSGSIZE": 22,
        "SNDHWM": 23, "RCVHWM": 24, "RCVTIMEO": 27, "SNDTIMEO": 28,
        "LAST_ENDPOINT": 32, "ROUTER_MANDATORY": 33, "TCP_KEEPALIVE": 34,
        "IMMEDIATE": 39, "XPUB_VERBOSE": 40, "IPV6": 42, "MECHANISM": 43,
        "PLAIN_SERVER": 44, "CURVE_SERVER": 47, "CURVE_PUBLICKEY": 48,
        "CURVE_SECRETKEY": 49, "CURVE_SERVERKEY": 50, "CONFLATE": 54,
        "ZAP_DOMAIN": 55, "HANDSHAKE_IVL": 66, "HEARTBEAT_IVL": 75,
        "CONNECT_TIMEOUT": 79, "ROUTER_NOTIFY": 97,
    },
    "Flag": {"DONTWAIT": 1, "SNDMORE": 2},
    "PollEvent": {"POLLIN": 1, "POLLOUT": 2, "POLLERR": 4, "POLLPRI": 8},
    "Event": {
        "CONNECTED": 1, "CONNECT_DELAYED": 2, "CONNECT_RETRIED": 4, "LISTENING": 8,
        "BIND_FAILED": 16, "ACCEPTED": 32, "ACCEPT_FAILED": 64, "CLOSED": 128,
        "CLOSE_FAILED": 256, "DISCONNECTED": 512, "MONITOR_STOPPED": 1024,
        "HANDSHAKE_FAILED_NO_DETAIL": 2048, "HANDSHAKE_SUCCEEDED": 4096,
        "HANDSHAKE_FAILED_PROTOCOL": 8192, "HANDSHAKE_FAILED_AUTH": 16384,
    },
    "Errno": {
        "EAGAIN": errno.EAGAIN, "EFAULT": errno.EFAULT, "EINVAL": errno.EINVAL,
        "ENOTSUP": errno.ENOTSUP, "EPROTONOSUPPORT": errno.EPROTONOSUPPORT,
        "EADDRINUSE": errno.EADDRINUSE, "EADDRNOTAVAIL": errno.EADDRNOTAVAIL,
        "ECONNREFUSED": errno.ECONNREFUSED, "ENOTSOCK": errno.ENOTSOCK,
        "EMSGSIZE": errno.EMSGSIZE, "EHOSTUNREACH": errno.EHOSTUNREACH,
        "EFSM": ZMQ_HAUSNUMERO + 51, "ENOCOMPATPROTO": ZMQ_HAUSNUMERO + 52,
        "ETERM": ZMQ_HAUSNUMERO + 53, "EMTHREAD": ZMQ_HAUSNUMERO + 54,
    },
    "ContextOption": {
        "IO_THREADS": 1, "MAX_SOCKETS": 2, "SOCKET_LIMIT": 3, "THREAD_SCHED_POLICY": 4,
        "MAX_MSGSZ": 5, "MSG_T_SIZE": 6, "THREAD_AFFINITY_CPU_ADD": 7,
        "THREAD_AFFINITY_CPU_REMOVE": 8, "THREAD_NAME_PREFIX": 9,
    },
    "MessageOption": {"MORE": 1, "SRCFD": 2, "SHARED": 3},
    "SecurityMechanism": {"NULL": 0, "PLAIN": 1, "CURVE": 2, "GSSAPI": 3},
    "DeviceType": {"STREAMER": 1, "FORWARDER": 2, "QUEUE": 3},
    "RouterNotify": {"CONNECT": 1, "DISCONNECT": 2},
    "ReconnectStop": {"CONN_REFUSED": 1, "HANDSHAKE_FAILED": 2, "AFTER_DISCONNECT": 4},
    "NormMode": {"FIXED": 0, "CC": 1, "CCL": 2, "CCE": 3, "CCE_ECNONLY": 4},
}

# How an enum member is spelled at module level, when not by its own name.
MODULE_PREFIX = {"Event": "EVENT_", "RouterNotify": "NOTIFY_", "ReconnectStop": "RECONNECT_STOP_", "NormMode": "NORM_"}


@pytest.mark.parametrize("enum_name", sorted(EXPECTED))
def test_enum_values(enum_name):
    cls = getattr(zmq, enum_name)
    assert issubclass(cls, enum.Enum)
    assert issubclass(cls, int)
    for name, value in EXPECTED[enum_name].items():
        assert cls[name] == value, name


@pytest.mark.parametrize("enum_name", sorted(EXPECTED))
def test_every_enum_member_is_a_module_constant(enum_name):
    prefix = MODULE_PREFIX.get(enum_name, "")
    members = list(getattr(zmq, enum_name))
    assert len(members) >= len(EXPECTED[enum_name])
    for member in members:
        # Event's PROTOCOL_ERROR_* members keep their own name at module level.
        name = member.name if member.name.startswith("PROTOCOL_ERROR") else prefix + member.name
        assert getattr(zmq, name) == member.value, name


def test_flags_are_combinable():
    assert issubclass(zmq.PollEvent, enum.IntFlag)
    assert issubclass(zmq.Flag, enum.IntFlag)
    both = zmq.POLLIN | zmq.POLLOUT
    assert both == 3
    assert both & zmq.POLLIN


def test_spot_values():
    assert zmq.PUSH == zmq.SocketType.PUSH == 8
    assert zmq.NOBLOCK == zmq.DONTWAIT == zmq.Flag.DONTWAIT == 1
    assert zmq.IDENTITY == zmq.ROUTING_ID == 5
    assert zmq.HWM == 1
    assert zmq.EVENT_ALL == 0xFFFF
    assert zmq.COPY_THRESHOLD == 65536
    assert isinstance(zmq.IPC_PATH_MAX_LEN, int) and zmq.IPC_PATH_MAX_LEN > 0


def test_socket_type_member_lookup_by_value():
    assert zmq.SocketType(8) is zmq.SocketType.PUSH
    assert zmq.SocketType(8).name == "PUSH"


def test_zmq_version_strings():
    version = zmq.zmq_version()
    assert isinstance(version, str)
    parts = version.split(".")
    assert len(parts) == 3 and parts[0] == "4"
    info = zmq.zmq_version_info()
    assert isinstance(info, tuple) and len(info) == 3
    assert all(isinstance(x, int) for x in info)
    assert info[0] == 4
    assert ".".join(map(str, info)) == version


def test_binding_version_strings():
    assert isinstance(zmq.__version__, str) and zmq.__version__
    assert zmq.pyzmq_version() == zmq.__version__


@pytest.mark.parametrize("capability, expected", [("ipc", True), ("nonsense", False)])
def test_has(capability, expected):
    assert zmq.has(capability) is expected


def test_has_curve_is_a_bool():
    assert isinstance(zmq.has("curve"), bool)
