"""The server's handle on one query worker process (:mod:`api.worker` is the other side).

A plain ``python -m api.worker`` child with one end of a socket pair. Messages are framed as
``multiprocessing.connection`` frames them (a 4-byte big-endian length, then the bytes), so the worker reads and
writes with a blocking ``Connection`` while the server reads with asyncio streams, never blocking its loop.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import subprocess
import sys


class WorkerHandle:
    """One worker process and the parent's end of its socket, read and written by the event loop."""

    def __init__(self, process: subprocess.Popen, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.process = process
        self.reader = reader
        self.writer = writer

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, payload: bytes) -> None:
        """Queue a message, framed as ``multiprocessing.connection`` frames it (the worker reads it with that)."""
        self.writer.write(frame(payload))

    async def receive(self) -> bytes:
        """The next message; EOF (the process is gone) raises :class:`asyncio.IncompleteReadError`."""
        (size,) = struct.unpack("!i", await self.reader.readexactly(4))
        if size == -1:
            (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
        return await self.reader.readexactly(size)


def frame(payload: bytes) -> bytes:
    if len(payload) > 0x7FFFFFFF:
        return struct.pack("!i", -1) + struct.pack("!Q", len(payload)) + payload
    return struct.pack("!i", len(payload)) + payload


def start_process(store_path: str, register, *, write: bool = False, network: bool = True,
                  max_memory: int = 0) -> tuple[subprocess.Popen, socket.socket]:
    """A plain ``python -m api.worker`` child with one end of a socket pair (runs in a thread): unlike
    ``multiprocessing``'s spawn, it never re-imports the parent's main module (the CLI, pytest, uvicorn).
    ``write``: the writer, which opens the store for writing and runs updates. ``network``: False puts the process
    where it can reach no one (:mod:`api.sandbox`). ``max_memory``: bytes a job may take beyond what the process
    holds once ready (0: no limit; :func:`api.worker.memory_ceiling`)."""
    parent_socket, child_socket = socket.socketpair()
    with child_socket:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.worker", str(child_socket.fileno()), store_path, *(["--write"] * write),
             *(["--no-network"] * (not network)), f"--max-memory={max_memory}"],
            pass_fds=[child_socket.fileno()],
            stdin=subprocess.DEVNULL,
        )
    register(process, parent_socket)
    return process, parent_socket
