"""The drop-in switch: make ``import zmq`` give zmq_cffi.

Two ways, for two needs:

* :func:`install_as_zmq` switches the current process: call it before
  anything imports ``zmq``.
* ``python -m zmq_cffi.run PROGRAM ARGS...`` (see :mod:`zmq_cffi.run`)
  switches a whole program *and every Python process it starts* (Jupyter
  kernels, ipyparallel engines, ...): it puts a directory holding a stand-in
  ``zmq`` package first on ``PYTHONPATH``, which children inherit.  That
  stand-in only calls :func:`install_as_zmq`.

After the switch, ``sys.modules["zmq"]`` *is* the ``zmq_cffi`` module, and
``import zmq.X`` gives the very module ``zmq_cffi.X`` (an import hook maps
the names; nothing is loaded twice).  A name pyzmq has and zmq_cffi lacks
(``zmq.backend.cython``) raises ``ModuleNotFoundError`` as a missing module
does.
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
from types import ModuleType
from typing import Any, Optional, Sequence

__all__ = ["install_as_zmq", "SHIM_DIR"]

#: The directory holding the stand-in ``zmq`` package, for ``PYTHONPATH``.
SHIM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_as_zmq")

_PREFIX = "zmq."
_REAL_PREFIX = "zmq_cffi."
_lock = threading.Lock()


class _AliasLoader(importlib.abc.Loader):
    """Loads ``zmq.X`` by importing ``zmq_cffi.X`` and returning that module."""

    def __init__(self, real_name: str) -> None:
        self.real_name = real_name
        self.real_spec: Optional[importlib.machinery.ModuleSpec] = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.real_name)
        self.real_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias spec on the module: put the
        # real one back, so zmq_cffi.X keeps its own identity (reload, pickle).
        module.__spec__ = self.real_spec

    def get_code(self, fullname: str) -> Any:
        """The real module's code: ``python -m zmq.X`` (runpy) runs zmq_cffi.X."""
        spec = importlib.util.find_spec(self.real_name)
        if spec is None or spec.loader is None:
            raise ImportError("no module named %s" % self.real_name, name=fullname)
        return spec.loader.get_code(self.real_name)  # type: ignore[attr-defined]

    def is_package(self, fullname: str) -> bool:
        spec = importlib.util.find_spec(self.real_name)
        return bool(spec is not None and spec.submodule_search_locations is not None)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Maps every ``zmq.X`` import to ``zmq_cffi.X`` while the switch is on."""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]] = None,
                  target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if not fullname.startswith(_PREFIX) or not _switched_on():
            return None
        real_name = _REAL_PREFIX + fullname[len(_PREFIX):]
        real = sys.modules.get(real_name)
        if real is None and importlib.util.find_spec(real_name) is None:
            return None
        is_package = hasattr(real, "__path__") if real is not None else None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(real_name),
                                               is_package=is_package)


_finder = _AliasFinder()


def _switched_on() -> bool:
    import zmq_cffi
    return sys.modules.get("zmq") is zmq_cffi


def _is_shim(module: Any) -> bool:
    """True for the stand-in package of zmq_cffi.run (it calls us while importing).

    By a marker, not by path: the shim on PYTHONPATH may belong to another
    copy of zmq_cffi than the one imported (a source checkout as cwd).
    """
    return getattr(module, "_ZMQ_CFFI_SHIM", False) is True


def install_as_zmq() -> None:
    """Make ``import zmq`` (and ``import zmq.X``) give zmq_cffi in this process.

    Call it before any other code imports ``zmq``; calling it again does
    nothing.  Python processes started later do not inherit the switch: use
    ``python -m zmq_cffi.run`` for a program that starts others.

    Raises
    ------
    RuntimeError
        If pyzmq's own ``zmq`` (or a module of it) is already imported: the
        two cannot share a process, and objects made by one would not be
        accepted by the other.
    """
    import zmq_cffi

    with _lock:
        current = sys.modules.get("zmq")
        if current is not None and current is not zmq_cffi and not _is_shim(current):
            raise RuntimeError(
                "zmq_cffi.install_as_zmq(): pyzmq's zmq is already imported (from %s); "
                "call install_as_zmq() before anything imports zmq, or start the program "
                "with python -m zmq_cffi.run" % (getattr(current, "__file__", None) or current,))
        foreign = sorted(name for name, module in sys.modules.items()
                         if name.startswith(_PREFIX) and module is not None
                         and not getattr(module, "__name__", "").startswith("zmq_cffi")
                         and not _is_shim(module))
        if foreign:
            raise RuntimeError("zmq_cffi.install_as_zmq(): modules of pyzmq are already "
                               "imported (%s)" % ", ".join(foreign[:5]))
        sys.modules["zmq"] = zmq_cffi
        for name, module in list(sys.modules.items()):
            if name.startswith(_REAL_PREFIX) and module is not None:
                sys.modules.setdefault(_PREFIX + name[len(_REAL_PREFIX):], module)
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
