"""zmq_cffi's API compared with pyzmq's, automatically, so that it cannot drift.

Runs where pyzmq is installed beside zmq_cffi (``nox -s pyzmq_suite``): both
are imported in one process (no switch) and, for every module below, every
public name of pyzmq must exist in zmq_cffi; for every public class, every
public attribute; for every function or method both have, every parameter a
caller can pass by keyword must be accepted under the same name, with the
same default.  What differs on purpose is listed in ALLOWED, with the reason
(the README's list of deliberate differences).
"""
import importlib
import inspect

import pytest

zmq = pytest.importorskip("zmq")
import zmq_cffi  # noqa: E402

if zmq is zmq_cffi:  # pragma: no cover - run without the switch
    raise RuntimeError("tests_pyzmq/test_api_compare.py needs pyzmq's own zmq, not the switch")

MODULES = [
    "", "error", "constants", "asyncio", "devices", "decorators", "auth", "auth.thread",
    "auth.asyncio", "auth.certs", "log.handlers", "utils.jsonapi", "utils.z85",
    "utils.monitor", "utils.interop", "utils.garbage", "utils.strtypes", "eventloop.zmqstream",
    "eventloop.future", "eventloop.ioloop", "sugar", "sugar.context", "sugar.socket",
    "sugar.frame", "sugar.poll", "sugar.tracker", "sugar.version", "sugar.stopwatch", "backend",
    "ssh", "ssh.tunnel",
]

# "module:name" or "module:Class.attr" or "module:func(param)" -> why it differs.
ALLOWED = {
    # pyzmq internals that are not part of the API (Cython/CFFI backends).
    ":backend": None, ":sugar": None, ":utils": None,
    # pyzmq's backend selection and its garbage-collector thread: zmq_cffi has
    # one backend and no thread (see zmq_cffi/utils/garbage.py).
    "backend:first": None, "backend:second": None, "backend:public_api": None,
    "backend:select_backend": None, "backend:monitored_queue": None,
    "utils.garbage:GarbageCollectorThread": None, "utils.garbage:gcref": None,
    "utils.garbage:GarbageCollector.context": None, "utils.garbage:GarbageCollector.store": None,
    "utils.garbage:GarbageCollector.url": None,
    # tornado's IOLoop is not used by zmq_cffi's future Context (the running loop is).
    "eventloop.future:Context.io_loop": None,
    # Optional modules pyzmq imports if present.
    "ssh.tunnel:paramiko": None, "ssh.tunnel:pexpect": None,
    # Internals of pyzmq's authenticator thread (its inproc pipe and poller).
    "auth.thread:AuthenticationThread.poller": None,
    "auth.thread:ThreadAuthenticator.pipe_endpoint": None,
    # Socket() without a type: pyzmq makes a PAIR socket (type 0); zmq_cffi raises TypeError.
    ":Socket.__init__(socket_type)": "Socket() without a socket type raises TypeError",
    "sugar.socket:Socket.__init__(socket_type)": "Socket() without a socket type raises TypeError",
    "asyncio:Socket.__init__(socket_type)": "Socket() without a socket type raises TypeError",
    "eventloop.future:Socket.__init__(socket_type)": "Socket() without a socket type raises TypeError",
    "sugar:Socket.__init__(socket_type)": "Socket() without a socket type raises TypeError",
}


# On PyPy, pyzmq runs its CFFI backend, whose methods name some parameters
# differently from its Cython backend (the documented API, which zmq_cffi
# follows): set(option, value), bind(address), curve_public(private),
# monitor(events=-1), backend Socket.send(copy=False).  pyzmq's two builds
# disagree there, so those are not held against zmq_cffi.
_PYPY_BACKEND_NAMES = ("no parameter 'value'", "no parameter 'address'",
                       "no parameter 'private'", "monitor: default of 'events'")


_PYZMQ_CFFI = "cffi" in zmq.backend.Socket.__module__
# ... and its CFFI Frame has attributes of its own (close, closed, done, zmq_msg).
_CFFI_FRAME_ATTRS = (".close", ".closed", ".done", ".zmq_msg")


def _pyzmq_backend_quirk(problem):
    if not _PYZMQ_CFFI:
        return False
    if (":Frame." in problem or ":Message." in problem) and problem.endswith(_CFFI_FRAME_ATTRS):
        return True
    return problem.startswith("backend:") or any(q in problem for q in _PYPY_BACKEND_NAMES)


def _public(obj):
    return {n for n in dir(obj) if not n.startswith("_")}


def _own_names(module):
    """The public names a pyzmq module defines (not the helpers it imports:
    typing names, threading.Event, ...)."""
    names = set()
    for name in _public(module):
        value = getattr(module, name)
        if inspect.ismodule(value):
            continue
        if name == "TYPE_CHECKING":
            continue
        origin = getattr(value, "__module__", None)
        exported = name in getattr(module, "__all__", ())
        if (inspect.isclass(value) or inspect.isroutine(value)) and origin != module.__name__ \
                and not exported:
            continue  # imported from elsewhere, not part of this module's API
        if type(value).__module__ in ("typing", "__future__", "typing_extensions"):
            continue
        names.add(name)
    return names


def _has_attr(cls, attr):
    """On the class, or declared by annotation for its instances."""
    return hasattr(cls, attr) or any(attr in vars(k).get("__annotations__", {}) for k in cls.__mro__)


def _module_pairs():
    for name in MODULES:
        full = "zmq" + ("." + name if name else "")
        try:
            theirs = importlib.import_module(full)
        except ImportError:
            continue  # not in this pyzmq build
        ours = importlib.import_module("zmq_cffi" + ("." + name if name else ""))
        yield name, theirs, ours


def _params_problems(key, theirs, ours):
    """Keyword parameters of ``theirs`` that ``ours`` does not accept alike."""
    try:
        sig_t = inspect.signature(theirs)
        sig_o = inspect.signature(ours)
    except (TypeError, ValueError):
        return []
    params_o = sig_o.parameters
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params_o.values())
    problems = []
    for name, p in sig_t.parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY) or name.startswith("_"):
            continue
        label = "%s(%s)" % (key, name)
        if label in ALLOWED:
            continue
        mine = params_o.get(name)
        if mine is None:
            if not var_kw:
                problems.append("%s: no parameter %r" % (key, name))
            continue
        if p.default is not p.empty and mine.default is not mine.empty:
            if type(p.default) in (int, float, str, bool, type(None), bytes) and mine.default != p.default:
                problems.append("%s: default of %r is %r, pyzmq's %r" % (key, name, mine.default, p.default))
        elif (p.default is p.empty) != (mine.default is mine.empty) and p.default is not p.empty:
            problems.append("%s: %r is required here, optional in pyzmq" % (key, name))
    return problems


def test_every_public_name_exists():
    missing = []
    for mod, theirs, ours in _module_pairs():
        for name in sorted(_own_names(theirs)):
            key = "%s:%s" % (mod, name)
            if key in ALLOWED:
                continue
            if not hasattr(ours, name):
                missing.append(key)
    assert missing == []


def test_every_public_class_attribute_exists():
    missing = []
    for mod, theirs, ours in _module_pairs():
        for name in sorted(_own_names(theirs)):
            cls_t, cls_o = getattr(theirs, name), getattr(ours, name, None)
            if not inspect.isclass(cls_t) or not inspect.isclass(cls_o):
                continue
            for attr in sorted(_public(cls_t)):
                key = "%s:%s.%s" % (mod, name, attr)
                if key in ALLOWED:
                    continue
                if not _has_attr(cls_o, attr):
                    missing.append(key)
    assert [m for m in missing if not _pyzmq_backend_quirk(m)] == []


def test_signatures_accept_pyzmq_keywords_and_defaults():
    problems = []
    for mod, theirs, ours in _module_pairs():
        for name in sorted(_own_names(theirs)):
            obj_t, obj_o = getattr(theirs, name), getattr(ours, name, None)
            if obj_o is None:
                continue
            if inspect.isroutine(obj_t):
                problems += _params_problems("%s:%s" % (mod, name), obj_t, obj_o)
            elif inspect.isclass(obj_t) and inspect.isclass(obj_o) and not issubclass(obj_t, BaseException):
                for attr in sorted(_public(obj_t) | {"__init__"}):
                    meth_t = inspect.getattr_static(obj_t, attr, None)
                    meth_o = getattr(obj_o, attr, None)
                    if meth_o is None or not callable(getattr(obj_t, attr, None)):
                        continue
                    if not isinstance(meth_t, (type, property)):
                        problems += _params_problems("%s:%s.%s" % (mod, name, attr),
                                                     getattr(obj_t, attr), meth_o)
    assert [p for p in problems if not _pyzmq_backend_quirk(p)] == []


def test_versions_report_the_pyzmq_api_level():
    # Programs check pyzmq_version_info() >= (N,): zmq_cffi answers with the
    # pyzmq release it implements, never older than the oracle's major.
    assert zmq_cffi.pyzmq_version_info()[:1] >= zmq.pyzmq_version_info()[:1]
    assert zmq_cffi.__version__ == zmq_cffi.pyzmq_version()
    assert zmq_cffi.zmq_cffi_version() != zmq_cffi.pyzmq_version()


def test_error_args_match_pyzmq():
    for errno in (zmq.EAGAIN, zmq.ETERM, zmq.EINVAL):
        theirs, ours = zmq.ZMQError(errno), zmq_cffi.ZMQError(errno)
        assert ours.args == theirs.args
        assert ours.errno == theirs.errno and str(ours) == str(theirs)
    assert zmq_cffi.ZMQError(zmq.EINVAL, "x").args == zmq.ZMQError(zmq.EINVAL, "x").args
