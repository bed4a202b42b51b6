"""ZAP authentication served by a background thread.

The thread polls two sockets: the ZAP socket (requests from libzmq) and one
end of an inproc PAIR pipe, on which :meth:`ThreadAuthenticator.stop` sends
``TERMINATE``.  Policy changes (``allow``, ``configure_plain``, ...) made from
the caller's thread take effect for the next request: they only replace
Python containers, which the thread reads afresh for every request.
"""
import asyncio
import threading
import time
from typing import Any, List, Optional

from zmq_cffi.constants import POLLIN, SocketType
from zmq_cffi.context import Context
from zmq_cffi.error import ContextTerminated, ZMQError
from zmq_cffi.poll import Poller
from zmq_cffi.socket import Socket

from zmq_cffi.auth.base import Authenticator

__all__ = ["ThreadAuthenticator", "AuthenticationThread"]

_TERMINATE = b"TERMINATE"
# How long start() waits for the thread to be polling.
_START_TIMEOUT = 10.0


class AuthenticationThread(threading.Thread):
    """The thread that serves an Authenticator's ZAP socket.

    Made and started by :class:`ThreadAuthenticator`; a daemon, so a
    forgotten authenticator never keeps the interpreter alive.

    Parameters
    ----------
    authenticator : Authenticator
        Whose ``zap_socket`` to serve and whose ``handle_zap_message`` to call.
    pipe : Socket
        The thread's end of the control pipe (the thread closes it on exit).
    """

    def __init__(self, authenticator: Authenticator, pipe: Socket[Any]) -> None:
        super().__init__(name="zmq_cffi-auth", daemon=True)
        self.authenticator = authenticator
        self.log = authenticator.log
        self.pipe: Optional[Socket[Any]] = pipe
        self.started = threading.Event()

    def run(self) -> None:
        """Serve ZAP requests until TERMINATE arrives on the pipe."""
        # handle_zap_message is a coroutine (credentials callbacks may be
        # async): this thread runs each one on a private event loop.
        loop = asyncio.new_event_loop()
        try:
            self._serve(loop)
        except ContextTerminated:
            # Someone called term() without stop(): term() waits until every
            # socket is closed, and its caller is blocked in it, so close them
            # all here, the caller's end of the pipe included.
            zap_socket = self.authenticator.zap_socket
            if zap_socket is not None:
                zap_socket.close(linger=0)
            close_pipe = getattr(self.authenticator, "_close_pipe", None)
            if close_pipe is not None:
                close_pipe()
        except Exception:
            self.log.exception("The ZAP authentication thread failed")
        finally:
            if self.pipe is not None:
                self.pipe.close(linger=0)
                self.pipe = None
            loop.close()

    def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        pipe = self.pipe
        zap_socket = self.authenticator.zap_socket
        assert pipe is not None and zap_socket is not None
        poller = Poller()
        poller.register(pipe, POLLIN)
        poller.register(zap_socket, POLLIN)
        self.started.set()
        while True:
            ready = dict(poller.poll())
            if pipe in ready and self._handle_pipe_message(pipe.recv_multipart()):
                return
            if zap_socket in ready:
                request = zap_socket.recv_multipart()
                loop.run_until_complete(self.authenticator._handle_zap_safely(request))

    def _handle_pipe_message(self, msg: List[bytes]) -> bool:
        """Act on a command from the pipe; True means stop."""
        command = msg[0]
        self.log.debug("Authentication thread got command %r", command)
        if command == _TERMINATE:
            return True
        self.log.error("Unknown command for the authentication thread: %r", command)
        assert self.pipe is not None
        self.pipe.send(b"ERROR")
        return False


class ThreadAuthenticator(Authenticator):
    """An Authenticator whose ZAP requests are answered by a background thread.

    Parameters
    ----------
    context : Context, optional
        The context whose sockets are authenticated (default: the shared
        ``Context.instance()``).
    encoding : str, optional
        The text encoding of request frames.
    log : logging.Logger, optional
        Where decisions are logged.

    Examples
    --------
    >>> auth = ThreadAuthenticator(ctx)
    >>> auth.start()
    >>> auth.allow("127.0.0.1")
    >>> auth.configure_plain(domain="*", passwords={"admin": "secret"})
    ...
    >>> auth.stop()
    """

    pipe: Optional[Socket[Any]]
    pipe_endpoint: str
    thread: Optional[AuthenticationThread]

    def __init__(self, context: Optional[Context[Any]] = None, encoding: str = "utf-8",
                 log: Any = None) -> None:
        super().__init__(context=context, encoding=encoding, log=log)
        self.pipe = None
        self._pipe_lock = threading.Lock()
        self.pipe_endpoint = "inproc://zmq_cffi.auth-%x.pipe" % id(self)
        self.thread = None

    def start(self) -> None:
        """Bind the ZAP socket and start the thread that serves it.

        Raises
        ------
        ZMQError
            EADDRINUSE if the context already has a ZAP handler.
        RuntimeError
            If the thread did not start polling within 10 s.
        """
        super().start()
        try:
            pipe = self.context.socket(SocketType.PAIR, socket_class=Socket)
            pipe.linger = 1
            pipe.bind(self.pipe_endpoint)
            self.pipe = pipe
            # Both pipe ends are made here; the thread owns its end from now on
            # (starting a thread is the memory barrier libzmq asks for when a
            # socket changes threads).
            thread_end = self.context.socket(SocketType.PAIR, socket_class=Socket)
            thread_end.linger = 1
            thread_end.connect(self.pipe_endpoint)
            self.thread = AuthenticationThread(self, thread_end)
            self.thread.start()
        except BaseException:
            self._close_pipe()
            super().stop()
            raise
        # Wait until the thread polls, so no ZAP request finds nobody serving;
        # stop waiting early if the thread died before getting there.
        deadline = time.monotonic() + _START_TIMEOUT
        while not self.thread.started.wait(timeout=0.05):
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the authentication thread failed to start (see the log)")

    def stop(self) -> None:
        """Stop the thread and close the ZAP socket (harmless when not running)."""
        if self.pipe is not None:
            thread = self.thread
            if thread is not None and thread.is_alive():
                try:
                    self.pipe.send(_TERMINATE)
                except ZMQError:
                    pass  # context already terminated: the thread stops by itself
                if thread is not threading.current_thread():
                    thread.join()
            self.thread = None
            self._close_pipe()
        super().stop()

    def _close_pipe(self) -> None:
        # Called by stop(), and by the thread when the context is terminated.
        with self._pipe_lock:
            pipe = self.pipe
            self.pipe = None
            if pipe is not None and not pipe.closed:
                # Unbind first so the inproc name is free at once (see
                # Authenticator.stop).
                try:
                    pipe.unbind(self.pipe_endpoint)
                except ZMQError:
                    pass
                pipe.close(linger=0)

    def is_alive(self) -> bool:
        """True while the authentication thread runs (pyzmq's name)."""
        return bool(self.thread is not None and self.thread.is_alive())

    def is_running(self) -> bool:
        """True while the authentication thread runs."""
        return self.is_alive()

    def __del__(self) -> None:
        # Best effort for a forgotten authenticator; the garbage collector may
        # run this in any thread (even the authentication thread itself, which
        # stop() knows not to join), and at interpreter exit anything may fail.
        try:
            if self.pipe is not None and not self.context.closed:
                self.stop()
        except Exception:
            pass
