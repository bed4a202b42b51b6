"""Old import paths and the Stopwatch kept for code written against older pyzmq."""
import importlib
import time
import warnings

import pytest

from _backend import zmq


@pytest.mark.cffi_only
def test_core_socket_import_path():
    # pyzmq 27 removed zmq.core; zmq_cffi keeps it for old code.
    from zmq_cffi.core.socket import Socket

    assert issubclass(Socket, zmq.Socket)
    ctx = zmq.Context()
    try:
        s = Socket(ctx, zmq.PAIR)
        assert s.getsockopt(zmq.TYPE) == zmq.PAIR
        s.close()
    finally:
        ctx.term()


@pytest.mark.cffi_only
def test_core_stopwatch_measures_microseconds():
    from zmq_cffi.core.stopwatch import Stopwatch

    watch = Stopwatch()
    watch.start()
    time.sleep(0.02)
    elapsed = watch.stop()
    assert isinstance(elapsed, int)
    assert 15000 <= elapsed < 2000000


@pytest.mark.cffi_only
def test_core_stopwatch_stop_without_start_raises():
    # The legacy (pre-27 pyzmq) contract; pyzmq 27's Stopwatch returns garbage instead.
    from zmq_cffi.core.stopwatch import Stopwatch

    with pytest.raises(zmq.ZMQError):
        Stopwatch().stop()


def test_top_level_stopwatch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        watch = zmq.Stopwatch()
    watch.start()
    time.sleep(0.01)
    elapsed = watch.stop()
    assert isinstance(elapsed, int)
    assert 5000 <= elapsed < 2000000


def test_submodules_are_importable():
    for name in ("error", "constants"):
        module = importlib.import_module(zmq.__name__ + "." + name)
        assert module is not None
    from_error = importlib.import_module(zmq.__name__ + ".error")
    assert from_error.ZMQError is zmq.ZMQError
