"""The raw CFFI layer: constants agree with zmq.h, helpers report -errno."""
import re
from pathlib import Path

import pytest

from _backend import IS_CFFI, zmq

pytestmark = pytest.mark.cffi_only

if IS_CFFI:
    from zmq_cffi import constants
    from zmq_cffi._ffi import ffi, lib


def test_every_fallback_value_matches_the_header():
    # constants.py names each C macro with the value pyzmq documents; where the
    # system zmq.h defines the macro too, both must agree.
    source = Path(constants.__file__).read_text()
    pairs = re.findall(r"_value\('(\w+)', (-?\d+)\)", source)
    assert len(pairs) > 150
    for c_name, fallback in pairs:
        assert getattr(lib, c_name) == int(fallback), c_name


def test_enum_members_are_the_library_values():
    assert zmq.SocketType.ROUTER == lib.ZMQ_ROUTER
    assert zmq.Errno.ETERM == lib.ETERM
    assert zmq.SocketOption.LAST_ENDPOINT == lib.ZMQ_LAST_ENDPOINT
    assert zmq.Event.HANDSHAKE_SUCCEEDED == lib.ZMQ_EVENT_HANDSHAKE_SUCCEEDED


def test_ipc_path_max_len_comes_from_sockaddr_un():
    assert zmq.IPC_PATH_MAX_LEN == lib.ZMQCFFI_IPC_PATH_MAX_LEN
    assert 90 <= zmq.IPC_PATH_MAX_LEN <= 1024


def test_helpers_return_minus_errno_on_a_null_socket():
    rx = ffi.new("zmqcffi_rx_t *")  # rx.socket is NULL
    assert lib.zmqcffi_recv(rx, 0) == -lib.ENOTSOCK
    assert lib.zmqcffi_recv0(rx) == -lib.ENOTSOCK
    assert lib.zmqcffi_send(ffi.NULL, b"x", 1, 0) == -lib.ENOTSOCK
    assert lib.zmqcffi_call_addr(ffi.NULL, 0, b"inproc://x") == -lib.ENOTSOCK
    assert lib.zmqcffi_call_addr(ffi.NULL, 99, b"inproc://x") == -lib.EINVAL


def test_zero_copy_release_callback_frees_the_owner():
    from zmq_cffi.frame import _zero_copy

    before = lib.zmqcffi_released_total()
    msg = lib.zmqcffi_msg_new()
    pinned = ffi.from_buffer(b"payload" * 100)
    token = _zero_copy.hold(pinned)
    assert lib.zmqcffi_msg_init_zerocopy(msg, pinned, len(pinned), token) == 0
    assert not _zero_copy.is_released(token)
    lib.zmqcffi_msg_free(msg)  # the last reference: libzmq calls the release callback
    assert lib.zmqcffi_released_total() == before + 1
    assert _zero_copy.is_released(token)


def test_released_wait_times_out_without_releases():
    seen = lib.zmqcffi_released_total()
    assert lib.zmqcffi_released_wait(seen, 20) == 0
    assert lib.zmqcffi_released_wait(seen - 1, 20) == 1
