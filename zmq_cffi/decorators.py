"""Decorators that give a function a Context or a Socket for one call,
as pyzmq's ``zmq.decorators``.

Each call of the decorated function gets a fresh object, which is closed
(a socket) or destroyed (a context) when the call returns or raises, as if
the body ran inside ``with zmq.Context() as ctx:`` or
``with ctx.socket(kind) as sock:``::

    from zmq_cffi.decorators import context, socket

    @context()
    @socket(zmq.PUSH)
    def send_hello(ctx, push):
        push.connect("tcp://127.0.0.1:5555")
        push.send(b"hello")

The object is passed as an extra positional argument, after the caller's
ones (decorators apply from the innermost out: the outer ``@context()`` adds
``ctx`` first, then ``@socket`` adds ``push``), or as a keyword argument when
the decorator is given a name: ``@context("ctx")`` or
``@socket("push", zmq.PUSH)`` (also ``name="push"``).  Every other argument
goes to ``Context(...)`` or ``ctx.socket(...)``.

``@socket`` uses the first Context it finds among the call's arguments: the
keyword argument named by ``context_name`` (``"context"`` by default), then
any positional argument, else ``Context.instance()``.
"""
import functools
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

from zmq_cffi.context import Context

__all__ = ("context", "socket")

F = TypeVar("F", bound=Callable[..., Any])

# Makes the object for one call, from the call's (args, kwargs); the object
# is used as a context manager around the call.
_Factory = Callable[[Tuple[Any, ...], Dict[str, Any]], Any]


def _take_name(args: Tuple[Any, ...], kwargs: Dict[str, Any]
               ) -> Tuple[Optional[str], Tuple[Any, ...], Dict[str, Any]]:
    """Split the decorator's own argument, the keyword name, from the ones
    for the factory: ``name="x"`` if it is a str, else a str first
    positional argument."""
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("name"), str):
        return kwargs.pop("name"), args, kwargs
    if args and isinstance(args[0], str):
        return args[0], args[1:], kwargs
    return None, args, kwargs


def _decorator(name: Optional[str], factory: _Factory) -> Callable[[F], F]:
    """A decorator that runs the function with ``factory``'s object as the
    keyword argument ``name``, or as a last positional one if name is None."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name is not None and name in kwargs:
                raise TypeError("%s() got multiple values for argument '%s'"
                                % (func.__name__, name))
            with factory(args, kwargs) as obj:
                if name is None:
                    args = args + (obj,)
                else:
                    kwargs[name] = obj
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def context(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """Decorator: call the function with a new Context, destroyed after
    the call.

    Parameters
    ----------
    name : str, optional
        Pass the context as this keyword argument (given as ``name=`` or as
        the first positional argument); by default it is appended to the
        positional arguments.
    *args, **kwargs
        The other arguments go to ``Context()`` (e.g. ``io_threads=2``).

    Examples
    --------
    ::

        @context()
        def work(ctx):
            ...

        @context("ctx")
        def work(*, ctx):
            ...
    """
    name, ctx_args, ctx_kwargs = _take_name(args, kwargs)

    def make(call_args: Tuple[Any, ...], call_kwargs: Dict[str, Any]) -> Context[Any]:
        return Context(*ctx_args, **ctx_kwargs)

    return _decorator(name, make)


def _find_context(context_name: str, args: Tuple[Any, ...],
                  kwargs: Dict[str, Any]) -> Context[Any]:
    """The Context a decorated call was given, else the shared instance."""
    candidate = kwargs.get(context_name)
    if isinstance(candidate, Context):
        return candidate
    for arg in args:
        if isinstance(arg, Context):
            return arg
    return Context.instance()


def socket(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """Decorator: call the function with a new Socket, closed after the call.

    Parameters
    ----------
    name : str, optional
        Pass the socket as this keyword argument (given as ``name=`` or as
        the first positional argument); by default it is appended to the
        positional arguments.
    context_name : str, optional
        The keyword argument of the call that may hold the Context to create
        the socket with (default ``"context"``).  Without a Context there,
        the first Context among the positional arguments is used, else
        ``Context.instance()``.
    *args, **kwargs
        The other arguments go to ``ctx.socket()``: the socket type, and
        with zmq_cffi socket options such as ``linger=0``.

    Examples
    --------
    ::

        @socket(zmq.PUSH)
        def send(push):                 # a socket of Context.instance()
            ...

        @context("ctx")
        @socket("pull", zmq.PULL, context_name="ctx")
        def receive(*, ctx, pull):
            ...
    """
    name, sock_args, sock_kwargs = _take_name(args, kwargs)
    context_name = sock_kwargs.pop("context_name", "context")

    def make(call_args: Tuple[Any, ...], call_kwargs: Dict[str, Any]) -> Any:
        ctx = _find_context(context_name, call_args, call_kwargs)
        return ctx.socket(*sock_args, **sock_kwargs)

    return _decorator(name, make)
