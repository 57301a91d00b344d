"""The least a Python server can do for ``GET /sparql?query=``: two bare ASGI applications, for :mod:`bench.floor`.

``inprocess``: parse the query string, run the query in this process with pyoxigraph, answer with Oxigraph's JSON;
no checks, no log, no time limit (pyoxigraph cannot stop a query it is running). ``workers``: the same, with the one
thing unkg cannot do without: each query runs in a worker process, reached over a socket pair, that is killed and
replaced when the query outlives its time limit (:mod:`api.engine`'s design, without anything else of unkg's).

    STORE=DIR UNION=1 uvicorn bench.floor_app:inprocess --port 8771 --no-access-log
    STORE=DIR UNION=1 WORKERS=2 TIME_LIMIT_S=30 uvicorn bench.floor_app:workers --port 8772 --no-access-log

Never a server to use: it refuses nothing (``SERVICE`` included), and answers every error, a query stopped at its
time limit too, with uvicorn's bare 500.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
from urllib.parse import parse_qs

import pyoxigraph as ox

JSON = ox.QueryResultsFormat.JSON
HEADERS = [(b"content-type", b"application/sparql-results+json")]
TIME_LIMIT_S = float(os.environ.get("TIME_LIMIT_S", "30"))


def _answer(store: ox.Store, query: str) -> bytes:
    return store.query(query, use_default_graph_as_union=os.environ.get("UNION") == "1").serialize(format=JSON)


def _query(scope) -> str:
    return parse_qs(scope["query_string"].decode())["query"][0]


async def _send(send, body: bytes) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": body})


_store: ox.Store | None = None


async def inprocess(scope, receive, send) -> None:
    global _store
    if scope["type"] != "http":
        return
    if _store is None:
        _store = ox.Store.read_only(os.environ["STORE"])
    await _send(send, _answer(_store, _query(scope)))


# ---- with worker processes

def _serve(connection: socket.socket) -> None:
    """A worker: length-prefixed queries in, length-prefixed results out, until the parent closes its end."""
    store = ox.Store.read_only(os.environ["STORE"])
    stream = connection.makefile("rb", buffering=0)
    while head := stream.read(4):
        query = stream.read(struct.unpack(">I", head)[0]).decode()
        body = _answer(store, query)
        connection.sendall(struct.pack(">I", len(body)) + body)


class _Worker:
    def __init__(self) -> None:
        parent, child = socket.socketpair()
        self.pid = os.fork()
        if self.pid == 0:
            parent.close()
            _serve(child)
            os._exit(0)
        child.close()
        self.socket = parent

    async def connect(self) -> _Worker:
        self.reader, self.writer = await asyncio.open_connection(sock=self.socket)
        return self

    def kill(self) -> None:
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        self.writer.close()


_idle: asyncio.Queue | None = None


async def workers(scope, receive, send) -> None:
    global _idle
    if scope["type"] == "lifespan":
        await receive()
        _idle = asyncio.Queue()
        for _ in range(int(os.environ.get("WORKERS", "2"))):
            _idle.put_nowait(await _Worker().connect())
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    query = _query(scope).encode()
    worker = await _idle.get()
    try:
        async with asyncio.timeout(TIME_LIMIT_S):
            worker.writer.write(struct.pack(">I", len(query)) + query)
            (size,) = struct.unpack(">I", await worker.reader.readexactly(4))
            body = await worker.reader.readexactly(size)
    except BaseException:
        worker.kill()
        _idle.put_nowait(await _Worker().connect())
        raise
    _idle.put_nowait(worker)
    await _send(send, body)
