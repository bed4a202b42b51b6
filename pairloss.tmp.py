import sys, threading, time
sys.path.insert(0, "/src" if len(sys.argv) < 2 else sys.argv[1])
import zmq_cffi as zmq
lost = again = 0
N = 300
for trial in range(N):
    ctx = zmq.Context()
    a = ctx.socket(zmq.PAIR); a.bind("inproc://ctl")
    first = a.poll(0)  # the bound side reads EVENTS before the peer comes
    def helper():
        b = ctx.socket(zmq.PAIR); b.connect("inproc://ctl"); b.send(b"X"); b.close()
    t = threading.Thread(target=helper); t.start()
    got = None
    if a.poll(1000):
        try:
            got = a.recv(zmq.NOBLOCK)
        except zmq.Again:
            again += 1
    if got is None:
        lost += 1
    t.join(); ctx.destroy(linger=0)
print("libzmq", zmq.zmq_version(), "lost", lost, "of", N, "(Again after POLLIN: %d)" % again)
