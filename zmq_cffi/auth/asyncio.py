"""ZAP authentication served by a task on the running asyncio event loop."""
import asyncio
import warnings
from typing import Any, Optional

from zmq_cffi.asyncio import Poller
from zmq_cffi.constants import NOBLOCK, POLLIN
from zmq_cffi.context import Context
from zmq_cffi.error import Again, ContextTerminated

from zmq_cffi.auth.base import Authenticator

__all__ = ["AsyncioAuthenticator"]


class AsyncioAuthenticator(Authenticator):
    """An Authenticator whose ZAP requests are answered by an asyncio task.

    :meth:`start` must be called with an event loop running (from a
    coroutine, or a callback of the loop): the task is created on it.

    Parameters
    ----------
    context : Context, optional
        The context whose sockets are authenticated (default: the shared
        ``Context.instance()``).
    loop : optional
        Ignored; accepted (with a DeprecationWarning) for old callers.
    encoding : str, optional
        The text encoding of request frames.
    log : logging.Logger, optional
        Where decisions are logged.
    """

    def __init__(self, context: Optional[Context[Any]] = None, loop: Any = None,
                 encoding: str = "utf-8", log: Any = None) -> None:
        super().__init__(context, encoding, log)
        if loop is not None:
            warnings.warn("%s(loop=...) is deprecated and ignored: the running loop is used"
                          % type(self).__name__, DeprecationWarning, stacklevel=2)
        self._poller: Optional[Poller] = None
        self._task: Optional["asyncio.Future[None]"] = None

    async def _serve(self) -> None:
        poller = self._poller
        zap_socket = self.zap_socket
        while poller is not None and zap_socket is not None and self._poller is poller:
            try:
                await poller.poll()
            except ContextTerminated:
                return
            # Answer every request already waiting, not just one per wake-up.
            while not zap_socket.closed:
                try:
                    request = zap_socket.recv_multipart(NOBLOCK)
                except Again:
                    break
                await self._handle_zap_safely(request)

    def start(self) -> None:
        """Bind the ZAP socket and start serving it on the running event loop."""
        super().start()
        self._poller = Poller()
        self._poller.register(self.zap_socket, POLLIN)
        self._task = asyncio.ensure_future(self._serve())

    def stop(self) -> None:
        """Stop serving and close the ZAP socket."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._poller is not None:
            self._poller.unregister(self.zap_socket)
            self._poller = None
        super().stop()

    def is_running(self) -> bool:
        """True while the serving task runs."""
        return self._task is not None and not self._task.done() and super().is_running()
