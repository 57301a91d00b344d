"""A parsed treaty (``loader.sources.treaty``) to RDF: the instrument, its English expression, its provisions.

Every provision gets its level's class and ``unkg:Provision``, its number as printed, its own text (@en), its
order within its parent, ``eli:is_part_of`` its parent (and the inverse), ``unkg:instrument``, its citation code
as ``skos:notation`` (``27(1)(a)``, built from its number path: no language's words), an article its printed heading
``Article 27`` as its label (the text names nothing below an article), and ``prov:wasDerivedFrom`` the line(s) it was
read from.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from loader import iris
from loader.build import relative_file
from loader.errors import SourceError
from loader.manifest import SourceEntry
from loader.namespaces import ELI, UNKG
from loader.sources.treaty import Provision, Treaty
from loader.to_rdf.common import derived_from, new_graph

LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"
CLASSES = {
    "article": UNKG.Article,
    "paragraph": UNKG.Paragraph,
    "subparagraph": UNKG.Subparagraph,
    "item": UNKG.Item,
    "subitem": UNKG.Subitem,
}
# The ISO 639-1 tag of an expression's literals, by the manifest's ISO 639-2 language code.
LANGUAGE_TAGS = {"eng": "en", "fra": "fr", "spa": "es", "rus": "ru", "ara": "ar", "zho": "zh"}


def notation(path: tuple[str, ...]) -> str:
    """A provision's citation code, from its number path: ``("27", "1", "a")`` -> ``27(1)(a)``.

    >>> notation(("5", "1", "a", "ii", "a")), notation(("2", "j")), notation(("41",))
    ('5(1)(a)(ii)(a)', '2(j)', '41')
    """
    return path[0] + "".join(f"({number})" for number in path[1:])


def provision_iri(base: str, key: str, provision: Provision) -> URIRef:
    """``…/art/27/para/1/subpara/a``; an article's direct subparagraphs are ``…/art/2/subpara/a``."""
    return URIRef(iris.provision(base, key, **dict(zip(provision.levels, provision.path, strict=True))))


def to_graph(records: Treaty, entry: SourceEntry, base: str) -> Graph:
    """The graph of one treaty text; ``entry`` names the instrument key (``instrument = "UNTOC"``)."""
    key = entry.get("instrument")
    if not key:
        raise SourceError("the manifest entry of a treaty needs `instrument` (a short key such as UNTOC)",
                          path=str(entry.path))
    tag = LANGUAGE_TAGS.get(entry.language)
    if tag is None:
        raise SourceError(f"unknown language {entry.language!r} for a treaty text", path=str(entry.path))
    graph = new_graph()
    instrument = URIRef(iris.instrument(base, key))
    expression = URIRef(f"{instrument}/{entry.language}")
    title = Literal(records.title, lang=tag)

    graph.add((instrument, RDF.type, UNKG.LegalInstrument))
    graph.add((instrument, RDF.type, UNKG.Document))
    for predicate in (DCTERMS.title, RDFS.label, SKOS.prefLabel):
        graph.add((instrument, predicate, title))
    if entry.get("kind"):  # a fact the manifest states, with its evidence, as for an agenda's kind
        graph.add((instrument, UNKG.documentKind, UNKG[entry.get("kind")]))
        graph.add((instrument, UNKG.evidence, Literal(entry.get("evidence"))))
    graph.add((instrument, ELI.is_realized_by, expression))
    derived_from(graph, instrument, str(expression), records.title_passage.line, records.title_passage.verbatim)
    if records.closing:
        closing = "\n".join(" ".join(passage.verbatim.split()) for passage in records.closing)
        graph.add((instrument, UNKG.closingFormula, Literal(closing, lang=tag)))
        for passage in records.closing:
            derived_from(graph, instrument, str(expression), passage.line, passage.verbatim)

    graph.add((expression, RDF.type, UNKG.DocumentExpression))
    graph.add((expression, ELI.realizes, instrument))
    graph.add((expression, ELI.language, URIRef(LANGUAGE_AUTHORITY + entry.language.upper())))
    graph.add((expression, DCTERMS.title, title))
    graph.add((expression, UNKG.sourceFile, Literal(relative_file(entry))))
    derived_from(graph, expression, str(expression), records.title_passage.line, records.title_passage.verbatim)
    graph.add((URIRef(iris.graph(base, entry.id)), PROV.wasDerivedFrom, expression))

    for order, article in enumerate(records.articles, start=1):
        _add_provision(graph, article, instrument, order, base, key, str(expression), tag)
    return graph


def _add_provision(graph: Graph, provision: Provision, parent: URIRef, order: int, base: str, key: str,
                   expression: str, tag: str) -> None:
    node = provision_iri(base, key, provision)
    graph.add((node, RDF.type, UNKG.Provision))
    graph.add((node, RDF.type, CLASSES[provision.level]))
    graph.add((node, UNKG.number, Literal(provision.number)))
    graph.add((node, ELI.number, Literal(provision.number)))
    graph.add((node, UNKG.order, Literal(Decimal(order), datatype=XSD.decimal)))
    graph.add((node, UNKG.instrument, URIRef(iris.instrument(base, key))))
    graph.add((node, ELI.is_part_of, parent))
    graph.add((parent, ELI.has_part, node))
    graph.add((node, SKOS.notation, Literal(notation(provision.path))))
    if provision.level == "article":  # "Article 27", as the text prints it over the article
        name = Literal(f"Article {provision.number}", lang=tag)
        graph.add((node, RDFS.label, name))
        graph.add((node, SKOS.prefLabel, name))
    if provision.heading:
        graph.add((node, UNKG.heading, Literal(provision.heading, lang=tag)))
    if provision.text:
        graph.add((node, UNKG.text, Literal(provision.text, lang=tag)))
    for passage in provision.passages:
        derived_from(graph, node, expression, passage.line, passage.verbatim)
    for position, part in enumerate(provision.parts, start=1):
        _add_provision(graph, part, node, position, base, key, expression, tag)
