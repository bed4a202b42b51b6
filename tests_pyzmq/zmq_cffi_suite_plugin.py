"""pytest plugin for running pyzmq's own test suite on zmq_cffi.

Loaded by ``nox -s pyzmq_suite`` (``-p zmq_cffi_suite_plugin``).  It checks
that ``import zmq`` really is zmq_cffi, and marks the tests that fail on
purpose (the deliberate differences listed in the README) as strict xfails,
so that each one must keep failing for its stated reason, and any other
failure fails the run.
"""
import sys
import traceback
from typing import Dict

import pytest

# node id (relative to pyzmq's sdist root) -> why zmq_cffi differs (README).
_REPR = "reprs name zmq_cffi (<zmq_cffi.Socket(zmq_cffi.PUSH) at 0x...>), not zmq"
_FRAME = ("a Frame's buffer is a fresh zero-copy view that keeps the message alive by "
          "itself, and Frame(bytes) keeps the immutable bytes instead of copying: "
          "reference counts and object identities differ from pyzmq's")
DELIBERATE = {
    "tests/test_context.py::TestContext::test_repr": _REPR,
    "tests/test_socket.py::TestSocket::test_repr": _REPR,
    "tests/test_message.py::TestFrame::test_str": _REPR,
    "tests/test_message.py::TestFrame::test_bytes": _FRAME,
    "tests/test_message.py::TestFrame::test_buffer_out": _FRAME,
    "tests/test_message.py::TestFrame::test_lifecycle1": _FRAME,
    "tests/test_message.py::TestFrame::test_lifecycle2": _FRAME,
    "tests/test_includes.py::TestIncludes::test_get_library_dirs":
        "libzmq is the system's (get_library_dirs() gives its directory), not bundled "
        "in the package directory",
}

# Deliberate differences that pyzmq's tests check on CPython only.
CPYTHON_ONLY = {"tests/test_message.py::TestFrame::test_bytes"}

# Deliberate differences whose failure would break the tests after them
# (a leftover zero-copy Frame fails pyzmq's tearDown check of every later
# TestFrame test): not run, reported as skipped with the reason.
NOT_RUN = {
    "tests/test_message.py::TestFrame::test_lifecycle1",
    "tests/test_message.py::TestFrame::test_lifecycle2",
}

# Real gaps: strict xfails, so that fixing one turns the run red until it is
# moved out of here.  None left (the last three were fixed: python -m zmq.X
# under the switch, send(frame) returning its tracker, future sockets closed
# by IOLoop.close(all_fds=True)).
KNOWN_GAPS: Dict[str, str] = {}


# Tests that fail on pyzmq's own wheel in the same run too (nox -s
# pyzmq_suite_oracle, CPython; on PyPy too at times): test_blank_root_topic subscribes to b'' after
# its PUBHandler is connected and logs at once, so the message can be
# filtered out before the subscription arrives (slow joiner) and recv waits
# for the 60 s alarm; the handler it leaves on the shared 'zmqtest' logger,
# over a closed socket, then fails every later TestPubLog test.  Non-strict:
# when the race goes the other way they pass.
RACY_IN_PYZMQ = {
    "tests/test_log.py::TestPubLog::" + name for name in (
        "test_blank_root_topic", "test_custom_debug_formatter", "test_custom_global_formatter",
        "test_custom_message_type", "test_init_iface", "test_init_socket", "test_root_topic",
        "test_set_info_formatter_via_property", "test_unicode_message")
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
        if reason is not None and item.nodeid in CPYTHON_ONLY and sys.implementation.name != "cpython":
            continue
        if reason is not None and item.nodeid in NOT_RUN:
            item.add_marker(pytest.mark.skip(reason="deliberate difference (not run: it would "
                                             "leave a Frame behind): " + reason))
            continue
        if reason is not None:
            item.add_marker(pytest.mark.xfail(strict=True, reason="deliberate difference: " + reason))
            continue
        if item.nodeid in RACY_IN_PYZMQ:
            item.add_marker(pytest.mark.xfail(strict=False, reason="racy in pyzmq's own test (slow "
                                              "joiner), fails on pyzmq's wheel too"))
            continue
        reason = KNOWN_GAPS.get(item.nodeid)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(strict=True, reason="known gap: " + reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    yield
    # An expected failure must not leak into the next tests: its traceback
    # holds the test's locals (zero-copy Frames that pyzmq's tearDown waits
    # to see released).  Clear the frames once the report is made.
    if call.excinfo is not None and item.get_closest_marker("xfail") is not None:
        traceback.clear_frames(call.excinfo.tb)
