"""PUB/SUB with topic filters, over ipc:// in a temporary directory.

    python examples/pubsub.py

A subscriber gets only the messages whose first frame starts with a topic it
subscribed to.  PUB drops messages until a subscription has reached it, so
the publisher repeats a warm-up message until the subscriber sees one.
"""
import os
import tempfile
import time

import zmq_cffi as zmq


def main():
    with tempfile.TemporaryDirectory() as folder, zmq.Context() as ctx:
        addr = "ipc://" + os.path.join(folder, "weather.ipc")
        pub = ctx.socket(zmq.PUB, linger=0)
        pub.bind(addr)
        sub = ctx.socket(zmq.SUB, linger=0, rcvtimeo=5000)
        sub.connect(addr)
        sub.subscribe(b"weather.")

        deadline = time.monotonic() + 10
        while not sub.poll(50):  # wait until the subscription is in place
            assert time.monotonic() < deadline, "the subscription never arrived"
            pub.send_multipart([b"weather.warm-up", b""])
        while sub.poll(50):  # drop the warm-up messages
            sub.recv_multipart()

        pub.send_multipart([b"sports.football", b"2-1"])  # filtered out
        pub.send_multipart([b"weather.paris", b"sunny, 21 C"])
        pub.send_multipart([b"weather.oslo", b"snow, -4 C"])
        for _ in range(2):
            topic, report = sub.recv_multipart()
            print(topic.decode(), "->", report.decode())
        sub.close()
        pub.close()


if __name__ == "__main__":
    main()
