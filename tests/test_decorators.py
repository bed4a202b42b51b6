"""zmq.decorators: @context and @socket give a function a Context or Socket
for the length of one call."""
import importlib

import pytest

from _backend import zmq
from _util import set_timeouts

decorators = importlib.import_module(zmq.__name__ + ".decorators")
context = decorators.context
socket = decorators.socket


def test_all_names_the_two_decorators():
    assert tuple(decorators.__all__) == ("context", "socket")


# ---- @context --------------------------------------------------------------------


def test_context_is_appended_and_destroyed_after_the_call():
    seen = []

    @context()
    def work(a, b, ctx):
        seen.append(ctx)
        assert not ctx.closed
        return a + b

    assert work(1, 2) == 3
    (ctx,) = seen
    assert isinstance(ctx, zmq.Context)
    assert ctx.closed


def test_each_call_gets_a_new_context():
    seen = []

    @context()
    def work(ctx):
        seen.append(ctx)

    work()
    work()
    assert seen[0] is not seen[1]
    assert seen[0] is not zmq.Context.instance()


def test_context_is_destroyed_when_the_function_raises():
    seen = []

    @context()
    def work(ctx):
        seen.append(ctx)
        raise KeyError("inside")

    with pytest.raises(KeyError, match="inside"):
        work()
    assert seen[0].closed


def test_context_open_sockets_are_closed_with_it():
    seen = []

    @context()
    def work(ctx):
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        seen.append(s)

    work()
    assert seen[0].closed


@pytest.mark.parametrize("decorator", [context("ctx"), context(name="ctx")],
                         ids=["positional", "keyword"])
def test_context_by_keyword_name(decorator):
    @decorator
    def work(x, *, ctx):
        return x, ctx

    x, ctx = work("x")
    assert x == "x"
    assert isinstance(ctx, zmq.Context)
    assert ctx.closed


def test_context_keyword_given_by_caller_is_refused():
    made = []

    @context("ctx")
    def work(ctx):
        made.append(ctx)

    with pytest.raises(TypeError) as info:
        work(ctx="mine")
    assert str(info.value) == "work() got multiple values for argument 'ctx'"
    assert made == []


def test_context_arguments_go_to_the_constructor():
    @context(io_threads=2)
    def work(ctx):
        return ctx.get(zmq.IO_THREADS)

    assert work() == 2


def test_context_name_and_constructor_arguments_together():
    @context("ctx", 3)
    def work(ctx):
        return ctx.get(zmq.IO_THREADS)

    assert work() == 3


def test_wrapper_looks_like_the_function():
    def work(ctx):
        """Some work."""

    wrapped = context()(work)
    assert wrapped.__name__ == "work"
    assert wrapped.__doc__ == "Some work."
    assert wrapped.__wrapped__ is work


def test_context_decorated_method_gets_self_first():
    class Worker:
        @context()
        def run(self, n, ctx):
            return self, n, ctx

    w = Worker()
    self_, n, ctx = w.run(4)
    assert self_ is w and n == 4
    assert isinstance(ctx, zmq.Context)


# ---- @socket ---------------------------------------------------------------------


def test_socket_without_context_uses_the_instance_and_is_closed():
    seen = []

    @socket(zmq.PUSH)
    def work(push):
        seen.append(push)
        assert not push.closed
        return push.type

    assert work() == zmq.PUSH
    (push,) = seen
    assert push.context is zmq.Context.instance()
    assert push.closed
    assert not zmq.Context.instance().closed


def test_socket_is_closed_when_the_function_raises(ctx):
    seen = []

    @socket(zmq.PULL)
    def work(ctx, pull):
        seen.append(pull)
        raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        work(ctx)
    assert seen[0].closed
    assert seen[0].context is ctx


def test_socket_uses_a_positional_context(ctx):
    @socket(zmq.PUB)
    def work(label, c, pub):
        return label, c, pub.context

    assert work("l", ctx) == ("l", ctx, ctx)


def test_socket_uses_the_context_keyword(ctx):
    @socket(zmq.DEALER)
    def work(dealer, context):
        return dealer.context, dealer.type

    assert work(context=ctx) == (ctx, zmq.DEALER)


def test_context_keyword_wins_over_positional_context(ctx):
    other = zmq.Context()
    try:
        @socket(zmq.PAIR)
        def work(c, pair, context):
            return pair.context

        assert work(other, context=ctx) is ctx
    finally:
        other.term()


def test_context_keyword_that_is_not_a_context_is_ignored(ctx):
    @socket(zmq.PAIR)
    def work(c, pair, context):
        return pair.context

    assert work(ctx, context="not a context") is ctx
    assert work("x", context="not a context") is zmq.Context.instance()


def test_custom_context_name(ctx):
    @socket("sock", zmq.REQ, context_name="my_ctx")
    def work(*, my_ctx, sock):
        return sock.context, sock.type

    assert work(my_ctx=ctx) == (ctx, zmq.REQ)


@pytest.mark.parametrize("decorator", [socket("push", zmq.PUSH), socket(zmq.PUSH, name="push")],
                         ids=["positional", "keyword"])
def test_socket_by_keyword_name(ctx, decorator):
    @decorator
    def work(c, *, push):
        return push

    push = work(ctx)
    assert push.closed


def test_socket_keyword_given_by_caller_is_refused(ctx):
    @socket("sock", zmq.PUSH)
    def work(c, sock):
        pass

    with pytest.raises(TypeError) as info:
        work(ctx, sock=None)
    assert str(info.value) == "work() got multiple values for argument 'sock'"


# ---- nesting ---------------------------------------------------------------------


def test_context_and_socket_nest_positionally():
    seen = []

    @context()
    @socket(zmq.PUSH)
    def work(ctx, push):
        seen.append((ctx, push))
        assert push.context is ctx

    work()
    ((ctx, push),) = seen
    assert push.closed
    assert ctx.closed


def test_nested_names_need_context_name():
    seen = []

    @context("ctx")
    @socket("skt", zmq.PUB, context_name="ctx")
    def named(ctx, skt):
        seen.append((ctx, skt.context))

    named()
    ((ctx, skt_ctx),) = seen
    assert skt_ctx is ctx
    assert ctx.closed

    # Without context_name, @socket looks for a keyword named "context" and
    # falls back to the shared instance.
    @context("ctx")
    @socket("skt", zmq.PUB)
    def unnamed(ctx, skt):
        return ctx, skt.context

    ctx, skt_ctx = unnamed()
    assert skt_ctx is zmq.Context.instance()
    assert skt_ctx is not ctx


def test_context_keyword_default_name_is_found():
    @context(name="context")
    @socket(zmq.PAIR)
    def work(pair, context):
        return pair.context is context

    assert work() is True


def test_stacked_sockets_talk_to_each_other():
    @context()
    @socket(zmq.PUSH)
    @socket(zmq.PULL)
    def work(ctx, push, pull):
        for s in (push, pull):
            set_timeouts(s)
        push.bind("inproc://decorated")
        pull.connect("inproc://decorated")
        push.send(b"through decorators")
        return pull.recv(), push.closed, pull.closed

    assert work() == (b"through decorators", False, False)


# zmq_cffi's ctx.socket() sets socket options given as keywords; pyzmq 27
# passes them to the Socket class, which refuses them.
@pytest.mark.cffi_only
def test_socket_options_as_keywords(ctx):
    @socket(zmq.PUSH, linger=0, sndhwm=7)
    def work(c, push):
        return push.linger, push.sndhwm

    assert work(ctx) == (0, 7)
