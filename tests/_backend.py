"""Select the module under test: zmq_cffi by default, or another drop-in (pyzmq).

Set ZMQ_CFFI_TEST_BACKEND=zmq to run the very same suite against real pyzmq,
which is the behavioural oracle for everything not marked ``cffi_only``.
"""
import importlib
import os

BACKEND = os.environ.get("ZMQ_CFFI_TEST_BACKEND", "zmq_cffi")
zmq = importlib.import_module(BACKEND)
IS_CFFI = BACKEND == "zmq_cffi"
