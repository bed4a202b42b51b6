"""Sphinx configuration of zmq_cffi's documentation.

Build it with ``./dev.sh docs`` (nox session ``docs``), or by hand from the
repository root, in a venv with zmq_cffi built (``setup.py build_ext
--inplace``), Sphinx, matplotlib, tornado and gevent::

    python -m sphinx -W --keep-going -n -b html docs docs/_build/html

The performance page's table and plot are made at build time from the raw
benchmark results in ``bench/results/raw/`` by ``bench/report.py``.
"""
import importlib
import importlib.util
import json
import os
import subprocess
import sys
from typing import TypeVar

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
# Document the checkout (its extension is built in place by the nox session).
sys.path.insert(0, ROOT)

import zmq_cffi  # noqa: E402

project = "zmq_cffi"
author = "the zmq_cffi authors"
copyright = "the zmq_cffi authors"
release = zmq_cffi.zmq_cffi_version()
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

exclude_patterns = ["_build", "_generated"]
templates_path = []
html_theme = "alabaster"
html_static_path = []
html_theme_options = {"description": "ZeroMQ over CFFI, a drop-in for pyzmq",
                      "page_width": "1100px"}

autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# "Attributes" sections as fields: the attributes are documented by autodoc too.
napoleon_use_ivar = True

# Warnings are errors (-W) and every cross-reference must resolve (-n), except
# names that live outside this project: without intersphinx (the build runs
# offline) the standard library, typing and third-party names have no target.
nitpicky = True
nitpick_ignore_regex = [
    ("py:(class|obj|exc|data|func|meth|mod|attr)",
     r"(typing|typing_extensions|collections|collections\.abc|asyncio|concurrent|enum|"
     r"threading|multiprocessing|logging|os|socket|selectors|tornado|gevent|paramiko|"
     r"pickle|json|types|weakref|ctypes|builtins|_thread|contextvars|numpy|cffi|"
     r"queue|subprocess|pathlib|datetime|getpass|argparse|signal|time)(\..*)?"),
    # paramiko's (or zmq_cffi.ssh.tunnel's stand-in when paramiko is missing).
    ("py:exc", "SSHException"),
    # TypeVars of generic signatures.
    ("py:class", r"zmq_cffi\.decorators\.F"),
    ("py:(class|obj|exc|data|func)",
     r"(None|True|False|int|float|str|bytes|bytearray|memoryview|bool|object|dict|list|"
     r"tuple|set|frozenset|type|callable|Callable|Any|Optional|Union|List|Dict|Tuple|"
     r"Sequence|Iterable|Iterator|Mapping|Awaitable|Coroutine|Future|Generic|TypeVar|"
     r"Exception|BaseException|OSError|RuntimeError|ValueError|TypeError|KeyError|"
     r"IndexError|AssertionError|OverflowError|NotImplementedError|ImportError|"
     r"ModuleNotFoundError|TimeoutError|StopIteration|Warning|DeprecationWarning|"
     r"ResourceWarning|RuntimeWarning|UserWarning|KeyboardInterrupt|SystemExit|"
     r"InterruptedError|BufferError|PathLike|IntEnum|IntFlag|Enum|Logger|Handler|"
     r"LogRecord|Thread|Process|Event|Lock|buffer|bytes-like|file-like|optional|"
     r"default|iterable|sequence|mapping|function|coroutine|awaitable|module|path|"
     r"array|ndarray|Buffer|Literal|TypeAlias|Self|ParamSpec|Concatenate)"),
]


# Names of several classes at once (zmq_cffi.Socket, zmq_cffi.asyncio.Socket,
# zmq_cffi.green.Socket, ...): a bare "Socket" in a signature or type field
# that Sphinx finds more than once is left as is, not an error.
suppress_warnings = ["ref.python"]


def _quiet_missing_reference(app, domain, node):
    """Keep unresolvable references that are not names from failing the build.

    napoleon turns the first line of a prose ``Returns`` entry ("True once
    the socket is closed") into a type, and private helpers (``_SocketT``,
    ``_EndpointContext``) are not documented; neither is a broken link.
    Return True to drop the warning."""
    target = node.get("reftarget", "")
    if domain is None or domain.name != "py":
        return None
    if any(c in target for c in " \"'()"):
        return True
    if target in _PROSE_WORDS:
        return True
    if any(part.startswith("_") and not part.startswith("__") for part in target.split(".")):
        return True
    # A TypeVar of a generic signature.
    if isinstance(_lookup(target), TypeVar):
        return True
    # A standard-library name written without its module (a string
    # annotation such as "TracebackType", imported only for type checkers).
    if "." not in target and any(hasattr(importlib.import_module(m), target)
                                 for m in _STDLIB_NAMESPACES):
        return True
    # Inherited from outside (logging.Handler.handleError for PUBHandler, ...).
    module, cls = node.get("py:module"), node.get("py:class")
    for base in filter(None, [module and cls and module + "." + cls, module]):
        obj = _lookup(base + "." + target)
        owner = getattr(obj, "__module__", None) or ""
        if obj is not None and owner and not owner.startswith("zmq_cffi"):
            return True
    return None


_STDLIB_NAMESPACES = ("builtins", "typing", "types", "collections.abc", "os", "socket",
                      "asyncio", "threading", "logging", "enum", "concurrent.futures",
                      "selectors", "weakref", "subprocess", "pathlib")

# Words napoleon splits off a prose type ("None, or a MessageTracker when ...").
_PROSE_WORDS = {"a", "an", "and", "as", "at", "by", "for", "if", "in", "is", "it", "of",
                "on", "or", "the", "to", "when", "with"}


def _lookup(dotted):
    """The object a dotted name leads to (a module, then attributes), or None."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


_documented = {}


def _resolve_by_import(app, env, node, contnode):
    """Resolve a short name the way Python would, from the docstring's module.

    A module's docstring may name what it imports (``:class:`Proxy``` in
    ``zmq_cffi.devices.monitoredqueuedevice``, ``:class:`Context``` in
    ``zmq_cffi.green``): look the name up by import from the referring module
    (and class), then link to wherever that very object is documented."""
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    if not _documented:
        for name in list(domain.objects):
            obj = _lookup(name)
            # Only objects with an identity of their own (not cached ints or strings).
            if isinstance(obj, (type(None), bool, int, float, str, bytes, tuple)):
                continue
            if id(obj) not in _documented:
                _documented[id(obj)] = (name, obj)
    target = node["reftarget"].lstrip(".~")
    module, cls = node.get("py:module"), node.get("py:class")
    names = []
    if module and cls:
        names.append(module + "." + cls + "." + target)
    # The referring module, then the packages it is in.
    parts = module.split(".") if module else []
    names += [".".join(parts[:i] + [target]) for i in range(len(parts), 0, -1)]
    names += [target, "zmq_cffi." + target]
    for name in names:
        obj = _lookup(name)
        if obj is None:
            continue
        found = _documented.get(id(obj))
        if found is not None and found[1] is obj:
            return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                                       found[0], node, contnode)
    return None


def _performance_data(app):
    """Run bench/report.py on the full raw results into docs/_generated/bench
    and write the table the performance page includes."""
    out = os.path.join(DOCS, "_generated", "bench")
    os.makedirs(out, exist_ok=True)
    raw_dir = os.path.join(ROOT, "bench", "results", "raw")
    raw = sorted(os.path.join(raw_dir, f) for f in os.listdir(raw_dir)
                 if f.startswith("full-") and f.endswith(".json"))
    if not raw:
        raise RuntimeError("no full benchmark results in %s" % raw_dir)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"), *raw,
                    "--out-dir", out], check=True, stdout=subprocess.DEVNULL)
    if not os.path.exists(os.path.join(out, "ratios.png")):
        raise RuntimeError("bench/report.py wrote no ratios.png: is matplotlib installed?")
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    with open(os.path.join(out, "tables.rst"), "w") as f:
        f.write(_tables_rst(report))


def _report_module():
    """bench/report.py as a module: its labels and number formats, so the
    docs show the benchmark exactly as the report does."""
    spec = importlib.util.spec_from_file_location(
        "_bench_report", os.path.join(ROOT, "bench", "report.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tables_rst(report):
    bench = _report_module()
    labels = dict(getattr(bench, "PEER_LABEL", {}))
    labels.setdefault("zmq_cffi", "zmq_cffi")
    unit_label = getattr(bench, "unit_label", lambda unit: unit or "")
    fmt_value = getattr(bench, "fmt_value", lambda v, unit: "n/a" if v is None else "%g" % v)
    lines = []
    for entry in report["interpreters"]:
        label = entry["label"]
        rows = entry["workloads"]
        # The implementations and peers as the report has them (zmq_cffi first).
        impls = list(rows[0]["values"]) if rows else ["zmq_cffi"]
        peers = [i for i in impls if i != "zmq_cffi" and "ratio_vs_" + i in rows[0]]
        machine = entry.get("machine") or {}
        libzmq = (machine.get("libzmq") or {}).get("zmq_cffi")
        lines += [label, "~" * len(label), ""]
        lines += ["%s, %s CPUs, Linux %s, libzmq %s; measured %s (git %s)." % (
            machine.get("cpu_model", "?"), machine.get("nproc", "?"),
            machine.get("kernel", "?"), libzmq or "?",
            (entry.get("created") or "?")[:10], entry.get("git_revision") or "?"), ""]
        header = (["workload", "unit"] + [labels.get(i, i) for i in impls]
                  + ["zmq_cffi / %s" % labels.get(p, p) for p in peers] + ["target", "met"])
        lines += [".. list-table::", "   :header-rows: 1", ""]
        lines += ["   %s - %s" % ("*" if k == 0 else " ", h) for k, h in enumerate(header)]
        for row in rows:
            unit = row.get("unit")
            cells = ["``%s``" % row["workload"], unit_label(unit)]
            cells += [fmt_value(row["values"].get(i), unit) for i in impls]
            cells += ["%.2fx" % row["ratio_vs_" + p] if row.get("ratio_vs_" + p) is not None
                      else "n/a" for p in peers]
            cells.append((row.get("target") or {}).get("text", "none"))
            cells.append({True: "yes", False: "**no**"}.get(row.get("met"), "n/a"))
            lines += ["   %s - %s" % ("*" if k == 0 else " ", c.replace("|", "\\|") or "..")
                      for k, c in enumerate(cells)]
        lines.append("")
    lines += ["Workloads:", ""]
    seen = set()
    for entry in report["interpreters"]:
        for row in entry["workloads"]:
            if row["workload"] not in seen:
                seen.add(row["workload"])
                lines.append("``%s``\n   %s" % (row["workload"], row.get("description") or ""))
    lines.append("")
    return "\n".join(lines)


def setup(app):
    app.connect("builder-inited", _performance_data)
    app.connect("missing-reference", _resolve_by_import)
    app.connect("warn-missing-reference", _quiet_missing_reference)
