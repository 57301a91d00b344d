"""The ``unkg`` command: one thin command per core function (load, validate, serve, query, export, stats).

Exit codes: 0 success; 1 the data does not conform to the shapes; 2 unusable input (a missing file, a syntax
error, a store that cannot be opened); 128 + a signal's number for a load interrupted by SIGINT, SIGTERM or SIGHUP,
and 141 (SIGPIPE's) when the reader of the output has gone. Errors are one line on standard error; ``--debug`` shows
the traceback.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Column, Table
from rich.text import Text

from loader.errors import UnkgError, ValidationFailed

app = typer.Typer(
    help="unkg: a knowledge graph of UN meeting documentation, served as linked data with a SPARQL endpoint.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class _Output(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits 1 ("does not conform") when the reader has gone; raise, for closed_pipe_ends_quietly."""
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    def print_table(self, table: Table) -> None:
        """A table whose cells are never cut short ("…#Decisi…" could be Decision or DecisionMethod): in a terminal,
        a long cell folds onto more lines; into a file or a pipe, the table is as wide as its longest row."""
        for column in table.columns:
            column.overflow = "fold"
        if self.is_terminal:
            self.print(table)
            return
        width = self.width
        self.width = max(width, table.__rich_measure__(self, self.options.update_width(1_000_000)).maximum)
        try:
            self.print(table)
        finally:
            self.width = width


# no markup nor emoji codes: what is printed is data (literals, IRIs, paths), and "[...]" or ":x:" in it is text
out = _Output(soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False)
state = {"debug": False}

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store directory [default: $UNKG_STORE or ./var/store].", show_default=False),
]


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


class DumpFormat(StrEnum):
    nquads = "nquads"
    trig = "trig"


def fail(error: Exception, code: int = 2) -> typer.Exit:
    """Print one line for the user (the traceback too with --debug) and give the exit to raise."""
    if state["debug"]:
        import traceback

        traceback.print_exception(error)
    err.print(f"error: {error}", markup=False, highlight=False)
    return typer.Exit(code)


@contextmanager
def closed_pipe_ends_quietly() -> Iterator[None]:
    """Output piped to a reader that stops early (``unkg export | head -1``) ends the command as it ends Unix
    tools: silently, with the exit status of SIGPIPE (141), not the 1 that says "does not conform"."""
    try:
        yield
        sys.stdout.flush()
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python flushes stdout again at exit
        raise typer.Exit(128 + signal.SIGPIPE) from None


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP during ``unkg load``: handled as Ctrl-C is (:func:`interrupted_state`)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise :class:`Terminated`, as SIGINT raises KeyboardInterrupt."""

    def handler(signum: int, _frame) -> None:
        raise Terminated(signum)

    previous = {number: signal.signal(number, handler) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, earlier in previous.items():
            signal.signal(number, earlier)


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    state["debug"] = debug


@app.command()
def load(
    files: Annotated[list[Path] | None, typer.Argument(help="RDF files or manifest (.toml) files.")] = None,
    store: StoreOption = None,
    graph: Annotated[str | None, typer.Option(help="Target graph IRI for a plain RDF file's triples.")] = None,
    force: Annotated[bool, typer.Option(help="Reload sources even when unchanged.")] = False,
) -> None:
    """Load sources into the store: with no FILES, everything bundled under data/ (and the ontology).

    Each source is parsed and validated against shapes/ in memory (a plain RDF file as a whole, by the shapes
    compiled to SPARQL, so a million triples take seconds); nothing is written when any input fails. Then each
    named graph is replaced in a transaction of its own, or, into an empty store, everything goes in by Oxigraph's
    bulk loader. Unchanged sources are skipped.

    Example: unkg load --store var/store data/manifest.toml my-extra.ttl
    """
    from loader import pipeline
    from loader.manifest import read_manifest, read_manifests
    from loader.namespaces import data_base
    from loader.rdf_files import FORMATS, is_rdf_file
    from loader.store import open_store, store_path

    stage = "reading"  # then "writing" (one transaction, or the bulk loader into a new store), then "written"
    new_store = False
    with terminate_as_interrupt():  # SIGTERM and SIGHUP end a load as Ctrl-C does
        try:
            path = store_path(str(store) if store else None)
            base = data_base()
            # read every input before opening the store for writing, so a bad file changes nothing
            manifests = [f for f in files or [] if f.suffix == ".toml"]
            rdf = [f for f in files or [] if f.suffix != ".toml"]
            if graph:
                check_graph_target(graph, rdf)
            for f in rdf:
                check_input(f)
                if not is_rdf_file(f) and f.exists():
                    raise UnkgError(f"{f}: not an RDF file ({' '.join(FORMATS)}) nor a manifest (.toml)")
            entries = read_manifests(manifests)
            existed, new_store = path.exists(), is_new_store(path)
            db = None
            try:
                db = open_store(path)  # in here: a store interrupted as it is made is removed too
                planned = []
                with Progress(console=err, transient=True, disable=len(entries) + len(rdf) < 3) as progress:
                    task = progress.add_task("loading", total=len(entries) + len(rdf) + (0 if files else 1))
                    if not files:
                        planned += [pipeline.ontology_plan(db, base, force)]
                        planned += pipeline.plan_sources(db, read_manifest(), base, force=force,
                                                         on_source=lambda _: progress.advance(task))
                    planned += pipeline.plan_sources(db, entries, base, force=force,
                                                     on_source=lambda _: progress.advance(task))
                    for f in rdf:
                        planned += pipeline.plan_rdf_file(db, f, base, graph, force, earlier=planned)
                        progress.advance(task)
                    replaced = pipeline.file_graphs_replaced(db, base, planned)
                    stage = "writing"
                    written = pipeline.write(db, planned)
                    stage = "written"
                db.flush()
                stale = {} if files else stale_source_graphs(db, {p.graph_iri for p in planned})
            except BaseException as error:
                if new_store:  # a store this command made and could not fill: leave none behind
                    traceback.clear_frames(error.__traceback__)  # their locals hold the store open
                    db = None
                    _remove_store(path, keep_directory=existed)
                raise
        except KeyboardInterrupt as error:
            signum = error.signum if isinstance(error, Terminated) else signal.SIGINT
            by = "" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}"
            raise fail(UnkgError(f"interrupted{by}; {interrupted_state(stage, not new_store)}"), 128 + signum) from None
        except ValidationFailed as error:
            from loader.validate import as_text

            err.print(as_text({error.path or "input": error.report}), markup=False, highlight=False, end="")
            raise fail(error, 1) from None
        except UnkgError as error:
            raise fail(error) from None
    skipped = sum(1 for p in planned if p.skipped)
    err.print(f"loaded {written} graph(s) into {path}" + (f", {skipped} unchanged" if skipped else ""),
              markup=False, emoji=False, highlight=False)
    for iri, files in replaced.items():
        err.print(f"note: graph <{iri}> held triples before this load; those of {' and '.join(files)} replace "
                  "them (a file's graph is named by its file name alone, so this may have been another directory's "
                  "file of that name; `--graph IRI` loads a file into a graph of your choice)",
                  markup=False, emoji=False, highlight=False)
    for iri, file in stale.items():
        err.print(f"note: graph <{iri}> holds {file or 'a source'} from data/, loaded as a source that "
                  "data/manifest.toml no longer lists by that graph (a source renamed or removed, or one another "
                  "manifest loaded); if it is stale, "
                  f"`unkg drop {iri}` takes it out", markup=False, emoji=False, highlight=False)


def stale_source_graphs(db, loaded: set[str]) -> dict[str, str]:
    """The graphs of bundled sources (files under data/) that a load of the whole manifest did not write: a
    source renamed or removed from the manifest, whose old facts still stand beside the new."""
    from loader.store import source_graphs

    return {iri: file for iri, file in source_graphs(db).items()
            if iri not in loaded and file.startswith("data/")}


def interrupted_state(stage: str, had_store: bool) -> str:
    """What an interrupted ``unkg load`` left, by how far it got. Ctrl-C reaches Python only between calls into
    Oxigraph: a write in progress finishes (its transaction commits) before the interrupt is seen.

    >>> interrupted_state("writing", had_store=True)
    'the store holds all of this load or none of it (one transaction); unkg stats shows which'
    """
    if not had_store:
        return "the store this command was creating was removed"
    if stage == "reading":
        return "nothing was written: the store is as it was"
    if stage == "writing":
        return "the store holds all of this load or none of it (one transaction); unkg stats shows which"
    return "this load was written (one transaction)"


def is_new_store(path: Path) -> bool:
    """Nothing at ``path`` yet, or an empty directory: a store made there is this command's to remove."""
    if (path / "CURRENT").exists() or (path.exists() and not path.is_dir()):
        return False
    return not path.exists() or not any(path.iterdir())


def _remove_store(path: Path, *, keep_directory: bool) -> None:
    shutil.rmtree(path, ignore_errors=True)
    if keep_directory:
        path.mkdir(exist_ok=True)


def check_graph_target(graph: str, rdf_files: list[Path]) -> None:
    """``--graph`` is where the one RDF file (not a manifest) of the command goes, and an absolute IRI."""
    if len(rdf_files) != 1:
        raise UnkgError(f"--graph names the target of exactly one RDF file; this load has {len(rdf_files)}")
    check_graph_iri(graph)


def check_input(path: Path, expected: str = "an RDF file nor a manifest") -> None:
    """Refuse what a file argument cannot be: ``-`` (standard input, which unkg does not read) or a directory."""
    if str(path) == "-":
        raise UnkgError("-: reading standard input is not supported; give the path of a file")
    if path.is_dir():
        raise UnkgError(f"{path}: is a directory, not {expected}")


def check_graph_iri(graph: str, given_as: str = "--graph ") -> None:
    """``--graph`` (or a graph given otherwise, ``given_as``) must be an absolute IRI."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(graph)
    except ValueError as error:
        raise UnkgError(f"{given_as}{graph!r} is not an IRI: {error}") from None
    if ":" not in graph:
        raise UnkgError(f"{given_as}{graph!r} is not an absolute IRI")


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="RDF files (Turtle, TriG, N-Triples, N-Quads, "
                                                            "JSON-LD, RDF/XML) or manifests (.toml).")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="Report format.")] = ReportFormat.text,
    store: Annotated[Path | None, typer.Option(help="Resolve references against this store.")] = None,
) -> None:
    """Validate RDF files against shapes/ (with no FILES: the bundled sources). Exit 0 conforms, 1 not, 2 bad input.

    Example: unkg validate my-meeting.ttl --format junit > report.xml
    """
    import pyoxigraph as ox
    from rdflib import Graph

    from loader.build import build_graph
    from loader.manifest import read_manifest, read_manifests
    from loader.namespaces import data_base
    from loader.pipeline import around_in_store, linked_in_store
    from loader.rdf_files import as_stored, as_triples, read_quads, refuse_server_paths, to_dataset
    from loader.rdf_lines import with_lines
    from loader.validate import (
        RENDERERS,
        context_graph,
        graph_type_lookup,
        joined_iris,
        linked_into,
        validate_source,
    )
    from loader.validate import validate as run_validation

    reports = {}
    try:
        base = data_base()
        lookups, db = [], None
        if store is not None:
            from loader.pipeline import store_type_lookup
            from loader.store import open_store

            db = open_store(store, read_only=True)
            lookups.append(store_type_lookup(db))
        built = Graph()
        lookups.insert(0, graph_type_lookup(built))
        manifests = [f for f in files or [] if f.suffix == ".toml"]
        entries = read_manifests(manifests) if files else read_manifest()
        from loader.iris import graph as graph_iri
        from loader.pipeline import members_in_store, planned_as_stored

        earlier = ox.Store()  # the sources built before, as a load writes them: members of what the next link into
        views = [(earlier, set())]
        if db is not None:  # and what the store's other graphs give them, as a load (it rewrites all these graphs)
            views.append((db, {ox.NamedNode(graph_iri(base, e.id)) for e in entries}))
        for entry in entries:
            graph = build_graph(entry, base)
            members, joined = members_in_store(views, graph)
            reports[str(entry.path)] = validate_source(graph, lookups, members=members, joined=joined)
            built += graph
            planned_as_stored(earlier, graph, graph_iri(base, entry.id))
        for f in [f for f in files or [] if f.suffix != ".toml"]:
            check_input(f)
            quads = read_quads(f)
            refuse_server_paths(f, quads, base)
            dataset = to_dataset(as_stored(quads))  # as load writes it, and so validates it
            graph = Graph()
            for context in dataset.graphs():
                graph += context
            around = Graph()
            views = []  # what the store, and the manifests listed before, say of resources the file adds to
            if db is not None:  # without typing them, as `unkg load` validates it: the store's copies of what
                from loader.iris import graph as graph_iri  # this run builds (the manifests' sources) are no context

                replaced = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
                names = [*(entry.id for entry in entries), "file/" + f.name]
                replaced |= {ox.NamedNode(graph_iri(base, name)) for name in names}
                views.append((db, replaced))
            if len(built):
                sources = ox.Store()
                sources.extend(ox.Quad(t.subject, t.predicate, t.object) for t in as_triples(built))
                views.append((sources, set()))
            for view, outside in views:
                around += around_in_store(view, graph, outside)
            joined = joined_iris(linked_into(graph + around))  # what the file adds items to: an agenda
            around += linked_in_store(views, graph, around)  # what it links to: a time slot's meeting's dates
            report = run_validation(graph, context_graph(graph + around, lookups) + around, joined=joined)
            reports[str(f)] = with_lines(report, f, quads)  # the file's line of each finding's resource
            built += graph  # what the next files may cite, as a load of them all would have written it before them
    except UnkgError as error:
        raise fail(error) from None
    with closed_pipe_ends_quietly():
        sys.stdout.write(RENDERERS[format.value](reports))
    raise typer.Exit(0 if all(r.conforms for r in reports.values()) else 1)


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    timeout: Annotated[float, typer.Option(help="Time limit of one query, in seconds.")] = 30.0,
    allow_update: Annotated[bool, typer.Option("--allow-update", help="Enable SPARQL Update and the Graph Store "
                                               "Protocol (needs $UNKG_UPDATE_TOKEN off loopback).")] = False,
    allow_remote: Annotated[list[str] | None, typer.Option("--allow-remote", help="An IRI that SERVICE, LOAD "
                                                           "or FROM may name (repeatable).")] = None,
    workers: Annotated[int, typer.Option(help="Query worker processes.")] = 2,
    max_body: Annotated[int, typer.Option(help="Largest request body, in bytes (larger: 413).")] = 1024 * 1024,
    max_result: Annotated[int, typer.Option(help="Largest result, in bytes.")] = 256 * 1024 * 1024,
    max_memory: Annotated[int, typer.Option(help="Memory one query or update may take, in MiB (more: 400; "
                                            "0: no limit).")] = 2048,
    trust_proxy: Annotated[list[str] | None, typer.Option("--trust-proxy", help="The IP address or network of "
                                                          "a reverse proxy whose X-Forwarded-For and "
                                                          "X-Forwarded-Proto are believed (repeatable; "
                                                          "default: none).")] = None,
) -> None:
    """Serve the store: SPARQL 1.1 endpoint at /sparql, a page for every resource, the query UI at /.

    Example: unkg serve --store var/store --port 8000
    """
    from api.server import serve as run_server
    from api.settings import Settings
    from loader.store import store_path

    try:
        settings = Settings(
            store=store_path(str(store) if store else None),
            host=host,
            port=port,
            timeout=timeout,
            allow_update=allow_update,
            allowed_iris=frozenset(allow_remote or ()),
            workers=workers,
            max_body_bytes=max_body,
            max_result_bytes=max_result,
            max_memory_mib=max_memory,
            trusted_proxies=frozenset(trust_proxy or ()),
        )
        run_server(settings)
    except UnkgError as error:
        raise fail(error) from None


@app.command()
def query(
    text: Annotated[str | None, typer.Argument(help="The SPARQL query.")] = None,
    file: Annotated[Path | None, typer.Option("-f", "--file", help="Read the query from a file.")] = None,
    store: StoreOption = None,
    format: Annotated[TableFormat, typer.Option("--format", help="Output format: table (Turtle for CONSTRUCT and "
                                                "DESCRIBE), json (SPARQL JSON results; JSON-LD for CONSTRUCT and "
                                                "DESCRIBE), csv or tsv (SELECT only).")] = TableFormat.table,
) -> None:
    """Run a SPARQL query against the store (read-only) and print the results.

    Example: unkg query 'SELECT ?item ?title WHERE { ?item a unkg:AgendaItem ; unkg:title ?title }'
    """
    from api.sparql_text import MAX_TOKENS, size, syntax_message
    from api.stack import on_deep_stack
    from loader.namespaces import PREFIXES
    from loader.store import open_store, store_path

    try:
        if (text is None) == (file is None):
            raise UnkgError("give a query or -f FILE (one of them)")
        if file is not None:
            check_input(file, "a query file")
            try:
                text = file.read_text(encoding="utf-8-sig")  # a byte-order mark is not part of the query
            except OSError as error:
                raise UnkgError(f"{file}: cannot read: {error.strerror}") from None
            except UnicodeDecodeError as error:
                raise UnkgError(f"{file}: not UTF-8 text (byte {error.object[error.start]:#04x} at offset "
                                f"{error.start}); a query file must be UTF-8") from None
        check_utf8(text)
        named = refuse_remote(text)
        if size(text) > MAX_TOKENS:
            raise UnkgError(f"the query holds more than {MAX_TOKENS:,} tokens; at most {MAX_TOKENS:,} (Oxigraph "
                            "recurses once per element of a query, and a longer one could overflow its stack)")
        db = open_store(store_path(str(store) if store else None), read_only=True)
        try:
            union = not named.has_dataset  # FROM and FROM NAMED say what the default graph is, as on the server
            with closed_pipe_ends_quietly():
                on_deep_stack(lambda: print_result(db.query(text, prefixes=PREFIXES, use_default_graph_as_union=union),
                                                   format))  # Oxigraph evaluates as the results are printed
        except typer.Exit:  # a RuntimeError to click: the reader closed the pipe
            raise
        except SyntaxError as error:
            message = syntax_message(text, error, PREFIXES)
            raise UnkgError(f"query syntax error: {message}{update_note(text)}") from None
        except (RuntimeError, OSError) as error:
            raise UnkgError("query failed: " + " ".join(str(error).split())) from None
    except UnkgError as error:
        raise fail(error) from None


def check_utf8(text: str) -> None:
    """A command-line argument that is not UTF-8 reaches Python with its bad bytes as lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise UnkgError(f"the query text on the command line is not UTF-8 (character {error.start + 1}); "
                        "give UTF-8 text or a UTF-8 file with -f") from None


def update_note(text: str) -> str:
    """What to add to a syntax error when the text is a SPARQL update."""
    from api.sparql_text import update_keyword

    word = update_keyword(text)
    return f" ({word} is a SPARQL update: unkg query runs read-only queries; updates are not supported)" if word else ""


def refuse_remote(text: str):
    """The CLI never fetches a URL on a query's behalf: SERVICE and LOAD are refused up front. Returns what the
    query names (:class:`api.outbound.References`)."""
    from api.outbound import Unparsable, references
    from loader.namespaces import PREFIXES  # given to Oxigraph with the query: the check must know them too

    try:
        named = references(text, prefixes=PREFIXES)
    except Unparsable as error:
        raise UnkgError(f"query syntax error: {error}{update_note(text)}") from None
    remote = [f"SERVICE {iri}" for iri in named.services] + [f"LOAD {iri}" for iri in named.loads]
    if remote:
        raise UnkgError(f"unkg query does not fetch URLs; this query names {', '.join(remote)}{update_note(text)}")
    return named


def print_result(result, format: TableFormat) -> None:
    """The result in ``format``: a table or SPARQL JSON/CSV/TSV results for SELECT; ``true``/``false`` or SPARQL
    JSON for ASK; Turtle (table) or JSON-LD (json) for CONSTRUCT and DESCRIBE. Any other pairing is a usage error."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        kind = "an ASK result (true or false)"
        if format is TableFormat.table:
            out.print("true" if bool(result) else "false")
            return
        if format is TableFormat.json:
            _stream(result.serialize, ox.QueryResultsFormat.JSON)
            return
    elif isinstance(result, ox.QueryTriples):
        kind = "a CONSTRUCT or DESCRIBE result (triples)"
        if format in (TableFormat.table, TableFormat.json):
            rdf_format = ox.RdfFormat.TURTLE if format is TableFormat.table else ox.RdfFormat.JSON_LD
            _stream(functools.partial(ox.serialize, result), rdf_format)
            return
    elif format is TableFormat.table:
        table = Table(*[Column(Text(v.value)) for v in result.variables])
        for row in result:
            table.add_row(*[Text(term_text(row[v])) for v in result.variables])
        out.print_table(table)
        return
    else:
        kinds = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                 "tsv": ox.QueryResultsFormat.TSV}
        _stream(result.serialize, kinds[format.value])
        return
    raise UnkgError(f"--format {format.value} cannot show {kind}; use --format table or json")


class _LineEnd:
    """Standard output's bytes, remembering whether the last of them ended a line."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.ended = True

    def write(self, data) -> int:
        if len(data):
            self.ended = bytes(data[-1:]) == b"\n"
            self.stream.write(data)
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


def _stream(serialize, *args) -> None:
    """``serialize(sink, *args)`` writes the result to standard output as Oxigraph makes it (a large result is never
    held in memory whole), and a line ends it. No closure over the result: a frame keeps its function, so the
    traceback of a closed pipe would carry the result off the thread that made it, where it cannot be dropped."""
    sys.stdout.flush()
    sink = _LineEnd(sys.stdout.buffer)
    serialize(sink, *args)
    if not sink.ended:
        sink.write(b"\n")
    sink.flush()


def term_text(term) -> str:
    """A term as a table cell shows it: an IRI, a blank node's id, a literal's text; a triple term (RDF 1.2) as
    ``<<( s p o )>>``, each part shown the same way; nothing for an unbound variable."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        return f"<<( {term_text(term.subject)} {term_text(term.predicate)} {term_text(term.object)} )>>"
    return term.value


@app.command()
def export(
    store: StoreOption = None,
    format: Annotated[DumpFormat, typer.Option("--format", help="Dump format.")] = DumpFormat.nquads,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
) -> None:
    """Dump every graph of the store as N-Quads or TriG.

    Example: unkg export --format trig -o unkg.trig
    """
    import pyoxigraph as ox

    from loader.store import open_store, store_path

    try:
        db = open_store(store_path(str(store) if store else None), read_only=True)
        fmt = ox.RdfFormat.N_QUADS if format is DumpFormat.nquads else ox.RdfFormat.TRIG
        if output is None:
            with closed_pipe_ends_quietly():
                db.dump(sys.stdout.buffer, format=fmt)
        else:
            try:
                db.dump(str(output), format=fmt)
            except OSError as error:
                raise UnkgError(f"{output}: cannot write: {error.strerror or error}") from None
    except UnkgError as error:
        raise fail(error) from None


@app.command()
def drop(
    graphs: Annotated[list[str], typer.Argument(help="IRIs of the named graphs to drop.")],
    store: StoreOption = None,
) -> None:
    """Drop named graphs from the store, all or none (each must be there): a source the manifest no longer lists.

    Example: unkg drop https://w3id.org/unkg/graph/old-source --store var/store
    """
    from loader.pipeline import check_nothing_cited_is_removed
    from loader.store import drop_graphs, open_store, store_path

    graphs = list(dict.fromkeys(graphs))  # a graph named twice is dropped once
    try:
        for iri in graphs:
            check_graph_iri(iri, given_as="graph ")
        path = store_path(str(store) if store else None)
        db = open_store(path, create=False)
        check_nothing_cited_is_removed(db, [], dropped=graphs)
        drop_graphs(db, graphs)
        db.flush()
    except UnkgError as error:
        raise fail(error) from None
    err.print(f"dropped {len(graphs)} graph(s) from {path}", markup=False, emoji=False, highlight=False)


@app.command()
def stats(store: StoreOption = None) -> None:
    """Triples per graph, and classes with their instance counts.

    Example: unkg stats --store var/store
    """
    from loader.store import class_counts, graph_sizes, open_store, store_path

    try:
        db = open_store(store_path(str(store) if store else None), read_only=True)
    except UnkgError as error:
        raise fail(error) from None
    graphs = Table("graph", "triples")
    sizes = graph_sizes(db)
    for name, size in sizes.items():
        graphs.add_row(Text(name or "(default graph)"), str(size))
    graphs.add_row("total", str(sum(sizes.values())))
    classes = Table("class", "instances")
    for name, count in class_counts(db).items():
        classes.add_row(Text(name), str(count))
    with closed_pipe_ends_quietly():
        out.print_table(graphs)
        out.print_table(classes)


if __name__ == "__main__":
    app()
