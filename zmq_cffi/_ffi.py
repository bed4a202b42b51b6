"""The one import point of the raw CFFI layer: ``ffi`` and ``lib``.

Every other module takes the compiled extension from here, so a missing or
broken build fails in one place with one clear message.
"""
try:
    from zmq_cffi._zmq import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "zmq_cffi's compiled extension zmq_cffi._zmq is missing (%s). "
        "Install the package with pip (it builds against the system libzmq: "
        "apt-get install libzmq3-dev), or run python zmq_cffi/build_ffi.py "
        "in a source checkout." % exc
    ) from exc

__all__ = ["ffi", "lib"]
