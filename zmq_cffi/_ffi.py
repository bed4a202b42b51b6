"""The one import point of the raw CFFI layer: ``ffi`` and ``lib``.

Every other module takes the compiled extension from here, so a missing or
broken build fails in one place with one clear message.  ``fastcall`` is the
CPython-only module with the hot send/recv of bytes (see _fastcall.c), bound
to ``lib``'s helpers here, or None.
"""
import os

try:
    from zmq_cffi._zmq import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "zmq_cffi's compiled extension zmq_cffi._zmq is missing (%s). "
        "Install the package with pip (it builds against the system libzmq: "
        "apt-get install libzmq3-dev), or run python zmq_cffi/build_ffi.py "
        "in a source checkout." % exc
    ) from exc

try:  # CPython: the copying send/recv without cffi's call overhead (_fastcall.c)
    import zmq_cffi._fastcall as fastcall
except ImportError:  # PyPy (its JIT calls the cffi helpers directly), or no such build
    fastcall = None
else:
    if os.environ.get("ZMQ_CFFI_NO_FASTCALL"):  # A/B measurements: cffi only
        fastcall = None
    else:
        fastcall.init(int(ffi.cast("uintptr_t", lib.zmqcffi_fast_table())))

__all__ = ["ffi", "fastcall", "lib"]
