"""thr_32b with the sender in a thread or in a forked process (a diagnostic).

    python bench/thr_process.py thread|process [zmq_cffi|zmq]

Receives 1,000,000 32-byte messages over tcp 127.0.0.1 and prints the best of
4 runs in msgs/s.  With ``thread`` the sender shares the interpreter (and its
GIL) with the receiver, as ``workloads.thr_32b`` does; with ``process`` it
does not, which shows how much of the thread result the GIL costs.  Run from
the repository root, in a venv with the binding installed.
"""
import importlib
import os
import sys
import threading
import time

COUNT = 1000000
RUNS = 4
TIMEOUT_MS = 10000


def _send_all(zmq, port):
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.sndtimeo = TIMEOUT_MS
    push.connect("tcp://127.0.0.1:%d" % port)
    payload = b"x" * 32
    send = push.send
    for _ in range(COUNT + 1):
        send(payload)
    push.close()  # default linger: everything queued is delivered
    ctx.term()


def _one_run(zmq, mode):
    """Messages per second received, first message to last."""
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = TIMEOUT_MS
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    if mode == "process":
        pid = os.fork()
        if pid == 0:
            try:
                _send_all(zmq, port)
            finally:
                os._exit(0)
    else:
        sender = threading.Thread(target=_send_all, args=(zmq, port), daemon=True)
        sender.start()
    recv = pull.recv
    recv()
    start = time.perf_counter()
    for _ in range(COUNT):
        recv()
    elapsed = time.perf_counter() - start
    if mode == "process":
        os.waitpid(pid, 0)
    else:
        sender.join(TIMEOUT_MS / 1000.0)
    pull.close()
    ctx.term()
    return COUNT / elapsed


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "thread"
    if mode not in ("thread", "process"):
        sys.exit(__doc__)
    module = sys.argv[2] if len(sys.argv) > 2 else "zmq_cffi"
    zmq = importlib.import_module(module)
    best = max(_one_run(zmq, mode) for _ in range(RUNS))
    print("%s, sender in a %s: %.0f msgs/s (best of %d)" % (module, mode, best, RUNS))


if __name__ == "__main__":
    main()
