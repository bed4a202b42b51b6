"""A PUSH/PULL pipeline: a ventilator, three workers and a sink, over inproc.

    python examples/pipeline.py

PUSH spreads the tasks over the connected workers in turn; the sink's PULL
collects the results from all of them (fair-queued).  Each stage is a thread
with its own sockets: sockets are not shared between threads, the Context is.
"""
import threading

import zmq_cffi as zmq

WORKERS = 3
TASKS = 30


def worker(ctx, ready):
    with ctx.socket(zmq.PULL, linger=0, rcvtimeo=5000) as tasks, \
            ctx.socket(zmq.PUSH, linger=0, sndtimeo=5000) as results:
        tasks.connect("inproc://tasks")
        results.connect("inproc://results")
        ready.release()
        while True:
            n = tasks.recv_json()
            if n is None:  # the ventilator's "stop"
                return
            results.send_json([threading.get_ident(), n * n])


def main():
    with zmq.Context() as ctx:
        ventilator = ctx.socket(zmq.PUSH, linger=0, sndtimeo=5000)
        ventilator.bind("inproc://tasks")
        sink = ctx.socket(zmq.PULL, linger=0, rcvtimeo=5000)
        sink.bind("inproc://results")

        ready = threading.Semaphore(0)
        threads = [threading.Thread(target=worker, args=(ctx, ready)) for _ in range(WORKERS)]
        for t in threads:
            t.start()
        for _ in threads:  # every worker is connected: the tasks spread evenly
            assert ready.acquire(timeout=10)

        for n in range(TASKS):
            ventilator.send_json(n)
        total, per_worker = 0, {}
        for _ in range(TASKS):
            who, square = sink.recv_json()
            total += square
            per_worker[who] = per_worker.get(who, 0) + 1
        for _ in threads:
            ventilator.send_json(None)
        for t in threads:
            t.join(10)
        assert total == sum(n * n for n in range(TASKS))
        print("sum of squares: %d, tasks per worker: %s" % (total, sorted(per_worker.values())))
        ventilator.close()
        sink.close()


if __name__ == "__main__":
    main()
