"""Name parity with pyzmq 27: every public name, module and constant value.

The reference list is ``tests/data/pyzmq27_names.txt``, made from a real
pyzmq by running this file as a script (see ``regenerate``), so the tests
need no pyzmq.  Each line is ``[module:]name[=value]``:

* ``name`` (no module): a name of ``zmq.__all__``;
* ``zmq.devices:ThreadProxy``: a public name of a submodule users import;
* ``zmq:SocketType.PUSH=8``: a member of one of the enums;
* ``=value``: the int (or bool) value an UPPERCASE constant must have.

Module names are written as pyzmq spells them; the tests look them up under
the package being tested (``zmq_cffi`` by default), so running the suite
against pyzmq (ZMQ_CFFI_TEST_BACKEND=zmq) checks the data file itself.
"""
import ast
import enum
import importlib
import os
import sys
from collections import OrderedDict

import pytest

from _backend import zmq

DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "pyzmq27_names.txt")

# Submodules whose public names pyzmq users import, besides zmq itself.
SUBMODULES = [
    "zmq.asyncio",
    "zmq.auth",
    "zmq.auth.asyncio",
    "zmq.auth.base",
    "zmq.auth.certs",
    "zmq.auth.thread",
    "zmq.backend",
    "zmq.constants",
    "zmq.devices",
    "zmq.error",
    "zmq.sugar",
    "zmq.sugar.context",
    "zmq.sugar.frame",
    "zmq.sugar.poll",
    "zmq.sugar.socket",
    "zmq.sugar.stopwatch",
    "zmq.sugar.tracker",
    "zmq.sugar.version",
    "zmq.utils.interop",
    "zmq.utils.jsonapi",
    "zmq.utils.monitor",
    "zmq.utils.win32",
    "zmq.utils.z85",
]

# Public attributes of the zmq package outside its __all__ that code uses
# (``zmq.error.ZMQError`` after a plain ``import zmq``, ...).
TOP_LEVEL_EXTRAS = ["backend", "constants", "error", "get_library_dirs", "sugar", "utils"]


# ---- reading the data file ----------------------------------------------------


class Entry:
    """One line of the data file."""

    __slots__ = ("module", "name", "value", "has_value")

    def __init__(self, module, name, value, has_value):
        self.module = module
        self.name = name
        self.value = value
        self.has_value = has_value

    def __repr__(self):
        text = "%s:%s" % (self.module, self.name)
        return text + ("=%r" % (self.value,) if self.has_value else "")


def read_entries(path=DATA_FILE):
    """Parse the data file into Entry objects (section 1 gets module 'zmq')."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            module, sep, rest = line.partition(":")
            if not sep:
                module, rest = "zmq", line
            name, eq, literal = rest.partition("=")
            value = ast.literal_eval(literal) if eq else None
            if not name or (eq and not isinstance(value, int)):
                raise ValueError("%s:%d: malformed entry %r" % (path, lineno, line))
            entries.append(Entry(module, name, value, bool(eq)))
    return entries


# Empty only while the file is being made for the first time (script use).
ENTRIES = read_entries() if os.path.exists(DATA_FILE) else []


def module_under_test(pyzmq_name):
    """``zmq.devices`` -> ``zmq_cffi.devices`` (or unchanged against pyzmq)."""
    return zmq.__name__ + pyzmq_name[len("zmq"):]


def resolve(obj, dotted):
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def entries_by_module():
    grouped = OrderedDict()
    for entry in ENTRIES:
        grouped.setdefault(entry.module, []).append(entry)
    return grouped


# ---- the tests -------------------------------------------------------------------


def test_data_file_is_complete():
    # Guards against a truncated or hand-edited list.
    with open(DATA_FILE, encoding="utf-8") as f:
        header = f.read(2000)
    assert "pyzmq 27." in header
    top = {e.name: e for e in ENTRIES if e.module == "zmq" and "." not in e.name}
    assert len(top) > 290
    assert top["PUSH"].value == 8 and top["Socket"].has_value is False
    assert top["IPC_PATH_MAX_LEN"].value == 107  # Linux's sun_path size - 1
    assert set(entries_by_module()) == {"zmq"} | set(SUBMODULES)


def test_top_level_names():
    missing = sorted(e.name for e in ENTRIES
                     if e.module == "zmq" and "." not in e.name and not hasattr(zmq, e.name))
    assert not missing, "%d names of pyzmq's zmq are missing from %s: %s" % (
        len(missing), zmq.__name__, ", ".join(missing))


@pytest.mark.parametrize("pyzmq_module", SUBMODULES)
def test_submodule_names(pyzmq_module):
    name = module_under_test(pyzmq_module)
    wanted = [e.name for e in entries_by_module()[pyzmq_module]]
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        pytest.fail("%s cannot be imported (%s); it should provide: %s"
                    % (name, exc, ", ".join(wanted)))
    missing = [n for n in wanted if not hasattr(module, n)]
    assert not missing, "%d names of pyzmq's %s are missing from %s: %s" % (
        len(missing), pyzmq_module, name, ", ".join(missing))


def test_constant_values():
    wrong = []
    absent = []
    for entry in ENTRIES:
        if not entry.has_value:
            continue
        try:
            module = importlib.import_module(module_under_test(entry.module))
            actual = resolve(module, entry.name)
        except (ImportError, AttributeError):
            absent.append(repr(entry))
            continue
        if not isinstance(actual, int) or actual != entry.value or \
                isinstance(actual, bool) != isinstance(entry.value, bool):
            wrong.append("%r (got %r)" % (entry, actual))
    assert not wrong, "%d constants differ from pyzmq: %s" % (len(wrong), "; ".join(wrong))
    # Every constant must exist too (the name tests say where each one is missing).
    assert not absent, "%d constants are missing: %s" % (len(absent), ", ".join(absent))


def test_enum_members():
    members = [e for e in ENTRIES if e.module == "zmq" and "." in e.name]
    assert len(members) > 200
    problems = []
    for entry in members:
        enum_name, member_name = entry.name.split(".")
        enum_cls = getattr(zmq, enum_name, None)
        if enum_cls is None:
            problems.append("%s: no enum %s" % (entry.name, enum_name))
            continue
        member = enum_cls.__members__.get(member_name)
        if member is None:
            problems.append("%s: missing" % entry.name)
        elif not isinstance(member, enum_cls) or int(member) != entry.value:
            problems.append("%s: %r, pyzmq has %r" % (entry.name, member, entry.value))
    assert not problems, "%d enum members differ from pyzmq: %s" % (len(problems), "; ".join(problems))


def test_enum_classes_have_no_extra_members():
    # Extra members would be harmless, but each one is a typo or a name
    # pyzmq spells differently (e.g. an EVENT_ prefix kept by mistake).
    by_enum = {}
    for e in ENTRIES:
        if e.module == "zmq" and "." in e.name:
            enum_name, member_name = e.name.split(".")
            by_enum.setdefault(enum_name, set()).add(member_name)
    extra = []
    for enum_name, names in sorted(by_enum.items()):
        enum_cls = getattr(zmq, enum_name, None)
        if enum_cls is not None:
            extra += ["%s.%s" % (enum_name, n) for n in sorted(set(enum_cls.__members__) - names)]
    assert not extra, "members pyzmq 27 does not have: %s" % ", ".join(extra)


# ---- pyzmq's import paths give the very same objects -------------------------


def test_sugar_paths_are_the_top_level_objects():
    # e.g. ``from zmq.sugar.socket import Socket`` must give zmq.Socket itself,
    # so isinstance checks and subclassing agree whichever path code uses.
    different = []
    checked = 0
    for entry in ENTRIES:
        if not entry.module.startswith("zmq.sugar") or not hasattr(zmq, entry.name):
            continue
        module = importlib.import_module(module_under_test(entry.module))
        if hasattr(module, entry.name):
            checked += 1
            if getattr(module, entry.name) is not getattr(zmq, entry.name):
                different.append("%s:%s" % (entry.module, entry.name))
    assert checked > 30
    assert not different, "not the top-level object: %s" % ", ".join(different)


@pytest.mark.cffi_only
def test_backend_path_gives_the_top_level_objects():
    # pyzmq's zmq.backend holds the compiled base classes; zmq_cffi has one
    # layer, so each name is the top-level object.
    import zmq_cffi.backend

    assert zmq_cffi.backend.Socket is zmq.Socket
    assert zmq_cffi.backend.Context is zmq.Context
    assert zmq_cffi.backend.zmq_poll is zmq.zmq_poll
    assert zmq_cffi.backend.IPC_PATH_MAX_LEN == zmq.IPC_PATH_MAX_LEN
    assert "zmq_poll" in dir(zmq_cffi.backend)
    with pytest.raises(AttributeError):
        zmq_cffi.backend.not_a_pyzmq_name


# ---- making the data file (run with pyzmq) ------------------------------------


def _public_names(module):
    """``__all__`` if the module has one, else the public names it defines."""
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return sorted(set(declared))
    names = []
    for name, obj in vars(module).items():
        if name.startswith("_") or isinstance(obj, type(sys)) or name == "annotations":
            continue
        owner = getattr(obj, "__module__", None)
        if owner is not None and not owner.startswith("zmq"):
            continue  # typing.Any, struct, ... imported for the module's own use
        names.append(name)
    return sorted(names)


def _value_suffix(name, obj):
    """``=value`` for an UPPERCASE int/bool constant, else ''."""
    leaf = name.rsplit(".", 1)[-1]
    if leaf.upper() != leaf or not isinstance(obj, int):
        return ""
    return "=%r" % (obj if isinstance(obj, bool) else int(obj))


def regenerate(path=DATA_FILE):
    """Write the data file from the installed pyzmq (run under pyzmq 27)."""
    import platform

    pyzmq = importlib.import_module("zmq")
    version = pyzmq.pyzmq_version()
    if not version.startswith("27."):
        raise SystemExit("regenerate needs pyzmq 27, found %s" % version)
    lines = [
        "# Public names of pyzmq %s (bundled libzmq %s), on %s %s, CPython %s." % (
            version, pyzmq.zmq_version(), platform.system(), platform.machine(),
            platform.python_version()),
        "# Generated by: ZMQ_CFFI_TEST_BACKEND=zmq <python with pyzmq 27> tests/test_names.py --regenerate",
        "# Do not edit by hand. Line format: [module:]name[=value]; see tests/test_names.py.",
        "#",
        "# Section 1: sorted(set(zmq.__all__)); =value on UPPERCASE int/bool constants.",
    ]
    top = sorted(set(pyzmq.__all__))
    lines += [name + _value_suffix(name, getattr(pyzmq, name)) for name in top]
    lines += [
        "#",
        "# Section 2: public names of submodules (their __all__, or, without one, the",
        "# public names they define), and zmq attributes outside __all__ that code uses.",
    ]
    lines += ["zmq:%s" % name for name in TOP_LEVEL_EXTRAS if hasattr(pyzmq, name)]
    for module_name in SUBMODULES:
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            lines.append("%s:%s%s" % (module_name, name, _value_suffix(name, getattr(module, name))))
    lines += ["#", "# Section 3: members (aliases included) of the enums in zmq.__all__."]
    for name in top:
        obj = getattr(pyzmq, name)
        if isinstance(obj, type) and issubclass(obj, enum.Enum):
            for member_name, member in obj.__members__.items():
                lines.append("zmq:%s.%s=%d" % (name, member_name, int(member.value)))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d entries to %s" % (sum(not entry.startswith("#") for entry in lines), path))


if __name__ == "__main__":
    if sys.argv[1:] == ["--regenerate"]:
        regenerate()
    else:
        raise SystemExit("usage: ZMQ_CFFI_TEST_BACKEND=zmq python tests/test_names.py --regenerate")
