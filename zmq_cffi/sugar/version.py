"""``zmq.sugar.version``: the version functions at pyzmq's import path."""
from zmq_cffi.version import (  # noqa: F401 - re-exported
    VERSION_EXTRA,
    VERSION_MAJOR,
    VERSION_MINOR,
    VERSION_PATCH,
    __revision__,
    __version__,
    pyzmq_version,
    pyzmq_version_info,
    zmq_version,
    zmq_version_info,
)

#: pyzmq's name for pyzmq_version_info(), as a module constant.
version_info = pyzmq_version_info()

__all__ = ["__revision__", "__version__", "pyzmq_version", "pyzmq_version_info",
           "zmq_version", "zmq_version_info", "VERSION_MAJOR", "VERSION_MINOR", "VERSION_PATCH",
           "VERSION_EXTRA"]
