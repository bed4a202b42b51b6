"""Sending ``logging`` records over ZeroMQ, as pyzmq's ``zmq.log.handlers``.

:class:`PUBHandler` is a ``logging.Handler`` that publishes every record it
handles as a two-part message ``[topic, text]`` on a PUB socket.  The topic
is built from the handler's root topic, the record's level name and an
optional subtopic taken from the message itself, so subscribers can filter
by prefix::

    handler = PUBHandler("tcp://127.0.0.1:5555", root_topic="myapp")
    log = logging.getLogger("myapp")
    log.addHandler(handler)
    log.warning("disk::almost full")     # topic b"myapp.WARNING.disk"

A subscriber (``python -m zmq_cffi.log tcp://127.0.0.1:5555`` prints them)
subscribes to ``b"myapp"``, ``b"myapp.WARNING"``, ... as it needs.

The handler also works from ``logging.config.dictConfig``: its first
argument is named ``interface_or_socket``, and may be an already bound or
connected PUB socket.

:class:`TopicLogger` is a ``logging.Logger`` whose methods take the subtopic
as a separate first argument: ``logger.info("disk", "almost full")``.
"""
import copy
import logging
import warnings
from typing import Any, Dict, List, Optional, Union

from zmq_cffi.constants import PUB
from zmq_cffi.context import Context
from zmq_cffi.socket import Socket

__all__ = ["PUBHandler", "TopicLogger", "TOPIC_DELIM"]

#: Separates a subtopic from the text in a log message: ``"sub.topic::text"``.
TOPIC_DELIM = "::"

# The text sent for each level unless setFormatter() replaces it.  INFO is
# the bare message; the others say where the record came from, and ERROR
# also shows the exception information of the record.
_WHERE = "%(levelname)s %(filename)s:%(lineno)d - %(message)s"
_DEFAULT_FORMATS = {
    logging.DEBUG: _WHERE + "\n",
    logging.INFO: "%(message)s\n",
    logging.WARNING: _WHERE + "\n",
    logging.ERROR: _WHERE + " - %(exc_info)s\n",
    logging.CRITICAL: _WHERE + "\n",
}


class PUBHandler(logging.Handler):
    """A logging handler that publishes records on a ZeroMQ PUB socket.

    Each record goes out as ``[topic, text]`` (both UTF-8 bytes).  The topic
    joins with dots the root topic (when not empty), the record's level name
    and, when the message is of the form ``"sub.topic::text"``
    (see :data:`TOPIC_DELIM`), the subtopic; the text is then formatted from
    the rest of the message.  ``log.info("db.pool::%d connections", 3)``
    with root topic ``"app"`` publishes ``[b"app.INFO.db.pool",
    b"3 connections\\n"]``.

    Parameters
    ----------
    interface_or_socket : str or Socket
        An endpoint to bind a new PUB socket to (``"tcp://127.0.0.1:5555"``),
        or a socket to publish on, already bound or connected.
    context : Context, optional
        The context for the new socket when an endpoint is given; a new
        Context by default.  Ignored when a socket is given.
    root_topic : str, optional
        The first part of every topic; empty by default, so that topics start
        with the level name.

    Attributes
    ----------
    socket : Socket
        The PUB socket records are sent on.
    ctx : Context
        Its context.
    formatters : dict
        ``{level: logging.Formatter}``, the formatter used for records of
        each level (DEBUG, INFO, WARNING, ERROR and CRITICAL at first).  A
        record whose level has no entry is reported through
        :meth:`handleError` and not sent.

    Notes
    -----
    Like pyzmq's, the handler never closes its socket or context, not even
    in :meth:`close` (which ``logging.shutdown`` calls at exit): close
    ``handler.socket`` (and terminate ``handler.ctx`` if the handler made it)
    when done.
    """

    socket: Socket[Any]
    ctx: Context[Any]
    formatters: Dict[int, Optional[logging.Formatter]]

    def __init__(
        self,
        interface_or_socket: Union[str, Socket[Any]],
        context: Optional[Context[Any]] = None,
        root_topic: str = "",
    ) -> None:
        logging.Handler.__init__(self)
        self.root_topic = root_topic
        self.formatters = {level: logging.Formatter(fmt)
                           for level, fmt in _DEFAULT_FORMATS.items()}
        if isinstance(interface_or_socket, Socket):
            self.socket = interface_or_socket
            self.ctx = interface_or_socket.context
        else:
            self.ctx = context if context is not None else Context()
            self.socket = self.ctx.socket(PUB)
            self.socket.bind(interface_or_socket)

    @property
    def root_topic(self) -> str:
        """The first part of every topic this handler publishes (see
        :meth:`setRootTopic`)."""
        return self._root_topic

    @root_topic.setter
    def root_topic(self, value: str) -> None:
        self.setRootTopic(value)

    def setRootTopic(self, root_topic: Union[str, bytes]) -> None:
        """Set the topic that every published topic starts with.

        The topic of a record is ``root_topic.LEVEL[.subtopic]``; with the
        default empty root topic it is ``LEVEL[.subtopic]``.  A subscriber
        must subscribe to a prefix of it (``b""`` receives everything).

        Parameters
        ----------
        root_topic : str or bytes
            The new root topic; bytes are decoded as UTF-8.
        """
        if isinstance(root_topic, bytes):
            root_topic = root_topic.decode("utf8")
        self._root_topic = root_topic

    def setFormatter(self, fmt: Optional[logging.Formatter],
                     level: int = logging.NOTSET) -> None:
        """Set the formatter of one level, or of every level.

        Parameters
        ----------
        fmt : logging.Formatter
            The formatter to use.
        level : int, optional
            The level (``logging.DEBUG``, ...) it applies to.  With the
            default ``logging.NOTSET`` it replaces the formatter of every
            level that has one.
        """
        if level == logging.NOTSET:
            for known in list(self.formatters):
                self.formatters[known] = fmt
        else:
            self.formatters[level] = fmt

    def format(self, record: logging.LogRecord) -> str:
        """The text of ``record``, from the formatter of its level.

        Raises
        ------
        KeyError
            If no formatter is set for the record's level.
        """
        formatter = self.formatters[record.levelno]
        return formatter.format(record)  # type: ignore[union-attr]

    def emit(self, record: logging.LogRecord) -> None:
        """Publish ``record`` as ``[topic, text]`` on :attr:`socket`.

        A record that cannot be formatted (no formatter for its level, bad
        arguments, text that is not UTF-8 encodable) goes to
        :meth:`handleError` and is not sent.  Errors of the socket itself
        (e.g. a closed socket) propagate.
        """
        subtopic, sep, rest = str(record.msg).partition(TOPIC_DELIM)
        if sep:
            # Format the text after the delimiter, leaving the caller's
            # record (seen by other handlers) as it is.
            record = copy.copy(record)
            record.msg = rest
        else:
            subtopic = ""
        try:
            text = self.format(record).encode("utf8")
        except Exception:
            self.handleError(record)
            return
        parts: List[str] = []
        if self.root_topic:
            parts.append(self.root_topic)
        parts.append(record.levelname)
        if subtopic:
            parts.append(subtopic)
        topic = ".".join(parts).encode("utf8", "replace")
        self.socket.send_multipart([topic, text])


class TopicLogger(logging.Logger):
    """A Logger whose methods take a subtopic before the message.

    ``logger.warning("disk.sda", "%d%% full", 93)`` logs the message
    ``"disk.sda::%d%% full"``, which a :class:`PUBHandler` publishes under
    the topic ``[root.]WARNING.disk.sda``.  Every logging method
    (:meth:`log`, :meth:`debug`, :meth:`info`, :meth:`warning`,
    :meth:`error`, :meth:`exception`, :meth:`critical`, :meth:`fatal`, and
    ``warn`` where Python still has it) takes ``topic, msg, *args``; keyword
    arguments are those of ``logging.Logger``.

    Install it with ``logging.setLoggerClass(TopicLogger)`` before
    ``logging.getLogger(name)``, or create it directly.
    """

    def _log_topic(self, level: int, topic: str, msg: str,
                   args: Any, kwargs: Dict[str, Any]) -> None:
        # Two frames of ours (this one and the public method) stand between
        # the caller and Logger.log: skip them, so that the record names the
        # caller's file and line (%(filename)s, %(lineno)d) and not ours.
        kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + 2
        logging.Logger.log(self, level, "%s%s%s" % (topic, TOPIC_DELIM, msg),
                           *args, **kwargs)

    def log(self, level: int, topic: str, msg: str,  # type: ignore[override]
            *args: Any, **kwargs: Any) -> None:
        """Log ``msg % args`` under ``topic`` at ``level``.

        Parameters
        ----------
        level : int
            The level, e.g. ``logging.INFO``.
        topic : str
            The subtopic, e.g. ``"db.pool"``.
        msg : str
            The message, a %-format string for ``args``.
        *args
            Arguments of the message.
        **kwargs
            ``exc_info``, ``stack_info``, ``stacklevel``, ``extra``, as for
            ``logging.Logger.log``.
        """
        self._log_topic(level, topic, msg, args, kwargs)

    def debug(self, topic: str, msg: str,  # type: ignore[override]
              *args: Any, **kwargs: Any) -> None:
        """Log ``msg % args`` under ``topic`` at DEBUG level."""
        self._log_topic(logging.DEBUG, topic, msg, args, kwargs)

    def info(self, topic: str, msg: str,  # type: ignore[override]
             *args: Any, **kwargs: Any) -> None:
        """Log ``msg % args`` under ``topic`` at INFO level."""
        self._log_topic(logging.INFO, topic, msg, args, kwargs)

    def warning(self, topic: str, msg: str,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> None:
        """Log ``msg % args`` under ``topic`` at WARNING level."""
        self._log_topic(logging.WARNING, topic, msg, args, kwargs)

    def error(self, topic: str, msg: str,  # type: ignore[override]
              *args: Any, **kwargs: Any) -> None:
        """Log ``msg % args`` under ``topic`` at ERROR level."""
        self._log_topic(logging.ERROR, topic, msg, args, kwargs)

    def exception(self, topic: str, msg: str,  # type: ignore[override]
                  *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        """Log ``msg % args`` under ``topic`` at ERROR level, with the
        exception being handled (call it from an ``except`` block)."""
        kwargs["exc_info"] = exc_info
        self._log_topic(logging.ERROR, topic, msg, args, kwargs)

    def critical(self, topic: str, msg: str,  # type: ignore[override]
                 *args: Any, **kwargs: Any) -> None:
        """Log ``msg % args`` under ``topic`` at CRITICAL level."""
        self._log_topic(logging.CRITICAL, topic, msg, args, kwargs)

    def fatal(self, topic: str, msg: str,  # type: ignore[override]
              *args: Any, **kwargs: Any) -> None:
        """The same as :meth:`critical`."""
        self._log_topic(logging.CRITICAL, topic, msg, args, kwargs)

    if hasattr(logging.Logger, "warn"):  # gone from Python 3.13
        def warn(self, topic: str, msg: str,  # type: ignore[override]
                 *args: Any, **kwargs: Any) -> None:
            """Deprecated name of :meth:`warning`, as in ``logging``."""
            warnings.warn("TopicLogger.warn is deprecated: call warning() instead",
                          DeprecationWarning, stacklevel=2)
            self._log_topic(logging.WARNING, topic, msg, args, kwargs)
