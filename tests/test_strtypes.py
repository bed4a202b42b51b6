"""zmq.utils.strtypes: the deprecated Python 2/3 string shims."""
import builtins
import importlib
import warnings

import pytest

from _backend import zmq

strtypes = importlib.import_module(zmq.__name__ + ".utils.strtypes")


def _call_warned(func, *args):
    """``func(*args)`` and the warnings it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args)
    return result, caught


def test_type_names():
    assert strtypes.bytes is builtins.bytes
    assert strtypes.unicode is str
    assert strtypes.basestring == (str,)
    assert isinstance("x", strtypes.basestring)
    assert not isinstance(b"x", strtypes.basestring)


def test_aliases():
    assert strtypes.b is strtypes.cast_bytes
    assert strtypes.asbytes is strtypes.cast_bytes
    assert strtypes.u is strtypes.cast_unicode


def test_all():
    assert set(strtypes.__all__) == {"asbytes", "bytes", "unicode", "basestring",
                                     "b", "u", "cast_bytes", "cast_unicode"}


def test_cast_bytes():
    with pytest.warns(DeprecationWarning):
        assert strtypes.cast_bytes("é") == b"\xc3\xa9"
    with pytest.warns(DeprecationWarning):
        assert strtypes.cast_bytes(b"\xff") == b"\xff"
    with pytest.warns(DeprecationWarning):
        assert strtypes.cast_bytes("é", "latin-1") == b"\xe9"
    with pytest.warns(DeprecationWarning):
        assert strtypes.b("é", "ascii", "replace") == b"?"
    with pytest.warns(DeprecationWarning), pytest.raises(UnicodeEncodeError):
        strtypes.asbytes("é", "ascii")


def test_cast_unicode():
    with pytest.warns(DeprecationWarning):
        assert strtypes.cast_unicode(b"\xc3\xa9") == "é"
    with pytest.warns(DeprecationWarning):
        assert strtypes.cast_unicode("x") == "x"
    with pytest.warns(DeprecationWarning):
        assert strtypes.u(b"\xe9", "latin-1") == "é"
    with pytest.warns(DeprecationWarning):
        assert strtypes.u(b"\xff", "utf8", "replace") == "\ufffd"
    with pytest.warns(DeprecationWarning), pytest.raises(UnicodeDecodeError):
        strtypes.cast_unicode(b"\xff")


@pytest.mark.parametrize("name", ["cast_bytes", "cast_unicode"])
@pytest.mark.parametrize("bad", [5, None, bytearray(b"x"), memoryview(b"x")])
def test_other_types_are_refused(name, bad):
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError) as info:
        getattr(strtypes, name)(bad)
    assert str(info.value) == "Expected unicode or bytes, got %r" % (bad,)


@pytest.mark.parametrize("name", ["cast_bytes", "cast_unicode", "b", "u", "asbytes"])
def test_every_call_warns_at_the_caller(name):
    func = getattr(strtypes, name)
    for _ in range(2):
        _, caught = _call_warned(func, "x")
        assert len(caught) == 1
        assert caught[0].category is DeprecationWarning
        assert caught[0].filename == __file__
        # pyzmq's message starts so; filters written for it apply to both
        assert str(caught[0].message).startswith("zmq.utils.strtypes is deprecated")


def test_import_does_not_warn():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fresh = importlib.reload(strtypes)
    assert [w for w in caught if issubclass(w.category, DeprecationWarning)] == []
    assert fresh.unicode is str
