"""Real applications written for pyzmq, run on zmq_cffi (nox session ``apps``).

The switch is made here, before any test module (or the applications they
import) can import ``zmq``: in this process ``import zmq`` is zmq_cffi, and
child processes are started through ``python -m zmq_cffi.run`` (see
``switched_env``).  pyzmq itself is installed too (the applications depend
on it); ``test_switch.py`` checks it is never what runs.
"""
import os
import sys

import pytest

import zmq_cffi

zmq_cffi.install_as_zmq()

import zmq  # noqa: E402 - after the switch, on purpose

from zmq_cffi.run import switched_environ  # noqa: E402

assert zmq is zmq_cffi, "the switch did not take: %r" % (zmq,)


@pytest.fixture
def switched_env():
    """Environment variables under which child Pythons import zmq_cffi as zmq."""
    return switched_environ()


@pytest.fixture
def python():
    """This interpreter, for child processes."""
    return sys.executable


def pytest_report_header(config):
    return "apps: zmq is %s (%s)" % (zmq.__name__, os.path.dirname(zmq.__file__))
