"""``zmq.sugar.version``: the version functions at pyzmq's import path."""
from zmq_cffi.version import (
    __revision__,
    __version__,
    pyzmq_version,
    pyzmq_version_info,
    zmq_version,
    zmq_version_info,
)

__all__ = ["__revision__", "__version__", "pyzmq_version", "pyzmq_version_info",
           "zmq_version", "zmq_version_info"]
