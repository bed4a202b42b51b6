"""The chaos run (issue 12, point 5): random traffic under close, term, destroy,
signals, cancellations, fork and dropped sockets, on every driver (threads,
asyncio, ZMQStream) and transport (inproc, ipc, tcp).

The workload is ``bench/chaos.py`` (see its docstring for the bookkeeping);
it runs in a child interpreter (this one: ``sys.executable``) so that an
abort or a hang fails the test instead of killing pytest, and so that RSS and
file descriptors are those of the run alone.  The default suite runs a short
form (about 15 s of chaos, 30 s in all); ``pytest -m soak`` runs a long one.
The seed is printed in every failure message: ``python bench/chaos.py
--duration D --seed S`` replays the same choices (thread timing still varies).
"""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAOS_SCRIPT = os.path.join(ROOT, "bench", "chaos.py")

pytestmark = pytest.mark.cffi_only  # the script drives zmq_cffi itself


def _load_chaos():
    spec = importlib.util.spec_from_file_location("bench_chaos", CHAOS_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


chaos = _load_chaos()


def run_chaos(duration, *extra, timeout=None):
    """Run bench/chaos.py; return (returncode, result dict or None, output tail)."""
    seed = int.from_bytes(os.urandom(4), "little")
    cmd = [sys.executable, CHAOS_SCRIPT, "--duration", str(duration), "--seed", str(seed), *extra]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                              timeout=timeout or duration * 4 + 120)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"")[-3000:] if isinstance(e.stdout, bytes) else (e.stdout or "")[-3000:]
        pytest.fail("chaos run (seed %d) did not end in time (the watchdog should have "
                    "stopped it):\n%s" % (seed, out))
    lines = proc.stdout.strip().splitlines()
    result = None
    if lines:
        try:
            result = json.loads(lines[-1])
        except ValueError:
            pass
    tail = "seed %d, rc %d\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        seed, proc.returncode, proc.stdout[-3000:], proc.stderr[-6000:])
    return proc.returncode, result, tail


def check_run(rc, result, tail, max_rss_growth_mb):
    assert result is not None, "no JSON result line (aborted?):\n" + tail
    assert not result.get("hang"), "the watchdog saw a hang:\n" + tail
    assert rc in (0, 1), "the run aborted or hung (rc %d):\n%s" % (rc, tail)
    assert result["violations"] == 0, "violations:\n" + tail
    # Not vacuous: messages went through, and every kind of chaos happened.
    assert result["sent"] > 1000 and result["received"] > 1000, tail
    assert result["orderly_episodes"] >= 3, tail
    missing = [k for k, v in result["events"].items() if v == 0]
    assert not missing, "chaos events that never happened: %s\n%s" % (missing, tail)
    assert set(result["events"]) == set(chaos.EVENT_KINDS), tail
    assert result["signals"] > 100, tail
    # Flat: bounded growth after the warm-up.
    assert result["rss_mb"]["growth"] <= max_rss_growth_mb, "RSS grew:\n" + tail
    assert result["fds"]["growth"] <= 4, "file descriptors leaked:\n" + tail
    assert rc == 0, tail


@pytest.fixture(scope="module")
def short_run():
    return run_chaos(15, "--max-rss-growth-mb", "60")


@pytest.mark.timeout(300)
def test_short_chaos_run_no_abort_hang_loss_corruption_or_leak(short_run):
    rc, result, tail = short_run
    check_run(rc, result, tail, max_rss_growth_mb=60)


@pytest.mark.timeout(300)
@pytest.mark.xfail(strict=True, reason="issue 12.2 in progress: a signal handler that raises between "
                                       "two parts splits a multipart message (send_multipart and "
                                       "recv_multipart loop in Python); remove once they are one C call")
def test_short_chaos_run_no_split_multipart_messages(short_run):
    rc, result, tail = short_run
    assert result is not None, tail
    assert result["signal_multipart_episodes"] > 0, tail  # the chance was there
    assert result["known_split_multipart"] == 0, tail


def test_checker_detects_corrupted_mixed_and_foreign_messages():
    """The run's own checks fail on bad messages, so a clean run means something."""
    import random

    rng = random.Random(1)
    good = chaos.build_message(3, 7, True, True, rng)
    assert chaos.parse_message(good) == (3, 7)
    single = chaos.build_message(3, 8, False, False, rng)
    assert chaos.parse_message(single) == (3, 8)
    other = chaos.build_message(3, 9, True, False, rng)
    corrupted = list(good)
    corrupted[-1] = corrupted[-1][:-1] + bytes([corrupted[-1][-1] ^ 1]) if corrupted[-1] else b"x"
    for bad in (corrupted, good[:1] + other[1:], good + other[1:2], good[:-1], [b"junk"],
                [single[0][:-1] + b"!"]):
        with pytest.raises(ValueError):
            chaos.parse_message(bad)


def test_bookkeeping_flags_duplicates_losses_and_phantoms():
    class Args:
        seed = 0

    run = chaos.Run(Args())
    rng = __import__("random").Random(2)
    flow = run.flow("t")
    for seq in range(3):
        flow.attempt(seq)
        flow.accept(seq)
    flow.receive(chaos.build_message(flow.fid, 0, False, False, rng))
    flow.receive(chaos.build_message(flow.fid, 0, False, False, rng))       # duplicate
    flow.receive(chaos.build_message(flow.fid, 5, False, False, rng))       # never sent
    flow.receive(chaos.build_message(flow.fid + 1, 1, False, False, rng))   # another flow
    flow.finish()                                                           # 1 and 2 lost
    assert len(run.violations) == 4, run.violations
    lossy = run.flow("lossy")
    lossy.attempt(0)
    lossy.accept(0)
    lossy.mark_lossy("term")
    lossy.finish()
    assert len(run.violations) == 4 and run.counts["allowed_drops"] == 1
    os.rmdir(run.tmpdir)


@pytest.mark.soak
@pytest.mark.timeout(1500)
def test_long_chaos_run(capsys):
    rc, result, tail = run_chaos(240, "--max-rss-growth-mb", "40", timeout=1400)
    with capsys.disabled():
        print("\n" + (json.dumps(result) if result else tail))
    check_run(rc, result, tail, max_rss_growth_mb=40)
