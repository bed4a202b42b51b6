"""ZMQStream for green sockets (pyzmq's ``zmq.green.eventloop.zmqstream``).

:class:`zmq_cffi.eventloop.zmqstream.ZMQStream` already only makes
non-blocking calls and reads ``EVENTS`` after each round, which is what a
green socket needs: its ``get(EVENTS)`` also wakes greenlets parked on the
socket.  This subclass defaults to the current IOLoop, like pyzmq's green
stream; pass ``io_loop=green_ioloop()`` (from
:mod:`zmq_cffi.green.eventloop.ioloop`) to run the loop alongside other
greenlets.
"""
from typing import Any, Optional

from zmq_cffi.eventloop import zmqstream as _zmqstream
from zmq_cffi.green.eventloop.ioloop import IOLoop


class ZMQStream(_zmqstream.ZMQStream):
    """A :class:`zmq_cffi.eventloop.zmqstream.ZMQStream` for green sockets.

    Parameters
    ----------
    socket : Socket
        The socket to drive (green or plain).
    io_loop : tornado.ioloop.IOLoop, optional
        The loop to run on (default ``IOLoop.current()``).
    """

    def __init__(self, socket: Any, io_loop: Optional[IOLoop] = None) -> None:
        super().__init__(socket, io_loop=io_loop or IOLoop.current())


__all__ = ["ZMQStream"]
