"""Zero-copy: send a numpy array without copying it, receive it as an array
that reads the message in place, and know when the sent buffer is free again.

    python examples/zero_copy_numpy.py      (needs numpy)

``send(array, copy=False, track=True)`` hands the array's memory to libzmq
and returns a MessageTracker; ``recv(copy=False)`` returns a Frame, whose
buffer ``numpy.frombuffer`` wraps without a copy.  Metadata (dtype, shape)
travels in a first, small JSON part.
"""
import gc
import json

import numpy

import zmq_cffi as zmq


def send_array(sock, array):
    header = json.dumps({"dtype": str(array.dtype), "shape": array.shape}).encode()
    return sock.send_multipart([header, array], copy=False, track=True)


def recv_array(sock):
    header, frame = sock.recv_multipart(copy=False)
    meta = json.loads(header.bytes)
    return numpy.frombuffer(frame, dtype=meta["dtype"]).reshape(meta["shape"])


def main():
    with zmq.Context() as ctx:
        push = ctx.socket(zmq.PUSH, linger=0, sndtimeo=5000)
        port = push.bind_to_random_port("tcp://127.0.0.1")
        pull = ctx.socket(zmq.PULL, linger=0, rcvtimeo=5000)
        pull.connect("tcp://127.0.0.1:%d" % port)

        sent = numpy.arange(1_000_000, dtype=numpy.float64).reshape(1000, 1000)
        tracker = send_array(push, sent)
        received = recv_array(pull)
        assert (received == sent).all()
        print("received a %s array of %s, %d bytes" % (received.shape, received.dtype,
                                                       received.nbytes))

        # Do not modify `sent` until libzmq is done with it.
        gc.collect()  # PyPy: let collected frames release their messages
        tracker.wait(10)
        assert tracker.done
        sent[0, 0] = -1.0  # safe now
        push.close()
        pull.close()


if __name__ == "__main__":
    main()
