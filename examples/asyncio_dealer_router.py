"""asyncio: a ROUTER server and two DEALER clients in one event loop.

    python examples/asyncio_dealer_router.py

``zmq_cffi.asyncio`` sockets return awaitables from ``send*``/``recv*`` and
``poll``; the loop serves other tasks while a call waits.  A ROUTER sees
each message prefixed with the sender's routing id, and replies by it.
"""
import asyncio

import zmq_cffi as zmq
import zmq_cffi.asyncio


async def server(sock, count):
    for _ in range(count):
        routing_id, request = await sock.recv_multipart()
        await sock.send_multipart([routing_id, request.upper()])


async def client(ctx, port, name):
    with ctx.socket(zmq.DEALER, linger=0) as sock:
        sock.connect("tcp://127.0.0.1:%d" % port)
        await sock.send(name.encode())
        return (await sock.recv()).decode()


async def main():
    ctx = zmq_cffi.asyncio.Context()
    with ctx.socket(zmq.ROUTER, linger=0) as router:
        port = router.bind_to_random_port("tcp://127.0.0.1")
        serving = asyncio.ensure_future(server(router, 2))
        replies = await asyncio.wait_for(
            asyncio.gather(client(ctx, port, "alice"), client(ctx, port, "bob")), 10)
        await asyncio.wait_for(serving, 10)
    ctx.term()
    print(replies)
    assert replies == ["ALICE", "BOB"]


if __name__ == "__main__":
    asyncio.run(main())
