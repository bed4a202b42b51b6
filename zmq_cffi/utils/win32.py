"""``allow_interrupt``: making Ctrl-C reach a blocked poll on Windows.

On POSIX systems a signal interrupts libzmq's blocking calls (they fail with
EINTR and zmq_cffi runs the Python handler, so Ctrl-C raises
KeyboardInterrupt): there the context manager does nothing, and portable code
can use it unconditionally.  On Windows, Ctrl-C does not interrupt a blocked
``zmq_poll``; the context manager installs a console control handler that
calls ``action`` (which should wake the poll, e.g. by sending to a PAIR
socket in the poll set), so the interpreter regains control and raises
KeyboardInterrupt.
"""
import os
from typing import Any, Callable, Optional

__all__ = ["allow_interrupt"]

_CTRL_C_EVENT = 0


class allow_interrupt:  # noqa: N801 - pyzmq's public name
    """Call ``action`` when Ctrl-C is pressed while the block runs (Windows only).

    Parameters
    ----------
    action : callable, optional
        Called with no arguments from the console control thread on Ctrl-C;
        it must not raise.  Its job is to unblock the poll that keeps the
        main thread waiting.  Default: do nothing.

    Examples
    --------
    ::

        with allow_interrupt(lambda: waker.send(b"")):
            while True:
                poller.poll()
    """

    def __init__(self, action: Optional[Callable[[], Any]] = None) -> None:
        self.action = action if action is not None else _do_nothing
        self._handler: Any = None
        if os.name == "nt":
            self._handler = self._make_console_handler()

    def _make_console_handler(self) -> Any:  # pragma: no cover - Windows only
        import ctypes
        from ctypes import wintypes

        handler_type = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.DWORD)  # type: ignore[attr-defined,unused-ignore]
        set_handler = ctypes.windll.kernel32.SetConsoleCtrlHandler  # type: ignore[attr-defined,unused-ignore]
        set_handler.argtypes = (handler_type, wintypes.BOOL)
        set_handler.restype = wintypes.BOOL
        self._set_console_ctrl_handler = set_handler
        action = self.action

        def on_console_event(event: int) -> int:
            if event == _CTRL_C_EVENT:
                action()
            # Report "not handled" so Python's own handler still turns the
            # Ctrl-C into KeyboardInterrupt.
            return 0

        # Kept on self: ctypes must not free the callback while it is installed.
        return handler_type(on_console_event)

    def __enter__(self) -> "allow_interrupt":
        if self._handler is not None:  # pragma: no cover - Windows only
            if not self._set_console_ctrl_handler(self._handler, True):
                raise OSError("SetConsoleCtrlHandler could not install the handler")
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._handler is not None:  # pragma: no cover - Windows only
            if not self._set_console_ctrl_handler(self._handler, False):
                raise OSError("SetConsoleCtrlHandler could not remove the handler")


def _do_nothing() -> None:
    pass
