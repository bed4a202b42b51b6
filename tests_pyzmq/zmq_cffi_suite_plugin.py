"""pytest plugin for running pyzmq's own test suite on zmq_cffi.

Loaded by ``nox -s pyzmq_suite`` (``-p zmq_cffi_suite_plugin``).  It checks
that ``import zmq`` really is zmq_cffi, and marks the tests that fail on
purpose (the deliberate differences listed in the README) as strict xfails,
so that each one must keep failing for its stated reason, and any other
failure fails the run.
"""
import sys

import pytest

# node id (relative to pyzmq's sdist root) -> why zmq_cffi differs (README).
DELIBERATE = {
}


def pytest_configure(config):
    import zmq
    import zmq_cffi

    if zmq is not zmq_cffi:
        raise pytest.UsageError("zmq_cffi_suite_plugin: `import zmq` is %r, not zmq_cffi "
                                "(run through python -m zmq_cffi.run)" % (zmq,))


def pytest_report_header(config):
    import zmq_cffi
    return "pyzmq's suite on zmq_cffi %s (pyzmq API %s) from %s" % (
        zmq_cffi.__zmq_cffi_version__,
        zmq_cffi.__version__, zmq_cffi.__file__)


def pytest_collection_modifyitems(config, items):
    for item in items:
        reason = DELIBERATE.get(item.nodeid)
        if reason is None and item.nodeid.split("[")[0] in DELIBERATE:
            reason = DELIBERATE[item.nodeid.split("[")[0]]
        if reason is not None:
            item.add_marker(pytest.mark.xfail(strict=True, reason="deliberate difference: " + reason))
