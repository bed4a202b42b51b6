"""A real ipyparallel cluster (controller + 2 engines) on zmq_cffi.

The controller and the engines are child processes started by
``ipp.Cluster``; they inherit the switched environment (the stand-in ``zmq``
package first on ``PYTHONPATH``) exactly as under
``python -m zmq_cffi.run ipcluster start``.  The client runs in this
(switched) pytest process.  One cluster serves the whole module; the last
test closes the client and stops the cluster and checks nothing aborted.

Everything binds 127.0.0.1; the profile, IPython and Jupyter directories and
the children's working directory are under a temporary directory.
"""
import os
import re
import platform
import signal
import sys
import time

import numpy as np
import psutil
import pytest

import zmq
import zmq_cffi
from zmq_cffi.run import switched_environ

import ipyparallel as ipp

# Functions run on the engines: in the engine's namespace, not by reference to this module.
remote = ipp.interactive

PYPY = platform.python_implementation() == "PyPy"
STARTUP = 180 if PYPY else 90  # seconds for the controller and engines to come up
TIMEOUT = 60 if PYPY else 30  # seconds for any one result

pytestmark = pytest.mark.timeout(900 if PYPY else 400)


def _process_report(pid):
    """Which zmq extension a live process has mapped, and its environment's PYTHONPATH."""
    with open("/proc/%d/maps" % pid) as f:
        maps = f.read()
    with open("/proc/%d/environ" % pid, "rb") as f:
        environ = dict(item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item)
    return {"cffi_ext_loaded": "zmq_cffi/_zmq." in maps,
            "pyzmq_ext_loaded": "zmq/backend/cython" in maps or "pyzmq.libs" in maps,
            "pythonpath": environ.get(b"PYTHONPATH", b"").decode()}


@ipp.interactive
def _engine_report():
    """Run on an engine."""
    import os
    import sys

    import zmq
    with open("/proc/self/maps") as f:
        maps = f.read()
    return {"pid": os.getpid(), "name": zmq.__name__,
            "cffi_is_zmq": sys.modules.get("zmq_cffi") is zmq,
            "foreign": sorted(n for n, m in sys.modules.items()
                              if (n == "zmq" or n.startswith("zmq.")) and m is not None
                              and not getattr(m, "__name__", "").startswith("zmq_cffi")),
            "cffi_ext_loaded": "zmq_cffi/_zmq." in maps,
            "pyzmq_ext_loaded": "zmq/backend/cython" in maps or "pyzmq.libs" in maps}


def _buffer_root(obj):
    """What an array's memory ultimately belongs to (following .base and memoryview.obj)."""
    seen = 0
    while seen < 20:
        seen += 1
        if isinstance(obj, memoryview):
            obj = obj.obj
        elif getattr(obj, "base", None) is not None and not isinstance(obj, (bytes, bytearray)):
            obj = obj.base
        else:
            break
    return obj


def _is_message_memory(root_type):
    """Whether an array's memory root (``module.name`` of its type) is a
    received message: a cffi buffer, a Frame, or on CPython 3.12+ the
    ``_buffer_wrapper`` that PEP 688 puts between a memoryview and a Python
    class's ``__buffer__`` (Frame's), which hides the Frame behind it."""
    return (root_type.startswith("_cffi_backend.") or root_type.endswith(".Frame")
            or (sys.version_info >= (3, 12) and root_type == "builtins._buffer_wrapper"))


@ipp.interactive
def _describe_array(name):
    """Run on an engine: the pushed array's checksum and where its memory lives."""
    import numpy as np
    arr = globals()[name]
    root = arr
    for _ in range(20):
        if isinstance(root, memoryview):
            root = root.obj
        elif getattr(root, "base", None) is not None and not isinstance(root, (bytes, bytearray)):
            root = root.base
        else:
            break
    return {"type": type(arr).__name__, "dtype": str(arr.dtype), "shape": list(arr.shape),
            "sum": float(np.asarray(arr, dtype=np.float64).sum()), "first": float(arr.flat[0]),
            "last": float(arr.flat[-1]), "owndata": bool(arr.flags.owndata),
            "root": "%s.%s" % (type(root).__module__, type(root).__name__)}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("ipp")
    from IPython.core.profiledir import ProfileDir
    with pytest.MonkeyPatch.context() as mp:
        for name, sub in [("IPYTHONDIR", "ipython"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                          ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_CONFIG_DIR", "config")]:
            (root / sub).mkdir()
            mp.setenv(name, str(root / sub))
        # the children inherit the switch (as under python -m zmq_cffi.run)
        mp.setenv("PYTHONPATH", switched_environ()["PYTHONPATH"])
        # the launchers run the children in the current directory ('.'): a
        # temporary one, not the checkout (whose source tree `python -m` would import)
        mp.chdir(root)
        profile = ProfileDir.create_profile_dir(str(root / "profile_zmq_cffi"))
        c = ipp.Cluster(n=2, profile_dir=profile.location, controller_ip="127.0.0.1",
                        engine_timeout=STARTUP, shutdown_atexit=True)
        state = {"cluster": c, "client": None, "stopped": False}
        c.start_cluster_sync()
        try:
            state["client"] = rc = c.connect_client_sync()
            rc.wait_for_engines(2, timeout=STARTUP)
            yield state
        finally:
            if not state["stopped"]:
                try:
                    if state["client"] is not None:
                        state["client"].close()
                finally:
                    c.stop_cluster_sync()


def _pids(state):
    c = state["cluster"]
    controller = c.controller.process.pid
    engines = [launcher.process.pid for launcher in c.engine_set.launchers.values()]
    return controller, engines


def test_versions():
    import ipykernel
    import jupyter_client
    print("ipyparallel", ipp.__version__, "ipykernel", ipykernel.__version__,
          "jupyter_client", jupyter_client.__version__, "numpy", np.__version__)
    assert zmq is zmq_cffi


def test_every_cluster_process_runs_zmq_cffi(cluster):
    rc = cluster["client"]
    assert isinstance(rc._query_socket, zmq_cffi.Socket)
    controller, engines = _pids(cluster)
    assert len(engines) == 2
    pids = [controller] + engines
    # and every process those started (the controller's schedulers, ...)
    for pid in list(pids):
        pids += [child.pid for child in psutil.Process(pid).children(recursive=True)]
    for pid in pids:
        report = _process_report(pid)
        assert report["cffi_ext_loaded"], (pid, report)
        assert not report["pyzmq_ext_loaded"], (pid, report)
    # inside the engines
    reports = rc[:].apply_async(_engine_report).get(timeout=TIMEOUT)
    assert sorted(r["pid"] for r in reports) == sorted(engines)
    for report in reports:
        assert report["name"] == "zmq_cffi" and report["cffi_is_zmq"], report
        assert report["foreign"] == [], report
        assert report["cffi_ext_loaded"] and not report["pyzmq_ext_loaded"], report


def test_apply_sync(cluster):
    rc = cluster["client"]
    dview = rc[:]
    assert dview.apply_async(remote(lambda x, y: x * y), 6, 7).get(timeout=TIMEOUT) == [42, 42]
    pids = dview.apply_async(os.getpid).get(timeout=TIMEOUT)
    assert len(set(pids)) == 2
    # one engine, with kwargs
    assert rc[0].apply_async(remote(lambda a, b=1: a - b), 10, b=3).get(timeout=TIMEOUT) == 7
    # async, bounded
    ar = dview.apply_async(remote(lambda: "done"))
    assert ar.get(timeout=TIMEOUT) == ["done", "done"]


def test_map(cluster):
    rc = cluster["client"]
    expected = [x * x for x in range(64)]
    assert rc[:].map_async(remote(lambda x: x * x), range(64)).get(timeout=TIMEOUT) == expected
    lview = rc.load_balanced_view()
    assert lview.map_async(remote(lambda x: x * x), range(64)).get(timeout=TIMEOUT) == expected
    ar = lview.map_async(remote(lambda x: (x, __import__("os").getpid())), range(40), chunksize=2)
    results = ar.get(timeout=TIMEOUT)
    assert [x for x, _pid in results] == list(range(40))
    assert {pid for _x, pid in results} <= set(_pids(cluster)[1])


def test_remote_error(cluster):
    rc = cluster["client"]
    with pytest.raises(ipp.error.CompositeError) as info:
        rc[:].apply_async(remote(lambda: 1 / 0)).get(timeout=TIMEOUT)
    assert "ZeroDivisionError" in str(info.value)
    with pytest.raises(ipp.error.RemoteError) as info:
        rc.load_balanced_view().apply_async(remote(lambda: {}["missing"])).get(timeout=TIMEOUT)
    assert info.value.ename == "KeyError"


@pytest.mark.parametrize("nbytes, dtype", [(1 << 20, np.float64), (8 << 20, np.int32),
                                           (3 * (1 << 20) + 12, np.uint8)])
def test_push_pull_numpy(cluster, nbytes, dtype):
    rc = cluster["client"]
    dview = rc[:]
    rng = np.random.default_rng(nbytes)
    count = nbytes // np.dtype(dtype).itemsize
    if np.dtype(dtype).kind == "f":
        arr = rng.standard_normal(count).astype(dtype)
    else:
        arr = rng.integers(0, np.iinfo(dtype).max, size=count, dtype=dtype)
    arr = arr.reshape(-1, 4) if count % 4 == 0 else arr
    dview.push({"pushed": arr}, block=False).get(timeout=TIMEOUT)
    described = dview.apply_async(_describe_array, "pushed").get(timeout=TIMEOUT)
    print("engine arrays' memory:", sorted({d["root"] for d in described}))
    for d in described:
        assert d["type"] == "ndarray" and np.dtype(d["dtype"]) == arr.dtype, d
        assert d["shape"] == list(arr.shape)
        assert d["sum"] == pytest.approx(float(arr.astype(np.float64).sum()), rel=1e-9)
        assert d["first"] == float(arr.flat[0]) and d["last"] == float(arr.flat[-1])
        # zero-copy on the engine: the array is a view of the received message,
        # not of a bytes copy (ipyparallel receives with copy=False)
        assert not d["owndata"], d
        assert d["root"] not in ("builtins.bytes", "builtins.bytearray"), d
        assert _is_message_memory(d["root"]), d
    pulled = dview.pull("pushed", block=False).get(timeout=TIMEOUT)
    assert len(pulled) == 2
    for back in pulled:
        assert back.dtype == arr.dtype and back.shape == arr.shape
        assert np.array_equal(back, arr)
        # zero-copy on the client too
        assert not back.flags.owndata
        root = _buffer_root(back)
        assert not isinstance(root, (bytes, bytearray)), type(root)
        assert isinstance(root, zmq.Frame) or _is_message_memory(
            "%s.%s" % (type(root).__module__, type(root).__name__)), type(root)
        print("client array's memory:", type(root))
    # the engine computes with it
    total = remote(lambda name: float(globals()[name].astype("float64").sum()))
    sums = dview.apply_async(total, "pushed").get(timeout=TIMEOUT)
    assert sums == [pytest.approx(float(arr.astype(np.float64).sum()), rel=1e-9)] * 2


def test_numpy_arguments_and_results(cluster):
    rc = cluster["client"]
    arr = np.arange(1 << 20, dtype=np.float64)  # 8 MB
    doubled = rc[:].apply_async(remote(lambda a: a * 2), arr).get(timeout=TIMEOUT)
    for out in doubled:
        assert np.array_equal(out, arr * 2)
    # scatter/gather split and rebuild a large array across the engines
    dview = rc[:]
    dview.scatter("part", arr, block=False).get(timeout=TIMEOUT)
    sizes = dview.apply_async(remote(lambda: len(globals()["part"]))).get(timeout=TIMEOUT)
    assert sum(sizes) == arr.size and len(sizes) == 2
    assert np.array_equal(dview.gather("part", block=False).get(timeout=TIMEOUT), arr)


def test_push_tracked_zero_copy_send(cluster):
    rc = cluster["client"]
    arr = np.ones(1 << 20, dtype=np.float64)
    ar = rc[:].push({"tracked": arr}, block=False, track=True)
    ar.wait_for_send(timeout=TIMEOUT)
    assert ar.sent
    ar.get(timeout=TIMEOUT)
    total = remote(lambda: float(globals()["tracked"].sum()))
    assert rc[:].apply_async(total).get(timeout=TIMEOUT) == [float(1 << 20)] * 2


def test_close_client_and_stop_cluster(cluster):
    """Last in the module: Client.close() and the cluster's stop, without aborts."""
    c, rc = cluster["cluster"], cluster["client"]
    controller, engines = _pids(cluster)
    engine_set = c.engine_set
    launchers = [c.controller] + list(engine_set.launchers.values())
    children = []
    for pid in [controller] + engines:
        children += psutil.Process(pid).children(recursive=True)
    # a second client, closed at once, then the main one
    rc2 = c.connect_client_sync()
    rc2.wait_for_engines(2, timeout=TIMEOUT)
    assert rc2[:].apply_async(remote(lambda: 1)).get(timeout=TIMEOUT) == [1, 1]
    rc2.close()
    rc.close()
    assert rc._closed and rc2._closed
    assert all(getattr(rc, name).closed for name in rc.trait_names()
               if name.endswith("socket") and getattr(rc, name) is not None)
    start = time.monotonic()
    c.stop_cluster_sync()
    cluster["stopped"] = True
    assert time.monotonic() - start < STARTUP
    deadline = time.monotonic() + 30
    for pid in [controller] + engines + [p.pid for p in children]:
        while _running(pid):
            assert time.monotonic() < deadline, "process %d still running" % pid
            time.sleep(0.1)
    for launcher in launchers:
        output = launcher.get_output() or ""
        for bad in ("Assertion failed", "Fatal Python error", "Segmentation fault", "Aborted"):
            assert bad not in output, (launcher.identifier, output[-3000:])
        # the one traceback allowed: ipyparallel's engine leaving run_sync on SIGTERM
        # (the same under pyzmq)
        assert set(_traceback_ends(output)) <= {
            "RuntimeError: Event loop stopped before Future completed."}, output[-3000:]
        code = (launcher.stop_data or {}).get("exit_code")
        # stopped by a signal or exited; never SIGABRT/SIGSEGV
        assert code not in (-signal.SIGABRT, -signal.SIGSEGV, 134, 139), (
            launcher.identifier, launcher.stop_data, output[-3000:])


def _running(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _traceback_ends(output):
    """The exception line ending each traceback in a log."""
    # Python 3.13+ may colour tracebacks: compare the text.
    lines = re.sub(r"\x1b\[[0-9;]*m", "", output).splitlines()
    ends = []
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last):"):
            for follow in lines[i + 1:]:
                if follow and not follow.startswith(" "):
                    ends.append(follow.strip())
                    break
    return ends
