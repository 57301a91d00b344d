"""One description of a resource, built once from SPARQL, whatever format it is rendered in.

Each function takes ``run_select`` (see :mod:`api.terms`), so it runs through the server's query engine and, in
tests, over a plain in-process ``pyoxigraph.Store``. Queries look inside named graphs (``GRAPH ?g``): the
loader keeps one graph per source, and a description must not depend on whether the engine treats the
default graph as their union.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from api import blank_nodes, query_files, views
from api.terms import RDF_TYPE, RunSelect, Term, expand, rows
from loader.namespaces import ONTOLOGY_IRI, PREFIXES, UNKG

LABEL_PROPERTIES = [
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["rdfs"] + "label",
    str(UNKG.title),
    PREFIXES["dcterms"] + "title",
    str(UNKG.heading),
    str(UNKG.symbol),
    PREFIXES["skos"] + "notation",  # a provision below an article has only its code, 27(1)(a)
]
MAX_INCOMING = 1000
MAX_OUTGOING = 1000  # values of its own one page shows (its RDF holds them all: api/queries/resource_description.rq)
MAX_LABELLED = 400


@dataclass
class Passage:
    """The source passage behind a fact: the verbatim line, its number and the file it is in."""

    iri: str
    line: int | str  # the number; the text as stored when it is none (data loaded by SPARQL Update is not checked)
    verbatim: str
    file: str | None
    language: str | None = None  # the tag of its expression's title: the language the line is in


@dataclass
class Description:
    """What the store says about one resource, and what the pages need to show it."""

    iri: str
    outgoing: list[tuple[Term, Term]] = field(default_factory=list)
    outgoing_total: int | None = None  # how many it has, when ``outgoing`` holds only the first MAX_OUTGOING
    incoming: list[tuple[Term, Term]] = field(default_factory=list)
    incoming_truncated: bool = False
    used_as_property: bool = False  # asked only when nothing links to or from it
    labels: dict[str, list[tuple[int, Term]]] = field(default_factory=dict)
    described: set[str] = field(default_factory=set)
    passages: list[Passage] = field(default_factory=list)
    view: str = "generic"
    details: dict = field(default_factory=dict)
    blank: blank_nodes.Closure = field(default_factory=blank_nodes.Closure)  # what its blank-node values hold
    # when ``outgoing`` is cut: values past it that decide which formats can write the whole description
    # (api/queries/resource_value_witnesses.rq), judged with it but never shown
    witnesses: list[tuple[Term, Term]] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming or self.used_as_property)

    @property
    def types(self) -> list[str]:
        return [o.value for p, o in self.outgoing if p.value == RDF_TYPE and o.is_iri]

    def values(self, predicate: str) -> list[Term]:
        """The objects of one outgoing property (a full IRI or a ``prefix:name``)."""
        full = expand(predicate)
        return [o for p, o in self.outgoing if p.value == full]

    @property
    def outgoing_truncated(self) -> bool:
        return self.outgoing_total is not None

    @property
    def complete(self) -> bool:
        """Whether it holds every triple of the resource's RDF description (none of its lists was cut)."""
        return not (self.outgoing_truncated or self.incoming_truncated or self.blank.truncated)

    def triples(self) -> list[tuple[Term, Term, Term]]:
        me = Term("uri", self.iri)
        return ([(me, p, o) for p, o in self.outgoing] + self.blank.triples()
                + [(s, p, me) for s, p in self.incoming])

    def judged_triples(self) -> list[tuple[Term, Term, Term]]:
        """The triples the formats that can write its RDF are judged on: :meth:`triples` and, when its values are
        cut, the :attr:`witnesses` of those past the cut (a query worker writes them all)."""
        me = Term("uri", self.iri)
        return self.triples() + [(me, p, o) for p, o in self.witnesses]


VIEWS = [  # the first type a resource has in this list picks its view
    ("unkg:Meeting", "meeting"),
    ("unkg:AgendaItem", "agenda-item"),
    ("unkg:Provision", "provision"),
    ("unkg:Article", "provision"),
    ("unkg:Paragraph", "provision"),
    ("unkg:Subparagraph", "provision"),
    ("unkg:Item", "provision"),
    ("unkg:Subitem", "provision"),
    ("unkg:Decision", "decision"),
    ("unkg:TimeSlot", "slot"),
    ("unkg:LegalInstrument", "document"),
    ("unkg:Document", "document"),
]


def pick_view(types: Iterable[str]) -> str:
    present = set(types)
    for name, view in VIEWS:
        if expand(name) in present:
            return view
    return "generic"


def describe(iri: str, run_select: RunSelect, *, for_people: bool = True) -> Description:
    """Everything the pages show about ``iri``: its links both ways (at most :data:`MAX_OUTGOING` values of its own
    and :data:`MAX_INCOMING` links to it), what the blank nodes it links to hold, labels of what it links to, the
    source passages behind it, and the details of its type's view. ``for_people=False``: the links and blank nodes
    only (its triples), which is all an RDF response checks before a query worker writes it."""
    me = Term("uri", iri)
    description = Description(iri)
    found = rows(run_select, query_files.fill("resource_outgoing_first", resource=me, limit=MAX_OUTGOING + 1))
    outgoing = [(r["p"], r["o"]) for r in found]
    if len(outgoing) > MAX_OUTGOING:  # cut short: its types first (they pick the view), then the room left
        types = rows(run_select, query_files.fill("resource_types", resource=me, limit=MAX_OUTGOING))
        outgoing = [(Term("uri", RDF_TYPE), r["o"]) for r in types] + [
            (p, o) for p, o in outgoing if p.value != RDF_TYPE]  # as many others as room is left, at least
    description.outgoing = outgoing[:MAX_OUTGOING]
    if len(found) > MAX_OUTGOING:
        counted = rows(run_select, query_files.fill("resource_outgoing_count", resource=me))
        description.outgoing_total = int(counted[0]["n"].value)
        witnesses = rows(run_select, query_files.fill("resource_value_witnesses", resource=me))
        description.witnesses = [(r["p"], r["o"]) for r in witnesses]
    incoming = rows(run_select, query_files.fill("resource_incoming", resource=me, limit=MAX_INCOMING + 1))
    description.incoming_truncated = len(incoming) > MAX_INCOMING
    # by property, then subject (blank nodes first, as SPARQL orders them): the query takes them in the store's order
    description.incoming = sorted(((r["s"], r["p"]) for r in incoming[:MAX_INCOMING]),
                                  key=lambda sp: (sp[1].value, sp[0].kind != "bnode", sp[0].value))
    if not description.outgoing and not description.incoming:  # rdf:type, or a user's own property
        description.used_as_property = bool(rows(run_select, query_files.fill("resource_as_predicate", resource=me)))
    description.blank = blank_nodes.fetch(iri, run_select, [o for p, o in description.outgoing + description.witnesses])
    if not description.exists or not for_people:
        return description
    description.passages = passages(iri, run_select)
    description.view = pick_view(description.types)
    description.details = views.details(description, run_select)
    add_labels(description, run_select, mentioned(description))
    return description


def mentioned(description: Description) -> set[str]:
    """Every IRI the page will show: itself, predicates, objects (its blank nodes' too), subjects, and those in the
    view's details."""
    found = {description.iri}
    for p, o in description.outgoing + [pair for pairs in description.blank.held.values() for pair in pairs]:
        found.add(p.value)
        found.update(o.iris())  # an IRI, or those inside a triple term
    for s, p in description.incoming:
        found.add(p.value)
        if s.is_iri:
            found.add(s.value)
    found.update(_iris_in(description.details))
    return found


def _iris_in(value) -> Iterable[str]:
    if isinstance(value, Term):
        if value.is_iri:
            yield value.value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _iris_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _iris_in(v)


def add_labels(description: Description, run_select: RunSelect, iris: Iterable[str]) -> None:
    """Fetch the labels of ``iris`` (in every language) and which of them the store describes."""
    wanted = sorted(i for i in iris if i not in description.labels)
    ranks = {p: n for n, p in enumerate(LABEL_PROPERTIES)}
    properties = [Term("uri", p) for p in LABEL_PROPERTIES]
    for start in range(0, min(len(wanted), MAX_LABELLED * 4), MAX_LABELLED):
        chunk = [Term("uri", i) for i in wanted[start:start + MAX_LABELLED]]
        query = query_files.fill("labels", resources=chunk, properties=properties)
        for r in rows(run_select, query):
            description.labels.setdefault(r["x"].value, []).append((ranks[r["p"].value], r["l"]))
        query = query_files.fill("described", resources=chunk)
        description.described.update(r["x"].value for r in rows(run_select, query))
    for labels in description.labels.values():
        labels.sort(key=lambda rank_label: (rank_label[0], rank_label[1].lang or "", rank_label[1].value))


def passages(iri: str, run_select: RunSelect) -> list[Passage]:
    """The source passages ``iri`` was derived from, in file and line order."""
    query = query_files.fill("passages", resource=Term("uri", iri))
    found: dict[tuple, Passage] = {}
    for r in rows(run_select, query):  # one row for each language its expression's title has
        passage = Passage(r["passage"].value, views.line_number(r["line"].value), r["verbatim"].value,
                          r.get("file") and r["file"].value, (r.get("language") and r["language"].value) or None)
        key = (passage.iri, passage.line, passage.verbatim, passage.file)
        if key not in found or (found[key].language or "~") > (passage.language or "~"):  # the same one each time
            found[key] = passage
    return sorted(found.values(), key=lambda p: (p.file or "", isinstance(p.line, str), str(p.line).zfill(12), p.iri))


def graph_triples(graph_iri: str, run_select: RunSelect) -> list[tuple[Term, Term, Term]]:
    """Every triple of one named graph."""
    query = query_files.fill("graph_triples", graph=Term("uri", graph_iri))
    return [(r["s"], r["p"], r["o"]) for r in rows(run_select, query)]


def ontology_graph(run_select: RunSelect) -> str | None:
    """The named graph that holds the ontology (the one that declares ``<ontology> a owl:Ontology``)."""
    query = query_files.fill("ontology_graph", ontology=Term("uri", ONTOLOGY_IRI))
    found = rows(run_select, query)
    return found[0]["g"].value if found else None
