"""The flat constants (``zmq_cffi.REQ``, ...) are written out in constants.py so
that type checkers see them; this keeps that block equal to what the enums
(whose values come from the system zmq.h) define.

Run ``python tests/test_constants_static.py --write`` to regenerate the block
after adding an enum member.
"""
import os
import sys

import pytest

pytestmark = pytest.mark.cffi_only

BEGIN = "# ---- BEGIN GENERATED: flat constants (tests/test_constants_static.py --write) ----\n"
END = "# ---- END GENERATED ----\n"
PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "zmq_cffi", "constants.py")


def render(constants):
    """The generated block's text, from the enums at run time."""
    lines = [BEGIN]
    names = []
    for flat, member in constants._flat_names().items():
        enum_name = type(member).__name__
        lines.append("%s: %s = %s.%s\n" % (flat, enum_name, enum_name, member_name(member, flat, constants)))
        names.append(flat)
    lines.append("\n__all__ = [\n")
    head = ["DRAFT_API", "PYZMQ_DRAFT_API", "IPC_PATH_MAX_LEN", "COPY_THRESHOLD", "Enum", "IntEnum", "IntFlag"]
    head += [enum.__name__ for enum in constants._ENUMS]
    for name in head + sorted(names):
        lines.append('    "%s",\n' % name)
    lines.append("]\n")
    # The options Socket.get returns an int or bytes for, from the option
    # type table, for type checkers (Socket.get's overloads).
    from zmq_cffi._options import OptType

    kinds = {"_IntOption": [], "_BytesOption": []}
    for name, member in constants.SocketOption.__members__.items():
        kind = "_BytesOption" if member._opt_type == OptType.bytes else "_IntOption"
        kinds[kind].append(name)
    lines.append("\nif TYPE_CHECKING:\n")
    for kind, names in kinds.items():
        lines.append("    %s = Literal[\n" % kind)
        for name in names:
            lines.append("        SocketOption.%s,\n" % name)
        lines.append("    ]\n")
    lines.append(END)
    return "".join(lines)


def member_name(member, flat, constants):
    """The enum attribute to reference: the flat name minus its prefix
    (aliases such as NOBLOCK keep their own name, not the canonical one)."""
    prefix = constants._PREFIXES.get(type(member), "")
    if flat.startswith("PROTOCOL_ERROR") or not prefix:
        return flat
    return flat[len(prefix):]


def current_block():
    with open(PATH) as f:
        text = f.read()
    start, stop = text.index(BEGIN), text.index(END) + len(END)
    return text, start, stop


def test_generated_block_matches_enums():
    from zmq_cffi import constants

    text, start, stop = current_block()
    assert text[start:stop] == render(constants), (
        "constants.py's flat-constant block is stale: run python tests/test_constants_static.py --write")


def test_flat_constants_are_the_enum_members():
    from zmq_cffi import constants

    flat = constants._flat_names()
    assert len(flat) > 200
    for name, member in flat.items():
        assert getattr(constants, name) is member, name
    public = {n for n in vars(constants) if n.isupper() and not n.startswith("_")} - {"OPTION_TYPES", "TYPE_CHECKING"}
    extra = {"DRAFT_API", "PYZMQ_DRAFT_API", "IPC_PATH_MAX_LEN", "COPY_THRESHOLD"}
    assert public == set(flat) | extra
    assert set(constants.__all__) >= public


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_constants_static.py --write")
    sys.path.insert(0, os.path.join(os.path.dirname(PATH), os.pardir))
    from zmq_cffi import constants as _constants

    _text, _start, _stop = current_block()
    with open(PATH, "w") as f:
        f.write(_text[:_start] + render(_constants) + _text[_stop:])
