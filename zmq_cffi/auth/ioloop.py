"""Deprecated: ZAP authentication on a tornado IOLoop, as pyzmq's ``zmq.auth.ioloop``.

tornado runs on asyncio, so :class:`~zmq_cffi.auth.asyncio.AsyncioAuthenticator`
serves tornado applications as they are; :class:`IOLoopAuthenticator` is that
class under its old name.  Importing this module warns (DeprecationWarning).
"""
import warnings
from typing import Any, Optional

from zmq_cffi.auth.asyncio import AsyncioAuthenticator
from zmq_cffi.context import Context

__all__ = ["IOLoopAuthenticator"]

warnings.warn(
    "zmq.auth.ioloop.IOLoopAuthenticator is deprecated (zmq_cffi: use "
    "zmq_cffi.auth.asyncio.AsyncioAuthenticator, which serves tornado too)",
    DeprecationWarning,
    stacklevel=2,
)


class IOLoopAuthenticator(AsyncioAuthenticator):
    """An :class:`AsyncioAuthenticator` under its pre-asyncio name (deprecated).

    Parameters
    ----------
    context : Context, optional
        The context whose sockets are authenticated.
    encoding : str, optional
        The text encoding of request frames.
    log : logging.Logger, optional
        Where decisions are logged.
    io_loop : optional
        Ignored, with a DeprecationWarning: the running loop serves requests.
    """

    def __init__(self, context: Optional[Context[Any]] = None, encoding: str = "utf-8",
                 log: Any = None, io_loop: Any = None) -> None:
        if io_loop is not None:
            warnings.warn("%s(io_loop=...) is deprecated and ignored: the running loop is used"
                          % type(self).__name__, DeprecationWarning, stacklevel=2)
        super().__init__(context=context, encoding=encoding, log=log)
