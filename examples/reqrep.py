"""REQ/REP: a server thread answers requests over tcp on 127.0.0.1.

    python examples/reqrep.py

A REQ socket sends a request and must read the reply before the next one; the
REP socket reads a request and must answer it.  Timeouts (RCVTIMEO) keep a
lost peer from blocking for ever.
"""
import threading

import zmq_cffi as zmq


def serve(server, count):
    with server:
        for _ in range(count):
            name = server.recv_string()
            server.send_string("hello, " + name)


def main():
    count = 3
    with zmq.Context() as ctx:
        # Bound here, then handed to the server thread, which alone uses it
        # from then on (a socket may change threads, one at a time).
        rep = ctx.socket(zmq.REP, linger=0, rcvtimeo=5000)
        port = rep.bind_to_random_port("tcp://127.0.0.1")
        server = threading.Thread(target=serve, args=(rep, count))
        server.start()
        with ctx.socket(zmq.REQ, linger=0, rcvtimeo=5000) as client:
            client.connect("tcp://127.0.0.1:%d" % port)
            for n in range(count):
                client.send_string("client %d" % n)
                print(client.recv_string())
        server.join(10)
        assert not server.is_alive()


if __name__ == "__main__":
    main()
