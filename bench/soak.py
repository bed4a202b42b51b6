"""Leak and soak run: many messages and many socket lifetimes, with RSS figures.

Usage (from the repository root, in a venv where the binding imports)::

    python bench/soak.py                      # 1,000,000 messages, 10,000 cycles, zmq_cffi
    python bench/soak.py --messages 20000 --cycles 500
    python bench/soak.py --backend zmq        # the same run against pyzmq

It prints the resident set size (from /proc/self/statm) before anything runs,
after a warm-up, and at the end of each phase, and the open file descriptors;
it exits with status 1 if RSS grows by more than ``--max-growth-mb`` after
the warm-up, or if descriptors leak.  ``tests/test_soak.py``
runs the same code (a short version in the default suite, the full one under
``-m soak``).

Workloads:

* **messages**: PAIR and PUSH/PULL over inproc and tcp; sizes from 0 B to
  300 kB; sent copied, zero-copy (bytes, bytearray, memoryview), tracked, as
  Frames and multipart; received as bytes, Frames and with ``recv_into``.
  Every message is checked (size and a stamp at both ends).
* **cycles**: a socket pair is created, bound, connected, used once and
  closed; every 10th cycle over tcp, every 100th in a fresh Context.
"""
import argparse
import gc
import importlib
import os
import sys
import time
from typing import Any, Callable, Dict, List, Optional

_PAGE = os.sysconf("SC_PAGE_SIZE")
_SIZES = (0, 10, 100, 1000, 9000, 70000, 10, 100, 300000, 10)
_TIMEOUT_MS = 10000


def rss_mb() -> float:
    """Resident set size of this process, in MiB (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * _PAGE / (1 << 20)


def settle(rounds: int = 3) -> None:
    """Let garbage (and, on PyPy, frames awaiting collection) go."""
    for _ in range(rounds):
        gc.collect()
    time.sleep(0.05)
    gc.collect()


def _stamp(i: int, size: int) -> bytes:
    """A size-byte message whose both ends identify message i."""
    if size < 8:
        return bytes([i & 0xFF]) * size
    tag = i.to_bytes(4, "little")
    return tag + bytes([i & 0xFF]) * (size - 8) + tag


def _check(i: int, size: int, data: Any) -> None:
    data = bytes(data)
    if len(data) != size or data[:4] != _stamp(i, size)[:4] or data[-4:] != _stamp(i, size)[-4:]:
        raise AssertionError("message %d (%d bytes) arrived corrupted or out of order" % (i, size))


def _make_pair(zmq: Any, ctx: Any, kind: str, transport: str, name: str) -> List[Any]:
    types = (zmq.PAIR, zmq.PAIR) if kind == "PAIR" else (zmq.PULL, zmq.PUSH)
    receiver = ctx.socket(types[0])
    sender = ctx.socket(types[1])
    for s in (receiver, sender):
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RCVTIMEO, _TIMEOUT_MS)
        s.setsockopt(zmq.SNDTIMEO, _TIMEOUT_MS)
    receiver.bind("inproc://soak-%s" % name if transport == "inproc" else "tcp://127.0.0.1:*")
    sender.connect(receiver.getsockopt(zmq.LAST_ENDPOINT))
    return [receiver, sender]


def run_messages(zmq: Any, count: int, batch: int = 100) -> int:
    """Send and receive ``count`` messages over four socket pairs; return how many."""
    ctx = zmq.Context()
    pairs = [_make_pair(zmq, ctx, kind, transport, "%s-%s" % (kind, transport))
             for kind in ("PAIR", "PUSH_PULL") for transport in ("inproc", "tcp")]
    into = bytearray(1 << 20)
    done = 0
    trackers = []
    try:
        while done < count:
            receiver, sender = pairs[(done // batch) % len(pairs)]
            n = min(batch, count - done)
            plan = []
            for k in range(n):
                i = done + k
                size = _SIZES[i % len(_SIZES)]
                data = _stamp(i, size)
                mode = i % 7
                if mode == 0:
                    sender.send(data)
                elif mode == 1:
                    sender.send(bytearray(data), copy=False)
                elif mode == 2:
                    sender.send(memoryview(bytearray(data)), copy=False)
                elif mode == 3:
                    tracker = sender.send(bytearray(data), copy=False, track=True)
                    if len(trackers) < 1000:
                        trackers.append(tracker)
                elif mode == 4:
                    sender.send(zmq.Frame(data))
                elif mode == 5:
                    sender.send_multipart([b"head", data], copy=(i % 2 == 0))
                else:
                    sender.send(data, copy=False)
                plan.append((i, size, mode))
            for i, size, mode in plan:
                way = i % 3
                if mode == 5:
                    head, body = receiver.recv_multipart(copy=(way != 1))
                    if bytes(head) != b"head":
                        raise AssertionError("multipart %d lost its head" % i)
                    _check(i, size, body.bytes if hasattr(body, "bytes") else body)
                elif way == 0:
                    _check(i, size, receiver.recv())
                elif way == 1:
                    _check(i, size, receiver.recv(copy=False).bytes)
                else:
                    got = receiver.recv_into(into)
                    _check(i, size, memoryview(into)[:got])
            done += n
            if len(trackers) >= 1000:
                _finish(zmq, trackers)
                trackers = []
        _finish(zmq, trackers)
    finally:
        for pair in pairs:
            for s in pair:
                s.close(linger=0)
        ctx.term()
    return done


def _finish(zmq: Any, trackers: List[Any]) -> None:
    """Every tracker completes (PyPy may need collections to free frames first)."""
    deadline = time.monotonic() + 30
    for tracker in trackers:
        while not tracker.done:
            if time.monotonic() > deadline:
                raise AssertionError("a tracked zero-copy message was never released")
            gc.collect()
            try:
                tracker.wait(0.05)
            except zmq.NotDone:
                pass


def run_cycles(zmq: Any, count: int) -> int:
    """Create, use and close a socket pair ``count`` times; return how many."""
    ctx = zmq.Context()
    try:
        for i in range(count):
            if i % 100 == 99:
                ctx.term()
                ctx = zmq.Context()
            transport = "tcp" if i % 10 == 0 else "inproc"
            kind = "PAIR" if i % 2 else "PUSH_PULL"
            receiver, sender = _make_pair(zmq, ctx, kind, transport, "cycle-%d" % i)
            payload = _stamp(i, _SIZES[i % len(_SIZES)])
            sender.send(payload, copy=(i % 3 != 0))
            got = receiver.recv(copy=(i % 2 == 0))
            _check(i, len(payload), got if isinstance(got, bytes) else got.bytes)
            if i % 4 == 0:
                poller = zmq.Poller()
                poller.register(receiver, zmq.POLLIN)
                poller.poll(0)
            sender.close()
            receiver.close(linger=0)
    finally:
        ctx.term()
    return count


def open_fds() -> int:
    """How many file descriptors this process has open (Linux: /proc/self/fd)."""
    return len(os.listdir("/proc/self/fd"))


def soak(zmq: Any, messages: int, cycles: int, warmup_fraction: float = 0.1,
         report: Optional[Callable[[str], None]] = None) -> Dict[str, float]:
    """Run both workloads after a warm-up; return RSS figures in MiB.

    Keys: ``before`` (nothing run yet), ``warm`` (after the warm-up, the
    baseline for growth), ``after_messages``, ``after_cycles``, ``growth``
    (largest figure after warm-up minus ``warm``); ``fds_warm`` and
    ``fds_after``: open file descriptors after the warm-up and at the end.
    """
    say = report or (lambda line: None)
    settle()
    figures = {"before": rss_mb()}
    say("RSS before:            %8.1f MiB" % figures["before"])
    run_messages(zmq, max(1000, int(messages * warmup_fraction)))
    run_cycles(zmq, max(50, int(cycles * warmup_fraction)))
    settle()
    figures["warm"] = rss_mb()
    figures["fds_warm"] = open_fds()
    say("RSS after warm-up:     %8.1f MiB" % figures["warm"])
    start = time.monotonic()
    run_messages(zmq, messages)
    settle()
    figures["after_messages"] = rss_mb()
    say("RSS after %9d messages: %8.1f MiB  (%.1f s)"
        % (messages, figures["after_messages"], time.monotonic() - start))
    start = time.monotonic()
    run_cycles(zmq, cycles)
    settle()
    figures["after_cycles"] = rss_mb()
    say("RSS after %9d cycles:   %8.1f MiB  (%.1f s)"
        % (cycles, figures["after_cycles"], time.monotonic() - start))
    figures["growth"] = max(figures["after_messages"], figures["after_cycles"]) - figures["warm"]
    say("growth after warm-up:  %8.1f MiB" % figures["growth"])
    # libzmq closes descriptors on its I/O thread: give it a moment.
    deadline = time.monotonic() + 5
    while open_fds() > figures["fds_warm"] + 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    figures["fds_after"] = open_fds()
    say("open fds after warm-up / at the end: %d / %d" % (figures["fds_warm"], figures["fds_after"]))
    return figures


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="zmq_cffi", help="module to test (zmq_cffi or zmq)")
    parser.add_argument("--messages", type=int, default=1000000)
    parser.add_argument("--cycles", type=int, default=10000)
    parser.add_argument("--max-growth-mb", type=float, default=20.0)
    args = parser.parse_args(argv)
    zmq = importlib.import_module(args.backend)
    print("%s %s on %s %s" % (args.backend, getattr(zmq, "__version__", "?"),
                              sys.implementation.name, sys.version.split()[0]))
    figures = soak(zmq, args.messages, args.cycles, report=print)
    failed = False
    if figures["growth"] > args.max_growth_mb:
        print("FAIL: RSS grew %.1f MiB after warm-up (limit %.1f)" % (figures["growth"], args.max_growth_mb))
        failed = True
    if figures["fds_after"] > figures["fds_warm"] + 4:
        print("FAIL: file descriptors leaked (%d -> %d)" % (figures["fds_warm"], figures["fds_after"]))
        failed = True
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
