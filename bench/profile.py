"""Run one benchmark workload under a profiler and print the top entries.

    python bench/profile.py WORKLOAD [--impl zmq_cffi|pyzmq]
                            [--tool cprofile|vmprof|none] [--count N] [--top N]

The workload is the one in bench/workloads.py that run.py times, with the
same message count as a full run unless ``--count`` says otherwise; every
run's value is printed as it ends.

Tools:

* ``cprofile`` (both interpreters; meant for CPython): deterministic, main
  thread only -- the receiver in the throughput workloads, the whole loop
  in ``call_overhead`` and ``poll_idle10``.  Its per-call hook inflates
  cheap calls, so read the call counts and the split, not the absolute
  times.
* ``vmprof`` (meant for PyPy, where ``_vmprof`` is built in; the reader
  needs ``pip install vmprof``): statistical, every thread, JIT-compiled
  code attributed to its Python function.  Prints self and total samples.
* ``none``: just the timed runs, to run under ``perf record -g``.

On PyPy every tool also prints the garbage collector's work during the
timed runs (from ``gc.hooks``): minor collections, major collections and
the time spent in each.

Python 3.9 syntax: PyPy 3.9 runs this too.
"""
import argparse
import importlib
import os
import sys
import tempfile
import time

# This file shares its name with the stdlib's ``profile``, which cProfile
# imports: import the profilers with bench/ off sys.path, then put it back.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import cProfile  # noqa: E402
import pstats  # noqa: E402

sys.path.insert(0, HERE)
import workloads  # noqa: E402
from run import MODULES, SOCKET_TIMEOUT_MS, WORKLOADS  # noqa: E402

FULL_COUNT = dict((w[0], w[4][0]) for w in WORKLOADS)
UNITS = dict((w[0], w[1]) for w in WORKLOADS)
IS_PYPY = hasattr(sys, "pypy_version_info")


class GcTally:
    """Counts PyPy's collections and their time while it is installed.

    Attributes
    ----------
    minor, major : int
        Minor collections; major collections completed.
    minor_s, major_s : float
        Seconds spent in minor collections; in the steps of major ones.
    """

    def __init__(self):
        self.minor = self.major = 0
        self.minor_s = self.major_s = 0.0

    def on_gc_minor(self, stats):
        self.minor += stats.count
        self.minor_s += stats.duration  # seconds, for all `count` of them

    def on_gc_collect_step(self, stats):
        self.major_s += stats.duration

    def on_gc_collect(self, stats):
        self.major += stats.count

    def install(self):
        """Start counting (no-op outside PyPy)."""
        if IS_PYPY:
            import gc
            self.total_before = gc.get_stats().total_gc_time
            gc.hooks.set(self)

    def uninstall(self):
        """Stop counting."""
        if IS_PYPY:
            import gc
            gc.hooks.reset()
            self.total_s = (gc.get_stats().total_gc_time - self.total_before) / 1000.0

    def report(self, wall_s):
        """Return a one-paragraph summary against ``wall_s`` seconds of run."""
        return ("GC during the runs: %d minor collections (%.3f s), %d major "
                "collections (%.3f s in their steps); %.1f%% of %.2f s wall "
                "(gc.get_stats: %.3f s in GC)"
                % (self.minor, self.minor_s, self.major, self.major_s,
                   100.0 * (self.minor_s + self.major_s) / wall_s, wall_s, self.total_s))


def run_workload(name, module, count, runs, warmup):
    """Run ``workloads.FUNCTIONS[name]`` once through, printing each value.

    Returns
    -------
    float
        Wall-clock seconds of the whole call (setup and warm-up included).
    """
    unit = UNITS[name]

    def emit(is_warmup, value, elapsed):
        print("  %s run: %.4g %s (%.3f s)" % ("warm-up" if is_warmup else "timed",
                                             value, unit, elapsed))

    t0 = time.perf_counter()
    workloads.FUNCTIONS[name](module, count, runs, warmup, SOCKET_TIMEOUT_MS, emit)
    return time.perf_counter() - t0


def print_cprofile(prof, top):
    """Print the ``top`` functions by own time, then by cumulative time."""
    stats = pstats.Stats(prof, stream=sys.stdout).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def print_vmprof(path, top):
    """Print the ``top`` functions by self samples and by total samples."""
    import vmprof
    stats = vmprof.read_profile(path)
    own = {}
    for stack in stats.profiles:
        codes = [a for a in stack[0] if a in stats.adr_dict]
        if codes:
            own[codes[-1]] = own.get(codes[-1], 0) + 1
    total = len(stats.profiles) or 1

    def name(addr):
        # "py:func:line:file" -> "func (file:line)"
        parts = stats.adr_dict[addr].split(":", 3)
        if len(parts) < 4:
            return stats.adr_dict[addr]
        return "%s (%s:%s)" % (parts[1], os.path.basename(parts[3]), parts[2])

    print("%d samples (all threads)" % total)
    for title, table in (("self", own), ("total", stats.functions)):
        print("\n%6s %6s  function (top %d by %s samples)" % (title, "%", top, title))
        for addr, n in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            if addr in stats.adr_dict:
                print("%6d %5.1f%%  %s" % (n, 100.0 * n / total, name(addr)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workload", choices=sorted(workloads.FUNCTIONS))
    # "pyzmq" is whichever zmq the interpreter imports: for the wheel, put its
    # --target directory first on PYTHONPATH.
    ap.add_argument("--impl", choices=["zmq_cffi", "pyzmq"], default="zmq_cffi")
    ap.add_argument("--tool", choices=("cprofile", "vmprof", "none"),
                    default="vmprof" if IS_PYPY else "cprofile")
    ap.add_argument("--count", type=int, help="messages per run (default: a full run's)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="uncounted warm-up runs")
    ap.add_argument("--top", type=int, default=20, help="entries to print")
    ap.add_argument("--out", help="keep the raw profile in this file")
    args = ap.parse_args(argv)

    module = importlib.import_module(MODULES[args.impl])
    count = args.count or FULL_COUNT[args.workload]
    print("%s, %s %s, %s: %d messages x (%d warm-up + %d timed) runs, tool %s"
          % (args.workload, args.impl, getattr(module, "__version__", "?"),
             sys.version.split()[0] + (" (PyPy)" if IS_PYPY else ""),
             count, args.warmup, args.runs, args.tool))
    gc_tally = GcTally()
    gc_tally.install()
    run = (args.workload, module, count, args.runs, args.warmup)
    if args.tool == "cprofile":
        prof = cProfile.Profile()
        prof.enable()
        wall = run_workload(*run)
        prof.disable()
    elif args.tool == "vmprof":
        import vmprof
        path = args.out or tempfile.mkstemp(prefix="zmqbench-", suffix=".vmprof")[1]
        with open(path, "w+b") as f:
            kwargs = {"warn": False} if IS_PYPY else {}
            vmprof.enable(f.fileno(), period=0.0005, **kwargs)
            wall = run_workload(*run)
            vmprof.disable()
    else:
        wall = run_workload(*run)
    gc_tally.uninstall()
    if IS_PYPY:
        print(gc_tally.report(wall))
    if args.tool == "cprofile":
        if args.out:
            prof.dump_stats(args.out)
        print_cprofile(prof, args.top)
    elif args.tool == "vmprof":
        print_vmprof(path, args.top)
        if not args.out:
            os.unlink(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
