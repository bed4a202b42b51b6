# Only here because setuptools reads cffi_modules and ext_modules from setup();
# metadata is in pyproject.toml.
import platform
import sys

from setuptools import Extension, setup

# Frame's buffer protocol on CPython < 3.12 (see zmq_cffi/_bufferable.c);
# CPython 3.12+ (PEP 688) and PyPy need no compiled code for it.
CPYTHON = platform.python_implementation() == "CPython"
NEEDS_BUFFERABLE = CPYTHON and sys.version_info < (3, 12)

extensions = []
if NEEDS_BUFFERABLE:
    extensions.append(Extension("zmq_cffi._bufferable", ["zmq_cffi/_bufferable.c"]))
if CPYTHON:
    # The copying send/recv without cffi's argument tuple and GIL round trip
    # (see zmq_cffi/_fastcall.c); PyPy's JIT calls the cffi helpers directly.
    extensions.append(Extension("zmq_cffi._fastcall", ["zmq_cffi/_fastcall.c"]))

setup(
    cffi_modules=["zmq_cffi/build_ffi.py:ffibuilder"],
    ext_modules=extensions,
)
