"""pyzmq API fidelity: behaviours code written for pyzmq relies on (issue 11).

The automatic name/signature comparison with pyzmq itself is
tests_pyzmq/test_api_compare.py (nox -s pyzmq_suite, where pyzmq is installed).
"""
import pickle
import warnings
from unittest import mock

import pytest

from _backend import BACKEND, zmq

import importlib


def _sub(name):
    return importlib.import_module(BACKEND + "." + name)


def test_version_reports_the_pyzmq_api_level():
    assert zmq.pyzmq_version_info() >= (27, 3)
    assert zmq.__version__ == zmq.pyzmq_version()
    assert all(isinstance(n, int) for n in zmq.pyzmq_version_info()[:3])


@pytest.mark.cffi_only
def test_own_release_is_separate():
    import zmq_cffi
    assert zmq_cffi.zmq_cffi_version() == zmq_cffi.__zmq_cffi_version__
    assert zmq_cffi.zmq_cffi_version_info() == tuple(int(p) for p in zmq_cffi.zmq_cffi_version().split("."))
    assert zmq_cffi.zmq_cffi_version() != zmq_cffi.pyzmq_version()
    from zmq_cffi.sugar import version
    assert version.VERSION_EXTRA == "" and version.version_info == zmq_cffi.pyzmq_version_info()


def test_error_args_start_with_errno():
    assert zmq.ZMQError(zmq.EAGAIN).args == (zmq.EAGAIN,)
    assert zmq.ZMQError(zmq.EINVAL, "custom").args == (zmq.EINVAL, "custom")
    import errno
    assert _sub("error").EINTR == errno.EINTR


def test_error_args_from_a_failed_call(ctx):
    s = ctx.socket(zmq.PUSH)
    with pytest.raises(zmq.ZMQError) as info:
        s.bind("bogus://x")
    assert info.value.args[0] == info.value.errno
    s.close()


def test_context_default_options_by_attribute(ctx):
    ctx.linger = 0
    assert ctx.linger == 0
    assert ctx.sockopts == {zmq.LINGER: 0}
    s = ctx.socket(zmq.PUSH)
    assert s.linger == 0
    del ctx.linger
    assert ctx.sockopts == {}
    s.close()


def test_context_option_keywords_named_as_pyzmq(ctx):
    ctx.setsockopt(opt=zmq.SNDHWM, value=5)
    assert ctx.getsockopt(opt=zmq.SNDHWM) == 5
    ctx.set(zmq.MAX_SOCKETS, optval=100)
    assert ctx.get(zmq.MAX_SOCKETS) == 100


def test_socket_kwargs_go_to_the_socket_class(ctx):
    class Tagged(zmq.Socket):
        tag = None

        def __init__(self, *args, tag=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.tag = tag

    s = ctx.socket(zmq.DEALER, socket_class=Tagged, tag="t")
    assert isinstance(s, Tagged) and s.tag == "t"
    s.close()


@pytest.mark.cffi_only
def test_socket_options_by_keyword_still_work(ctx):
    s = ctx.socket(zmq.PUSH, linger=0, sndhwm=7)
    assert (s.linger, s.sndhwm) == (0, 7)
    s.close()
    with pytest.raises(TypeError, match="unexpected keyword"):
        ctx.socket(zmq.PUSH, not_an_option=1)
    assert all(sock.closed for sock in list(ctx._sockets))


def test_annotated_attributes_are_settable(ctx):
    class MySocket(zmq.Socket):
        extra: int

    class MyContext(zmq.Context):
        extra: str

    c = MyContext()
    c.extra = "x"
    assert c.extra == "x"
    s = c.socket(zmq.PUSH, socket_class=MySocket)
    s.extra = 3
    assert s.extra == 3
    with pytest.raises(AttributeError):
        s.not_declared = 1
    s.close()
    c.term()


def test_write_only_option_attribute_raises_attribute_error(ctx):
    s = ctx.socket(zmq.SUB)
    assert not hasattr(s, "SUBSCRIBE")
    assert getattr(s, "UNSUBSCRIBE", "default") == "default"
    m = mock.Mock(spec=s)  # reads every attribute dir() lists
    assert hasattr(m, "recv")
    mock.Mock(spec=ctx)
    s.close()
    with pytest.raises(zmq.ZMQError):
        s.linger  # a closed socket still says so


def test_dir_lists_options(ctx):
    s = ctx.socket(zmq.PUSH)
    assert "LINGER" in dir(s) and "send" in dir(s)
    assert "IO_THREADS" in dir(ctx) and "socket" in dir(ctx)
    s.close()


def test_bind_context_manager_unbinds_the_resolved_endpoint(ctx):
    s = ctx.socket(zmq.PUSH)
    with s.bind("tcp://127.0.0.1:0") as bound:
        assert bound is s
        endpoint = s.last_endpoint.decode()
    assert not endpoint.endswith(":0")
    with pytest.raises(zmq.ZMQError):  # already unbound by the block
        s.unbind(endpoint)
    cm = s.connect("inproc://fidelity-a")
    assert "connect='inproc://fidelity-a'" in repr(cm)
    s.close()


def test_context_exit_warns_about_open_sockets():
    with pytest.warns(ResourceWarning, match="unclosed socket"):
        with zmq.Context() as c:
            s = c.socket(zmq.PUSH)
    assert s.closed and c.closed


def test_context_exit_without_open_sockets_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with zmq.Context() as c:
            c.socket(zmq.PUSH).close()


def test_missing_names_exist(ctx):
    s = ctx.socket(zmq.PUSH)
    with pytest.raises(RuntimeError):
        s.join("group")
    with pytest.raises(RuntimeError):
        s.leave("group")
    s.close()
    assert callable(zmq.Context.shadow_pyczmq)
    f = zmq.Frame(b"x")
    with pytest.raises(RuntimeError):
        f.routing_id
    with pytest.raises(RuntimeError):
        f.group
    assert f.tracker_event is None


def test_tracker_event_follows_the_tracker():
    f = zmq.Frame(b"x" * 100000, copy=False, track=True)
    event = f.tracker_event
    assert event is not None and not event.is_set()
    assert event.wait(0.01) is False


def test_shadow_obj(ctx):
    s = ctx.socket(zmq.PULL)
    s2 = zmq.Socket.shadow(s)
    assert s2._shadow_obj is s
    s.close()


def test_send_defaults_match_pyzmq(ctx):
    import inspect
    assert inspect.signature(zmq.Socket.send_string).parameters["copy"].default is True
    assert inspect.signature(zmq.Socket.send_pyobj).parameters["protocol"].default == pickle.DEFAULT_PROTOCOL


def test_strided_buffers_are_refused(ctx):
    with pytest.raises(BufferError):
        zmq.Frame(memoryview(bytearray(10))[::2])
    a = ctx.socket(zmq.PAIR)
    with pytest.raises(BufferError):
        a.recv_into(memoryview(bytearray(10))[::2])
    a.close()


def test_ipc_path_too_long_names_the_limit(ctx, tmp_path):
    s = ctx.socket(zmq.PUB)
    with pytest.raises(zmq.ZMQError) as info:
        s.bind("ipc://" + str(tmp_path / ("a" * (zmq.IPC_PATH_MAX_LEN + 1))))
    assert str(zmq.IPC_PATH_MAX_LEN) in info.value.strerror
    s.close()


def test_garbage_refs_follow_zero_copy_messages():
    import gc
    import time

    zmq_gc = _sub("utils.garbage").gc
    data = b"y" * 100000
    f = zmq.Frame(data, copy=False)
    assert len(zmq_gc.refs) >= 1
    key = max(zmq_gc.refs)
    del f
    deadline = time.monotonic() + 5
    while key in zmq_gc.refs and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    assert key not in zmq_gc.refs


def test_small_names():
    jsonapi = _sub("utils.jsonapi")
    assert jsonapi.jsonmod.loads("[1]") == [1]
    assert zmq.IDENTITY._opt_type is zmq.constants._OptType.bytes
    assert zmq.FD._opt_type is zmq.constants._OptType.fd


def test_read_only_buffer_for_recv_into_is_a_buffer_error(ctx):
    a = ctx.socket(zmq.PAIR)
    with pytest.raises(BufferError):
        a.recv_into(memoryview(b"readonly"))
    with pytest.raises(TypeError):
        a.recv_into(5)
    a.close()


@pytest.mark.parametrize("copy", [True, False])
def test_send_of_a_frame_returns_its_own_tracker(ctx, copy):
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    a.linger = b.linger = 0
    a.bind("inproc://frame-tracker")
    b.connect("inproc://frame-tracker")
    try:
        tracked = zmq.Frame(b"x" * 100, track=True)
        assert a.send(tracked, copy=copy) is tracked.tracker
        assert a.send(zmq.Frame(b"y"), copy=copy) is None  # untracked: no tracker
        assert b.recv() == b"x" * 100 and b.recv() == b"y"
    finally:
        a.close()
        b.close()
