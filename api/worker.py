"""The child side of the query engine: one process, one read-only store handle, one query at a time; or, started
with ``--write`` (only when updates are allowed), the one process that holds the store's writer handle and runs
updates, so that an update past its time limit can be killed too.

The parent (:mod:`api.engine`) sends a job as a dict in :mod:`marshal`'s format (this process runs the parent's own
interpreter, ``sys.executable``, so the format is the same; writing and reading a job take 1 µs each, against 3.5
with JSON); the worker checks what the query names outside the store
(:mod:`api.outbound`), runs it in Oxigraph and streams Oxigraph's own serialization back in chunks. The parent can
kill the process at any moment; nothing here holds state worth keeping. Messages to the parent are bytes whose
first byte says what they are:

``R`` ready (then why it can reach the network it was meant not to, if so: :mod:`api.sandbox`); ``W`` + JSON head
(media type, result kind) + newline + the whole result, when it fits in one chunk; otherwise ``S`` + head +
newline + the first chunk, then ``D`` + data for each further chunk and ``F`` + the last;
``E`` + JSON ``{"status", "message"}`` an error (before ``S``, the request fails with that status; after, the
response is cut off). The writer checks a client's update as the workers check a query (SERVICE and LOAD IRIs),
validates a Graph Store upload against the shapes before it writes it, and answers each update job with ``U`` +
JSON ``{"existed"}`` (whether the job's graph existed before it ran) or with ``E``.
"""

from __future__ import annotations

import functools
import json
import marshal
import os
import re
import resource
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection

import pyoxigraph as ox

from api.outbound import Unparsable, references
from api.sparql_text import syntax_message, update_keyword
from api.update_dataset import DatasetConflict, with_using

READY, WHOLE, HEAD, DATA, FINISHED, ERROR, UPDATED = b"R", b"W", b"S", b"D", b"F", b"E", b"U"
CHUNK_BYTES = 64 * 1024
NO_TRIPLE_TERMS = "does not support RDF 1.2"  # what Oxigraph's JSON-LD serializer says of a triple term
TRIPLE_TERM_FORMATS = ("Turtle (text/turtle, format=turtle), N-Triples (application/n-triples, format=ntriples), "
                       "N-Quads (application/n-quads, format=nquads), TriG (application/trig, format=trig) or "
                       "RDF/XML (application/rdf+xml, format=rdfxml)")
NOT_IN_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")  # C0 controls, U+FFFE, U+FFFF
# what Oxigraph's RDF/XML writer makes of a predicate or class whose IRI ends in no XML name (…/1): no XML
NO_XML_NAME = b"<oxprefix:"
# the element a predicate is written as, or a typed node (rdf:about, or rdf:nodeID opening an element: a predicate
# whose object is a blank node ends in rdf:nodeID="…"/>): its IRI declared in it
UNNAMED_IRI = re.compile(rb'<oxprefix: xmlns:oxprefix="([^"]*)"( rdf:about="[^"]*"| rdf:nodeID="[^"]*">)?')
XML_FORMATS = ("application/sparql-results+xml", "application/rdf+xml")
NOT_XML_FORMATS = ("JSON or CSV/TSV (SELECT, ASK), or Turtle, N-Triples or JSON-LD (CONSTRUCT, DESCRIBE), which "
                   "escape them")
STORE_CHANGED = re.compile(r"Corruption|No such file|IO error", re.I)
GRAPH_STATE = re.compile(r"graph .+ (does not exist|already exists)", re.I)  # DROP, CREATE… without SILENT
UNSUPPORTED = re.compile(r"\bis not supported\b", re.I)  # a function Oxigraph does not know: the client's to change
UPLOAD_LABEL = "body"  # what the findings about a Graph Store upload name, as unkg validate names a file


class JobError(Exception):
    """A query that cannot be answered, with the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ResultTooLarge(Exception):
    pass


class ChunkWriter:
    """A binary file for Oxigraph's serializers that sends what it is given to the parent in large chunks.
    ``xml``: the format is XML, whose 1.0 has no way to write most control characters (Oxigraph writes them raw,
    which no XML parser reads): a result holding one is refused."""

    def __init__(self, connection: Connection, head: dict, limit: int) -> None:
        self.connection = connection
        self.head = head
        self.limit = limit
        self.xml = False  # set with the head, once the result's format is known
        self.tail = b""  # the end of the last write, for a check of XML across writes
        self.buffer = bytearray()
        self.total = 0
        self.started = False

    def write(self, data) -> int:
        self.total += len(data)
        if self.total > self.limit:
            raise ResultTooLarge(f"the result is larger than this endpoint's limit of {self.limit} bytes")
        if self.xml:
            self._check_xml(self.tail + data)  # with the end of what came before: a write may end mid-character
            self.tail = bytes(data[-len(NO_XML_NAME):])
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self._send()
        return len(data)

    @staticmethod
    def _check_xml(data: bytes) -> None:
        if found := NOT_IN_XML.search(data):
            raise JobError(406, f"this result holds a character (U+{ord(found[0].decode()):04X}) that XML 1.0 "
                                f"cannot carry; ask for {NOT_XML_FORMATS}")
        if NO_XML_NAME in data:
            named = UNNAMED_IRI.search(data)  # Oxigraph declares the IRI right after, when the write holds it
            what = (f"the {'class' if named[2] else 'predicate'} <{named[1].decode('utf-8', 'replace')}>" if named
                    else "a predicate or class")
            raise JobError(406, f"this result holds {what}, whose IRI ends in no XML name, which RDF/XML cannot "
                                "write; ask for Turtle, N-Triples or JSON-LD")

    def flush(self) -> None:
        """Oxigraph flushes at the end of a document; chunks go out when full or at :meth:`finish`."""

    def _send(self, last: bool = False) -> None:
        if self.started:
            tag = FINISHED if last else DATA
        else:
            tag = (WHOLE if last else HEAD) + _written_head(**self.head) + b"\n"
            self.started = True
        self.connection.send_bytes(tag + self.buffer)
        self.buffer.clear()

    def finish(self) -> None:
        self._send(last=True)


@functools.lru_cache(maxsize=64)
def _written_head(media_type: str, kind: str) -> bytes:
    """A result's head as the parent reads it; written once for each of the few there are."""
    return json.dumps({"media_type": media_type, "kind": kind}).encode()


def main(connection: Connection, store_path: str, network_note: str = "", max_memory: int = 0) -> None:
    """Serve jobs from ``connection`` until the parent goes away. ``network_note``: why this worker, meant to run
    without a network (:mod:`api.sandbox`), could not; sent with ``R``. ``max_memory``: bytes a query may take
    beyond what the process holds once its store is open (:func:`memory_ceiling`)."""
    _watch_parent()
    store = open_read_only(store_path)
    generation = 0
    ceiling = memory_ceiling(max_memory)  # once: measured again after each query, it would creep up
    set_memory_ceiling(ceiling)
    connection.send_bytes(READY + network_note.encode())
    for job in _jobs(connection):
        if job["generation"] != generation:  # the store changed: a new handle, then the same ceiling again
            store = None
            set_memory_ceiling(None)
            store, generation = open_read_only(store_path), job["generation"]
            set_memory_ceiling(ceiling)
        writer = ChunkWriter(connection, {}, job["max_bytes"])
        try:
            run(store, job, writer)
        except JobError as error:
            _send_error(connection, error.status, error.message)
        except ResultTooLarge as error:
            _send_error(connection, 400, str(error))
        except SyntaxError as error:
            word = update_keyword(job["query"])
            note = f" ({word} is a SPARQL update: send it as update=, not query=)" if word else ""
            _send_error(connection, 400, f"syntax error: {syntax_message(job['query'], error)}{note}")
        except RecursionError:  # before RuntimeError, its base: nesting that passed the engine's check, not a bug
            _send_error(connection, 400, "the query nests too deeply to be evaluated")
        except MemoryError:  # Python's share ran out (Oxigraph's own running out ends the process: SIGABRT)
            _send_error(connection, 400, out_of_memory("query", max_memory))
        except (OSError, RuntimeError) as error:
            if STORE_CHANGED.search(str(error)):  # a file the writer compacted away: reopen before the next job
                generation = -1
                _send_error(connection, 503, f"the store changed while it was read; try again ({error})")
            elif UNSUPPORTED.search(str(error)):
                _send_error(connection, 400, f"the query cannot be evaluated here: {error}")
            else:
                _send_error(connection, 500, f"the query failed: {error}")
        except Exception as error:  # a bug or an Oxigraph failure: answer 500, keep serving, log the trace
            traceback.print_exc()
            _send_error(connection, 500, f"internal error: {type(error).__name__}: {error}")


def serve_updates(connection: Connection, store_path: str, network_note: str = "", max_memory: int = 0) -> None:
    """The writer: open the store for writing (its lock keeps ``unkg load`` out while the server runs), then run
    update jobs ``{"update", "base_iri", "graph", "if_exists", "check", "upload"}`` one at a time until the parent
    goes away.

    ``graph``: a named graph IRI whose existence before the update is reported (None: the default graph, which
    always exists); with ``if_exists``, the update runs only if it existed. ``check``: for a client's update,
    ``{"allowed", "using", "using_named"}`` (see :func:`_checked`); None for text the server wrote. ``upload``:
    the triples of a Graph Store upload the text writes, validated first (:func:`_refuse_nonconforming`), in the
    job, under its time limit. Each update is one transaction.
    """
    from loader.errors import StoreError
    from loader.store import open_store  # imports rdflib: only this process pays for it

    _watch_parent()
    try:
        store = open_store(store_path, create=False)
    except StoreError as error:
        _send_error(connection, 503, str(error))
        return
    _prepare_shapes()
    connection.send_bytes(READY + network_note.encode())
    for job in _jobs(connection):
        try:
            text = _checked(job)
            existed = job["graph"] is None or store.contains_named_graph(_named_node(job["graph"]))
            if existed or not job["if_exists"]:
                # in this one job, on this handle: no other write comes between the check and the update
                _refuse_nonconforming(store, job)
                # limited while the update runs, measured from what the store holds now (its memtables and
                # caches grow from update to update, and its background threads work between them, unlimited)
                set_memory_ceiling(memory_ceiling(max_memory))
                try:
                    store.update(text, base_iri=job["base_iri"])
                finally:
                    set_memory_ceiling(None)
            connection.send_bytes(UPDATED + json.dumps({"existed": existed}).encode())
        except JobError as error:
            _send_error(connection, error.status, error.message)
        except SyntaxError as error:
            _send_error(connection, 400, f"syntax error: {syntax_message(job['update'], error)}")
        except RecursionError:
            _send_error(connection, 400, "the update nests too deeply to be evaluated")
        except MemoryError:
            _send_error(connection, 400, out_of_memory("update", max_memory))
        except Exception as error:  # an allowed LOAD or SERVICE that failed, or an Oxigraph failure: nothing applied
            if isinstance(error, RuntimeError) and (GRAPH_STATE.search(str(error)) or UNSUPPORTED.search(str(error))):
                _send_error(connection, 400, f"the update cannot be applied: {error}; nothing was changed")
            else:
                _send_error(connection, 500, f"the update failed: {type(error).__name__}: {error}")


def _prepare_shapes() -> None:
    """Compile the shapes to SPARQL and read the ontology once, as the writer starts (0.4 s, 22 MB with the
    loader's modules), by validating nothing: an upload's time limit then covers its own validation, not this."""
    from loader.pipeline import validated_upload

    nothing = ox.NamedNode("urn:unkg:nothing")
    quad = ox.Quad(nothing, nothing, nothing, ox.DefaultGraph())
    held = ox.Store()
    held.add(quad)  # a store with data: what a load reads around an upload is prepared too
    validated_upload("nothing", [quad], held, ox.DefaultGraph(), replace=False)


def _refuse_nonconforming(store: ox.Store, job: dict) -> None:
    """For a Graph Store upload (``job["upload"]``: ``{"data": N-Triples, "replace": PUT or POST}``), refuse
    (400, the findings as ``unkg validate`` words them) triples that do not conform to the shapes as
    ``unkg load`` of them into the job's graph would find (:func:`loader.pipeline.validated_upload`), judged
    against the store as it is now; warnings do not refuse. So is a PUT that takes away a resource other graphs
    link to, as the load would be. None: an update, which is not validated.

    Not under the update's memory ceiling (``RLIMIT_DATA``): the checks run on a thread per core
    (:func:`loader.shacl_sparql.validate_store`), each reserving a malloc arena and a stack the limit counts though
    they are mostly unused; a one-triple upload needed more than 170 MiB of it on 2 cores, so on a machine with
    many cores the default allowance would refuse every upload. What validation holds grows with the body (at most
    ``--max-body``) and what the loader reads around it by index look-ups, as for ``unkg load``."""
    upload = job.get("upload")
    if upload is None:
        return
    from loader.errors import SourceError, ValidationFailed
    from loader.pipeline import validated_upload
    from loader.validate import as_text

    graph = ox.DefaultGraph() if job["graph"] is None else _named_node(job["graph"])
    quads = [ox.Quad(quad.subject, quad.predicate, quad.object, graph)  # fresh blank nodes, as a load reads a file
             for quad in ox.parse(upload["data"].encode(), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True)]
    try:
        validated_upload(UPLOAD_LABEL, quads, store, graph, replace=upload["replace"])
    except ValidationFailed as error:
        raise JobError(400, f"the {UPLOAD_LABEL} {error.message}, as unkg load of it into this graph would find; "
                            f"nothing was written\n{as_text({UPLOAD_LABEL: error.report}).rstrip()}") from None
    except SourceError as error:  # what it takes away that other graphs link to
        raise JobError(400, f"the {UPLOAD_LABEL} is refused, as unkg load refuses a file: {error.message}; nothing "
                            "was written") from None


def _checked(job: dict) -> str:
    """The update text to run: for a client's update, refused (400) when it names a SERVICE or LOAD IRI outside
    ``check["allowed"]`` or cannot be checked, with ``check["using"]`` / ``check["using_named"]`` written in as
    USING / USING NAMED clauses. Here, not in the server, because the check may parse the whole text: the writer's
    time limit covers it."""
    text, check = job["update"], job.get("check")
    if check is None:
        return text
    try:
        refs = references(text, update=True, base=job["base_iri"])
        text = with_using(text, check["using"], check["using_named"])
    except Unparsable as error:
        raise JobError(400, f"the update mentions SERVICE, LOAD or FROM and cannot be checked: {error}") from None
    except DatasetConflict as error:
        raise JobError(400, str(error)) from None
    allowed = set(check["allowed"])
    for keyword, iris in (("SERVICE", refs.services), ("LOAD", refs.loads)):
        for iri in iris:
            if iri not in allowed:
                raise JobError(400, f"{keyword} {iri} is not allowed: this endpoint makes no requests to other "
                                    "servers (an operator can allow an IRI)")
    return text


OUT_OF_MEMORY = ("the {what} needed more memory than the {mib} MiB one {what} may take on this endpoint, and was "
                 "stopped")
_NO_LIMIT_SAID = []  # said once per process that it has no memory limit


def out_of_memory(what: str, allowance: int) -> str:
    """What a client is told of a job that ran out of memory (``allowance``: the limit's bytes, 0 for none)."""
    if allowance <= 0:
        return f"the {what} needed more memory than this server could give it, and was stopped"
    return OUT_OF_MEMORY.format(what=what, mib=allowance >> 20)


def memory_ceiling(allowance: int) -> int | None:
    """The most data this process may map for a job to take ``allowance`` bytes more than it holds now (None: no
    limit, for an allowance of 0 or where the kernel does not tell what a process holds). A job past it fails to
    allocate: Python raises MemoryError, Oxigraph ends the process (SIGABRT, which the parent reports as this
    limit). ``RLIMIT_DATA`` counts the 1 GiB stack jobs run on (:mod:`api.stack`) and each thread's malloc arena,
    reserved but mostly unused: hence "more than now", measured, rather than a total."""
    if allowance <= 0:
        return None
    try:
        return _data_bytes() + allowance
    except OSError as error:  # no /proc (not Linux): serve without the limit, and say so once
        if not _NO_LIMIT_SAID:
            _NO_LIMIT_SAID.append(True)
            print(f"unkg worker: no memory limit: {error}", file=sys.stderr)
        return None


def set_memory_ceiling(ceiling: int | None) -> None:
    """Limit the data this process maps to ``ceiling`` bytes (None: lift the limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if ceiling is not None and hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (hard if ceiling is None else ceiling, hard))


def _data_bytes() -> int:
    """The process's data segment and private mappings (``VmData``), which ``RLIMIT_DATA`` limits."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    raise OSError("/proc/self/status has no VmData line")


def _jobs(connection: Connection) -> Iterator[dict]:
    """Each job the parent sends, until it goes away. Only this direction is :mod:`marshal`, which is not safe
    against data made to harm: what a worker sends, having run a client's query, the parent reads as JSON."""
    while True:
        try:
            yield marshal.loads(connection.recv_bytes())
        except (EOFError, OSError):
            return


def _watch_parent() -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="watch-parent", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this process when the server is gone, even in the middle of a query nobody will read."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def open_read_only(store_path: str, attempts: int = 10) -> ox.Store:
    """A read-only handle; retried, because the writer may be replacing files while it opens."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(store_path)
        except (OSError, RuntimeError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def _send_error(connection: Connection, status: int, message: str) -> None:
    connection.send_bytes(ERROR + json.dumps({"status": status, "message": message}).encode())


def run(store: ox.Store, job: dict, writer: ChunkWriter) -> None:
    """Check, run and serialize one query job into ``writer``."""
    query = job["query"]
    allowed = set(job["allowed"])
    try:
        refs = references(query, base=job["base_iri"])
    except Unparsable as error:
        raise JobError(400, f"the query names SERVICE, LOAD or FROM and cannot be checked: {error}") from None
    for iri in refs.services:
        if iri not in allowed:
            raise JobError(400, f"SERVICE {_show(iri)} is not allowed: this endpoint makes no requests to other "
                                "servers (an operator can allow an IRI)")
    default_graph, named_graphs = job["default_graph"], job["named_graphs"]
    options: dict = {"base_iri": job["base_iri"]}
    protocol_dataset = default_graph is not None or named_graphs is not None
    if protocol_dataset:  # the protocol's dataset replaces the query's whole: a list not given is empty
        options["default_graph"] = [_named_node(iri) for iri in default_graph or []]
        options["named_graphs"] = [_named_node(iri) for iri in named_graphs or []]
    elif job["union"] and not refs.has_dataset:
        options["use_default_graph_as_union"] = True
    named = [*(default_graph or []), *(named_graphs or [])] if protocol_dataset else [
        *refs.default_graphs, *refs.named_graphs]  # the graphs the query will read
    for iri in named:
        if iri not in allowed and not store.contains_named_graph(_named_node(iri)):
            if not refs.services:
                # what the check read as FROM may be no graph at all in a text that is no SPARQL: Oxigraph says so
                # first, with the position, from an empty store (it starts evaluating as it parses, so never this
                # store, and never a text that names a SERVICE, which it would call)
                _syntax_errors(query, options)
            raise JobError(400, f"graph <{iri}> is not in this store, and this endpoint fetches nothing from "
                                "elsewhere")
    try:
        _serialize(store.query(query, **options), job, writer)
    except (OSError, RuntimeError) as error:
        # Oxigraph evaluates lazily, so a SERVICE call fails while the result is serialized, as OSError/RuntimeError
        if refs.services and not isinstance(error, RecursionError) and not STORE_CHANGED.search(str(error)) \
                and not UNSUPPORTED.search(str(error)):  # Oxigraph's own refusal, raised before any call
            raise JobError(502, f"a SERVICE request failed: {error}") from None
        raise


def _syntax_errors(query: str, options: dict) -> None:
    """Raise Oxigraph's SyntaxError for ``query``, if it has one, from an empty store; whatever else happens there
    (an evaluation error on no data) is not this check's to tell."""
    try:
        ox.Store().query(query, **options)
    except SyntaxError:
        raise
    except (OSError, RuntimeError, ValueError, TypeError):
        pass


def _serialize(result, job: dict, writer: ChunkWriter) -> None:
    if isinstance(result, ox.QueryTriples):
        media_type, kind = job["graph_format"], "graph"
    else:
        media_type = job["results_format"]
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
    if media_type is None:
        wanted = "RDF (CONSTRUCT/DESCRIBE)" if kind == "graph" else "query results (SELECT/ASK)"
        if job.get("format"):  # the client asked by the format parameter, not by Accept
            raise JobError(406, f"format={job['format']} cannot carry {wanted}")
        raise JobError(406, f"none of the formats in the Accept header can carry {wanted}")
    writer.head = {"media_type": media_type, "kind": kind}
    writer.xml = media_type in XML_FORMATS
    if kind == "graph":
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        try:  # prefixes: for Turtle and RDF/XML to use (the formats without them ignore them)
            ox.serialize(result, writer, rdf_format, prefixes=job.get("prefixes") or None)
        except OSError as error:  # JSON-LD 1.1 has no syntax for a triple term: the client's choice, not a failure
            if NO_TRIPLE_TERMS not in str(error):
                raise
            # before the first chunk, the request fails with this 406; after it, the response is cut off
            raise JobError(406, f"{rdf_format.name} cannot carry RDF 1.2 triple terms, and this result holds some; "
                                f"ask for one of the formats that can: {TRIPLE_TERM_FORMATS}") from None
    else:
        result.serialize(writer, ox.QueryResultsFormat.from_media_type(media_type))
    writer.finish()


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise JobError(400, f"not an IRI: {iri!r} ({error})") from None


def _show(iri: str) -> str:
    return iri if iri.startswith("?") else f"<{iri}>"


if __name__ == "__main__":
    from api.sandbox import without_network
    from api.stack import on_deep_stack  # Oxigraph recurses once per element of a query: a main thread's stack is small

    options = sys.argv[3:]
    network_note = without_network() if "--no-network" in options else ""  # before any thread starts
    serve = serve_updates if "--write" in options else main
    max_memory = next((int(o.partition("=")[2]) for o in options if o.startswith("--max-memory=")), 0)
    on_deep_stack(serve, Connection(int(sys.argv[1])), sys.argv[2], network_note, max_memory)
