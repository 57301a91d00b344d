"""Helpers every genre's converter shares: a graph with the prefixes bound, and provenance passages."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from loader import iris
from loader.namespaces import UNKG, bind_all


def new_graph() -> Graph:
    graph = Graph()
    bind_all(graph)
    return graph


def passage(graph: Graph, expression_iri: str, line: int, verbatim: str) -> URIRef:
    """Add (once) the source passage at ``line`` of an expression, with its verbatim text; return its IRI."""
    node = URIRef(iris.passage(expression_iri, line))
    if (node, RDF.type, UNKG.SourcePassage) not in graph:
        graph.add((node, RDF.type, UNKG.SourcePassage))
        graph.add((node, DCTERMS.isPartOf, URIRef(expression_iri)))
        graph.add((node, UNKG.line, Literal(line, datatype=XSD.integer)))
        graph.add((node, UNKG.verbatim, Literal(verbatim)))
    return node


def derived_from(graph: Graph, subject: URIRef, expression_iri: str, line: int, verbatim: str) -> None:
    """Say that ``subject`` was derived from the passage at ``line`` (adding the passage if needed)."""
    graph.add((subject, PROV.wasDerivedFrom, passage(graph, expression_iri, line, verbatim)))
