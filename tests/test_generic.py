"""Context and Socket are generic classes, as in pyzmq 27: applications such as
ipykernel 7 annotate ``zmq.Context[Any]`` and ``zmq.Socket[Any]`` at class
level, which runs at import time.  tests_apps/test_generic_oracle.py compares
every case with pyzmq itself."""
import importlib
import typing
from typing import Any

import pytest

from _backend import zmq

zasyncio = importlib.import_module(zmq.__name__ + ".asyncio")


def test_context_and_socket_can_be_subscripted():
    assert typing.get_origin(zmq.Context[Any]) is zmq.Context
    assert typing.get_args(zmq.Socket[bytes]) == (bytes,)
    assert typing.get_origin(zmq.Context[zmq.Socket[bytes]]) is zmq.Context


def test_an_annotated_class_attribute_like_ipykernels_works():
    class Kernel:
        shell_socket: "zmq.Socket[Any]"
        context: zmq.Context[Any] = None  # evaluated at class creation

    assert typing.get_type_hints(Kernel)["context"] == zmq.Context[Any]


def test_subscripted_aliases_make_the_real_class():
    ctx = zmq.Context[Any]()
    try:
        assert type(ctx) is zmq.Context
        sock = ctx.socket(zmq.PAIR)
        assert type(sock) is zmq.Socket
        sock.close()
    finally:
        ctx.term()


def test_subclasses_stay_generic_like_pyzmqs():
    T = typing.TypeVar("T")

    class MySocket(zmq.Socket[T]):
        pass

    assert typing.get_args(MySocket[int]) == (int,)
    with pytest.raises(TypeError):
        zmq.Socket[int, str]  # one type parameter


def test_asyncio_classes_are_already_parametrized():
    # pyzmq: asyncio.Socket is Socket[Future] and asyncio.Context is
    # Context[asyncio.Socket]: neither takes parameters of its own.
    with pytest.raises(TypeError):
        zasyncio.Socket[Any]
    with pytest.raises(TypeError):
        zasyncio.Context[Any]
    assert issubclass(zasyncio.Socket, zmq.Socket)


def test_poller_is_not_generic():
    with pytest.raises(TypeError):
        zmq.Poller[Any]
