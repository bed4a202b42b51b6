# Only here because setuptools reads cffi_modules and ext_modules from setup();
# metadata is in pyproject.toml.
import platform
import sys

from setuptools import Extension, setup

# Frame's buffer protocol on CPython < 3.12 (see zmq_cffi/_bufferable.c);
# CPython 3.12+ (PEP 688) and PyPy need no compiled code for it.
NEEDS_BUFFERABLE = platform.python_implementation() == "CPython" and sys.version_info < (3, 12)

setup(
    cffi_modules=["zmq_cffi/build_ffi.py:ffibuilder"],
    ext_modules=[Extension("zmq_cffi._bufferable", ["zmq_cffi/_bufferable.c"])] if NEEDS_BUFFERABLE else [],
)
