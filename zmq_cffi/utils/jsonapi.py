"""JSON to and from bytes, as the JSON helpers of Socket use it."""
import json
from typing import Any, Union

__all__ = ["dumps", "loads"]

#: The JSON module used (pyzmq's name; the standard library's json here).
jsonmod = json


def dumps(o: Any, **kwargs: Any) -> bytes:
    """Serialize ``o`` to UTF-8 JSON bytes; ``kwargs`` go to ``json.dumps``."""
    return json.dumps(o, **kwargs).encode("utf-8")


def loads(s: Union[bytes, str], **kwargs: Any) -> Any:
    """Parse JSON from bytes (UTF-8) or str; ``kwargs`` go to ``json.loads``."""
    if isinstance(s, (bytes, bytearray, memoryview)):
        s = bytes(s).decode("utf-8")
    return json.loads(s, **kwargs)
