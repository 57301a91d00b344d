"""The query engine: SPARQL runs in worker processes that can be killed, so a time limit really stops the work.

The store's writer handle is held for as long as the server runs, so ``unkg load`` on a served store gets a clear
"locked" error: by the server process itself, or, when updates are allowed, by a writer process that runs them one
at a time (the server then reads through a read-only handle). The writer also checks what a client's update names
(SERVICE, LOAD: only allowed IRIs) and applies its using-graph-uri parameters, so that check, which may parse the
whole text, is under the same time limit. Queries go to a pool of worker processes (:mod:`api.worker`), each with
its own read-only handle; the event loop only waits on their sockets, so one slow query never delays another. A
query or update that outlives its time limit has its process killed and replaced. An update is one transaction,
applied whole or not at all, but a writer killed while Oxigraph commits may leave the commit durable, so the client
of an update stopped at its limit is told it may or may not have been applied. After an update, workers reopen
their handle before the next query, because a read-only handle sees the store as it was when opened.

The API, for the SPARQL protocol and for the pages (all coroutines; errors are :mod:`api.errors` exceptions)::

    engine = Engine(settings); await engine.start()          # ... await engine.stop()
    rows = await engine.select("SELECT ?s WHERE { GRAPH ?g { ?s a ?c } } LIMIT 5")
    # -> SPARQL JSON bindings: [{"s": {"type": "uri", "value": "https://..."}}, ...]
    yes = await engine.ask("ASK { GRAPH ?g { ?s ?p ?o } }", timeout=5)     # a shorter limit than the operator's
    turtle = await engine.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5", "text/turtle")
    result = await engine.execute(query, results_format=..., graph_format=...)   # streams
    async for chunk in result: ...                                             # result.media_type, result.kind
    await engine.update("INSERT DATA { ... }")                                 # only with allow_update
    existed = await engine.change_graph("DROP GRAPH <g>", "g", if_exists=True)  # the Graph Store protocol's
    engine.stats.triples, engine.stats.graphs; engine.store                   # a handle to read (pyoxigraph)
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import marshal
import signal
import socket
import subprocess
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from api import worker as worker_side
from api.errors import BadGateway, BadRequest, HttpError, NotAcceptable, QueryTimeout, ServiceUnavailable
from api.settings import MIB, Settings
from api.sparql_text import MAX_NESTING, MAX_TOKENS, nesting, nesting_bound, size
from api.worker_handle import WorkerHandle, start_process
from loader.store import open_store

log = logging.getLogger("unkg.engine")
STARTUP_SECONDS = 60.0
JSON_RESULTS = "application/sparql-results+json"
UNKNOWN_OUTCOME = ("it may or may not have been applied (an update is applied whole or not at all): check the "
                   "store before sending it again")
STATUS_ERRORS: dict[int, type[HttpError]] = {400: BadRequest, 406: NotAcceptable, 502: BadGateway,
                                             503: ServiceUnavailable}


class OutOfMemory(BadRequest):
    """The job needed more memory than the limit its process was given (``--max-memory``)."""


class StreamAborted(Exception):
    """A result that failed after its first chunk was sent: the response can only be cut off."""


@dataclass
class Stats:
    triples: int
    graphs: int


class Result:
    """A query result on its way: ``media_type``, ``kind`` (solutions, boolean, graph) and the bytes, in chunks.

    Iterate it (``async for chunk in result``) exactly once, or call :meth:`body`; an error after the first chunk
    raises :class:`StreamAborted`. ``deadline``: the event loop's time (``loop.time()``) at which the query's time
    limit ends; whoever sends the chunks on must stop there too (a client that stops reading would otherwise hold
    the worker, blocked writing, for ever). Iteration stopped early (closed, cancelled, timed out) closes the
    stream, and a worker that has not sent its last chunk is killed and replaced.
    """

    def __init__(self, media_type: str, kind: str, first: bytes, rest: AsyncGenerator[bytes, None],
                 complete: bool = False, deadline: float | None = None) -> None:
        self.media_type = media_type
        self.kind = kind
        self.first = first
        self.rest = rest
        self.complete = complete  # True when ``first`` is the whole result
        self.deadline = deadline

    async def __aiter__(self):
        try:
            if self.first:
                yield self.first
            async for chunk in self.rest:
                yield chunk
        finally:  # an async for left early does not close what it iterated: close it, so its worker is discarded
            await self.rest.aclose()

    async def body(self) -> bytes:
        return b"".join([chunk async for chunk in self])


class Engine:
    """The pool of query workers and the writer handle of one store; see the module docstring for the API."""

    def __init__(self, settings: Settings, store: ox.Store | None = None) -> None:
        self.settings = settings
        # the writer handle, opened by :meth:`start` when not given; with allow_update, a read-only handle (the
        # writer process holds the writer handle), reopened after each update
        self.store: ox.Store | None = store
        self._writer: WorkerHandle | None = None
        self.stats = Stats(0, 0)
        self._threads = ThreadPoolExecutor(max_workers=settings.workers * 2 + 4, thread_name_prefix="unkg-engine")
        # starting and reaping processes has threads of its own: requests that fill the pool above (long texts to
        # check) must never keep a worker killed at its time limit from being replaced
        self._process_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="unkg-processes")
        self._idle: list[WorkerHandle] = []  # a stack: the most recently used (warmest) worker is taken first
        self._waiting: deque[asyncio.Future] = deque()  # queries waiting for a worker, served in arrival order
        self._workers: set[WorkerHandle] = set()  # started and not discarded
        self._processes: set[subprocess.Popen] = set()  # every process started and not yet reaped, for stop()
        self._sockets: dict[subprocess.Popen, socket.socket] = {}  # sockets of processes not yet streamed
        self._tasks: set[asyncio.Task] = set()
        self._generation = 0
        self._update_lock = asyncio.Lock()
        self._stopping = False
        self._network_noted = False  # said once that workers could not be put out of the network's reach

    # ---- life cycle
    async def start(self) -> None:
        """Open the store for writing (or start the writer process), count what it holds and start the workers."""
        if self.settings.allow_update:
            if self.store is not None:
                raise ValueError("with allow_update the writer process opens the store: give the engine no handle")
            self._writer = await self._spawn(write=True)
            self.store = await self._run_in_thread(worker_side.open_read_only, str(self.settings.store))
        elif self.store is None:
            self.store = open_store(self.settings.store, create=False)
        self.stats = await self._run_in_thread(self._count)
        started = await asyncio.gather(*(self._spawn() for _ in range(self.settings.workers)))
        for worker in started:
            self._release(worker)

    async def stop(self) -> None:
        """Kill every worker, including any still starting, and wait for them to exit."""
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        for worker in [*self._workers, *([self._writer] if self._writer else [])]:
            self._kill(worker)
        self._writer = None
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._threads.shutdown, True)
        await loop.run_in_executor(None, self._process_threads.shutdown, True)  # a process being started is registered
        for process in list(self._processes):
            if process.poll() is None:
                process.kill()
            await loop.run_in_executor(None, process.wait, 5)
        for leftover in self._sockets.values():
            leftover.close()
        self._sockets.clear()
        self._processes.clear()
        self._workers.clear()
        self.store = None

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (for tests and operators).

        Callable from any thread: the event loop adds and discards workers while this runs, so it
        reads a copy (``set.copy`` holds the interpreter lock throughout) instead of the set itself.
        """
        return [w.process.pid for w in self._workers.copy() if w.alive]

    # ---- queries
    async def execute(
        self,
        query: str,
        *,
        results_format: str | None = JSON_RESULTS,
        graph_format: str | None = "text/turtle",
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        timeout: float | None = None,
        format_parameter: str | None = None,
        union: bool | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> Result:
        """Run ``query`` and return its result once the first chunk is ready.

        ``results_format`` / ``graph_format``: the media type for SELECT/ASK and for CONSTRUCT/DESCRIBE results;
        None means the client accepts none (406 if the query needs it). ``default_graph`` / ``named_graphs``: the
        protocol's dataset (graph IRIs), which replaces the query's own. ``timeout``: a shorter limit in seconds
        than the operator's (waiting for a free worker counts). ``format_parameter``: the protocol's ``format=``
        the formats came from, if any (named in a 406). ``union``: whether a query without a dataset sees the
        union of the named graphs as its default graph (None: the operator's ``union_default_graph``; False: the
        store's own default graph, as the Graph Store protocol reads it). ``prefixes``: name -> IRI, for a graph
        result's Turtle or RDF/XML to declare and use.
        """
        loop = asyncio.get_running_loop()
        limit = min(timeout, self.settings.timeout) if timeout else self.settings.timeout
        deadline = loop.time() + limit
        await self._check_nesting(query, "query")
        worker = await self._acquire(deadline)
        job = {
            "query": query,
            "generation": self._generation,
            "base_iri": self.settings.base_iri,
            "allowed": sorted(self.settings.allowed_iris),
            "union": self.settings.union_default_graph if union is None else union,
            "default_graph": default_graph,
            "named_graphs": named_graphs,
            "results_format": results_format,
            "graph_format": graph_format,
            "max_bytes": self.settings.max_result_bytes,
            "format": format_parameter,
            "prefixes": prefixes,
        }
        message = b""
        try:
            worker.send(marshal.dumps(job))  # see api.worker: the worker's answers stay JSON
            message = await self._next(worker, deadline, limit)
        finally:
            if message[:1] not in (worker_side.ERROR, worker_side.WHOLE, worker_side.HEAD):
                self._discard(worker)
        tag = message[:1]
        if tag == worker_side.ERROR:
            self._release(worker)
            error = json.loads(message[1:])
            raise STATUS_ERRORS.get(error["status"], HttpError)(error["message"])
        head, _, first = message[1:].partition(b"\n")
        media_type, kind = _read_head(head)
        if tag == worker_side.WHOLE:
            self._release(worker)
            return Result(media_type, kind, first, _nothing(), complete=True, deadline=deadline)
        return Result(media_type, kind, first, self._stream(worker, deadline, limit), deadline=deadline)

    async def _stream(self, worker: WorkerHandle, deadline: float, limit: float) -> AsyncIterator[bytes]:
        finished = False
        try:
            while True:
                try:
                    message = await self._next(worker, deadline, limit)
                except HttpError as error:
                    raise StreamAborted(error.message) from None
                tag = message[:1]
                if tag == worker_side.DATA:
                    yield message[1:]
                    continue
                finished = True
                self._release(worker)
                if tag == worker_side.FINISHED:
                    yield message[1:]
                    return
                raise StreamAborted(json.loads(message[1:])["message"])
        finally:
            if not finished:
                self._discard(worker)

    async def select(self, query: str, **options) -> list[dict]:
        """The bindings of a SELECT query, as in SPARQL JSON results (``[{"var": {"type", "value", ...}}]``).

        ``options`` as for :meth:`execute`: ``default_graph``, ``named_graphs``, ``timeout``.
        """
        result = await self.execute(query, results_format=JSON_RESULTS, graph_format=None, **options)
        return json.loads(await result.body())["results"]["bindings"]

    async def ask(self, query: str, **options) -> bool:
        result = await self.execute(query, results_format=JSON_RESULTS, graph_format=None, **options)
        return bool(json.loads(await result.body())["boolean"])

    async def construct(self, query: str, media_type: str = "text/turtle", **options) -> bytes:
        """The triples of a CONSTRUCT or DESCRIBE query, serialized by Oxigraph as ``media_type``."""
        result = await self.execute(query, results_format=None, graph_format=media_type, **options)
        return await result.body()

    # ---- updates
    async def update(self, text: str, *, using: list[str] = (), using_named: list[str] = ()) -> None:
        """Run a SPARQL update in the writer process, within the time limit; SERVICE and LOAD only to allowed
        IRIs. The writer checks what the update names and applies ``using`` / ``using_named`` (the protocol's
        using-graph-uri and using-named-graph-uri) first, so a text slow to check is stopped at the limit too."""
        await self._check_nesting(text, "update")
        check = {"allowed": sorted(self.settings.allowed_iris), "using": list(using), "using_named": list(using_named)}
        await self._run_update(text, None, if_exists=False, check=check)

    async def change_graph(self, text: str, graph: str | None, *, if_exists: bool = False,
                           upload: dict | None = None) -> bool:
        """Run an update of the Graph Store protocol (text this server wrote); return whether the named graph
        ``graph`` existed before it (None: the default graph, which always does). ``if_exists``: run it only
        then. ``upload``: ``{"data": N-Triples, "replace": bool}``, the uploaded triples the text writes, which
        the writer validates against the shapes first, within the same time limit (refused: 400)."""
        return await self._run_update(text, graph, if_exists=if_exists, upload=upload)

    async def read(self, look, *args):
        """Run ``look(store, *args)`` on the server's own handle in a thread (for small reads that need no time
        limit)."""
        if self.store is None:
            raise ServiceUnavailable("the engine is not running")
        return await self._run_in_thread(look, self.store, *args)

    async def _run_update(self, text: str, graph: str | None, *, if_exists: bool, check: dict | None = None,
                          upload: dict | None = None) -> bool:
        """Send an update job to the writer and wait for its answer, killing and replacing the writer at the time
        limit; ``check``: what the writer checks a client's text against (None: text this server wrote);
        ``upload``: the Graph Store triples it validates before it writes them (:meth:`change_graph`)."""
        if not self.settings.allow_update:
            raise ServiceUnavailable("this engine was started read-only: updates are not allowed")
        limit = self.settings.timeout
        job = marshal.dumps({"update": text, "base_iri": self.settings.base_iri, "graph": graph,
                             "if_exists": if_exists, "check": check, "upload": upload})
        async with self._update_lock:
            if self._writer is None:  # the last one was killed and could not be replaced
                self._writer = await self._spawn(write=True)
            writer = self._writer
            writer.send(job)
            try:
                message = await self._next(writer, asyncio.get_running_loop().time() + limit, limit)
            except HttpError as error:
                self._kill(writer)
                await self._in_process_thread(writer.process.wait, 5)
                self._processes.discard(writer.process)
                self._writer = None
                self._writer = await self._spawn(write=True)
                await self._updated()
                # Killed while Oxigraph commits, the update may be durable all the same: say so, never "nothing"
                if isinstance(error, OutOfMemory):
                    mib = self.settings.max_memory_mib
                    raise OutOfMemory(f"{worker_side.OUT_OF_MEMORY.format(what='update', mib=mib)}; "
                                      f"{UNKNOWN_OUTCOME}") from None
                if isinstance(error, QueryTimeout):
                    raise QueryTimeout(f"the update ran longer than its time limit of {limit:g} s and was stopped; "
                                       f"{UNKNOWN_OUTCOME}") from None
                raise ServiceUnavailable(f"the writer process stopped unexpectedly during the update; "
                                         f"{UNKNOWN_OUTCOME}") from None
            answer = json.loads(message[1:])
            if message[:1] == worker_side.ERROR:
                raise STATUS_ERRORS.get(answer["status"], HttpError)(answer["message"])
            await self._updated()
            return answer["existed"]

    async def _updated(self) -> None:
        """After an update: workers reopen their handle before their next query, and so does the server."""
        self._generation += 1
        self.store = await self._run_in_thread(worker_side.open_read_only, str(self.settings.store))
        self.stats = await self._run_in_thread(self._count)

    def _count(self) -> Stats:
        store = self.store
        return Stats(triples=len(store), graphs=sum(1 for _ in store.named_graphs()))

    # ---- the pool
    async def _acquire(self, deadline: float) -> WorkerHandle:
        """An idle worker, or the first one released after every query that was waiting before this one."""
        if self._stopping:
            raise ServiceUnavailable("the server is stopping")
        while self._waiting and self._waiting[0].done():  # gave up waiting
            self._waiting.popleft()
        if self._idle and not self._waiting:
            return self._idle.pop()
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                return await waiter
        except BaseException as error:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # handed over just as this query gave up: pass it on
            waiter.cancel()
            if isinstance(error, TimeoutError):
                raise ServiceUnavailable(f"all {self.settings.workers} query workers stayed busy until the time "
                                         "limit; try again later") from None
            raise

    async def _next(self, worker: WorkerHandle, deadline: float, limit: float) -> bytes:
        """The worker's next message, read by the event loop without blocking; a timeout past the deadline."""
        try:
            async with asyncio.timeout_at(deadline):  # no task per wait, unlike wait_for
                await worker.writer.drain()
                return await worker.receive()
        except TimeoutError:
            raise QueryTimeout(f"the query ran longer than its time limit of {limit:g} s and was stopped") from None
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            if self.settings.max_memory_mib and await self._exit_code(worker) == -signal.SIGABRT:
                # Oxigraph aborts when an allocation fails: past the ceiling api.worker.memory_ceiling set
                mib = self.settings.max_memory_mib
                raise OutOfMemory(worker_side.OUT_OF_MEMORY.format(what="query", mib=mib)) from None
            raise ServiceUnavailable("the query worker stopped unexpectedly; try again") from None

    @staticmethod
    async def _exit_code(worker: WorkerHandle, wait: float = 1.0) -> int | None:
        """The exit code of a worker whose socket closed (it may take a moment to exit), None if it is still alive."""
        for _ in range(int(wait / 0.01)):
            if (code := worker.process.poll()) is not None:
                return code
            await asyncio.sleep(0.01)
        return None

    def _release(self, worker: WorkerHandle) -> None:
        """Hand the worker to the query that has waited longest, or put it on the idle stack."""
        if self._stopping:
            return
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():  # not timed out or cancelled
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _discard(self, worker: WorkerHandle) -> None:
        """Kill a worker whose state is unknown (timed out, cut off) and start another in its place."""
        self._workers.discard(worker)
        self._kill(worker)
        if not self._stopping:
            task = asyncio.get_running_loop().create_task(self._replace(worker))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _kill(self, worker: WorkerHandle) -> None:
        if worker.alive:
            worker.process.kill()
        worker.writer.close()

    async def _replace(self, old: WorkerHandle) -> None:
        await self._in_process_thread(old.process.wait, 5)
        self._processes.discard(old.process)
        for attempt in range(5):
            try:
                self._release(await self._spawn())
                return
            except ServiceUnavailable as error:
                log.error("cannot start a query worker (attempt %d): %s", attempt + 1, error)
                await asyncio.sleep(1)

    def _register(self, process: subprocess.Popen, parent_socket: socket.socket) -> None:
        """Remember a process from the moment it exists (called in a thread), so stop() can always reap it."""
        self._processes.add(process)
        self._sockets[process] = parent_socket

    async def _spawn(self, *, write: bool = False) -> WorkerHandle:
        """Start a query worker (or the writer) and wait until its store is open."""
        process, parent_socket = await self._in_process_thread(
            lambda: start_process(str(self.settings.store), self._register, write=write,
                                  network=bool(self.settings.allowed_iris),
                                  max_memory=self.settings.max_memory_mib * MIB))
        reader, writer = await asyncio.open_connection(sock=parent_socket)
        self._sockets.pop(process, None)  # the stream owns it now
        worker = WorkerHandle(process, reader, writer)
        try:
            ready = await asyncio.wait_for(worker.receive(), STARTUP_SECONDS)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError):
            ready = None
        except BaseException:  # cancelled (the server is stopping): stop() reaps the process
            self._kill(worker)
            raise
        if ready is None or ready[:1] != worker_side.READY or self._stopping:
            self._kill(worker)
            await self._in_process_thread(process.wait, 5)
            self._processes.discard(process)
            why = json.loads(ready[1:])["message"] if ready and ready[:1] == worker_side.ERROR else (
                f"exit code {process.returncode}")
            raise ServiceUnavailable(f"a {'writer' if write else 'query worker'} could not open the store "
                                     f"{self.settings.store} ({why})")
        if ready[1:] and not self._network_noted:  # it was to have no network, and could not (api.sandbox)
            self._network_noted = True
            log.warning("query workers can reach the network, which they need not: %s; the SERVICE/LOAD check "
                        "alone keeps queries from calling out", ready[1:].decode(errors="replace"))
        if not write:
            self._workers.add(worker)
        return worker

    async def _check_nesting(self, text: str, what: str) -> None:
        """Refuse text nested so deeply, or so long, that a parser would overflow its stack (and kill the process)
        on it: at most MAX_NESTING levels of brackets, and MAX_TOKENS tokens (see api.stack)."""
        if len(text) > MAX_TOKENS:
            count = await self._run_in_thread(size, text)
            if count > MAX_TOKENS:
                raise BadRequest(f"the {what} holds more than {MAX_TOKENS:,} tokens (words, names, literals, "
                                 f"operators); this endpoint accepts at most {MAX_TOKENS:,}")
        if nesting_bound(text) <= MAX_NESTING:  # the common case, without a thread
            return
        depth = await self._run_in_thread(nesting, text)
        if depth > MAX_NESTING:
            raise BadRequest(f"the {what} nests brackets or quoted triples {depth} deep; this "
                             f"endpoint accepts at most {MAX_NESTING} levels")

    async def _in_process_thread(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._process_threads, function, *args)

    async def _run_in_thread(self, function, *args, **kwargs):
        loop = asyncio.get_running_loop()
        if kwargs:
            return await loop.run_in_executor(self._threads, lambda: function(*args, **kwargs))
        return await loop.run_in_executor(self._threads, function, *args)


@functools.lru_cache(maxsize=64)
def _read_head(head: bytes) -> tuple[str, str]:
    """The media type and kind a result's head names. Few distinct heads come (a media type is one the server
    chose), so each is read once, not once per query."""
    read = json.loads(head)
    return read["media_type"], read["kind"]


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield
