"""Validate RDF with pySHACL against shapes/, and report what is wrong in words a person can act on.

Validation runs on rdflib's in-memory graph of one source (fast, and its cost grows with the change, not the
store), together with a small *context*: the ``rdf:type`` of every IRI the source references but does not
describe, taken from the store or from sources loaded before it. So the agenda's citation of UNTOC art. 27(1)(a)
is checked against the provision the treaty source defines.

pySHACL is the reference: ``unkg validate`` runs it. ``unkg load`` validates with :mod:`loader.shacl_sparql`
(the same shapes compiled to SPARQL, 7-30x faster: the bundled treaty in 0.2 s, not 2), whose tests compare it
with this module on every shape example, on each bundled source as it loads, and on generated data.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Collection, Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, URIRef, Variable
from rdflib.collection import Collection as RDFList
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath, ZeroOrMore, ZeroOrOne
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.term import Node

from loader.data_dirs import data_dir
from loader.errors import SourceError
from loader.namespaces import ONTOLOGY_IRI, PREFIXES, SH, UNKG
from loader.rdf_files import read_graph

SHAPES_DIR = data_dir("shapes", "unkg.shapes")
ONTOLOGY_DIR = data_dir("ontology", "unkg.ontology")

TypeLookup = Callable[[list[URIRef]], Iterable[tuple[URIRef, URIRef]]]


class _IllFormedLiteralNoise(logging.Filter):
    """rdflib logs a warning with a traceback for every literal its datatype does not allow ("1 March
    2024"^^xsd:date), when the literal is made, before any validation. The shapes' ``sh:datatype`` reports that
    value as a finding on the resource and property concerned, so the log only adds noise to the report."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form to value")


_ILL_FORMED_LITERAL_NOISE = _IllFormedLiteralNoise()
logging.getLogger("rdflib.term").addFilter(_ILL_FORMED_LITERAL_NOISE)


@dataclass(frozen=True)
class Finding:
    """One validation result, as plain strings."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None
    message: str
    shape: str
    component: str
    value: str | None
    line: int | None = None  # in a source text: the first line the focus resource was read from
    value_kind: str | None = None  # "iri", "blank", "@" and a language tag, or a literal's datatype IRI


@dataclass(frozen=True)
class Report:
    conforms: bool  # no Violation (warnings allowed)
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> list[Finding]:
        """The violations as the report prints them, each once (see :func:`distinct`): so counted too."""
        return distinct(f for f in self.findings if f.severity == "Violation")

    @property
    def warnings(self) -> list[Finding]:
        return distinct(f for f in self.findings if f.severity != "Violation")


def turtle_files(directory: Path) -> list[Path]:
    """The ``*.ttl`` files of ``directory`` (shapes/, ontology/); none is an error, for validating against no
    shapes would pass anything."""
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise SourceError("no Turtle files (*.ttl) here: unkg's shapes or ontology are missing from this "
                          "installation; reinstall unkg", path=str(directory))
    return files


def _read_turtle_dir(directory: Path) -> Graph:
    return read_graph(turtle_files(directory))


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Every shape in shapes/*.ttl (read once per process)."""
    return _read_turtle_dir(SHAPES_DIR)


UNKNOWN_TERM_SHAPE = URIRef("https://w3id.org/unkg/shapes#UnknownTermShape")
UNKNOWN_TERM_CONSTRAINT = URIRef("https://w3id.org/unkg/shapes#UnknownTerm-used")
ONTOLOGY = URIRef(ONTOLOGY_IRI)


@lru_cache(maxsize=1)
def pyshacl_shapes() -> Graph:
    """The shapes pySHACL runs: all but :data:`UNKNOWN_TERM_SHAPE`, whose SPARQL-based target scans every triple,
    which rdflib's SPARQL engine takes 0.7 s to do on the ontology alone, in every validation. :func:`unknown_terms`
    gives its findings (tests/test_shapes.py checks them against pySHACL running the shape)."""
    shapes = Graph()
    for prefix, namespace in shapes_graph().namespaces():
        shapes.bind(prefix, namespace)
    left_out = {UNKNOWN_TERM_SHAPE, UNKNOWN_TERM_CONSTRAINT, *shapes_graph().objects(UNKNOWN_TERM_SHAPE, SH.target)}
    shapes += (triple for triple in shapes_graph() if triple[0] not in left_out)
    return shapes


def unknown_terms(graph: Graph) -> list[Finding]:
    """:data:`UNKNOWN_TERM_SHAPE`'s findings, as pySHACL gives them: each resource using, as a predicate or an
    object, an IRI of the unkg namespace that ``graph`` (with the ontology in it) does not say the ontology
    defines (``rdfs:isDefinedBy``)."""
    shapes = shapes_graph()
    message = str(shapes.value(UNKNOWN_TERM_CONSTRAINT, SH.message))
    severity = str(shapes.value(UNKNOWN_TERM_SHAPE, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
    defined = set(graph.subjects(RDFS.isDefinedBy, ONTOLOGY))
    namespace = str(UNKG)
    found = set()
    for subject, predicate, obj in graph:
        for term in (predicate, obj):
            if type(term) is URIRef and term.startswith(namespace) and term not in defined:
                found.add((subject, term))
    return [Finding(severity=severity, focus=str(subject), path=None,
                    message=message.replace("{$this}", str(subject)).replace("{?value}", str(term)),
                    shape=str(UNKNOWN_TERM_SHAPE), component="SPARQLConstraintComponent", value=str(term),
                    value_kind="iri") for subject, term in sorted(found)]


@lru_cache(maxsize=1)
def compared_properties() -> frozenset[str]:
    """The properties whose values the shapes count or compare (``sh:maxCount``, ``sh:uniqueLang``,
    ``sh:lessThan``…): where values a resource already has in the store, beside those a file adds, can break a
    shape that neither breaks alone."""
    shapes = shapes_graph()
    found = set()
    for constraint in (SH.maxCount, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals, SH.disjoint, SH.equals):
        for shape, value in shapes.subject_objects(constraint):
            found.update(str(path) for path in shapes.objects(shape, SH.path) if isinstance(path, URIRef))
            if isinstance(value, URIRef):  # the other property of a comparison
                found.add(str(value))
    return frozenset(found)


@cache
def compared_with(prop: str) -> frozenset[str]:
    """The properties the shapes compare ``prop`` with (``sh:lessThan`` and the like), either way round."""
    shapes = shapes_graph()
    found = set()
    for constraint in (SH.lessThan, SH.lessThanOrEquals, SH.disjoint, SH.equals):
        for shape, other in shapes.subject_objects(constraint):
            paths = {str(path) for path in shapes.objects(shape, SH.path)}
            if prop in paths:
                found.add(str(other))
            elif str(other) == prop:
                found |= paths
    return frozenset(found)


@dataclass(frozen=True)
class MemberLinks:
    """What the shapes compare across the members of a resource: ``reads`` maps each property that links a member
    into it (``?item unkg:inAgenda $this``, in a SPARQL constraint of the resource's node shape) to the properties
    those constraints read, of the resource and of its members (an agenda's items' numbers, Agenda-uniqueNotation);
    ``shapes``: those node shapes."""

    reads: dict[str, frozenset[str]]
    shapes: frozenset[str]


@lru_cache(maxsize=1)
def member_links() -> MemberLinks:
    """The member links of shapes/ (see :class:`MemberLinks`), read from the SPARQL constraints' algebra: a triple
    pattern ``?member <link> $this``, and every property the constraint's patterns name."""
    shapes = shapes_graph()
    reads: dict[str, set[str]] = {}
    found = set()
    for node_shape in set(shapes.subjects(SH.sparql, None)):
        patterns = [pattern for constraint in shapes.objects(node_shape, SH.sparql)
                    for pattern in _constraint_patterns(shapes, constraint)]
        links = {str(p) for s, p, o in patterns if o == THIS and isinstance(s, Variable) and isinstance(p, URIRef)}
        if not links:
            continue
        found.add(str(node_shape))
        named = {str(iri) for _, p, _ in patterns for iri in _iris_of(p)}  # what all its constraints read
        for link in links:
            reads.setdefault(link, set()).update(named)
    return MemberLinks({link: frozenset(named) for link, named in reads.items()}, frozenset(found))


def _constraint_patterns(shapes: Graph, constraint) -> list[tuple]:
    select = shapes.value(constraint, SH.select)
    if select is None:
        return []
    namespaces = {str(shapes.value(d, SH.prefix)): shapes.value(d, SH.namespace)
                  for prefixes in shapes.objects(constraint, SH.prefixes) for d in shapes.objects(prefixes, SH.declare)}
    return list(_triple_patterns(translateQuery(parseQuery(str(select)), None, namespaces).algebra))


THIS = Variable("this")


def _triple_patterns(node) -> Iterable[tuple]:
    """Every triple pattern in a translated query: those of its BGPs, and those of its EXISTS filters, which
    rdflib leaves as parsed (a block's patterns in one flat list, three terms each)."""
    if isinstance(node, (tuple, list)) and node and len(node) % 3 == 0 \
            and all(isinstance(term, (Node, PropertyPath)) for term in node):
        for start in range(0, len(node), 3):
            yield tuple(node[start:start + 3])
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in ("PV", "_vars"):  # variables, not patterns
                yield from _triple_patterns(value)
    elif isinstance(node, (tuple, list, set)):
        for value in node:
            yield from _triple_patterns(value)


def _iris_of(predicate) -> Iterable[URIRef]:
    """The properties a predicate of a triple pattern names: itself, or those of its property path."""
    if isinstance(predicate, URIRef):
        yield predicate
    for attribute in ("arg", "args", "path"):
        inner = getattr(predicate, attribute, None)
        for part in inner if isinstance(inner, (list, tuple)) else [inner] if inner is not None else []:
            yield from _iris_of(part)


def linked_into(triples: Iterable[tuple]) -> dict[str, set[str]]:
    """The IRIs of the resources the triples (rdflib's or Oxigraph's terms) link members into, by member link (the
    agenda an item is put in, by ``unkg:inAgenda``): resources whose shapes compare their members."""
    reads = member_links().reads
    found: dict[str, set[str]] = {}
    for _, p, o in triples:
        if _value(p) in reads and isinstance(o, (URIRef, ox.NamedNode)):
            found.setdefault(_value(p), set()).add(_value(o))
    return found


def joined_iris(linked: dict[str, set[str]]) -> set[str]:
    """:func:`linked_into`'s resources, whose findings by :func:`joined_finding` are the data's."""
    return {iri for iris in linked.values() for iri in iris}


def _value(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def joined_finding(finding: Finding, joined: Collection[str], mine: Collection[str] | None = None) -> bool:
    """Whether a finding is about a resource the data links members into (``joined``), by a constraint that
    compares its members, and names one of the data's resources (``mine``; None: any): such a finding is the
    data's, though the resource is described elsewhere. One that names none of them is about what the store held
    before (two stored items numbered 2), not about the data that touched their agenda.

    >>> shape = next(iter(member_links().shapes))
    >>> found = Finding("Violation", "https://ex/agenda", None, "Agenda https://ex/agenda has two items numbered 2: "
    ...                 "https://ex/a and https://ex/b.", shape, "SPARQLConstraintComponent", "2")
    >>> agenda = {"https://ex/agenda"}
    >>> joined_finding(found, agenda, {"https://ex/b"}), joined_finding(found, agenda, {"https://ex/c", *agenda})
    (True, False)
    """
    if not (finding.focus in joined and finding.shape in member_links().shapes
            and finding.component == "SPARQLConstraintComponent"):
        return False
    named = {word.rstrip(".,;:)") for word in finding.message.split()} - {finding.focus}  # the agenda is no member
    return mine is None or finding.value in mine or any(word in mine for word in named)


Step = tuple[str, bool]
"""A link followed from one resource to another: a property, and whether it is followed from the object to the
subject (``^schema:subEvent``: from a meeting to the event it is part of)."""

LinkTree = dict[Step, "LinkTree"]
"""What the shapes read beyond a resource: each step to the resources it links to, and what they read beyond
those (an empty tree: the statements of that step, read for their values)."""


@lru_cache(maxsize=1)
def linked_reads() -> LinkTree:
    """What the shapes' SPARQL constraints read of the resources a focus node links to, read from the constraints'
    algebra: every route through their triple patterns from ``$this`` to a variable and on (``$this unkg:slotOf
    ?meeting . ?meeting eli-dl:activity_start_date ?start``: the step ``unkg:slotOf``, then the meeting's
    ``eli-dl:activity_start_date``), each variable once per route, with the statements at each resource reached
    that its patterns name (``{(slotOf, False): {(activity_start_date, False): {}, ...}}``), so gathering them gives
    every match of the constraint for a focus node. Only routes that leave ``$this`` forwards by a link: its own
    values are the file's, and what links members into it is :func:`member_links`. A path of one or more steps
    (``p+``, ``p*``) is followed one step (none in shapes/ is longer)."""
    shapes = shapes_graph()
    tree: LinkTree = {}
    for constraint in set(shapes.objects(None, SH.sparql)):
        patterns = {(s, p, o) for s, p, o in _constraint_patterns(shapes, constraint) if not isinstance(p, Variable)}
        edges = [edge for s, p, o in patterns for edge in _path_edges(s, p, o)]
        _merge(tree, {step: beyond for step, beyond in _routes(edges, THIS, {THIS}, frozenset()).items()
                      if not step[1] and beyond})
    return tree


def _path_edges(subject, path, obj) -> Iterable[tuple]:
    """A triple pattern as edges ``(subject, property, object)`` between its terms and the fresh nodes of its
    path; ``property`` None where the path may be empty (``p?``: the object may be the subject)."""
    if isinstance(path, URIRef):
        yield subject, str(path), obj
    elif isinstance(path, InvPath):
        yield from _path_edges(obj, path.arg, subject)
    elif isinstance(path, SequencePath):
        nodes = [subject, *(BNode() for _ in path.args[1:]), obj]
        for index, step in enumerate(path.args):
            yield from _path_edges(nodes[index], step, nodes[index + 1])
    elif isinstance(path, AlternativePath):
        for alternative in path.args:
            yield from _path_edges(subject, alternative, obj)
    elif isinstance(path, MulPath):
        if path.mod in (ZeroOrOne, ZeroOrMore):
            yield subject, None, obj
        yield from _path_edges(subject, path.path, obj)
    # a negated property set (!p) names no link to follow


def _routes(edges: list[tuple], node, on_route: set, used: frozenset[int]) -> LinkTree:
    """The routes from ``node`` along ``edges`` not yet ``used``, into no variable already ``on_route`` (a step to
    one is read, not followed: it closes a cycle of the patterns, ``?agenda unkg:agendaOf ?meeting``)."""
    tree: LinkTree = {}
    for index, (subject, link, obj) in enumerate(edges):
        if index in used:
            continue
        for here, there, backwards in ((subject, obj, False), (obj, subject, True)):
            if here != node or (backwards and there == THIS):  # what links $this to: the file's statements
                continue
            goes_on = isinstance(there, (Variable, BNode)) and there not in on_route
            beyond = _routes(edges, there, on_route | {there}, used | {index}) if goes_on else {}
            if link is None:  # the same resource, by an empty path
                _merge(tree, beyond)
            else:
                _merge(tree.setdefault((link, backwards), {}), beyond)
    return tree


def _merge(tree: LinkTree, other: LinkTree) -> None:
    for step, beyond in other.items():
        _merge(tree.setdefault(step, {}), beyond)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology (ontology/*.ttl), mixed into validation so ``sh:class`` follows ``rdfs:subClassOf``."""
    return _read_turtle_dir(ONTOLOGY_DIR)


def referenced_iris(graph: Graph, *, untyped_too: bool = False) -> list[URIRef]:
    """IRIs used as objects (not types) that the graph does not describe itself; ``untyped_too``: and those it
    describes without giving their type (a source that adds to a resource another source types, as an agenda
    gives the heading it prints for an article of a treaty)."""
    described = set(graph.subjects())
    known = set(graph.subjects(RDF.type, None)) if untyped_too else described
    found = {o for p, o in graph.predicate_objects() if isinstance(o, URIRef) and p != RDF.type} - known
    if untyped_too:
        found |= {s for s in described - known if isinstance(s, URIRef)}
    return sorted(found)


def context_graph(graph: Graph, lookups: Iterable[TypeLookup], *, untyped_too: bool = False) -> Graph:
    """The types of the IRIs ``graph`` references (``untyped_too``: see :func:`referenced_iris`), from each lookup
    in turn (earlier sources, the store)."""
    context = Graph()
    missing = referenced_iris(graph, untyped_too=untyped_too)
    for lookup in lookups:
        if not missing:
            break
        for subject, rdf_type in lookup(missing):
            context.add((subject, RDF.type, rdf_type))
        missing = [iri for iri in missing if (iri, None, None) not in context]
    return context


def graph_type_lookup(graph: Graph) -> TypeLookup:
    return lambda iris: [(iri, t) for iri in iris for t in graph.objects(iri, RDF.type)]


_TRANSLATED: dict = {}


@contextmanager
def _queries_translated_once():
    """pySHACL hands rdflib the same SPARQL text of a shape for every validation, and rdflib parses and
    translates it each time (most of the cost of validating a small document). Keep each translated query
    (by text, base and namespaces) and reuse it; evaluation does not change a translated query."""
    original = SPARQLProcessor.query

    def query(self, str_or_query, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(str_or_query, str):
            key = (str_or_query, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            translated = _TRANSLATED.get(key)
            if translated is None:
                translated = _TRANSLATED[key] = translateQuery(parseQuery(str_or_query), base, initNs)
            str_or_query = translated
        return original(self, str_or_query, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query
    try:
        yield
    finally:
        SPARQLProcessor.query = original


def validate_source(graph: Graph, lookups: Iterable[TypeLookup], run: Callable[..., Report] | None = None, *,
                    members: Graph | None = None, joined: Collection[str] = ()) -> Report:
    """Validate the graph built from a source document, with the types ``lookups`` give what it references and
    what it describes without typing. Such a resource (an article whose heading the agenda prints) is judged by
    the source that types it and describes it whole: here its type only makes citations of it valid. ``run``:
    the validator (:func:`validate`, pySHACL, unless another with its contract is given). ``members``: what the
    store says of the resources ``joined`` the graph links members into and of their members (a body's stored
    meetings and their numbers), which the comparisons of their members read (see :func:`joined_finding`)."""
    context = context_graph(graph, lookups, untyped_too=True)
    if members is not None:
        context += members
    report = (run or validate)(graph, context, untyped_elsewhere=True, joined=joined)
    return Report(report.conforms, tuple(replace(f, line=first_line(graph, f.focus)) for f in report.findings))


def first_line(graph: Graph, focus: str) -> int | None:
    """The first line of its source text a resource was read from (its ``prov:wasDerivedFrom`` passages)."""
    lines = [int(line) for passage in graph.objects(URIRef(focus), PROV.wasDerivedFrom)
             for line in graph.objects(passage, UNKG.line) if str(line).isdigit()]
    return min(lines, default=None)


def validate(data: Graph, context: Graph | None = None, *, untyped_elsewhere: bool = False,
             joined: Collection[str] = ()) -> Report:
    """Validate ``data`` (plus ``context``) against shapes/; warnings do not break conformance.

    The context and the ontology are only there to be referred to: findings about resources they describe and
    ``data`` does not (a cited provision known only by its type, a concept of the ontology) are not reported;
    with ``untyped_elsewhere``, nor about those ``data`` describes without typing them and the context types.
    ``joined``: resources ``data`` links members into (see :func:`joined_finding`), whose findings by constraints
    comparing their members are reported (the agenda ``data`` adds an item to: two items numbered 2).
    """
    context = context if context is not None else Graph()
    # the ontology is mixed into the data itself: pySHACL's ont_graph brings in only class and property axioms,
    # and the shapes also read what the ontology says about its concepts (skos:inScheme)
    target = data + context + ontology_graph()
    with _queries_translated_once():
        _, results_graph, _ = pyshacl.validate(
            target,
            shacl_graph=pyshacl_shapes(),
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    described = set(data.subjects(RDF.type, None)) if untyped_elsewhere else set(data.subjects())
    elsewhere = {str(s) for s in (set(context.subjects()) | set(ontology_graph().subjects())) - described}
    found = with_undescribed_notes([*_findings(results_graph), *unknown_terms(target)],
                                   lambda iri: (URIRef(iri), RDF.type, None) in target)
    mine = {str(s) for s in data.subjects()}
    findings = tuple(sorted((f for f in found if f.focus not in elsewhere or joined_finding(f, joined, mine)),
                            key=finding_order))
    return Report(conforms=not any(f.severity == "Violation" for f in findings), findings=findings)


def finding_order(finding: Finding) -> tuple:
    """Violations first, then by focus and path; total, so that which of two findings with one message
    :func:`distinct` keeps does not depend on the order pySHACL happened to report them in."""
    return (finding.severity != "Violation", finding.focus, finding.path or "", finding.shape, finding.component,
            finding.value or "", finding.message)


def _findings(results: Graph) -> Iterable[Finding]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        def one(prop, result=result):
            value = results.value(result, prop)
            return None if value is None else str(value)

        severity = one(SH.resultSeverity) or str(SH.Violation)
        yield Finding(
            severity=severity.rsplit("#", 1)[-1],
            focus=one(SH.focusNode) or "",
            path=one(SH.resultPath),
            message=one(SH.resultMessage) or "does not conform",
            shape=one(SH.sourceShape) or "",
            component=(one(SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
            value=one(SH.value),
            value_kind=kind_of(results.value(result, SH.value)),
        )


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def kind_of(term) -> str | None:
    """What a value is, for :func:`value_label`: ``"iri"``, ``"blank"``, ``"@zh"``, or a datatype IRI (rdflib's
    terms, or Oxigraph's: a plain literal is an ``xsd:string``)."""
    if term is None:
        return None
    if isinstance(term, (URIRef, ox.NamedNode)):
        return "iri"
    if isinstance(term, (BNode, ox.BlankNode)):
        return "blank"
    if term.language:
        return "@" + term.language
    return str(term.datatype.value if isinstance(term, ox.Literal) else term.datatype or XSD_STRING)


TURTLE_ESCAPES = re.compile(r'[\\"\x00-\x1f\x7f-\x9f]')


def _turtle_escape(match: re.Match) -> str:
    """A character a Turtle string writes escaped: ``\\n``, ``\\"``… or ``\\u001B`` (so a report, XML included,
    never carries a control character)."""
    char = match.group()
    return {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04X}")


def value_label(finding: Finding) -> str:
    """A finding's value as Turtle writes it, so "15" (a string) is not taken for 15 (a number): ``"15"``,
    ``"15"^^xsd:integer``, ``"会议"@zh``, ``<https://…>``.

    >>> f = Finding("Violation", "https://example.org/m", None, "", "", "", "15", value_kind=XSD_STRING)
    >>> value_label(f), value_label(replace(f, value_kind="http://www.w3.org/2001/XMLSchema#integer"))
    ('"15"', '"15"^^xsd:integer')
    >>> print(value_label(replace(f, value='say "hi"\\n\\x1b[2J\\\\')))
    "say \\"hi\\"\\n\\u001B[2J\\\\"
    >>> iri = replace(f, value="https://example.org/x", value_kind="iri")
    >>> value_label(iri), value_label(replace(f, value_kind="@zh"))
    ('<https://example.org/x>', '"15"@zh')
    """
    value, kind = finding.value or "", finding.value_kind
    if kind == "iri":
        return f"<{value}>"
    if kind == "blank":
        return f"_:{value}"
    if kind is None:
        return value
    quoted = '"' + TURTLE_ESCAPES.sub(_turtle_escape, value) + '"'
    if kind.startswith("@"):
        return quoted + kind
    if kind == XSD_STRING:
        return quoted
    prefix = next((p for p, ns in PREFIXES.items() if kind.startswith(ns) and "/" not in kind[len(ns):]), None)
    return f"{quoted}^^{prefix}:{kind[len(PREFIXES[prefix]):]}" if prefix else f"{quoted}^^<{kind}>"


def value_note(finding: Finding) -> str:
    """`` (value: …)`` after a finding's message, unless it has no value or the message is a SPARQL-based
    constraint's that quotes it (``{?value}`` filled in). A fixed message that happens to contain the value's text
    ("… an xsd:integer from 1" for the string "1") is no quotation: the value is still shown."""
    quoted = finding.component == "SPARQLConstraintComponent" and finding.value in finding.message
    return f" (value: {value_label(finding)})" if finding.value and not quoted else ""


UNDESCRIBED_NOTE = (
    " This one is neither in the data validated with it nor in a store given with --store (nothing there gives it "
    "a type): either no such resource exists (its IRI mistyped, a number misprinted or misread), or what describes "
    "it was not given. A resource another file or source describes (a body, a treaty's provision) counts when that "
    "file, or its manifest, is given before it in the same run (unkg validate its-manifest.toml FILE), or is "
    "loaded in the store --store names.")


@lru_cache(maxsize=1)
def class_alternative_shapes() -> frozenset[str]:
    """The shapes whose ``sh:or`` alternatives require a class (a document's subject: a provision, a body…)."""
    shapes = shapes_graph()
    return frozenset(str(shape) for shape, alternatives in shapes.subject_objects(SH["or"])
                     if any((member, SH["class"], None) in shapes for member in RDFList(shapes, alternatives)))


def about_undescribed(finding: Finding, is_typed: Callable[[str], bool]) -> bool:
    """Whether a finding says an IRI value is not of the class required (``sh:class``, or ``sh:or`` of classes)
    because nothing validated gives it a type at all: a resource not given (described in another file, or in a
    store), not one of the wrong class."""
    requires_class = finding.component == "ClassConstraintComponent" or (
        finding.component == "OrConstraintComponent" and finding.shape in class_alternative_shapes())
    return (requires_class and finding.value_kind == "iri" and finding.value is not None
            and not is_typed(finding.value))


def with_undescribed_notes(findings: Iterable[Finding], is_typed: Callable[[str], bool]) -> list[Finding]:
    """The findings, each :func:`about_undescribed` with :data:`UNDESCRIBED_NOTE` after its message, so whatever the
    property, a reader learns to give what describes the resource (``--store``, a file or manifest before it)."""
    return [replace(f, message=f.message + UNDESCRIBED_NOTE) if about_undescribed(f, is_typed) else f
            for f in findings]


# --- reports ---

def focus_label(finding: Finding) -> str:
    """The resource a finding is about: an IRI in angle brackets, a blank node as ``_:id`` (blank-node ids have
    no colon, IRIs always do).

    >>> focus_label(Finding("Violation", "https://w3id.org/unkg/meeting/x/1", None, "m", "s", "c", None))
    '<https://w3id.org/unkg/meeting/x/1>'
    >>> focus_label(Finding("Violation", "Nb1", None, "m", "s", "c", None))
    '_:Nb1'
    """
    return f"<{finding.focus}>" if ":" in finding.focus else f"_:{finding.focus}"


def distinct(findings: Iterable[Finding]) -> list[Finding]:
    """The findings a report prints, each once: pySHACL reports one result per constraint, so a value that
    breaks two constraints of a property shape with one message (an untagged title: sh:datatype and
    sh:languageIn) would be printed twice, identically. Findings that differ only in the constraint
    component are one line of the report."""
    return list(_merged(findings))


def _merged(findings: Iterable[Finding]) -> dict[Finding, list[str]]:
    """:func:`distinct`'s findings, each with the constraint components of every finding it stands for."""
    first: dict[tuple, Finding] = {}
    merged: dict[Finding, list[str]] = {}
    for f in findings:
        kept = first.setdefault((f.severity, f.focus, f.path, f.message, f.shape, f.value), f)
        components = merged.setdefault(kept, [])
        if f.component not in components:
            components.append(f.component)
    return merged


def _short(iri: str | None) -> str:
    if iri is None:
        return ""
    for sep in ("#", "/"):
        if sep in iri:
            return iri.rsplit(sep, 1)[-1]
    return iri


def path_label(finding: Finding, short: bool = False) -> str:
    """The property a finding is about: its IRI; for a path that is not one IRI (alternatives, an inverse), the
    shape's path in SPARQL syntax (``(title|prefLabel)``), not the blank-node id pySHACL reports."""
    path = finding.path
    if not path or ":" in path:  # no path, or an IRI (blank-node ids have no colon)
        return _short(path) if short else (path or "")
    from loader.errors import UnkgError
    from loader.shacl_sparql import path_text  # imported here: that module imports this one

    shapes = shapes_graph()
    node = shapes.value(URIRef(finding.shape), SH.path) if finding.shape else None
    if node is None:
        return path
    try:
        text = path_text(shapes, node, URIRef(finding.shape))
    except UnkgError:
        return path
    return re.sub(r"<([^>]*)>", lambda iri: _short(iri.group(1)), text) if short else text


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""``text`` with control characters written as escapes, so data cannot move the cursor or recolour a terminal,
    nor break a finding over two lines.

    >>> print(printable("a\x1b[2Jb\nc"))
    a\x1b[2Jb\x0ac
    """
    return CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural unless it is one.

    >>> counted(1, "violation"), counted(2, "violation"), counted(0, "warning")
    ('1 violation', '2 violations', '0 warnings')
    """
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def as_text(reports: dict[str, Report]) -> str:
    """One block per file: ``file: Violation: <resource> <property>: message`` (control characters escaped)."""
    lines = []
    for source, report in reports.items():
        if not report.findings:
            lines.append(f"{source}: conforms")
            continue
        shown = distinct(report.findings)
        for f in shown:
            where = focus_label(f) + (f" {path_label(f, short=True)}" if f.path else "")
            at = f"{source}:{f.line}" if f.line else source
            said = f"{f.message}{value_note(f)} [shape {_short(f.shape)}]"
            lines.append(printable(f"{at}: {f.severity}: {where}: {said}"))
        violations = sum(f.severity == "Violation" for f in shown)
        verdict = "conforms" if report.conforms else f"does not conform ({counted(violations, 'violation')})"
        lines.append(f"{source}: {verdict}, {counted(len(shown) - violations, 'warning')}")
    return "\n".join(lines) + "\n"


def as_json(reports: dict[str, Report]) -> str:
    """Every finding with its fields, each once as the text and JUnit reports count them (a value that breaks two
    constraints with one message is one finding; ``components`` lists them, ``component`` is the first); ``path``
    an IRI, or a path that is not one IRI in SPARQL syntax (``(<…#symbol>|<…#title>)``), not the blank-node id the
    shapes graph gives it, which changes from run to run."""
    body = {
        "conforms": all(r.conforms for r in reports.values()),
        "files": [
            {"file": source, "conforms": r.conforms,
             "findings": [{**asdict(f), "components": components, "path": path_label(f) or None}
                          for f, components in _merged(r.findings).items()]}
            for source, r in reports.items()
        ],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """The text with the characters XML 1.0 cannot carry (a message quoting a value may hold them) as ``\\uXXXX``."""
    return XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def as_junit(reports: dict[str, Report]) -> str:
    """JUnit XML, as linters write it: one test suite per file, one failing test case per violation (its one
    failure names the line, for a source text, as the text report does), one passing test case for a file that
    conforms; the counts are of test cases. Warnings go to the suite's system-out."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for source, r in reports.items():
        violations = distinct(r.violations)
        out.append(f"  <testsuite name={quoteattr(xml_safe(source))} tests=\"{max(1, len(violations))}\" "
                   f"failures=\"{len(violations)}\">")
        for f in violations:
            at = f"{source}:{f.line}" if f.line else source
            where = f"{focus_label(f)} {path_label(f)}"
            text = f"{at}: {where}: {f.message}{value_note(f)} [shape {f.shape}]"
            out.append(f"    <testcase classname={quoteattr(xml_safe(source))} name={quoteattr(xml_safe(where))}>"
                       f"<failure message={quoteattr(xml_safe(f.message))} type={quoteattr(f.component)}>"
                       f"{escape(xml_safe(text))}</failure></testcase>")
        if not violations:
            out.append(f"    <testcase classname={quoteattr(xml_safe(source))} name=\"conforms\"/>")
        if r.warnings:
            warn = "\n".join(f"Warning: {focus_label(f)} {path_label(f)}: {f.message}" for f in distinct(r.warnings))
            out.append(f"    <system-out>{escape(xml_safe(warn))}</system-out>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


RENDERERS = {"text": as_text, "json": as_json, "junit": as_junit}

