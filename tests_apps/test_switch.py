"""The drop-in switch itself: ``zmq_cffi.install_as_zmq()`` and ``python -m zmq_cffi.run``.

conftest.py has switched this pytest process; the subprocess tests start
fresh interpreters, with or without the switch, to check what each one's
``import zmq`` gives.  Real pyzmq is installed in this environment (the
applications depend on it), so an unswitched child really gets pyzmq: the
tests check both sides.
"""
import importlib
import json
import os
import subprocess
import sys
import textwrap

import pytest

import zmq
import zmq_cffi
from zmq_cffi.run import switched_environ
from zmq_cffi.switch import SHIM_DIR

pytestmark = pytest.mark.timeout(120)

TIMEOUT = 60  # seconds, for any child interpreter

# pyzmq submodules that zmq_cffi provides: under the switch, zmq.X is zmq_cffi.X.
SUBMODULES = [
    "sugar", "sugar.socket", "sugar.context", "sugar.frame", "sugar.poll", "sugar.tracker",
    "sugar.version", "sugar.stopwatch",
    "asyncio", "error", "constants", "backend", "devices", "auth", "auth.thread",
    "auth.asyncio", "auth.certs", "log", "log.handlers", "ssh", "ssh.tunnel", "decorators",
    "eventloop", "eventloop.zmqstream", "eventloop.future", "eventloop.ioloop",
    "utils", "utils.jsonapi", "utils.monitor", "utils.z85", "utils.interop", "utils.strtypes",
    "utils.win32", "green", "green.core", "green.poll", "green.device", "green.eventloop",
    "green.eventloop.zmqstream", "green.eventloop.ioloop",
]

# What an unswitched / switched child reports about its zmq.
REPORT = textwrap.dedent("""
    import json, os, sys
    import zmq
    ctx = zmq.Context()
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    a.bind("inproc://switch-report"); b.connect("inproc://switch-report")
    a.send(b"ping")
    ok = b.recv() == b"ping"
    a.close(); b.close(); ctx.term()
    print(json.dumps({"pid": os.getpid(), "name": zmq.__name__, "file": zmq.__file__,
                      "socket_module": type(a).__module__, "roundtrip": ok,
                      "cffi_is_zmq": sys.modules.get("zmq_cffi") is zmq}))
""")


def unswitched_environ():
    """os.environ without the stand-in package on PYTHONPATH."""
    env = dict(os.environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != SHIM_DIR]
    if parts:
        env["PYTHONPATH"] = os.pathsep.join(parts)
    else:
        env.pop("PYTHONPATH", None)
    return env


def run(args, env, cwd, check=True):
    # cwd: never the checkout's root, where `python -c`/`-m` would import the
    # source tree's zmq_cffi instead of the installed one
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    if check:
        assert proc.returncode == 0, "%r exited %s\nstdout:\n%s\nstderr:\n%s" % (
            args, proc.returncode, proc.stdout, proc.stderr)
    return proc


def reports(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def assert_cffi(report):
    assert report["name"] == "zmq_cffi", report
    assert report["cffi_is_zmq"], report
    assert report["socket_module"].startswith("zmq_cffi"), report
    assert os.path.dirname(report["file"]) == os.path.dirname(zmq_cffi.__file__), report
    assert report["roundtrip"], report


# -- in this (switched) process ------------------------------------------------

def test_zmq_is_zmq_cffi():
    assert zmq is zmq_cffi
    assert sys.modules["zmq"] is zmq_cffi
    assert importlib.import_module("zmq") is zmq_cffi
    assert zmq.Context is zmq_cffi.context.Context
    assert zmq.Socket is zmq_cffi.socket.Socket
    # nothing of pyzmq's own package is loaded in this process
    foreign = [name for name, mod in sys.modules.items()
               if (name == "zmq" or name.startswith("zmq.")) and mod is not None
               and not mod.__name__.startswith("zmq_cffi")]
    assert foreign == []


@pytest.mark.parametrize("sub", SUBMODULES)
def test_submodule_is_the_zmq_cffi_module(sub):
    via_zmq = importlib.import_module("zmq." + sub)
    real = importlib.import_module("zmq_cffi." + sub)
    assert via_zmq is real
    assert via_zmq.__name__ == "zmq_cffi." + sub
    # the module keeps its own spec (not the alias's), so reload/pickle see zmq_cffi.X
    assert via_zmq.__spec__.name == "zmq_cffi." + sub
    assert sys.modules["zmq." + sub] is real


def test_from_imports_give_the_same_objects():
    from zmq.asyncio import Context as AsyncContext
    from zmq.eventloop.zmqstream import ZMQStream
    from zmq.sugar.socket import Socket
    from zmq.utils import jsonapi

    import zmq_cffi.asyncio
    import zmq_cffi.eventloop.zmqstream
    import zmq_cffi.utils.jsonapi

    assert AsyncContext is zmq_cffi.asyncio.Context
    assert ZMQStream is zmq_cffi.eventloop.zmqstream.ZMQStream
    assert Socket is zmq_cffi.Socket
    assert jsonapi is zmq_cffi.utils.jsonapi
    assert jsonapi.loads(jsonapi.dumps({"a": 1})) == {"a": 1}
    # attribute access on the package reaches the same submodules
    assert zmq.eventloop.zmqstream is zmq_cffi.eventloop.zmqstream
    assert zmq.utils.jsonapi is zmq_cffi.utils.jsonapi


@pytest.mark.parametrize("name", ["zmq.backend.cython", "zmq.backend.cffi", "zmq.no_such_module",
                                  "zmq.utils.no_such_module"])
def test_missing_module_raises_module_not_found(name):
    with pytest.raises(ModuleNotFoundError) as info:
        importlib.import_module(name)
    assert info.value.name is not None and name.startswith(info.value.name)
    assert name not in sys.modules
    # and pyzmq's real module was not picked up instead
    assert sys.modules["zmq"] is zmq_cffi


def test_install_as_zmq_is_idempotent():
    before = {name: mod for name, mod in sys.modules.items() if name == "zmq" or name.startswith("zmq.")}
    meta_path = list(sys.meta_path)
    zmq_cffi.install_as_zmq()
    zmq_cffi.install_as_zmq()
    after = {name: mod for name, mod in sys.modules.items() if name == "zmq" or name.startswith("zmq.")}
    # nothing changed; a second call may only add the zmq.X alias of a zmq_cffi.X
    # imported directly since the first (which the import hook maps the same way)
    assert {name: after[name] for name in before} == before
    for name, mod in after.items():
        assert mod is sys.modules["zmq_cffi" + name[3:]], name
    assert sys.meta_path == meta_path
    assert sys.modules["zmq"] is zmq_cffi


# -- fresh interpreters --------------------------------------------------------

def test_unswitched_child_gets_pyzmq(python, tmp_path):
    """The control for every subprocess test below: without the switch, pyzmq."""
    proc = run([python, "-c", REPORT], unswitched_environ(), tmp_path)
    [report] = reports(proc.stdout)
    assert report["name"] == "zmq"
    assert not report["cffi_is_zmq"]
    assert "zmq_cffi" not in report["file"]
    assert report["socket_module"].startswith("zmq.")


def test_install_as_zmq_in_fresh_process(python, tmp_path):
    code = "import zmq_cffi; zmq_cffi.install_as_zmq(); zmq_cffi.install_as_zmq()\n" + REPORT
    proc = run([python, "-c", code], unswitched_environ(), tmp_path)
    [report] = reports(proc.stdout)
    assert_cffi(report)


def test_install_as_zmq_after_pyzmq_import_raises(python, tmp_path):
    code = textwrap.dedent("""
        import zmq
        assert zmq.__name__ == "zmq" and "zmq_cffi" not in zmq.__file__, zmq.__file__
        import zmq_cffi
        try:
            zmq_cffi.install_as_zmq()
        except RuntimeError as exc:
            import sys
            assert sys.modules["zmq"] is zmq, "the failed switch changed sys.modules"
            print("RuntimeError: %s" % exc)
        else:
            print("no error")
    """)
    proc = run([python, "-c", code], unswitched_environ(), tmp_path)
    out = proc.stdout.strip()
    assert out.startswith("RuntimeError: "), proc.stdout + proc.stderr
    assert "already imported" in out
    assert "install_as_zmq() before" in out
    assert "zmq_cffi.run" in out


def test_install_as_zmq_after_pyzmq_submodule_import_raises(python, tmp_path):
    # pyzmq's package removed from sys.modules, but one of its modules still loaded
    code = textwrap.dedent("""
        import sys
        import zmq.utils.jsonapi
        del sys.modules["zmq"]
        import zmq_cffi
        try:
            zmq_cffi.install_as_zmq()
        except RuntimeError as exc:
            print("RuntimeError: %s" % exc)
        else:
            print("no error")
    """)
    proc = run([python, "-c", code], unswitched_environ(), tmp_path)
    out = proc.stdout.strip()
    assert out.startswith("RuntimeError: "), proc.stdout + proc.stderr
    assert "modules of pyzmq are already imported" in out
    assert "zmq.backend" in out  # it names them


# A script that reports, then starts a child Python that reports and starts
# a grandchild that reports: each through plain subprocess, inheriting the env.
CHAIN = """\
import subprocess, sys
SCRIPT = %r
depth = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 0
exec(%r)
if depth < 2:
    out = subprocess.run([sys.executable, SCRIPT, str(depth + 1)], capture_output=True,
                         text=True, timeout=40, check=True).stdout
    sys.stdout.write(out)
"""


@pytest.fixture
def chain_script(tmp_path):
    path = tmp_path / "chainmod.py"
    path.write_text(CHAIN % (str(path), REPORT))
    return path


def _assert_chain(stdout, n=3):
    got = reports(stdout)
    assert len(got) == n, stdout
    assert len({r["pid"] for r in got}) == n
    for report in got:
        assert_cffi(report)


def test_run_script_propagates_to_grandchildren(python, chain_script, tmp_path):
    # control: the same chain without the switch is pyzmq all the way down
    plain = reports(run([python, str(chain_script)], unswitched_environ(), cwd=tmp_path).stdout)
    assert [r["name"] for r in plain] == ["zmq"] * 3
    proc = run([python, "-m", "zmq_cffi.run", str(chain_script)], unswitched_environ(), cwd=tmp_path)
    _assert_chain(proc.stdout)


def test_run_module_propagates_to_grandchildren(python, chain_script, tmp_path):
    proc = run([python, "-m", "zmq_cffi.run", "-m", "chainmod"], unswitched_environ(), cwd=tmp_path)
    _assert_chain(proc.stdout)


def test_run_code_propagates_to_grandchildren(python, chain_script, tmp_path):
    code = chain_script.read_text()
    proc = run([python, "-m", "zmq_cffi.run", "-c", code], unswitched_environ(), cwd=tmp_path)
    _assert_chain(proc.stdout)


def test_run_command_propagates(python, chain_script, tmp_path):
    # a command (not a .py script nor a python option) runs as is, switched
    proc = run([python, "-m", "zmq_cffi.run", "--", python, str(chain_script)],
               unswitched_environ(), cwd=tmp_path)
    _assert_chain(proc.stdout)


def test_run_keeps_existing_pythonpath_and_arguments(python, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "extramod.py").write_text("VALUE = 42\n")
    script = tmp_path / "args.py"
    script.write_text(textwrap.dedent("""
        import json, os, sys
        import extramod, zmq
        print(json.dumps({"argv": sys.argv[1:], "name": zmq.__name__, "value": extramod.VALUE,
                          "pythonpath": os.environ["PYTHONPATH"]}))
    """))
    env = unswitched_environ()
    env["PYTHONPATH"] = str(extra)
    proc = run([python, "-m", "zmq_cffi.run", str(script), "a b", "--flag", "-m"], env, tmp_path)
    [out] = reports(proc.stdout)
    assert out["argv"] == ["a b", "--flag", "-m"]
    assert out["name"] == "zmq_cffi"
    assert out["value"] == 42
    assert out["pythonpath"].split(os.pathsep) == [SHIM_DIR, str(extra)]


def test_run_twice_does_not_stack_the_shim(python, tmp_path):
    script = tmp_path / "pp.py"
    script.write_text("import os, zmq; print(zmq.__name__, os.environ['PYTHONPATH'])\n")
    proc = run([python, "-m", "zmq_cffi.run", "-m", "zmq_cffi.run", str(script)], unswitched_environ(), tmp_path)
    name, pythonpath = proc.stdout.split()
    assert name == "zmq_cffi"
    assert pythonpath.split(os.pathsep).count(SHIM_DIR) == 1


def test_run_exit_status(python, tmp_path):
    env = unswitched_environ()
    assert run([python, "-m", "zmq_cffi.run", "-c", "raise SystemExit(3)"], env, tmp_path, check=False).returncode == 3
    missing = run([python, "-m", "zmq_cffi.run", "no-such-command-zmq-cffi"], env, tmp_path, check=False)
    assert missing.returncode == 127
    assert "cannot run no-such-command-zmq-cffi" in missing.stderr
    usage = run([python, "-m", "zmq_cffi.run"], env, tmp_path, check=False)
    assert usage.returncode == 2 and "usage:" in usage.stderr


def test_switched_env_fixture(python, switched_env, tmp_path):
    assert switched_env["PYTHONPATH"].split(os.pathsep)[0] == SHIM_DIR
    assert switched_environ(switched_env) == switched_env  # idempotent
    proc = run([python, "-c", REPORT], switched_env, tmp_path)
    [report] = reports(proc.stdout)
    assert_cffi(report)


def test_switched_child_install_as_zmq_again_is_a_no_op(python, switched_env, tmp_path):
    code = REPORT + textwrap.dedent("""
        import zmq_cffi
        zmq_cffi.install_as_zmq()
        assert sys.modules["zmq"] is zmq_cffi
        import zmq.eventloop.zmqstream, zmq_cffi.eventloop.zmqstream
        assert zmq.eventloop.zmqstream is zmq_cffi.eventloop.zmqstream
        print("again ok")
    """)
    proc = run([python, "-c", code], switched_env, tmp_path)
    assert "again ok" in proc.stdout
    assert_cffi(reports(proc.stdout)[0])


def test_shim_of_another_zmq_cffi_copy_still_switches(python, switched_env, tmp_path):
    import shutil
    copy_dir = tmp_path / "copy"
    shutil.copytree(os.path.dirname(zmq_cffi.__file__), copy_dir / "zmq_cffi",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # `python -c` puts its cwd first on sys.path: the child imports the copy,
    # while PYTHONPATH holds this process's shim
    code = REPORT + "import zmq_cffi; assert zmq_cffi.__file__.startswith(%r)\n" % str(copy_dir)
    proc = run([python, "-c", code], switched_env, copy_dir)
    [report] = reports(proc.stdout)
    assert report["name"] == "zmq_cffi" and report["cffi_is_zmq"]


def test_python_dash_m_runs_a_zmq_submodule_as_main(python, switched_env, tmp_path):
    # runpy asks the alias loader for the code of zmq.curve_keygen: it must
    # be zmq_cffi.curve_keygen's, run as __main__.
    proc = subprocess.run([python, "-m", "zmq.curve_keygen", "--json"], env=switched_env,
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    keys = json.loads(proc.stdout)
    assert len(keys["public"]) == 40 and len(keys["secret"]) == 40
