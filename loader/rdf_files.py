"""Read users' RDF files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) with errors that name the line.

Parsing goes through Oxigraph's parser (fast, and its errors carry the position); the result is an rdflib
``Dataset`` because pySHACL validates rdflib graphs. Oxigraph's RDF/XML and JSON-LD parsers say what is wrong but
not where: :func:`where_parsing_stops` finds the line by parsing again, one line at a time, and an RDF/XML file is
first checked as XML by expat, which names line and column (and, unlike Oxigraph, refuses a file cut short). The
same line-by-line parse tells on which line each statement is read (:func:`statements_read`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import xml.parsers.expat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from loader.errors import SourceError
from loader.namespaces import ONTOLOGY_IRI
from loader.server_paths import route_for, routed_path, what_is_served
from loader.xsd_lexical import INTEGER_RANGES, OTHERS, XSD, is_value

XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
BOM = b"\xef\xbb\xbf"  # UTF-8's byte-order mark: some editors write it, Oxigraph's parsers take it for text

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def is_rdf_file(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = " ".join(sorted(FORMATS))
        raise SourceError(f"unknown RDF format {path.suffix or '(no extension)'!r}; known: {known}",
                          path=str(path)) from None


def read_quads(path: Path, *, rename_blank_nodes: bool = False) -> list[ox.Quad]:
    """Every quad in an RDF file; a ``SourceError`` naming file, line and problem when it cannot be read, or when
    it holds an ill-typed literal (:func:`ill_typed`).

    ``rename_blank_nodes``: fresh random ids instead of the file's labels, for quads bound for a store: blank
    nodes are the store's, so ``_:b0`` of one file would otherwise be ``_:b0`` of every file loaded after it."""
    with reading(path), _parser(path, rename_blank_nodes) as parser:
        quads = list(parser)
    bad = ill_typed(quads)
    if bad:
        raise ill_typed_error(path, bad)
    return quads


# the datatypes judged: XSD's numbers, booleans, dates, times and durations (loader.xsd_lexical)
JUDGED = frozenset(XSD + name for name in (*INTEGER_RANGES, "decimal", *OTHERS))
_JUDGED_NODES = frozenset(ox.NamedNode(datatype) for datatype in JUDGED)


def ill_typed(quads: list[ox.Quad]) -> list[int]:
    """The positions in ``quads`` of those whose object is a literal of a datatype in :data:`JUDGED` that its
    lexical form is not a value of (``"x"^^xsd:integer``, ``"2024-02-30"^^xsd:date``), which Oxigraph's parser
    takes as written and its store keeps as an opaque string. Each distinct literal once, by XSD 1.1's grammar and
    the type's bounds (:mod:`loader.xsd_lexical`), exact at any size: Oxigraph's casts hold integers in 64 bits,
    decimals to 18 digits and years and durations in fixed-size numbers, and a valid value must not be called
    ill-typed."""
    positions: dict[ox.Literal, list[int]] = {}
    for index, quad in enumerate(quads):
        literal = quad.object
        if type(literal) is ox.Literal and literal.datatype in _JUDGED_NODES:
            positions.setdefault(literal, []).append(index)
    bad = [literal for literal in positions if not is_value(literal.datatype.value, literal.value)]
    return sorted(index for literal in bad for index in positions[literal])


def ill_typed_error(path: Path, bad: list[int]) -> SourceError:
    """The error for a file with ill-typed literals (``bad``: their positions among its quads, in the order the
    parser gave them): the first, with its triple, at the line the parser gives it on (:func:`statements_read`)."""
    with _parser(path) as parser:  # again, the file's blank node labels kept: the triple as written
        for index, quad in enumerate(parser):
            if index == bad[0]:
                first = quad
                break
    value = json.dumps(first.object.value, ensure_ascii=False)
    more = f"; and {len(bad) - 1} more" if len(bad) > 1 else ""
    message = (f"ill-typed literal: {value} is not a value of xsd:{first.object.datatype.value.removeprefix(XSD)} "
               f"(the object of {first.subject} {first.predicate}{more})")
    return SourceError(message, path=str(path), line=_line_of_quad(path, bad[0]))


def _line_of_quad(path: Path, position: int) -> int | None:
    """The line the parser gives the quad at ``position`` on (:func:`statements_read`); None if it tells none."""
    return next(islice(statements_read(path), position, None), (None, None))[1]


def read_graph(paths: Iterable[Path]) -> Graph:
    """RDF files in one rdflib ``Graph`` (every quad's graph name dropped), as rdflib's own parser gives it:
    simple literals without a datatype (also those written ``^^xsd:string``, the same literal in RDF 1.1, which
    Oxigraph does not tell apart), each file's prefixes bound. Read by Oxigraph's parser: ten times faster
    than rdflib's on the shapes, and a ``SourceError`` that names the line."""
    graph = Graph()
    for path in paths:
        with reading(path), _parser(path) as parser:
            quads = list(parser)
        for prefix, namespace in parser.prefixes.items():
            graph.bind(prefix, namespace)
        term = _term_reader()
        graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
    return graph


@contextmanager
def _parser(path: Path, rename_blank_nodes: bool = False) -> Iterator[ox.QuadParser]:
    """Oxigraph's parser of the file, past a leading byte-order mark (on line 1, so line numbers stay right)."""
    path.stat()  # a missing file is "no such file", whatever its name says its format is
    if path.is_dir():
        raise IsADirectoryError(path)
    options = {"format": rdf_format(path), "base_iri": path.resolve().as_uri(),
               "rename_blank_nodes": rename_blank_nodes}
    if options["format"] == ox.RdfFormat.RDF_XML:
        check_xml(path)
    with path.open("rb") as stream:
        if stream.read(len(BOM)) != BOM:
            yield ox.parse(path=str(path), **options)  # the faster way, when there is no mark to skip
        else:
            yield ox.parse(stream, **options)


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn what Oxigraph's parser raises for ``path`` into a ``SourceError`` naming file, line and problem."""
    try:
        yield
    except FileNotFoundError:
        raise SourceError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise SourceError("is a directory, not an RDF file", path=str(path)) from None
    except PermissionError:
        raise SourceError("permission denied", path=str(path)) from None
    except SyntaxError as error:
        message = str(error.msg if hasattr(error, "msg") else error)
        message = message.split(" (", 1)[0] if message.endswith(")") else message
        line = error.lineno
        if line is None:  # RDF/XML or JSON-LD
            line, first = where_parsing_stops(path)
            if first is not None:
                first, line = node_object_lines(path, str(error)) or (first, line)
            if first is not None and first < line:
                message += f" (JSON-LD reads a node object whole: the error is in lines {first}-{line})"
                line = first
        raise SourceError(f"syntax error: {message}", path=str(path), line=line) from None
    except MemoryError as error:  # Oxigraph's parser refuses a term over its buffer size (16 MiB)
        raise SourceError(f"cannot read: {error} (one term, a literal or an IRI, is larger than the parser takes)",
                          path=str(path)) from None
    except (OSError, ValueError) as error:
        raise SourceError(f"cannot read: {error}", path=str(path)) from None


def check_xml(path: Path) -> None:
    """Raise ``SyntaxError`` with the line (and the column in the message) where ``path`` stops being XML.
    expat reads no external entity and no DTD from elsewhere: it fetches nothing."""
    parser = xml.parsers.expat.ParserCreate()
    try:
        with path.open("rb") as stream:
            parser.ParseFile(stream)
    except xml.parsers.expat.ExpatError as error:
        message = f"not well-formed XML: {xml.parsers.expat.ErrorString(error.code)} at column {error.offset + 1}"
        raise SyntaxError(message, (str(path), error.lineno, error.offset + 1, None)) from None


def server_path_routes(quads: Sequence[ox.Quad], base: str, subjects: Collection | None = None) -> dict[str, str]:
    """The IRIs that ``quads`` describe (as subjects) or use as properties whose pages a route of the server would
    answer instead (:func:`loader.server_paths.route_for`), each with that route: what
    :func:`refuse_server_paths` refuses."""
    subjects = {quad.subject for quad in quads} if subjects is None else subjects
    named = {node.value for node in subjects if type(node) is ox.NamedNode}
    named.update(node.value for node in {quad.predicate for quad in quads})
    return {iri: route for iri in named if iri.startswith(base) and iri != ONTOLOGY_IRI
            and (route := route_for(iri, base))}


def refuse_server_paths(path: Path, quads: Sequence[ox.Quad], base: str, subjects: Collection | None = None) -> None:
    """A ``SourceError`` for a file that describes a resource (as a subject, or uses it as a property) whose IRI
    is a path the server answers itself (``<base>sparql``, ``<base>void.ttl``, ``<base>static/…``:
    :mod:`loader.server_paths`), so that its page could never be shown; named with the line on which the parser
    reads its first statement (:func:`first_lines`). A link to such an IRI (``void:sparqlEndpoint <base>sparql``)
    describes nothing there and is kept; so is the ontology's own IRI, which the ontology's page shows.
    ``subjects``: the quads' subjects, if the caller has them (a load does: a pass over a million quads costs a
    tenth of a second)."""
    routes = server_path_routes(quads, base, subjects)
    if not routes:
        return
    shadowed = list(dict.fromkeys(node.value for quad in quads for node in (quad.subject, quad.predicate)
                                  if type(node) is ox.NamedNode and node.value in routes))  # in the file's order
    first, *others = shadowed
    message = (f"<{first}> is the server's own path {routed_path(first, base)} ({what_is_served(routes[first])}); "
               "its page could never be shown: give the resource another IRI")
    if others:
        message += f" (and {len(others)} other such IRI{'s' if len(others) > 1 else ''}: "
        message += ", ".join(f"<{other}>" for other in others[:3]) + (", …" if len(others) > 3 else "") + ")"
    node = ox.NamedNode(first)
    raise SourceError(message, path=str(path), line=first_lines(path, {node}, quads).get(node))


Node = ox.NamedNode | ox.BlankNode


def statements_read(path: Path) -> Iterator[tuple[ox.Quad, int]]:
    """Each statement of ``path`` as Oxigraph's parser gives it, fed one line per read (:class:`_LineByLine`, with
    the options of :func:`read_quads`, so in the same order), with the line it gives it on: where it reads the
    statement's end (a subject alone on its line, its first property on the next: the next line). RDF/XML streams:
    an element's type and property attributes come with its start tag, each property element where it ends.
    Oxigraph's JSON-LD parser reads a top-level node object whole: in an array, the line where it ends; a document
    that is one object (a ``@graph``) gives all on its last line, which tells nothing, so nothing is given."""
    if rdf_format(path) == ox.RdfFormat.JSON_LD and _one_json_object(path):
        return
    with path.open("rb") as stream:
        lines = _LineByLine(stream)
        for quad in ox.parse(lines, format=rdf_format(path), base_iri=path.resolve().as_uri()):
            yield quad, lines.line


def first_lines(path: Path, nodes: Collection[Node], quads: Sequence[ox.Quad]) -> dict[Node, int]:
    """The line on which the parser gives (:func:`statements_read`) the first statement with each of ``nodes`` as
    its subject, else as its property, else anywhere. ``quads``: what :func:`read_quads` read the file into
    (``nodes`` are among their terms), perhaps with fresh blank node ids, or a graph name given to the default
    graph's: matched to the parser's statements one by one, and no lines at all if they do not match."""
    wanted = set(nodes)
    if not wanted:
        return {}
    found: dict[Node, tuple[int, int]] = {}  # node: (0 subject, 1 property, 2 elsewhere; line), the first best
    blanks: dict[ox.BlankNode, ox.BlankNode] = {}  # the parser's blank node: the one in quads
    count = -1  # the index of the last statement read
    try:
        for count, (read, line) in enumerate(statements_read(path)):
            if count >= len(quads) or not _same(read, quad := quads[count], blanks):
                return {}
            for rank, term in enumerate((quad.subject, quad.predicate, quad.object, quad.graph_name)):
                if term in wanted and found.get(term, (3,))[0] > min(rank, 2):
                    found[term] = (min(rank, 2), line)
    except SyntaxError:  # the file changed since it was read
        return {}
    if count + 1 != len(quads):
        return {}
    return {node: line for node, (_, line) in found.items()}


def _same(read: ox.Quad | ox.Triple, quad: ox.Quad | ox.Triple, blanks: dict) -> bool:
    """Whether ``quad`` is the statement the parser ``read``, but for blank node ids (each of ``read``'s always
    the same one of ``quad``'s, noted in ``blanks``) and a graph name given to the default graph's."""
    pairs = [(read.subject, quad.subject), (read.predicate, quad.predicate), (read.object, quad.object)]
    if isinstance(read, ox.Quad) and not isinstance(read.graph_name, ox.DefaultGraph):
        pairs.append((read.graph_name, quad.graph_name))
    for one, other in pairs:
        if type(one) is ox.BlankNode:
            if type(other) is not ox.BlankNode or blanks.setdefault(one, other) != other:
                return False
        elif type(one) is ox.Triple:
            if type(other) is not ox.Triple or not _same(one, other, blanks):
                return False
        elif one != other:
            return False
    return True


def _one_json_object(path: Path) -> bool:
    """Whether the JSON text of ``path`` is one object (not an array), by its first character past spaces."""
    with path.open("rb") as stream:
        start = stream.read(1 << 16).removeprefix(BOM).lstrip(b" \t\r\n")
    return start.startswith(b"{")


class _LineByLine:
    """A binary file that gives Oxigraph's parser one line per read, so that when the parser fails, the line it was
    given last is the one it failed on. ``line``: the number of the line being read (a long line comes in pieces)."""

    PIECE = 1 << 20

    def __init__(self, stream) -> None:
        self.stream = stream
        self.line = 0
        self.newlines = 0
        if stream.read(len(BOM)) != BOM:
            stream.seek(0)

    def read(self, size: int = -1) -> bytes:
        # never more than asked for: Oxigraph's reader aborts the process on a larger answer
        data = self.stream.readline(min(size, self.PIECE) if size > 0 else self.PIECE)
        if data:
            self.line = self.newlines + 1
            self.newlines += data.endswith(b"\n")
        return data


def where_parsing_stops(path: Path) -> tuple[int | None, int | None]:
    """The line on which Oxigraph's parser of ``path`` fails (None if it does not), and, for JSON-LD, whose parser
    fails only once it has read the node object the error is in, the line where the outermost object or array
    closing on that line opens (None if none does).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp, "a.jsonld")
    ...     _ = file.write_text('[{"@id": "http://example.org/a",\\n "http://example.org/p":\\n'
    ...                         '   {"@value": 1, "@language": 3}\\n}]\\n', encoding="utf-8")
    ...     where_parsing_stops(file)
    (4, 1)
    """
    with path.open("rb") as stream:
        lines = _LineByLine(stream)
        try:
            for _ in ox.parse(lines, format=rdf_format(path), base_iri=path.resolve().as_uri()):
                pass
        except SyntaxError:
            pass
        else:
            return None, None
    if rdf_format(path) != ox.RdfFormat.JSON_LD or not lines.line:
        return lines.line or None, None
    return lines.line, _outermost_closing_on(path, lines.line)


def _outermost_closing_on(path: Path, line: int) -> int | None:
    """The line where the outermost JSON object or array that closes on ``line`` of ``path`` opens."""
    opened: list[int] = []  # the line of each open bracket
    first = None
    number, in_string, escaped = 1, False, False
    with path.open(encoding="utf-8", errors="replace") as text:
        for number, content in enumerate(text, start=1):
            for char in content:
                if in_string:
                    if escaped:
                        escaped = False
                    elif char == "\\":
                        escaped = True
                    elif char == '"':
                        in_string = False
                elif char == '"':
                    in_string = True
                elif char in "{[":
                    opened.append(number)
                elif char in "}]" and opened:
                    start = opened.pop()
                    if number == line and (first is None or start < first):
                        first = start
            if number >= line:
                break
    return first


@dataclass(slots=True)
class _JsonContainer:
    """A JSON object or array of a text: where it opens and closes, what holds it, under which key, whether it has
    a key that makes it no node object. Slots and no set of keys: a large text has hundreds of thousands."""

    start: int
    end: int = -1
    parent: int | None = None
    key: str | None = None  # the key it is the value of in an object (None: an array's element, the whole text)
    value_or_list: bool = False  # it has @value, @list or @set: a value object, a list or a set, not a node object
    children: list[int] = field(default_factory=list)


# a string (a key, if a colon follows it), a bracket
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(?:[ \t\r\n]*(:))?|[{}\[\]]')
_DESCENDED = {"@graph", "@list", "@set", "@included"}  # keywords whose value may be null, so may hold a node object
_NOT_NODE_OBJECT = {"@value", "@list", "@set"}


def _json_containers(text: str) -> list[_JsonContainer]:
    containers: list[_JsonContainer] = []
    open_ones: list[int] = []
    keys: dict[str, str] = {}  # each key as written, decoded: one string for all objects that have it
    key = None  # the key just read, when the next token may be its value
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()
        if char[0] == '"':
            key = None
            if token.group(1):
                written = char[:char.rindex('"') + 1]
                if written not in keys:
                    keys[written] = json.loads(written)  # ValueError if not a JSON string
                key = keys[written]
                if open_ones and key in _NOT_NODE_OBJECT:
                    containers[open_ones[-1]].value_or_list = True
            continue
        if char in "{[":
            parent = open_ones[-1] if open_ones else None
            in_object = parent is not None and text[containers[parent].start] == "{"
            containers.append(_JsonContainer(token.start(), parent=parent, key=key if in_object else None))
            if parent is not None:
                containers[parent].children.append(len(containers) - 1)
            open_ones.append(len(containers) - 1)
        else:
            if not open_ones:
                break
            containers[open_ones.pop()].end = token.start()
        key = None
    return containers


SEARCH_PARSES = 100  # parses node_object_lines may make before it gives up: a few per level of a usual document
SEARCH_BYTES = 32 << 20  # nor does it search a larger file: its scan takes some 0.1 s and 10 MB of memory a MB


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's garbage collector paused: among many objects made and kept (the containers of a large text), it
    goes over them again and again, which doubles the time a search takes; they hold no cycles to collect."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def node_object_lines(path: Path, error: str) -> tuple[int, int] | None:
    """The first and last line of the innermost JSON-LD node object of ``path`` the parser's ``error`` is in, found
    by parsing the text again with values replaced by ``null`` (padded, so lines stay): the error is in the value
    whose replacement clears it. Halving the values of each object or array, at most two parses a halving, so a
    few parses a level. None if the text is not JSON the scan reads, is larger than ``SEARCH_BYTES``, or the search
    takes more than ``SEARCH_PARSES`` parses (the caller then names the outermost object, as the parser's failure
    line gives it).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp, "a.jsonld")
    ...     _ = file.write_text('{"@context": {"ex": "http://example.org/"},\\n "@graph": [\\n  {"@id": "ex:a"},\\n'
    ...                         '  {"@id": "ex:b",\\n   "ex:p": {"@value": 1, "@language": 3}}\\n'
    ...                         ']}\\n', encoding="utf-8")
    ...     node_object_lines(file, "@language value must be a string")
    (4, 5)
    """
    try:
        if path.stat().st_size > SEARCH_BYTES:
            return None
        text = path.read_bytes().removeprefix(BOM).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    with _collector_paused():
        return _node_object_lines(path, error, text)


def _node_object_lines(path: Path, error: str, text: str) -> tuple[int, int] | None:
    try:
        containers = _json_containers(text)
    except ValueError:  # a key with an escape JSON has not
        return None
    if not containers or any(c.end < 0 for c in containers):
        return None
    blank = re.sub(r"[^\r\n]+", lambda run: " " * len(run.group()), text)  # the text's spaces and line ends
    parses = 0  # made so far, at most SEARCH_PARSES

    class OutOfParses(Exception):
        pass

    def fails(trial: str) -> bool:
        """Whether ``trial`` fails with the error as reported."""
        nonlocal parses
        if parses == SEARCH_PARSES:
            raise OutOfParses
        parses += 1
        try:
            for _ in ox.parse(trial.encode("utf-8"), format=ox.RdfFormat.JSON_LD, base_iri=path.resolve().as_uri()):
                pass
        except SyntaxError as raised:
            return str(raised) == error
        return False

    def nulled(trial: str, indexes: list[int]) -> str:
        """``trial`` with the containers ``indexes`` (none in another) replaced by null, padded: in one pass, as
        replacing them one at a time copies the whole text once for each."""
        pieces, kept_from = [], 0
        for index in sorted(indexes):  # containers are numbered in the order they open
            start, end = containers[index].start, containers[index].end + 1
            pieces += [trial[kept_from:start], "null", blank[start + 4:end]]
            kept_from = end
        pieces.append(trial[kept_from:])
        return "".join(pieces)

    node = 0
    try:
        if not fails(text):
            return None
        while True:
            candidates = [i for i in containers[node].children if containers[i].end - containers[i].start >= 3
                          and (containers[i].key is None or not containers[i].key.startswith("@")
                               or containers[i].key in _DESCENDED)]
            while len(candidates) > 1:
                first, rest = candidates[:len(candidates) // 2], candidates[len(candidates) // 2:]
                if fails(trial := nulled(text, rest)):  # an error as reported is (also) in the first half: look
                    text, candidates = trial, first     # there, the rest gone
                elif fails(trial := nulled(text, first)):  # in the rest alone: look there, the first half gone, so
                    text, candidates = trial, rest         # that later parses read less
                else:  # in neither half alone: look in the rest, the first half kept
                    candidates = rest
            if not candidates or fails(nulled(text, candidates)):
                break
            node = candidates[0]
    except OutOfParses:
        return None
    while node is not None and (text[containers[node].start] != "{" or containers[node].value_or_list):
        node = containers[node].parent  # the node object a value object, a list or an array is in
    if node is None:
        return None
    return text.count("\n", 0, containers[node].start) + 1, text.count("\n", 0, containers[node].end) + 1


def _term_reader() -> Callable[[ox.NamedNode | ox.BlankNode | ox.Literal], URIRef | BNode | Literal]:
    """:func:`to_rdflib` for one file, with a simple literal (``xsd:string``) left without a datatype, as
    rdflib's parsers leave it; each IRI is made once."""
    iris: dict[str, URIRef] = {}

    def term(node):
        if type(node) is ox.NamedNode:
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
            return iri
        if type(node) is ox.Literal and not node.language and node.datatype == XSD_STRING:
            return Literal(node.value)
        return to_rdflib(node)

    return term


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.Triple):  # an RDF 1.2 triple term, which rdflib cannot hold: a node standing for it
        return BNode("triple-" + hashlib.sha256(str(term).encode()).hexdigest()[:32])
    return None  # the default graph


def to_dataset(quads: list[ox.Quad]) -> Dataset:
    """The quads as an rdflib Dataset (default graph and named graphs)."""
    dataset = Dataset()
    # rdflib 7.6 deprecates default_context for default_graph, which older 7.x lack
    default = dataset.default_graph if hasattr(Dataset, "default_graph") else dataset.default_context
    for quad in quads:
        graph = to_rdflib(quad.graph_name)
        context = dataset.graph(graph) if graph is not None else default
        context.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset


def as_stored(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads as a store holds them: Oxigraph keeps numbers and dates by value ("70.0"^^xsd:decimal is 70,
    "2"^^xsd:int is "2"^^xsd:integer), so validating these judges what ``unkg load`` would write.

    >>> [q.object.value for q in as_stored([ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
    ...     ox.Literal("70.0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))])]
    ['70']
    """
    store = ox.Store()
    store.extend(quads)
    return list(store)


def as_triples(graph: Graph) -> list[ox.Triple]:
    """An rdflib graph's triples as Oxigraph's (through N-Triples, which both read and write)."""
    text = graph.serialize(format="nt", encoding="utf-8")
    return list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
