"""Every program in examples/ and every Python code block in docs/ runs.

Each one runs in a child interpreter (this one: ``sys.executable``) with the
zmq_cffi this suite tests first on ``PYTHONPATH``, in a temporary working
directory, and must exit 0 within the time limit.  A code block is a
``.. code-block:: python`` directive in a ``docs/*.rst`` file; blocks of
other languages (shell commands, output) are not run, and a block of an
unknown language, or a bare ``::`` literal block, fails the test that lists
them, so a Python snippet cannot slip past unrun.
"""
import os
import re
import subprocess
import sys

import pytest

import zmq_cffi

pytestmark = pytest.mark.cffi_only

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
EXAMPLES = os.path.join(ROOT, "examples")
# The zmq_cffi under test, for the children (the installed one in nox, the
# checkout when run from the source tree).
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(zmq_cffi.__file__)))
CHILD_TIMEOUT_S = 45
RUN_LANGUAGES = {"python"}
SHOWN_LANGUAGES = {"sh", "console", "text", "none"}

_DIRECTIVE = re.compile(r"^(?P<indent>[ ]*)\.\. (?:code-block|code|sourcecode)::[ ]*(?P<lang>\S*)[ ]*$")


def _rst_files():
    found = []
    for folder, dirs, files in os.walk(DOCS):
        dirs[:] = sorted(d for d in dirs if not d.startswith("_"))
        found += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".rst")]
    return found


def _code_blocks(path):
    """(language, first line number, code) of each code-block in an rst file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group("indent"))
        lang = m.group("lang") or "(none given)"
        i += 1
        # Options (":caption: ..."), then the body: the lines indented deeper.
        while i < len(lines) and lines[i].strip().startswith(":"):
            i += 1
        body, start = [], None
        while i < len(lines) and (not lines[i].strip() or
                                  len(lines[i]) - len(lines[i].lstrip()) > indent):
            if lines[i].strip() and start is None:
                start = i + 1
            body.append(lines[i])
            i += 1
        text = "\n".join(body).strip("\n")
        depth = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
        code = "\n".join(line[depth:] for line in text.splitlines()) + "\n"
        blocks.append((lang, start or i, code))
    return blocks


def _literal_blocks(path):
    """Line numbers of bare ``::`` literal blocks (their language is implicit)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return [n + 1 for n, line in enumerate(lines)
            if line.rstrip().endswith("::") and not line.lstrip().startswith("..")]


def _all_blocks():
    return [(os.path.relpath(path, ROOT), lang, line, code)
            for path in _rst_files() for lang, line, code in _code_blocks(path)]


PY_BLOCKS = [b for b in _all_blocks() if b[1] in RUN_LANGUAGES]
EXAMPLE_FILES = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py"))


def _run(args, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_PARENT, env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    try:
        proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        pytest.fail("did not finish within %d s; output so far:\n%s\n%s"
                    % (CHILD_TIMEOUT_S, e.stdout, e.stderr))
    assert proc.returncode == 0, "exit status %d\n--- stdout\n%s\n--- stderr\n%s" % (
        proc.returncode, proc.stdout, proc.stderr)
    return proc


def test_docs_have_python_blocks_and_examples():
    # The extractor found the blocks (a change of markup must not make the
    # parametrized tests below silently vanish).
    files = {b[0] for b in PY_BLOCKS}
    assert len(PY_BLOCKS) >= 10, PY_BLOCKS
    assert {"docs/getting-started.rst", "docs/migrating.rst", "docs/zero-copy.rst",
            "docs/reliability.rst"} <= files
    assert len(EXAMPLE_FILES) >= 6, EXAMPLE_FILES


def test_every_block_has_a_known_language():
    unknown = [(path, line, lang) for path, lang, line, _ in _all_blocks()
               if lang not in RUN_LANGUAGES | SHOWN_LANGUAGES]
    assert not unknown, "code blocks of an unknown language (run them or mark them sh/text): %r" % unknown
    bare = [(os.path.relpath(p, ROOT), n) for p in _rst_files() for n in _literal_blocks(p)]
    assert not bare, "bare :: literal blocks (use .. code-block:: LANGUAGE): %r" % bare


def test_code_binds_only_to_loopback():
    # The test rule for the code run here: tcp only on 127.0.0.1 (ipc://
    # paths are made under a temporary directory, inproc:// is in-process).
    sources = [("%s:%d" % (path, line), code) for path, _, line, code in PY_BLOCKS]
    for name in EXAMPLE_FILES:
        with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
            sources.append(("examples/" + name, f.read()))
    wide = [(where, m.group(0)) for where, code in sources
            for m in re.finditer(r"tcp://[^\s\"']*", code) if not m.group(0).startswith("tcp://127.0.0.1")]
    assert not wide, "tcp endpoints other than 127.0.0.1: %r" % wide


def test_every_example_is_in_the_docs():
    with open(os.path.join(DOCS, "examples.rst"), encoding="utf-8") as f:
        page = f.read()
    missing = [name for name in EXAMPLE_FILES if "../examples/%s" % name not in page]
    assert not missing, "examples not shown in docs/examples.rst: %r" % missing


@pytest.mark.parametrize("path,lang,line,code", PY_BLOCKS,
                         ids=["%s:%d" % (b[0], b[2]) for b in PY_BLOCKS])
def test_doc_code_block_runs(path, lang, line, code, tmp_path):
    script = tmp_path / "block.py"
    script.write_text("# %s, line %d\n%s" % (path, line, code), encoding="utf-8")
    _run([str(script)], cwd=str(tmp_path))


# numpy has no wheel for PyPy 8.0 and its build from source does not fit a
# test run: the matrix installs none there (noxfile.py), so this example
# cannot run; numpy's zero-copy path is tested on every other interpreter.
_NO_NUMPY_HERE = sys.implementation.name == "pypy" and sys.pypy_version_info >= (8, 0)  # type: ignore[attr-defined]
_NEEDS_NUMPY = {"zero_copy_numpy.py"}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(
        reason="numpy has no wheel for PyPy 8.0 (none installed)", raises=AssertionError, strict=True))
    if name in _NEEDS_NUMPY and _NO_NUMPY_HERE else name
    for name in EXAMPLE_FILES])
def test_example_runs(name, tmp_path):
    proc = _run([os.path.join(EXAMPLES, name)], cwd=str(tmp_path))
    assert proc.stdout.strip(), "the example printed nothing"
