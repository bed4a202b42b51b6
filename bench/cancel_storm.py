"""Receives under random asyncio timeouts: how many messages a binding loses.

    python bench/cancel_storm.py [--binding zmq_cffi|pyzmq] [--rounds 3000] [--seed N]

Each round schedules one message to be sent at a random moment of the next
2 ms and awaits a receive under ``asyncio.wait_for`` with a random timeout of
0-2 ms, so the timeout often fires just as the message arrives.  Since
Python 3.12, ``wait_for`` then cancels the task although the receive's
future already holds the message.  A binding that drops it loses messages;
at the end every message still queued is drained and the count printed as
one JSON line: sent, received, lost, duplicated, out of order.
"""
import argparse
import asyncio
import itertools
import json
import platform
import random
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binding", choices=["zmq_cffi", "pyzmq"], default="zmq_cffi")
    parser.add_argument("--rounds", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.binding == "pyzmq":
        import zmq
        import zmq.asyncio as zasync
    else:
        import zmq_cffi as zmq
        import zmq_cffi.asyncio as zasync
    rng = random.Random(args.seed)

    async def storm():
        ctx = zasync.Context()
        rx = ctx.socket(zmq.PULL)
        tx = zmq.Context.shadow(ctx.underlying).socket(zmq.PUSH)  # a blocking sender
        rx.bind("inproc://storm")
        tx.connect("inproc://storm")
        numbers = itertools.count()
        loop = asyncio.get_running_loop()
        got, timeouts = [], 0
        for _ in range(args.rounds):
            loop.call_later(rng.random() * 0.002, lambda: tx.send(b"%d" % next(numbers)))
            try:
                got.append(await asyncio.wait_for(rx.recv(), rng.random() * 0.002))
            except asyncio.TimeoutError:
                timeouts += 1
        await asyncio.sleep(0.01)
        while await rx.poll(100):
            got.append(await rx.recv())
        sent = next(numbers)
        values = [int(m) for m in got]
        tx.close(linger=0)
        rx.close(linger=0)
        ctx.term()
        return {
            "binding": args.binding, "python": "%s %s" % (platform.python_implementation(),
                                                         platform.python_version()),
            "rounds": args.rounds, "timeouts": timeouts, "sent": sent, "received": len(values),
            "lost": sent - len(set(values)), "duplicated": len(values) - len(set(values)),
            "out_of_order": sum(1 for a, b in zip(values, values[1:]) if b < a),
        }

    print(json.dumps(asyncio.run(storm())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
