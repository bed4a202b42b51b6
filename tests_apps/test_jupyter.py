"""A real Jupyter kernel (ipykernel) driven by jupyter_client, both on zmq_cffi.

The kernel is a child process started by jupyter_client's KernelManager with
the switched environment (the stand-in ``zmq`` package first on
``PYTHONPATH``), either through the kernel spec's ``env`` or through
``start_kernel(env=...)``; every test checks, inside the kernel, that its
``zmq`` is zmq_cffi and that pyzmq's extension is not even loaded.  The
clients run in this (switched) pytest process, except the threaded client,
which runs in a switched child so that an abort shows up as a failed test.

Everything binds 127.0.0.1; connection files, runtime, data, config and
IPython directories live under a temporary directory.
"""
import asyncio
import json
import os
import platform
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

import zmq
import zmq_cffi
from zmq_cffi.run import switched_environ

import jupyter_client
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import AsyncKernelManager, KernelManager

PYPY = platform.python_implementation() == "PyPy"
STARTUP = 120 if PYPY else 60  # seconds for a kernel to start and answer
REPLY = 60  # seconds for any reply

pytestmark = pytest.mark.timeout(600 if PYPY else 300)

SPEC_SWITCHED = "zmq-cffi-switched"  # kernel spec whose env switches the kernel
SPEC_PLAIN = "zmq-cffi-plain"  # kernel spec without env: start_kernel(env=...) decides

# Run inside the kernel: what its zmq is, and which zmq extension it loaded.
KERNEL_REPORT = textwrap.dedent("""
    import json as _json, os as _os, sys as _sys
    import zmq as _zmq
    with open("/proc/self/maps") as _f:
        _maps = _f.read()
    print(_json.dumps({
        "pid": _os.getpid(),
        "name": _zmq.__name__,
        "cffi_is_zmq": _sys.modules.get("zmq_cffi") is _zmq,
        "foreign": sorted(_n for _n, _m in _sys.modules.items()
                          if (_n == "zmq" or _n.startswith("zmq.")) and _m is not None
                          and not getattr(_m, "__name__", "").startswith("zmq_cffi")),
        "cffi_ext_loaded": "zmq_cffi/_zmq." in _maps,
        "pyzmq_ext_loaded": "zmq/backend/cython" in _maps or "pyzmq.libs" in _maps,
    }))
""")


def assert_kernel_runs_zmq_cffi(report):
    assert report["name"] == "zmq_cffi", report
    assert report["cffi_is_zmq"], report
    assert report["foreign"] == [], report
    assert report["cffi_ext_loaded"], report
    assert not report["pyzmq_ext_loaded"], report


@pytest.fixture(scope="module")
def jupyter_home(tmp_path_factory):
    """Private Jupyter/IPython directories, and two kernel specs for this interpreter."""
    root = tmp_path_factory.mktemp("jupyter")
    dirs = {name: root / sub for name, sub in [
        ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_CONFIG_DIR", "config"), ("IPYTHONDIR", "ipython")]}
    for path in dirs.values():
        path.mkdir()
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    with pytest.MonkeyPatch.context() as mp:
        for name, path in dirs.items():
            mp.setenv(name, str(path))
        mp.setenv("JUPYTER_PLATFORM_DIRS", "1")
        for spec_name, env in [(SPEC_SWITCHED, {"PYTHONPATH": switched_environ()["PYTHONPATH"]}),
                               (SPEC_PLAIN, {})]:
            spec_dir = dirs["JUPYTER_DATA_DIR"] / "kernels" / spec_name
            spec_dir.mkdir(parents=True)
            spec = {"argv": argv, "display_name": spec_name, "language": "python",
                    "interrupt_mode": "signal", "env": env,
                    "metadata": {"supported_encryption": ["curve"]}}
            (spec_dir / "kernel.json").write_text(json.dumps(spec))
        yield root


def kernel_env(switched=True):
    """The environment for a kernel child: this process's (with jupyter_home's dirs)."""
    return switched_environ() if switched else {
        k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def start_kernel(root, spec=SPEC_SWITCHED, env=None, transport="tcp", ip="127.0.0.1", **kw):
    name = "kernel-%s.json" % uuid.uuid4().hex[:8]
    km = KernelManager(kernel_name=spec, ip=ip, transport=transport,
                       connection_file=str(root / "runtime" / name))
    km.start_kernel(env=kernel_env() if env is None else env, cwd=str(root), **kw)
    kc = km.client()
    assert isinstance(kc, BlockingKernelClient)
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=STARTUP)
    except BaseException:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise
    return km, kc


def stop_kernel(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert not km.is_alive()


def execute(kc, code, timeout=REPLY):
    """Run code; return (reply, iopub messages of that request)."""
    outputs = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append,
                                   allow_stdin=False)
    return reply, outputs


def stdout_of(outputs):
    return "".join(m["content"]["text"] for m in outputs
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def results_of(outputs):
    return [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]


def kernel_report(kc):
    reply, outputs = execute(kc, KERNEL_REPORT)
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads(stdout_of(outputs).strip().splitlines()[-1])


def shell_reply(kc, msg_id, timeout=REPLY):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "no shell reply to %s within %s s" % (msg_id, timeout)
        msg = kc.get_shell_msg(timeout=remaining)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_until(kc, predicate, timeout=REPLY):
    """IOPub messages up to and including the first one matching predicate."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "no matching iopub message within %s s; saw %s" % (
            timeout, [m["msg_type"] for m in seen])
        msg = kc.get_iopub_msg(timeout=remaining)
        seen.append(msg)
        if predicate(msg):
            return seen


@pytest.fixture(scope="module")
def kernel(jupyter_home):
    """One switched kernel (spec env) and its blocking client, for the module."""
    km, kc = start_kernel(jupyter_home)
    yield km, kc
    stop_kernel(km, kc)


# -- the switch reaches the kernel ------------------------------------------------

def test_versions_and_this_process():
    import ipykernel
    assert zmq is zmq_cffi
    print("jupyter_client", jupyter_client.__version__, "ipykernel", ipykernel.__version__)


def test_kernel_spec_env_switches_the_kernel(kernel):
    km, kc = kernel
    # the client side's sockets are zmq_cffi's
    assert isinstance(km.context, zmq_cffi.Context)
    assert isinstance(kc.shell_channel.socket, zmq_cffi.Socket)
    assert_kernel_runs_zmq_cffi(kernel_report(kc))


def test_start_kernel_env_switches_the_kernel(jupyter_home):
    # the control: the plain spec with an unswitched env is pyzmq
    km, kc = start_kernel(jupyter_home, spec=SPEC_PLAIN, env=kernel_env(switched=False))
    try:
        report = kernel_report(kc)
        # pyzmq's compiled backend, or on PyPy without a pyzmq wheel (3.11)
        # its cffi backend, built from source
        assert report["name"] == "zmq" and (
            report["pyzmq_ext_loaded"] or "zmq.backend.cffi" in report["foreign"]), report
    finally:
        stop_kernel(km, kc)
    km, kc = start_kernel(jupyter_home, spec=SPEC_PLAIN, env=kernel_env(switched=True))
    try:
        assert_kernel_runs_zmq_cffi(kernel_report(kc))
    finally:
        stop_kernel(km, kc)


def test_ipc_transport(jupyter_home):
    ipc_dir = jupyter_home / "ipc"
    ipc_dir.mkdir(exist_ok=True)
    km, kc = start_kernel(jupyter_home, transport="ipc", ip=str(ipc_dir / "k"))
    try:
        assert kc.shell_channel.socket.getsockopt(zmq.LAST_ENDPOINT).decode().startswith(
            "ipc://" + str(ipc_dir))
        assert_kernel_runs_zmq_cffi(kernel_report(kc))
        reply, outputs = execute(kc, "print('over ipc'); 1 + 1")
        assert stdout_of(outputs) == "over ipc\n" and results_of(outputs) == ["2"]
    finally:
        stop_kernel(km, kc)


@pytest.mark.skipif(not KernelManager.class_traits().get("transport_encryption"),
                    reason="this jupyter_client (%s) has no transport_encryption" % jupyter_client.__version__)
def test_curve_encrypted_kernel(jupyter_home):
    """jupyter_client >= 8.7 provisions CurveZMQ keys: both ends run CURVE on zmq_cffi."""
    km, kc = start_kernel(jupyter_home, transport_encryption="required")
    try:
        assert km.curve_publickey and km.curve_secretkey
        sock = kc.shell_channel.socket
        assert sock.getsockopt(zmq.MECHANISM) == zmq.CURVE
        assert sock.getsockopt(zmq.CURVE_SERVERKEY) == km.curve_publickey
        assert_kernel_runs_zmq_cffi(kernel_report(kc))
        reply, outputs = execute(kc, textwrap.dedent("""
            import zmq
            _k = get_ipython().kernel
            print(_k.control_stream.socket.getsockopt(zmq.MECHANISM) == zmq.CURVE,
                  _k.control_stream.socket.getsockopt(zmq.CURVE_SERVER))
        """))
        assert reply["content"]["status"] == "ok", reply["content"]
        assert stdout_of(outputs) == "True 1\n"
        reply, outputs = execute(kc, "'encrypted'")
        assert results_of(outputs) == ["'encrypted'"]
    finally:
        stop_kernel(km, kc)


# -- blocking client ----------------------------------------------------------------

def test_execute_stdout_and_result(kernel):
    _km, kc = kernel
    reply, outputs = execute(kc, "print('hello from', __import__('zmq').__name__)\n6 * 7")
    assert reply["content"]["status"] == "ok"
    assert stdout_of(outputs) == "hello from zmq_cffi\n"
    assert results_of(outputs) == ["42"]
    statuses = [m["content"]["execution_state"] for m in outputs if m["msg_type"] == "status"]
    assert statuses[0] == "busy" and statuses[-1] == "idle"
    count = reply["content"]["execution_count"]
    reply, outputs = execute(kc, "'x' * 3")
    assert reply["content"]["execution_count"] == count + 1
    assert results_of(outputs) == ["'xxx'"]


def test_error_reply(kernel):
    _km, kc = kernel
    reply, outputs = execute(kc, "1 / 0")
    content = reply["content"]
    assert content["status"] == "error"
    assert content["ename"] == "ZeroDivisionError"
    assert "division by zero" in content["evalue"]
    errors = [m for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["content"]["ename"] == "ZeroDivisionError"
    # the kernel goes on
    reply, outputs = execute(kc, "2 + 2")
    assert reply["content"]["status"] == "ok" and results_of(outputs) == ["4"]


def test_kernel_info_and_complete(kernel):
    _km, kc = kernel
    info = kc.kernel_info(reply=True, timeout=REPLY)
    assert info["content"]["status"] == "ok"
    assert info["content"]["language_info"]["name"] == "python"
    assert execute(kc, "import zmq")[0]["content"]["status"] == "ok"
    reply = kc.complete("zmq.Conte", reply=True, timeout=REPLY)
    assert "Context" in [m.rsplit(".", 1)[-1] for m in reply["content"]["matches"]]


def test_interrupt_running_sleep(kernel):
    km, kc = kernel
    msg_id = kc.execute("import time; time.sleep(30)")
    iopub_until(kc, lambda m: m["msg_type"] == "execute_input"
                and m["parent_header"].get("msg_id") == msg_id)
    time.sleep(0.5)  # into the sleep
    start = time.monotonic()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=20)
    elapsed = time.monotonic() - start
    assert reply["content"]["status"] == "error", reply["content"]
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert elapsed < 10, "interrupt took %.1f s" % elapsed
    reply, outputs = execute(kc, "'still alive'")
    assert results_of(outputs) == ["'still alive'"]


def test_comm_binary_buffers_round_trip(kernel):
    """Comm messages with binary buffers, both ways: the kernel receives them
    (memoryviews of received frames, Session.deserialize(copy=False)) and sends
    them back reversed, large ones zero-copy."""
    _km, kc = kernel
    reply, _ = execute(kc, textwrap.dedent("""
        import comm
        def _echo_target(c, open_msg):
            c.send({"opened": open_msg["content"]["data"], "nbufs": len(open_msg["buffers"])})
            @c.on_msg
            def _on_msg(msg):
                bufs = [memoryview(b) for b in msg["buffers"]]
                c.send({"sizes": [b.nbytes for b in bufs], "data": msg["content"]["data"]},
                       buffers=[b.tobytes()[::-1] for b in bufs])
        comm.get_comm_manager().register_target("zmq_cffi_echo", _echo_target)
    """))
    assert reply["content"]["status"] == "ok", reply["content"]
    comm_id = uuid.uuid4().hex

    def comm_msg(msg):
        return msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id

    opening = kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "zmq_cffi_echo",
                                           "data": {"hello": 1}})
    opening["buffers"] = [b"open-buffer"]
    kc.shell_channel.send(opening)
    first = iopub_until(kc, comm_msg)[-1]
    assert first["content"]["data"] == {"opened": {"hello": 1}, "nbufs": 1}

    small = b"\x00\x01\x02zmq\xff"
    big = os.urandom(2 * 1024 * 1024)  # above Session.copy_threshold: zero-copy send
    message = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"n": 2}})
    message["buffers"] = [small, memoryview(big)]
    kc.shell_channel.send(message)
    echo = iopub_until(kc, comm_msg)[-1]
    assert echo["content"]["data"] == {"sizes": [len(small), len(big)], "data": {"n": 2}}
    buffers = echo["buffers"]
    assert len(buffers) == 2
    assert bytes(buffers[0]) == small[::-1]
    assert bytes(buffers[1]) == big[::-1]


def test_stdin_input_request(kernel):
    """input() in the kernel: an input_request on the stdin channel, answered by
    the client (ipykernel waits for it with zmq.select on its stdin socket)."""
    _km, kc = kernel
    prompts = []

    def stdin_hook(msg):
        prompts.append(msg["content"]["prompt"])
        kc.input("zmq_cffi user")

    outputs = []
    reply = kc.execute_interactive("name = input('who? '); print('hi', name)", timeout=REPLY,
                                   output_hook=outputs.append, allow_stdin=True,
                                   stdin_hook=stdin_hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert prompts == ["who? "]
    assert stdout_of(outputs).endswith("hi zmq_cffi user\n")


def test_display_data(kernel):
    _km, kc = kernel
    reply, outputs = execute(kc, textwrap.dedent("""
        from IPython.display import display, HTML
        display(HTML("<b>zmq_cffi</b>"), metadata={"k": 1})
    """))
    assert reply["content"]["status"] == "ok"
    displays = [m for m in outputs if m["msg_type"] == "display_data"]
    assert len(displays) == 1
    assert displays[0]["content"]["data"]["text/html"] == "<b>zmq_cffi</b>"


def test_restart_kernel(kernel):
    """Runs last in the module (it restarts the shared kernel)."""
    km, kc = kernel
    reply, _ = execute(kc, "restart_marker = 1")
    assert reply["content"]["status"] == "ok"
    before = kernel_report(kc)
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=STARTUP)
    reply, outputs = execute(kc, "restart_marker")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NameError"
    after = kernel_report(kc)
    assert after["pid"] != before["pid"]
    assert_kernel_runs_zmq_cffi(after)  # the restarted kernel is switched too
    reply, outputs = execute(kc, "print('after restart')")
    assert stdout_of(outputs) == "after restart\n"


# -- threaded client (qtconsole's), in a switched child -----------------------------

THREADED_CLIENT = textwrap.dedent("""
    import json, os, queue, sys, time
    import zmq, zmq_cffi
    assert zmq is zmq_cffi, zmq
    from jupyter_client.manager import KernelManager
    from jupyter_client.threaded import ThreadedKernelClient, ThreadedZMQSocketChannel

    received = queue.Queue()

    def channel(name):
        class Channel(ThreadedZMQSocketChannel):
            def call_handlers(self, msg):  # in the ioloop thread
                received.put((name, msg))
        return Channel

    class Client(ThreadedKernelClient):
        shell_channel_class = channel("shell")
        iopub_channel_class = channel("iopub")
        stdin_channel_class = channel("stdin")
        control_channel_class = channel("control")

    inbox = []  # received, not yet matched

    def wait_for(pred, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            for i, (name, msg) in enumerate(inbox):
                if pred(name, msg):
                    del inbox[i]
                    return msg
            inbox.append(received.get(timeout=max(0.01, deadline - time.monotonic())))

    def wait_for_ready(kc, timeout):
        # ThreadedKernelClient has no wait_for_ready: kernel_info until its
        # iopub status arrives (the shell channel is up and iopub subscribed)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg_id = kc.kernel_info()
            try:
                wait_for(lambda n, m: n == "iopub" and m["parent_header"].get("msg_id") == msg_id,
                         timeout=1)
                return
            except queue.Empty:
                pass
        raise TimeoutError("kernel not ready in %s s" % timeout)

    root = sys.argv[1]
    km = KernelManager(kernel_name=sys.argv[2], ip="127.0.0.1",
                       connection_file=os.path.join(root, "runtime", "threaded-%d.json" % os.getpid()))
    km.client_factory = Client
    km.start_kernel(cwd=root)
    result = {}
    try:
        for round in range(2):  # a second client after the first one's stop_channels()
            kc = km.client()
            assert isinstance(kc, Client), type(kc)
            kc.start_channels()
            wait_for_ready(kc, float(sys.argv[3]))
            msg_id = kc.execute("import zmq; print(zmq.__name__); 40 + 2")
            reply = wait_for(lambda n, m: n == "shell" and m["parent_header"].get("msg_id") == msg_id)
            stream = wait_for(lambda n, m: n == "iopub" and m["msg_type"] == "stream"
                              and m["parent_header"].get("msg_id") == msg_id)
            res = wait_for(lambda n, m: n == "iopub" and m["msg_type"] == "execute_result"
                           and m["parent_header"].get("msg_id") == msg_id)
            result["round%d" % round] = {"status": reply["content"]["status"],
                                         "stdout": stream["content"]["text"],
                                         "result": res["content"]["data"]["text/plain"]}
            kc.iopub_channel.flush(timeout=1)
            del inbox[:]
            loop_thread = kc.ioloop_thread
            if round == 0:
                kc.stop_channels()
            else:
                # what stop_channels() does in jupyter_client 8.6 (the newest on
                # Python 3.9): stop the channels, leave their streams registered and
                # their sockets open, then IOLoop.close(all_fds=True)
                for chan in (kc.shell_channel, kc.iopub_channel, kc.stdin_channel,
                             kc.hb_channel, kc.control_channel):
                    if chan.is_alive():
                        chan.stop()
                loop_thread.stop()
                # as with pyzmq, close(all_fds=True) closed the streams' sockets
                # (not libzmq's internal FDs); the context is then destroyed cleanly
                result["sockets_closed_by_loop"] = [
                    chan.socket.closed for chan in (kc.shell_channel, kc.iopub_channel,
                                                    kc.stdin_channel, kc.control_channel)]
                kc.context.destroy(linger=100)
            result["round%d" % round]["thread_alive_after_stop"] = loop_thread.is_alive()
            result["round%d" % round]["channels_alive_after_stop"] = bool(kc.channels_running)
        # this process's libzmq still works (a closed internal fd aborts it here, at the latest)
        ctx = zmq.Context()
        a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect("tcp://127.0.0.1:%d" % port)
        b.send(b"after stop_channels")
        assert a.poll(10000) and a.recv() == b"after stop_channels"
        a.close(); b.close(); ctx.term()
    finally:
        km.shutdown_kernel(now=False)
    result["kernel_alive"] = km.is_alive()
    print("RESULT " + json.dumps(result), flush=True)
""")


def test_threaded_client_and_stop_channels(jupyter_home, python, tmp_path):
    """The client program runs under ``python -m zmq_cffi.run`` from an unswitched
    environment, with the plain kernel spec: the kernel it starts is switched only
    by inheriting the program's environment."""
    script = tmp_path / "threaded_client.py"
    script.write_text(THREADED_CLIENT)
    proc = subprocess.run([python, "-m", "zmq_cffi.run", str(script), str(jupyter_home), SPEC_PLAIN,
                           str(STARTUP)],
                          env=kernel_env(switched=False), cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=STARTUP + 3 * REPLY)
    detail = "exit %s\nstdout:\n%s\nstderr:\n%s" % (proc.returncode, proc.stdout, proc.stderr[-4000:])
    assert proc.returncode == 0, detail  # -6 is the abort stop_channels() used to cause
    assert "Assertion failed" not in proc.stderr, detail
    [line] = [out for out in proc.stdout.splitlines() if out.startswith("RESULT ")]
    result = json.loads(line[len("RESULT "):])
    for round in ("round0", "round1"):
        assert result[round] == {"status": "ok", "stdout": "zmq_cffi\n", "result": "42",
                                 "thread_alive_after_stop": False,
                                 "channels_alive_after_stop": False}, result
    assert result["sockets_closed_by_loop"] == [True] * 4, result
    assert result["kernel_alive"] is False


# -- asyncio client -----------------------------------------------------------------

def test_async_kernel_manager_and_client(jupyter_home):
    async def scenario():
        km = AsyncKernelManager(kernel_name=SPEC_SWITCHED, ip="127.0.0.1",
                                connection_file=str(jupyter_home / "runtime" / "async.json"))
        await km.start_kernel(cwd=str(jupyter_home))
        kc = km.client()
        kc.start_channels()
        try:
            await asyncio.wait_for(kc.wait_for_ready(timeout=STARTUP), STARTUP + 5)
            # zmq.asyncio sockets of zmq_cffi under the async channels
            assert isinstance(kc.shell_channel.socket, zmq_cffi.asyncio.Socket)

            async def run(code):
                msg_id = kc.execute(code)
                outputs = []
                while True:
                    msg = await kc.get_iopub_msg(timeout=REPLY)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    outputs.append(msg)
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        break
                while True:
                    reply = await kc.get_shell_msg(timeout=REPLY)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        return reply, outputs

            report_reply, outputs = await run(KERNEL_REPORT)
            assert_kernel_runs_zmq_cffi(json.loads(stdout_of(outputs).strip()))
            reply, outputs = await run("print('async'); 3 * 3")
            assert reply["content"]["status"] == "ok"
            assert stdout_of(outputs) == "async\n" and results_of(outputs) == ["9"]
            reply, _ = await run("raise ValueError('boom')")
            assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "ValueError"

            # interrupt, async: the sleep ends with KeyboardInterrupt well before 30 s
            msg_id = kc.execute("import time; time.sleep(30)")
            while True:
                msg = await kc.get_iopub_msg(timeout=REPLY)
                if msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") == msg_id:
                    break
            await asyncio.sleep(0.5)
            start = time.monotonic()
            await km.interrupt_kernel()
            while True:
                reply = await kc.get_shell_msg(timeout=20)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            assert reply["content"]["ename"] == "KeyboardInterrupt"
            assert time.monotonic() - start < 10

            # restart, async
            old_pid = json.loads(stdout_of((await run(KERNEL_REPORT))[1]).strip())["pid"]
            await km.restart_kernel(now=True)
            await asyncio.wait_for(kc.wait_for_ready(timeout=STARTUP), STARTUP + 5)
            report = json.loads(stdout_of((await run(KERNEL_REPORT))[1]).strip())
            assert report["pid"] != old_pid
            assert_kernel_runs_zmq_cffi(report)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=False)
        assert not await km.is_alive()

    asyncio.run(asyncio.wait_for(scenario(), STARTUP * 2 + 6 * REPLY))
