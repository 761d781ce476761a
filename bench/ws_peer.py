"""The bound for SegLab's transfers: a bare websocket server on loopback (python `websockets`)
that streams N bytes to the browser or swallows N bytes from it, in chunks of the same size as
SegLab's comm chunks. No Jupyter, no zmq, no kernel in between.

Protocol (text commands from the browser):
  "send N CHUNK"  -> the server sends ceil(N / CHUNK) binary messages totalling N bytes
  "recv N"        -> the server counts incoming binary bytes and answers "got N" when N arrived
"""

import argparse
import asyncio

import numpy as np
import websockets


async def handle(ws):
    pending = 0
    received = 0
    async for message in ws:
        if isinstance(message, bytes):
            received += len(message)
            if pending and received >= pending:
                await ws.send(f"got {received}")
                pending = received = 0
            continue
        command = message.split()
        if command[0] == "send":
            nbytes, chunk = int(command[1]), int(command[2])
            # One pre-made random buffer, sent as views: the timing is the transfer alone.
            payload = memoryview(PAYLOAD)[: min(chunk, nbytes)]
            sent = 0
            while sent < nbytes:
                part = payload[: min(chunk, nbytes - sent)]
                await ws.send(part)
                sent += len(part)
        elif command[0] == "recv":
            pending, received = int(command[1]), 0
        else:
            await ws.send(f"error unknown command {command[0]!r}")


async def main(port: int) -> None:
    async with websockets.serve(handle, "127.0.0.1", port, max_size=None, compression=None):
        print(f"ws peer listening on {port}", flush=True)
        await asyncio.Future()


PAYLOAD = np.random.default_rng(0).integers(0, 256, 16 << 20, dtype=np.uint8).tobytes()

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
