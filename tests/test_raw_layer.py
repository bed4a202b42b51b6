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


def _new_slot(handle):
    slot = ffi.new("zmqcffi_slot_t *")  # zeroed: OPEN, not busy
    slot.socket = handle
    slot.owned = 1
    slot.linger = lib.ZMQCFFI_KEEP_LINGER
    return slot


def test_helpers_return_minus_errno_on_a_null_socket():
    slot = _new_slot(ffi.NULL)
    assert lib.zmqcffi_recv(slot, 0) == -lib.ENOTSOCK
    assert lib.zmqcffi_recv0(slot) == -lib.ENOTSOCK
    assert lib.zmqcffi_send(slot, b"x", 1, 0) == -lib.ENOTSOCK
    assert lib.zmqcffi_call_addr(slot, 0, b"inproc://x") == -lib.ENOTSOCK
    assert lib.zmqcffi_call_addr(slot, 99, b"inproc://x") == -lib.EINVAL


def test_slot_refuses_calls_once_closed_or_stopped():
    ctx = lib.zmq_ctx_new()
    handle = lib.zmq_socket(ctx, lib.ZMQ_PAIR)
    slot = _new_slot(handle)
    assert lib.zmqcffi_call_addr(slot, 0, b"inproc://slot-test") == 0
    lib.zmqcffi_slot_stop(slot)
    assert slot.state == lib.ZMQCFFI_SLOT_STOPPED
    assert lib.zmqcffi_send(slot, b"x", 1, lib.ZMQ_DONTWAIT) == -lib.ETERM
    # options still work (a worker sets LINGER before closing), except EVENTS
    value = ffi.new("int *", 0)
    size = ffi.new("size_t *", ffi.sizeof("int"))
    assert lib.zmqcffi_setsockopt(slot, lib.ZMQ_LINGER, ffi.cast("char *", value), size[0]) == 0
    assert lib.zmqcffi_getsockopt(slot, lib.ZMQ_LINGER, value, size) == 0
    assert lib.zmqcffi_getsockopt(slot, lib.ZMQ_EVENTS, value, size) == -lib.ETERM
    assert lib.zmqcffi_slot_close(slot, 0) == 0  # nobody inside a call: closed now
    assert slot.state == lib.ZMQCFFI_SLOT_CLOSED and slot.busy == 0
    assert lib.zmqcffi_recv(slot, lib.ZMQ_DONTWAIT) == -lib.ENOTSOCK
    assert lib.zmqcffi_slot_close(slot, 0) == 0  # twice: harmless
    assert lib.zmq_ctx_term(ctx) == 0  # the libzmq socket really was closed


def test_slot_close_waits_for_the_last_call_to_leave():
    ctx = lib.zmq_ctx_new()
    handle = lib.zmq_socket(ctx, lib.ZMQ_PAIR)
    slot = _new_slot(handle)
    slot.busy = 1  # as if another thread were inside a call
    assert lib.zmqcffi_slot_close(slot, 0) == 1  # deferred
    assert slot.state == lib.ZMQCFFI_SLOT_CLOSING
    assert lib.zmqcffi_send(slot, b"x", 1, lib.ZMQ_DONTWAIT) == -lib.ENOTSOCK
    assert slot.busy == 1 and slot.state == lib.ZMQCFFI_SLOT_CLOSING
    slot.busy = 0  # that thread left; the next one out (this refused send) closes
    assert lib.zmqcffi_send(slot, b"x", 1, lib.ZMQ_DONTWAIT) == -lib.ENOTSOCK
    assert slot.busy == 0 and slot.state == lib.ZMQCFFI_SLOT_CLOSED
    assert lib.zmq_ctx_term(ctx) == 0


def test_slot_refuses_a_second_thread_and_admits_its_owner_again():
    ctx = lib.zmq_ctx_new()
    handle = lib.zmq_socket(ctx, lib.ZMQ_PAIR)
    slot = _new_slot(handle)
    slot.busy, slot.owner = 1, 12345  # as if another thread were inside a call
    assert lib.zmqcffi_send(slot, b"x", 1, lib.ZMQ_DONTWAIT) == -lib.ZMQCFFI_EINUSE
    assert slot.busy == 1 and slot.owner == 12345  # the refusal left no trace
    slot.busy, slot.owner = 0, 0  # it left: this thread may call now
    assert lib.zmqcffi_send(slot, b"x", 1, lib.ZMQ_DONTWAIT) == -lib.EAGAIN  # no peer
    assert slot.busy == 0 and slot.owner == 0  # the caller gave it back
    assert lib.zmqcffi_slot_close(slot, 0) == 0
    assert lib.zmq_ctx_term(ctx) == 0


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
