"""Messaging patterns end to end over inproc, tcp and ipc, with data checks."""
import socket as pysocket
import time

import pytest

from _backend import zmq
from _util import set_timeouts, sync_subscription


def test_req_rep_round_trips(make_pair, transport):
    rep, req = make_pair(zmq.REP, zmq.REQ, transport)
    for i in range(5):
        req.send(b"question %d" % i)
        assert rep.recv() == b"question %d" % i
        rep.send(b"answer %d" % i)
        assert req.recv() == b"answer %d" % i


def test_req_cannot_send_twice_without_reply(make_pair):
    _, req = make_pair(zmq.REP, zmq.REQ)
    req.send(b"first")
    with pytest.raises(zmq.ZMQError) as excinfo:
        req.send(b"second")
    assert excinfo.value.errno == zmq.EFSM


def test_pub_sub_delivers_only_subscribed_topics(make_pair, transport):
    pub, sub = make_pair(zmq.PUB, zmq.SUB, transport, subscribe=[b"weather", "news-ü"])
    pub.send(b"sports: 1-0")
    pub.send(b"weather: sunny")
    pub.send("news-ü: story".encode())
    pub.send(b"weatherman: gone")  # prefix match, so delivered
    pub.send(b"other")
    got = [sub.recv() for _ in range(3)]
    assert got == [b"weather: sunny", "news-ü: story".encode(), b"weatherman: gone"]
    assert sub.poll(100) == 0


def test_unsubscribe_stops_delivery(make_pair):
    pub, sub = make_pair(zmq.PUB, zmq.SUB, subscribe=[b"a", b"b"])
    sub.unsubscribe(b"a")
    # Subscription changes travel in order: once the later "c" is live, so is the unsubscribe.
    sub.subscribe(b"c")
    sync_subscription(pub, sub, b"c")
    pub.send(b"a-dropped")
    pub.send(b"b-kept")
    assert sub.recv() == b"b-kept"
    assert sub.poll(100) == 0


def test_multipart_pub_sub_filters_on_first_frame(make_pair):
    pub, sub = make_pair(zmq.PUB, zmq.SUB, subscribe=[b"topic"])
    pub.send_multipart([b"nope", b"body"])
    pub.send_multipart([b"topic", b"body", b"more"])
    assert sub.recv_multipart() == [b"topic", b"body", b"more"]


def test_push_pull_keeps_order(make_pair, transport):
    pull, push = make_pair(zmq.PULL, zmq.PUSH, transport)
    for i in range(100):
        push.send(b"job %d" % i)
    assert [pull.recv() for _ in range(100)] == [b"job %d" % i for i in range(100)]


def test_push_distributes_round_robin(ctx):
    push = ctx.socket(zmq.PUSH)
    pulls = [ctx.socket(zmq.PULL), ctx.socket(zmq.PULL)]
    for s in [push] + pulls:
        set_timeouts(s)
    push.bind("inproc://fan-out")
    for p in pulls:
        p.connect("inproc://fan-out")
    for i in range(10):
        push.send(b"%d" % i)
    received = [[p.recv() for _ in range(5)] for p in pulls]
    assert sorted(received[0] + received[1]) == sorted(b"%d" % i for i in range(10))
    assert all(p.poll(50) == 0 for p in pulls)


def test_pair_is_bidirectional(make_pair, transport):
    a, b = make_pair(zmq.PAIR, zmq.PAIR, transport)
    b.send(b"ping")
    assert a.recv() == b"ping"
    a.send(b"pong")
    assert b.recv() == b"pong"


def test_router_sees_dealer_identity_and_routes_replies(ctx, transport, make_pair):
    router, dealer1 = make_pair(zmq.ROUTER, zmq.DEALER, transport)
    # a second dealer with an explicit identity on the same endpoint
    endpoint = router.getsockopt_string(zmq.LAST_ENDPOINT)
    dealer2 = ctx.socket(zmq.DEALER)
    set_timeouts(dealer2)
    dealer2.setsockopt(zmq.IDENTITY, b"dealer-two")
    dealer2.connect(endpoint)

    dealer1.send(b"from one")
    ident1, body = router.recv_multipart()
    assert body == b"from one"
    assert ident1  # libzmq-generated identity
    dealer2.send_multipart([b"from", b"two"])
    assert router.recv_multipart() == [b"dealer-two", b"from", b"two"]

    router.send_multipart([b"dealer-two", b"reply two"])
    router.send_multipart([ident1, b"reply one"])
    assert dealer2.recv() == b"reply two"
    assert dealer1.recv() == b"reply one"


def test_router_mandatory_reports_unknown_peer(make_pair):
    router, _ = make_pair(zmq.ROUTER, zmq.DEALER)
    router.setsockopt(zmq.ROUTER_MANDATORY, 1)
    with pytest.raises(zmq.ZMQError) as excinfo:
        router.send_multipart([b"nobody", b"lost"])
    assert excinfo.value.errno == zmq.EHOSTUNREACH


def test_xpub_receives_subscription_messages(make_pair, transport):
    xpub, sub = make_pair(zmq.XPUB, zmq.SUB, transport, subscribe=None)
    sub.subscribe(b"topic")
    assert xpub.recv() == b"\x01topic"
    sub.unsubscribe(b"topic")
    assert xpub.recv() == b"\x00topic"


def test_xsub_subscribes_by_sending_a_message(make_pair, transport):
    pub, xsub = make_pair(zmq.PUB, zmq.XSUB, transport)
    xsub.send(b"\x01alpha")
    deadline = time.monotonic() + 5
    while not xsub.poll(20):  # subscription is asynchronous: publish until it lands
        assert time.monotonic() < deadline, "XSUB subscription never took effect"
        pub.send(b"beta ignored")
        pub.send(b"alpha probe")
    assert xsub.recv() == b"alpha probe"


def test_xpub_xsub_forwarding(ctx):
    """A minimal hand-written proxy: SUB -> XPUB | XSUB -> PUB."""
    xpub = ctx.socket(zmq.XPUB)
    xsub = ctx.socket(zmq.XSUB)
    pub = ctx.socket(zmq.PUB)
    sub = ctx.socket(zmq.SUB)
    for s in (xpub, xsub, pub, sub):
        set_timeouts(s)
    xpub.bind("inproc://proxy-front")
    xsub.bind("inproc://proxy-back")
    pub.connect("inproc://proxy-back")
    sub.connect("inproc://proxy-front")
    sub.subscribe(b"fwd")
    subscription = xpub.recv()
    assert subscription == b"\x01fwd"
    xsub.send(subscription)
    deadline = time.monotonic() + 5
    while not xsub.poll(20):
        assert time.monotonic() < deadline
        pub.send(b"fwd probe")
    msg = xsub.recv()
    assert msg == b"fwd probe"
    xpub.send(msg)
    assert sub.recv() == b"fwd probe"


def test_stream_socket_talks_raw_tcp(ctx):
    stream = ctx.socket(zmq.STREAM)
    set_timeouts(stream)
    port = stream.bind_to_random_port("tcp://127.0.0.1")
    client = pysocket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        ident, empty = stream.recv_multipart()  # connection notification
        assert empty == b""
        client.sendall(b"raw bytes in")
        received = b""
        deadline = time.monotonic() + 5
        while len(received) < 12 and time.monotonic() < deadline:
            peer, chunk = stream.recv_multipart()
            assert peer == ident
            received += chunk
        assert received == b"raw bytes in"
        stream.send_multipart([ident, b"raw bytes out"])
        reply = b""
        while len(reply) < 13:
            chunk = client.recv(64)
            assert chunk
            reply += chunk
        assert reply == b"raw bytes out"
    finally:
        client.close()
