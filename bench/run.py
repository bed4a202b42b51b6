"""Run the zmq_cffi benchmark on this interpreter; write one raw JSON file.

    python bench/run.py --out bench/results/raw/<tag>.json [--quick]
                        [--impls zmq_cffi,pyzmq,c] [--workloads a,b,...]

Implementations: ``zmq_cffi`` (module zmq_cffi), ``pyzmq_wheel`` (module zmq
from pyzmq's binary wheel, which bundles its own libzmq: what users install;
installed with ``pip install --target DIR`` and given as ``--pyzmq-wheel DIR``),
``pyzmq`` (module zmq, pyzmq built from source against the system libzmq) and
``c`` (bench/c/zmqbench.c against the system libzmq, compiled on demand into
bench/.build/).  A Python binding that cannot be imported is recorded as
unavailable; so is a workload the binding lacks (Poller, asyncio) and C where
it has no counterpart (asyncio_rt).

Every (implementation, workload) pair runs in a fresh child process (this
script with ``--worker``, or the C binary) under a wall-clock limit, so a
crash or a hang in one pair is recorded as an error and the rest still runs.
Each pair: ``warmup`` runs (not counted; they warm PyPy's JIT up), then N
measured runs of a fixed message count; the value reported is the best of N.

Python 3.9 syntax: PyPy 3.9 runs this too.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
C_SOURCE = os.path.join(HERE, "c", "zmqbench.c")
BUILD_DIR = os.path.join(HERE, ".build")
C_BINARY = os.path.join(BUILD_DIR, "zmqbench")

SCHEMA = 1

# impl name -> Python module; "c" is the C baseline.  "pyzmq" is pyzmq built
# from source against the system libzmq (installed in the venv); "pyzmq_wheel"
# is pyzmq's wheel, run with its --target directory first on PYTHONPATH.
MODULES = {"zmq_cffi": "zmq_cffi", "pyzmq_wheel": "zmq", "pyzmq": "zmq"}
ALL_IMPLS = ["zmq_cffi", "pyzmq_wheel", "pyzmq", "c"]

# name, unit, which way is better, description, (count, runs) for a full run,
# (count, runs) for a quick run.  "runs" is N of best-of-N.
# Counts are sized for the slowest binding on this 2-core machine: a full run
# of all three implementations stays within a few minutes per interpreter,
# a quick one within ~1 minute.
WORKLOADS = [
    ("thr_32b", "msgs/s", "higher",
     "PUSH->PULL throughput, 32 B, tcp 127.0.0.1, sender thread",
     (1000000, 5), (200000, 3)),
    # Round trips on this VM are bimodal (scheduler wake-ups): more, shorter
    # runs give best-of-N more chances to see the fast mode, for every impl.
    ("lat_32b", "us", "lower",
     "REQ/REP round trip, 32 B, tcp 127.0.0.1, echo thread",
     (10000, 9), (2000, 5)),
    ("call_overhead", "ns", "lower",
     "send + recv of 32 B on an inproc PAIR, one thread",
     (500000, 5), (100000, 3)),
    ("multipart_3x32b", "msgs/s", "higher",
     "send_multipart/recv_multipart, 3 x 32 B, PUSH->PULL inproc, sender thread",
     (400000, 5), (80000, 3)),
    ("big_100k_nocopy", "msgs/s", "higher",
     "PUSH->PULL 100,000 B, tcp 127.0.0.1, copy=False send and recv",
     (20000, 5), (5000, 3)),
    ("big_100k_copy", "msgs/s", "higher",
     "PUSH->PULL 100,000 B, tcp 127.0.0.1, copy=True send and recv",
     (20000, 5), (5000, 3)),
    ("poll_idle10", "us", "lower",
     "Poller.poll(0) over 10 idle PULL sockets (zmq_poll in C)",
     (100000, 5), (20000, 3)),
    ("asyncio_rt", "us", "lower",
     "asyncio DEALER/ROUTER round trip, 32 B, tcp 127.0.0.1, one event loop",
     (5000, 9), (1000, 5)),
    # What applications do (workloads.py, "what applications do").
    ("asyncio_inflight", "msgs/s", "higher",
     "asyncio: 100 coroutines share a DEALER, 32 B requests, ROUTER echo, "
     "tcp 127.0.0.1, one event loop",
     (20000, 5), (3000, 3)),
    ("zmqstream_echo", "msgs/s", "higher",
     "tornado ZMQStream: ROUTER echoes in on_recv, DEALER keeps 100 requests "
     "in flight, 32 B, tcp 127.0.0.1",
     (20000, 5), (3000, 3)),
    ("jupyter_1mb", "rt/s", "higher",
     "Jupyter-like 6-part message with a 1 MiB buffer, DEALER -> ROUTER echo "
     "thread -> DEALER, copy=False both ways, tcp 127.0.0.1",
     (1000, 5), (200, 3)),
    ("socket_churn", "sockets/s", "higher",
     "ctx.socket(DEALER) then close(), one thread",
     (20000, 5), (5000, 3)),
    ("mem_idle_socket", "KiB", "lower",
     "resident memory per idle DEALER socket, 400 sockets in a new context",
     (400, 5), (400, 3)),
]
WORKLOAD_NAMES = [w[0] for w in WORKLOADS]
NO_C = dict((name, "no C counterpart")
            for name in ("asyncio_rt", "asyncio_inflight", "zmqstream_echo"))

# Round trips are pinned to one CPU (the child process and every thread it
# starts, libzmq's I/O thread included), for every implementation alike.  On
# this 2-vCPU VM an unpinned round trip is bimodal: ~37 us when the peers
# happen to share a CPU, 80-100 us when each wake-up crosses CPUs, switching
# from run to run, which buries the binding's cost.  Pinned, C, pyzmq and
# zmq_cffi all repeat within a few %.  Throughput workloads are not pinned:
# their sender and receiver should run in parallel.  --no-pin turns this off.
PIN_ONE_CPU = ("lat_32b", "asyncio_rt", "jupyter_1mb")

WARMUP_RUNS = 1
SOCKET_TIMEOUT_MS = 10000     # RCVTIMEO/SNDTIMEO of every socket
PAIR_TIMEOUT_S = (240, 60)    # wall-clock limit per (impl, workload), full/quick


def log(msg):
    sys.stderr.write("[bench] %s\n" % msg)
    sys.stderr.flush()


# ------------------------------------------------------------------ worker

def worker_main(args):
    """Child process: run one workload of one module; JSON lines on stdout."""
    import importlib
    import workloads  # bench/ is sys.path[0] when this file runs as a script

    def out(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    try:
        mod = importlib.import_module(args.module)
    except Exception as e:
        out({"unavailable": "import %s failed: %s: %s" % (args.module, type(e).__name__, e)})
        return 0
    spec = dict((w[0], w) for w in WORKLOADS)[args.worker]
    unit = spec[1]

    def emit(is_warmup, value, elapsed):
        out({"workload": args.worker, "warmup": int(bool(is_warmup)), "value": value,
             "unit": unit, "count": args.count, "elapsed_s": elapsed})

    try:
        workloads.FUNCTIONS[args.worker](mod, args.count, args.runs, args.warmup,
                                         args.timeout_ms, emit)
    except workloads.Unavailable as e:
        out({"unavailable": str(e)})
    except Exception as e:
        out({"error": "%s: %s" % (type(e).__name__, e)})
        # A peer thread may still hold a socket: don't wait for context teardown.
        os._exit(1)
    return 0


def probe_main(module):
    """Child process: describe one binding module as JSON."""
    import importlib
    try:
        mod = importlib.import_module(module)
    except Exception as e:
        print(json.dumps({"available": False,
                          "reason": "import %s failed: %s: %s" % (module, type(e).__name__, e)}))
        return 0
    info = {"available": True, "module": module, "file": getattr(mod, "__file__", None)}
    for key, fn in (("version", "pyzmq_version"), ("libzmq", "zmq_version")):
        try:
            info[key] = getattr(mod, fn)()
        except Exception as e:
            info[key] = "unknown (%s)" % type(e).__name__
    if module == "zmq":
        try:
            info["backend"] = mod.backend.Socket.__module__
        except Exception:
            pass
    info["has_poller"] = hasattr(mod, "Poller")
    try:
        importlib.import_module(module + ".asyncio")
        info["has_asyncio"] = True
    except Exception:
        info["has_asyncio"] = False
    print(json.dumps(info))
    return 0


# ------------------------------------------------------------------ parent

def run_child(cmd, timeout_s, cpus=None, env=None):
    """Run a child (on `cpus` only, if given; with `env`, if given);
    return (records, error or None)."""
    def pin():
        os.sched_setaffinity(0, cpus)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout_s, universal_newlines=True,
                           preexec_fn=pin if cpus else None, env=env)
        stdout, stderr, rc = p.stdout, p.stderr, p.returncode
        timed_out = False
    except subprocess.TimeoutExpired as e:
        def text(b):
            if b is None:
                return ""
            return b.decode("utf-8", "replace") if isinstance(b, bytes) else b
        stdout, stderr, rc = text(e.stdout), text(e.stderr), None
        timed_out = True
    records = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except ValueError:
                pass
    if timed_out:
        return records, "killed after %ds wall-clock limit" % timeout_s
    errors = [r["error"] for r in records if "error" in r]
    if errors:
        return records, errors[0]
    if rc != 0:
        tail = stderr.strip().splitlines()[-3:]
        return records, "exit status %s: %s" % (rc, " | ".join(tail))
    return records, None


def summarize(spec, records, error, count, runs, warmup):
    unit, better = spec[1], spec[2]
    for r in records:
        if "unavailable" in r:
            return {"status": "unavailable", "reason": r["unavailable"]}
    measured = [r["value"] for r in records if "value" in r and not r.get("warmup")]
    warm = [r["value"] for r in records if "value" in r and r.get("warmup")]
    result = {"unit": unit, "better": better, "count": count, "warmup_runs": warmup,
              "runs_requested": runs, "runs": measured, "warmup_values": warm}
    if error or len(measured) < runs:
        result["status"] = "error"
        result["reason"] = error or "only %d of %d runs reported" % (len(measured), runs)
        return result
    best = max(measured) if better == "higher" else min(measured)
    ordered = sorted(measured)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0
    result.update({"status": "ok", "value": best, "stat": "best of %d" % len(measured),
                   "best_of": len(measured), "median": median,
                   "spread_pct": 100.0 * (ordered[-1] - ordered[0]) / ordered[mid]
                   if ordered[mid] else None})
    return result


def ensure_c_binary():
    """Compile zmqbench if missing or older than its source; return (path, error)."""
    if (os.path.exists(C_BINARY)
            and os.path.getmtime(C_BINARY) >= os.path.getmtime(C_SOURCE)):
        return C_BINARY, None
    if not shutil.which("gcc") or not shutil.which("pkg-config"):
        return None, "gcc or pkg-config not found"
    try:
        flags = subprocess.check_output(
            ["pkg-config", "--cflags", "--libs", "libzmq"],
            universal_newlines=True, stderr=subprocess.STDOUT).split()
    except (subprocess.CalledProcessError, OSError) as e:
        return None, "pkg-config libzmq failed: %s" % e
    os.makedirs(BUILD_DIR, exist_ok=True)
    tmp = C_BINARY + ".tmp%d" % os.getpid()
    cmd = ["gcc", "-O2", "-o", tmp, C_SOURCE] + flags + ["-lpthread"]
    log("compiling C baseline: %s" % " ".join(cmd))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if p.returncode != 0:
        return None, "gcc failed: %s" % p.stdout.strip()[-500:]
    os.replace(tmp, C_BINARY)
    return C_BINARY, None


def child_env(impl, wheel_dir):
    """The environment of `impl`'s children: None (inherit) but for the wheel."""
    if impl != "pyzmq_wheel":
        return None
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [wheel_dir] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def probe_impl(impl, wheel_dir=None):
    if impl == "pyzmq_wheel":
        if not wheel_dir:
            return {"available": False,
                    "reason": "no --pyzmq-wheel directory given (bench/README.md)"}
        if not os.path.isdir(os.path.join(wheel_dir, "zmq")):
            return {"available": False, "reason": "no zmq package in %s" % wheel_dir}
    if impl == "c":
        path, err = ensure_c_binary()
        if err:
            return {"available": False, "reason": err}
        recs, err = run_child([path, "version"], 30)
        if err or not recs:
            return {"available": False, "reason": err or "no version output"}
        return {"available": True, "binary": os.path.relpath(path, os.path.dirname(HERE)),
                "libzmq": recs[0].get("libzmq"), "compiler": "gcc -O2"}
    recs, err = run_child([sys.executable, os.path.abspath(__file__), "--probe",
                           MODULES[impl]], 120, env=child_env(impl, wheel_dir))
    if err or not recs:
        return {"available": False, "reason": err or "probe printed nothing"}
    info = recs[0]
    # Both pyzmq columns import "zmq": make sure each is the build it claims.
    if info.get("available") and impl.startswith("pyzmq"):
        inside = bool(wheel_dir) and os.path.realpath(info.get("file") or "").startswith(
            os.path.realpath(wheel_dir) + os.sep)
        if (impl == "pyzmq_wheel") != inside:
            return {"available": False, "reason": "zmq imported from %s, not from %s" % (
                info.get("file"), "the wheel directory" if impl == "pyzmq_wheel" else "the venv")}
    return info


def read_cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def system_libzmq():
    try:
        return subprocess.check_output(["pkg-config", "--modversion", "libzmq"],
                                       universal_newlines=True,
                                       stderr=subprocess.DEVNULL).strip()
    except (subprocess.CalledProcessError, OSError):
        return None


def git_revision():
    root = os.path.dirname(HERE)
    try:
        rev = subprocess.check_output(["git", "-C", root, "rev-parse", "--short", "HEAD"],
                                      universal_newlines=True,
                                      stderr=subprocess.DEVNULL).strip()
        dirty = subprocess.check_output(["git", "-C", root, "status", "--porcelain",
                                         "--untracked-files=no"],
                                        universal_newlines=True,
                                        stderr=subprocess.DEVNULL).strip()
        return rev + ("-dirty" if dirty else "")
    except (subprocess.CalledProcessError, OSError):
        return None


def interpreter_info():
    info = {"implementation": platform.python_implementation(),
            "version": platform.python_version(),
            "sys_version": sys.version.replace("\n", " "),
            "executable": sys.executable}
    pv = getattr(sys, "pypy_version_info", None)
    if pv is not None:
        info["pypy_version"] = "%d.%d.%d" % (pv.major, pv.minor, pv.micro)
    info["label"] = "%s %s" % (info["implementation"], info["version"])
    return info


def machine_info(impls):
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    libzmq = {"system_pkg_config": system_libzmq()}
    for name, info in impls.items():
        if info.get("available"):
            libzmq[name] = info.get("libzmq")
    return {"cpu_model": read_cpu_model(), "nproc": os.cpu_count(),
            "nproc_affinity": affinity, "kernel": platform.release(),
            "kernel_version": platform.version(), "machine": platform.machine(),
            "hostname": platform.node(), "libzmq": libzmq,
            "loadavg_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}


def parse_list(text, allowed, what):
    items = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in items if x not in allowed]
    if bad:
        raise SystemExit("unknown %s: %s (choose from %s)" % (what, ", ".join(bad), ", ".join(allowed)))
    return items


def fmt(value, unit):
    if unit == "msgs/s":
        return "{:,.0f} {}".format(value, unit)
    if unit == "ns":
        return "%.0f ns" % value
    return "%.2f %s" % (value, unit)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="raw JSON file to write")
    ap.add_argument("--quick", action="store_true", help="small counts (~1 min in all)")
    ap.add_argument("--impls", default=",".join(ALL_IMPLS),
                    help="comma-separated subset of %s" % ",".join(ALL_IMPLS))
    ap.add_argument("--workloads", default=",".join(WORKLOAD_NAMES),
                    help="comma-separated subset of the workloads")
    ap.add_argument("--runs", type=int,
                    help="measured runs per workload (best of N; default: per workload)")
    ap.add_argument("--warmup", type=int, default=WARMUP_RUNS, help="uncounted warm-up runs")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every message count")
    ap.add_argument("--no-pin", action="store_true",
                    help="don't pin the round-trip workloads to one CPU")
    ap.add_argument("--pyzmq-wheel", metavar="DIR",
                    help="directory holding pyzmq's wheel (pip install --target DIR): "
                         "the pyzmq_wheel implementation")
    # internal: child processes
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--module", help=argparse.SUPPRESS)
    ap.add_argument("--count", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--timeout-ms", type=int, default=SOCKET_TIMEOUT_MS, help=argparse.SUPPRESS)
    ap.add_argument("--probe", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.probe:
        return probe_main(args.probe)
    if args.worker:
        return worker_main(args)
    if not args.out:
        ap.error("--out is required")

    impl_names = parse_list(args.impls, ALL_IMPLS, "implementation")
    wl_names = parse_list(args.workloads, WORKLOAD_NAMES, "workload")
    if (args.runs is not None and args.runs < 1) or args.warmup < 0 or args.scale <= 0:
        ap.error("--runs must be >= 1, --warmup >= 0, --scale > 0")
    pair_timeout = PAIR_TIMEOUT_S[1 if args.quick else 0]
    pin_cpu = None
    if not args.no_pin and hasattr(os, "sched_getaffinity"):
        pin_cpu = max(os.sched_getaffinity(0))
    started = time.time()
    interp = interpreter_info()
    log("%s, %s run, impls=%s" % (interp["label"], "quick" if args.quick else "full",
                                  ",".join(impl_names)))

    if hasattr(os, "getloadavg") and os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
        log("warning: load average %.2f on %d CPUs: other work is running, "
            "numbers will be noisy" % (os.getloadavg()[0], os.cpu_count() or 1))
    impls = {}
    for impl in impl_names:
        impls[impl] = probe_impl(impl, args.pyzmq_wheel)
        info = impls[impl]
        if info.get("available"):
            log("%-8s available: %s" % (impl, ", ".join(
                "%s=%s" % (k, info[k]) for k in ("version", "libzmq", "backend") if k in info)))
        else:
            log("%-8s UNAVAILABLE: %s" % (impl, info.get("reason")))

    results = {}
    for spec in WORKLOADS:
        name = spec[0]
        if name not in wl_names:
            continue
        count, runs = spec[5] if args.quick else spec[4]
        count = max(2, int(count * args.scale))
        runs = args.runs or runs
        per_impl = {}
        for impl in impl_names:
            info = impls[impl]
            if not info.get("available"):
                per_impl[impl] = {"status": "unavailable",
                                  "reason": "%s not available: %s" % (impl, info.get("reason"))}
                continue
            if impl == "c" and name in NO_C:
                per_impl[impl] = {"status": "unavailable", "reason": NO_C[name]}
                continue
            if impl == "c":
                cmd = [C_BINARY, name, str(count), str(runs), str(args.warmup),
                       str(SOCKET_TIMEOUT_MS)]
            else:
                cmd = [sys.executable, os.path.abspath(__file__), "--worker", name,
                       "--module", MODULES[impl], "--count", str(count),
                       "--runs", str(runs), "--warmup", str(args.warmup)]
            pinned = {pin_cpu} if (pin_cpu is not None and name in PIN_ONE_CPU) else None
            t0 = time.time()
            records, error = run_child(cmd, pair_timeout, pinned,
                                       child_env(impl, args.pyzmq_wheel))
            res = summarize(spec, records, error, count, runs, args.warmup)
            res["wall_s"] = round(time.time() - t0, 2)
            if pinned:
                res["pinned_cpu"] = pin_cpu
            per_impl[impl] = res
            if res["status"] == "ok":
                log("%-16s %-8s %16s  (%s, spread %.1f%%, %d msgs, %.1fs)" % (
                    name, impl, fmt(res["value"], res["unit"]), res["stat"],
                    res["spread_pct"] or 0.0, count, res["wall_s"]))
            else:
                log("%-16s %-8s %s: %s" % (name, impl, res["status"].upper(), res["reason"]))
        desc = spec[3]
        if pin_cpu is not None and name in PIN_ONE_CPU:
            desc += ", pinned to one CPU"
        results[name] = {"unit": spec[1], "better": spec[2], "description": desc,
                         "count": count, "runs": runs, "results": per_impl}

    doc = {
        "schema": SCHEMA,
        "kind": "quick" if args.quick else "full",
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 1),
        "git_revision": git_revision(),
        "interpreter": interp,
        "machine": machine_info(impls),
        "settings": {"runs_override": args.runs, "warmup": args.warmup, "scale": args.scale,
                     "socket_timeout_ms": SOCKET_TIMEOUT_MS,
                     "pair_timeout_s": pair_timeout, "pinned_cpu": pin_cpu,
                     "pinned_workloads": list(PIN_ONE_CPU) if pin_cpu is not None else [],
                     "statistic": "best of N measured runs (max for msgs/s, min for times)"},
        "impls": impls,
        "workloads": results,
    }
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, args.out)
    log("wrote %s in %.0fs" % (args.out, doc["duration_s"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
